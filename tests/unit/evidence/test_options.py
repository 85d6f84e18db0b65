"""Options described in the PDQ for an assessed patient (settings, flags, missing inputs).

Assessments are built by hand from the documented rule ids and result values
(assessment-interchange.md), since the rules themselves are written elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest

from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.evidence import EVIDENCE_VERSION, PDQ_DATE
from myeloma_desk.evidence.options import OptionsReport, options_for
from myeloma_desk.evidence.schema import Setting


def _r(rule: str, result: Any, **detail: Any) -> RuleResult:
    return RuleResult(rule=rule, title=rule, status="determined", result=result, detail=detail)


def _unknown(rule: str) -> RuleResult:
    return RuleResult(rule=rule, title=rule, status="cannot_determine", missing=["x"])


def _assess(*results: RuleResult) -> Assessment:
    return Assessment(
        engine_version="test", evidence_version=EVIDENCE_VERSION, results=list(results)
    )


def _run(snapshot: dict[str, Any], *results: RuleResult) -> OptionsReport:
    return options_for(_assess(*results), parse_snapshot(snapshot))


def _option(report: OptionsReport, regimen_id: str) -> Any:
    return next(o for o in report.options if o.id == regimen_id)


def _codes(flags: list[Any]) -> list[str]:
    return [f.code for f in flags]


def test_newly_diagnosed_fit_lists_quadruplets_with_trials_and_levels() -> None:
    rep = _run({}, _r("diagnosis", "active_multiple_myeloma"), _r("frailty_imwg", "fit"))
    assert rep.settings[0] is Setting.NEWLY_DIAGNOSED_FIT
    assert Setting.CONSOLIDATION_TRANSPLANT in rep.settings
    ids = {o.id for o in rep.options}
    assert {"d-vrd", "i-vrd", "vrd", "cybord", "d-cvrd"} <= ids
    dvrd = _option(rep, "d-vrd")
    griffin = next(s for s in dvrd.studies if s.trial == "nct02874742")
    assert griffin.name == "GRIFFIN" and "B3" in griffin.levels
    assert rep.evidence_version == EVIDENCE_VERSION and rep.pdq_date == PDQ_DATE
    assert rep.heading == "Options described in the PDQ"


def test_less_fit_gets_less_fit_setting() -> None:
    rep = _run({}, _r("diagnosis", "active_multiple_myeloma"), _r("frailty_imwg", "frail"))
    assert rep.settings[0] is Setting.NEWLY_DIAGNOSED_LESS_FIT
    assert Setting.NEWLY_DIAGNOSED_FIT not in rep.settings
    assert {"vd", "rd", "vmp"} <= {o.id for o in rep.options}


def test_unknown_fitness_lists_both_and_says_so() -> None:
    rep = _run({}, _r("diagnosis", "active_multiple_myeloma"), _unknown("frailty_imwg"))
    assert Setting.NEWLY_DIAGNOSED_FIT in rep.settings
    assert Setting.NEWLY_DIAGNOSED_LESS_FIT in rep.settings
    assert any("fitness" in u.lower() for u in rep.unknown)


@pytest.mark.parametrize("diag", [None, "cannot"])
def test_no_diagnosis_no_options(diag: str | None) -> None:
    results = [] if diag is None else [_unknown("diagnosis")]
    rep = _run({}, *results)
    assert rep.settings == [] and rep.options == []
    assert any("diagnosis" in u.lower() for u in rep.unknown)


@pytest.mark.parametrize(
    ("diagnosis", "setting"),
    [
        ("non_igm_mgus", Setting.MGUS),
        ("smoldering_multiple_myeloma", Setting.SMOLDERING),
        ("al_amyloidosis", Setting.AL_AMYLOIDOSIS),
        ("solitary_plasmacytoma", Setting.PLASMACYTOMA_BONE),
        ("extramedullary_plasmacytoma", Setting.EXTRAMEDULLARY),
    ],
)
def test_other_diagnoses_map_to_their_pdq_section(diagnosis: str, setting: Setting) -> None:
    rep = _run({}, _r("diagnosis", diagnosis))
    assert rep.settings == [setting]


def test_amyloidosis_lists_its_studies() -> None:
    rep = _run({}, _r("diagnosis", "al_amyloidosis"))
    assert "nct03201965" in {s.trial for s in rep.studies}
    assert "cybord" in {o.id for o in rep.options}


# --- renal flags (PDQ lenalidomide bands: 30–50 → 10 mg every day; <30 → 15 mg every other day)


def _len_flags(crcl: float | None, dialysis: bool | None = None) -> list[Any]:
    snap: dict[str, Any] = {}
    results = [_r("diagnosis", "active_multiple_myeloma"), _r("frailty_imwg", "fit")]
    if crcl is not None:
        results.append(_r("crcl_cockcroft_gault", crcl))
    if dialysis is not None:
        snap["dialysis"] = dialysis
    rep = _run(snap, *results)
    return [f for f in _option(rep, "vrd").flags if f.code.startswith("renal")]


@pytest.mark.parametrize(
    ("crcl", "expected"),
    [
        (29.9, "15 mg every other day"),
        (30.0, "10 mg every day"),
        (40.0, "10 mg every day"),
        (50.0, "10 mg every day"),
    ],
)
def test_lenalidomide_renal_bands(crcl: float, expected: str) -> None:
    flags = _len_flags(crcl)
    assert len(flags) == 1 and flags[0].code == "renal_dose"
    assert expected in flags[0].message


def test_above_band_no_renal_flag() -> None:
    assert _len_flags(50.1) == []
    assert _len_flags(90.0) == []


def test_dialysis_flag() -> None:
    flags = _len_flags(None, dialysis=True)
    assert "day after dialysis" in flags[0].message


def test_missing_renal_function_is_unknown_not_normal() -> None:
    flags = _len_flags(None)
    assert _codes(flags) == ["renal_unknown"]


def test_entered_creatinine_clearance_is_used_when_no_rule_result() -> None:
    rep = _run(
        {"creatinine_clearance": {"value": 25, "unit": "mL/min"}},
        _r("diagnosis", "active_multiple_myeloma"),
        _r("frailty_imwg", "fit"),
    )
    assert "15 mg every other day" in _option(rep, "vrd").flags[0].message
    cybord = _option(rep, "cybord")
    assert _codes(cybord.flags) == ["renal_preferred"]


def test_cybord_threshold_is_strictly_below_45() -> None:
    def cyb(crcl: float) -> list[str]:
        rep = _run(
            {},
            _r("diagnosis", "active_multiple_myeloma"),
            _r("frailty_imwg", "fit"),
            _r("crcl_cockcroft_gault", crcl),
        )
        return _codes(_option(rep, "cybord").flags)

    assert cyb(44.9) == ["renal_preferred"]
    assert cyb(45.0) == []


# --- relapsed: refractory components, t(11;14), CAR-T


RELAPSED = {
    "fish": ["t(11;14)"],
    "therapy_lines": [
        {
            "regimen": "VRd",
            "drugs": ["bortezomib", "lenalidomide", "dexamethasone"],
            "refractory": True,
        },
    ],
}


def test_relapsed_setting_and_refractory_component() -> None:
    rep = _run(
        RELAPSED, _r("diagnosis", "active_multiple_myeloma"), _r("crcl_cockcroft_gault", 80.0)
    )
    assert rep.settings == [Setting.RELAPSED_REFRACTORY]
    rd = _option(rep, "rd")
    assert "refractory_component" in _codes(rd.flags)
    assert any("lenalidomide" in f.message for f in rd.flags)
    pd = _option(rep, "pd")
    assert "refractory_component" not in _codes(pd.flags)
    assert "t11_14" in _codes(rep.flags)
    cart = [f for f in rep.flags if f.code == "car_t_criteria"]
    assert len(cart) == 2
    assert (
        "1 prior line(s)" in cart[0].message and "lenalidomide-refractory: yes" in cart[0].message
    )


def test_relapsed_without_fish_says_t11_14_unknown() -> None:
    snap = {"therapy_lines": RELAPSED["therapy_lines"]}
    rep = _run(snap, _r("diagnosis", "active_multiple_myeloma"))
    assert "t11_14" not in _codes(rep.flags)
    assert any(f.code == "unknown_input" and "t(11;14)" in f.message for f in rep.flags)


def test_car_t_rule_results_are_shown_when_present() -> None:
    rep = _run(
        RELAPSED, _r("diagnosis", "active_multiple_myeloma"), _r("cilta_cel_eligibility", "meets")
    )
    msg = next(f.message for f in rep.flags if "cilta-cel" in f.message)
    assert "the PDQ's label statement: met" in msg
    msg = next(f.message for f in rep.flags if "ide-cel" in f.message)
    assert "the PDQ's label statement not assessed" in msg


def test_high_risk_cytogenetics_flag() -> None:
    rep = _run(
        {},
        _r("diagnosis", "active_multiple_myeloma"),
        _r("frailty_imwg", "fit"),
        _r("cytogenetic_risk_pdq", "ultra_high"),
    )
    assert "high_risk" in _codes(rep.flags)
    rep = _run(
        {},
        _r("diagnosis", "active_multiple_myeloma"),
        _r("frailty_imwg", "fit"),
        _r("cytogenetic_risk_pdq", "good"),
    )
    assert "high_risk" not in _codes(rep.flags)


def test_wording_is_never_a_recommendation() -> None:
    rep = _run(RELAPSED, _r("diagnosis", "active_multiple_myeloma"))
    texts = [f.message for f in rep.flags] + [f.message for o in rep.options for f in o.flags]
    assert texts
    for text in texts:
        assert "recommend" not in text.lower()
    assert "not recommendations" in rep.disclaimer


def test_lenalidomide_rule_result_is_used_when_present() -> None:
    rep = _run(
        {},
        _r("diagnosis", "active_multiple_myeloma"),
        _r("frailty_imwg", "fit"),
        _r("lenalidomide_renal_dose", "15_mg_after_dialysis"),
    )
    flags = _option(rep, "vrd").flags
    assert flags[0].code == "renal_dose" and "15 mg on day after dialysis" in flags[0].message


def test_setting_can_be_chosen_and_drug_synonyms_resolve() -> None:
    snap = {"therapy_lines": [{"regimen": "Rd", "drugs": ["Revlimid", "dex"], "refractory": True}]}
    rep = options_for(_assess(), parse_snapshot(snap), setting=Setting.RELAPSED_REFRACTORY)
    assert rep.settings == [Setting.RELAPSED_REFRACTORY]
    assert rep.setting_basis == ["Setting chosen by the user: Relapsed or refractory"]
    assert "refractory_component" in _codes(_option(rep, "drd").flags)


# --- lenalidomide renal doses come from the evidence data (dose statement lenalidomide-renal)


def test_lenalidomide_doses_are_read_from_the_evidence_data() -> None:
    from myeloma_desk.evidence.loader import load
    from myeloma_desk.evidence.options import lenalidomide_doses

    ev = load()
    doses = lenalidomide_doses(ev)
    stated = ev.doses["lenalidomide-renal"].quote.text
    assert set(doses) == {"10_mg_daily", "15_mg_every_other_day", "15_mg_after_dialysis"}
    for phrase in doses.values():
        assert phrase in stated  # the PDQ's own words, not retyped


def test_renal_dose_message_follows_the_evidence_record(monkeypatch: pytest.MonkeyPatch) -> None:
    from myeloma_desk.evidence.loader import load

    ev = load()
    record = ev.doses["lenalidomide-renal"]
    changed = record.model_copy(update={"values": ["30–50: 7 mg as a test", *record.values[1:]]})
    monkeypatch.setitem(ev.doses, "lenalidomide-renal", changed)
    rep = options_for(
        _assess(
            _r("diagnosis", "active_multiple_myeloma"),
            _r("frailty_imwg", "fit"),
            _r("crcl_cockcroft_gault", 40.0),
        ),
        parse_snapshot({}),
        evidence=ev,
    )
    message = _option(rep, "vrd").flags[0].message
    assert "7 mg as a test" in message and "10 mg every day" not in message
    assert "Cockcroft–Gault" in message and "_" not in message


def test_option_messages_have_no_internal_ids() -> None:
    rep = _run(
        RELAPSED,
        _r("diagnosis", "active_multiple_myeloma"),
        _r("lenalidomide_renal_dose", "10_mg_daily"),
        _unknown("cytogenetic_risk_pdq"),
    )
    texts = [*rep.unknown, *rep.setting_basis]
    texts += [f.message for o in rep.options for f in o.flags if f.code == "renal_dose"]
    assert texts
    for text in texts:
        assert "_" not in text, text


# --- settings whose options are not regimens: the PDQ's approaches, quoted verbatim


@pytest.mark.parametrize(
    ("diagnosis", "label"),
    [
        ("non_igm_mgus", "Watchful waiting"),
        ("smoldering_multiple_myeloma", "Watchful waiting"),
        ("solitary_plasmacytoma", "Radiation therapy to the lesion"),
        ("extramedullary_plasmacytoma", "Radiation therapy to the isolated lesion"),
        ("poems_syndrome", "Myeloma-directed therapy"),
    ],
)
def test_non_regimen_settings_list_the_pdq_approaches(diagnosis: str, label: str) -> None:
    rep = _run({}, _r("diagnosis", diagnosis))
    assert not rep.is_empty()
    assert label in [a.label for a in rep.approaches]


def test_myeloma_settings_have_no_non_regimen_approaches() -> None:
    rep = _run({}, _r("diagnosis", "active_multiple_myeloma"), _r("frailty_imwg", "fit"))
    assert rep.approaches == [] and rep.options


def test_every_approach_quote_is_verbatim_pdq_text() -> None:
    from myeloma_desk.evidence.loader import load
    from myeloma_desk.evidence.options import APPROACHES
    from myeloma_desk.reference.pdq import TOP_SECTIONS, contains

    ev = load()
    for approaches in APPROACHES.values():
        for approach in approaches:
            assert contains(approach.quote), approach.quote
            assert approach.eligibility is None or contains(approach.eligibility)
            assert approach.section in TOP_SECTIONS
            if approach.finding is not None:
                assert approach.finding in ev.findings


def test_relapsed_basis_names_the_refractoriness() -> None:
    rep = _run(
        RELAPSED,
        _r("diagnosis", "active_multiple_myeloma"),
        _r("refractoriness", "double_class"),
    )
    assert rep.settings == [Setting.RELAPSED_REFRACTORY]
    assert "double-class refractory" in rep.setting_basis


# --- issue 15: the regimens the PDQ describes are listed for their settings

DESCRIBED = {
    Setting.RELAPSED_REFRACTORY: {
        "krd",
        "dkd",
        "isa-kd",
        "isa-pd",
        "ird",
        "erd",
        "ven-vd",
        "belantamab-vd",
        "teclistamab",
        "talquetamab",
        "elranatamab",
        "ide-cel",
        "cilta-cel",
        "pld-v",
        "sd",
    },
    Setting.NEWLY_DIAGNOSED_LESS_FIT: {"d-vmp", "isa-rd", "vmpt-vt", "kmp", "mp"},
    Setting.NEWLY_DIAGNOSED_FIT: {"vtd"},
    Setting.MAINTENANCE: {
        "lenalidomide-maintenance",
        "ixazomib-maintenance",
        "daratumumab-maintenance",
        "krd",
        "vr-maintenance",
    },
    Setting.AL_AMYLOIDOSIS: {"dara-cybord", "mdex"},
}


@pytest.mark.parametrize("setting", list(DESCRIBED))
def test_options_list_the_regimens_the_pdq_describes_for_the_setting(setting: Setting) -> None:
    rep = options_for(_assess(), parse_snapshot({}), setting=setting)
    listed = {o.id for o in rep.options}
    assert DESCRIBED[setting] <= listed, DESCRIBED[setting] - listed
    from myeloma_desk.evidence.loader import load

    ev = load()
    # every regimen whose record names the setting is listed, none of these is parked
    assert {r.id for r in ev.db.regimens if setting in r.settings} <= listed
    assert all(setting in ev.regimens[rid].settings for rid in DESCRIBED[setting])
    assert not [r.id for r in ev.db.regimens if r.described_settings]  # nothing parked


def test_options_cite_a_trial_under_the_arm_that_won_only() -> None:
    rep = options_for(_assess(), parse_snapshot({}), setting=Setting.NEWLY_DIAGNOSED_LESS_FIT)
    studies = {o.id: {s.trial for s in o.studies} for o in rep.options}
    assert "myeloma-ref72" in studies["d-vmp"]  # ALCYONE: D-VMP won
    assert "myeloma-ref72" not in studies.get("vmp", set())  # VMP was its comparator


def test_plasma_cell_leukemia_statement_is_verbatim() -> None:
    from myeloma_desk.evidence.options import PCL_PROGNOSIS
    from myeloma_desk.reference.pdq import contains

    assert contains(PCL_PROGNOSIS)
    rep = _run({}, _r("diagnosis", "plasma_cell_leukemia"), _r("frailty_imwg", "fit"))
    assert any(PCL_PROGNOSIS in f.message for f in rep.flags)
    rep = _run({}, _r("diagnosis", "active_multiple_myeloma"), _r("frailty_imwg", "fit"))
    assert not any(PCL_PROGNOSIS in f.message for f in rep.flags)


def test_smoldering_risk_from_the_pdqs_four_factors() -> None:
    from myeloma_desk.evidence.options import SMOLDERING_HIGH_RISK
    from myeloma_desk.reference.pdq import contains

    assert contains(SMOLDERING_HIGH_RISK)
    smoldering = _r("diagnosis", "smoldering_multiple_myeloma")
    high = _run({}, smoldering, _r("smm_risk_pdq_four_factor", "high"))
    assert high.settings == [Setting.SMOLDERING]
    assert "Smoldering myeloma risk, the PDQ's four factors: high (three or four factors)" in (
        high.setting_basis
    )
    assert any(SMOLDERING_HIGH_RISK in f.message for f in high.flags)
    labels = [a.label for a in high.approaches]
    assert labels[0] == "Watchful waiting" and any("Induction therapy" in a for a in labels)
    # two factors: said in the basis, no high-risk flag
    two = _run({}, smoldering, _r("smm_risk_pdq_four_factor", "intermediate"))
    assert "Smoldering myeloma risk, the PDQ's four factors: intermediate (two factors)" in (
        two.setting_basis
    )
    assert not any(SMOLDERING_HIGH_RISK in f.message for f in two.flags)
    # not determinable: what it needs and which groups remain possible, never "low"
    missing = RuleResult(
        rule="smm_risk_pdq_four_factor",
        title="t",
        status="cannot_determine",
        missing=["bone_marrow_plasma_cells_percent"],
        detail={"possible": ["intermediate", "high"]},
    )
    unknown = _run({}, smoldering, missing)
    text = " ".join(unknown.unknown)
    assert "not determined — needs" in text and "_" not in text
    assert "it could be intermediate (two factors) or high (three or four factors)" in text
    assert not any(SMOLDERING_HIGH_RISK in f.message for f in unknown.flags)
