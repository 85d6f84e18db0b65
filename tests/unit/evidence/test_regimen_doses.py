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
