"""Dose statements belong to the regimen they concern, not to every regimen sharing a drug
(issue 15: "notes per regimen, not inherited per drug"). A clinician found the BPd page
carrying the CyBorD renal note and an amyloidosis dosing note through dexamethasone."""

from __future__ import annotations

from myeloma_desk.evidence.loader import load


def test_a_dose_statement_is_shown_only_where_all_its_drugs_are_components() -> None:
    ev = load()
    for regimen in ev.db.regimens:
        for dose in ev.doses_for(regimen):
            assert set(dose.drugs) <= set(regimen.components), (regimen.id, dose.id)
            if dose.quote.section == "amyloidosis":
                settings = {*regimen.settings, *regimen.described_settings}
                assert "al_amyloidosis" in settings, (regimen.id, dose.id)


def test_bpd_does_not_inherit_cybord_or_amyloidosis_notes_but_vrd_keeps_lenalidomide() -> None:
    ev = load()
    bpd = {d.id for d in ev.doses_for(ev.get("BPd"))}
    assert "cybord-renal" not in bpd
    assert not any(ev.doses[d].quote.section == "amyloidosis" for d in bpd)
    assert "cybord-renal" in {d.id for d in ev.doses_for(ev.get("CyBorD"))}
    assert "lenalidomide-renal" in {d.id for d in ev.doses_for(ev.get("VRd"))}


def test_a_statement_about_one_regimen_stays_with_it() -> None:
    """CyBorD's renal preference ("This regimen is preferred …") is not Dara-CyBorD's; VRd's
    cycles around transplant are not D-VRd's; Dara-R maintenance's duration is not DRd's."""
    ev = load()
    shown = {r.id: {d.id for d in ev.doses_for(r)} for r in ev.db.regimens}
    assert "cybord-renal" in shown["cybord"] and "cybord-renal" not in shown["dara-cybord"]
    assert "vrd-transplant-cycles" in shown["vrd"]
    assert "vrd-transplant-cycles" not in shown["d-vrd"] | shown["i-vrd"]
    assert "dara-r-maintenance-duration" in shown["dara-r"]
    assert "dara-r-maintenance-duration" not in shown["drd"] | shown["d-vrd"]
    for dose in ev.db.doses:
        for regimen_id in dose.regimens:
            assert dose.id in shown[regimen_id], (dose.id, regimen_id)
        if dose.regimens:
            assert {r for r, ids in shown.items() if dose.id in ids} == set(dose.regimens)


def test_an_unknown_regimen_of_a_dose_statement_fails_validation() -> None:
    import pytest

    from myeloma_desk.evidence.loader import raw_data, validate

    data = raw_data()
    data["doses"][0] = {**data["doses"][0], "regimens": ["no-such-regimen"]}
    with pytest.raises(ValueError, match="names unknown regimen no-such-regimen"):
        validate(data)
