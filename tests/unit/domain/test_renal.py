"""Kidney function and dosing: CKD-EPI 2021 and Cockcroft–Gault against worked numbers, the PDQ's
lenalidomide bands at 29/30/50/51 and dialysis, CyBorD at 45, bone-agent note, unit invariance."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.renal import (
    PDQ_LENALIDOMIDE,
    bone_agent_renal_pdq,
    crcl_cockcroft_gault,
    cybord_renal_pdq,
    egfr_ckd_epi_2021,
    lenalidomide_renal_dose,
)
from myeloma_desk.domain.snapshot import parse_snapshot


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def snap(**data: Any):
    return parse_snapshot(data)


# Worked numbers, computed here by hand from the published equation (Inker 2021):
# eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age × 1.012 [female]
# Male, 50 years, Scr 1.0 mg/dL: Scr/κ = 1/0.9 > 1, so the min term is 1:
#   142 × (1.0/0.9)^−1.2 × 0.9938^50 = 142 × 0.881 × 0.733 ≈ 91.7
MALE_50_SCR_1 = 142 * (1.0 / 0.9) ** -1.2 * 0.9938**50
# Female, 70 years, Scr 0.6 mg/dL: Scr/κ = 0.6/0.7 < 1, so the max term is 1:
#   142 × (0.6/0.7)^−0.241 × 0.9938^70 × 1.012 = 142 × 1.038 × 0.647 × 1.012 ≈ 96.5
FEMALE_70_SCR_06 = 142 * (0.6 / 0.7) ** -0.241 * 0.9938**70 * 1.012


def test_worked_numbers_are_what_the_comment_says() -> None:
    assert round(MALE_50_SCR_1, 1) == 91.7
    assert round(FEMALE_70_SCR_06, 1) == 96.5


@pytest.mark.parametrize(
    ("sex", "age", "scr", "expected"),
    [("male", 50, 1.0, MALE_50_SCR_1), ("female", 70, 0.6, FEMALE_70_SCR_06)],
)
def test_ckd_epi_2021(sex: str, age: int, scr: float, expected: float) -> None:
    result = egfr_ckd_epi_2021(snap(sex=sex, age_years=age, creatinine=q(scr, "mg/dL")))
    assert result.status == "determined"
    assert result.result == round(expected, 1)
    assert result.detail["unit"] == "mL/min/1.73m2"


def test_ckd_epi_in_umol_per_l() -> None:
    # 88.42 µmol/L is exactly 1 mg/dL
    result = egfr_ckd_epi_2021(snap(sex="male", age_years=50, creatinine=q(88.42, "µmol/L")))
    assert result.result == round(MALE_50_SCR_1, 1)


def test_ckd_epi_missing_and_child() -> None:
    result = egfr_ckd_epi_2021(snap(age_years=50, creatinine=q(1.0, "mg/dL")))
    assert (result.status, result.missing) == ("cannot_determine", ["sex"])
    child = egfr_ckd_epi_2021(snap(sex="male", age_years=12, creatinine=q(0.5, "mg/dL")))
    assert child.status == "not_applicable"


# Cockcroft–Gault worked numbers: (140 − age) × kg / (72 × Scr) × 0.85 if female.
# Male 60 years, 72 kg, Scr 1.0: 80 × 72 / 72 = 80.0 mL/min.
# Female 80 years, 50 kg, Scr 1.2: 60 × 50 / 86.4 × 0.85 = 29.513... ≈ 29.5 mL/min.
@pytest.mark.parametrize(
    ("sex", "age", "kg", "scr", "expected"),
    [("male", 60, 72, 1.0, 80.0), ("female", 80, 50, 1.2, 29.5)],
)
def test_cockcroft_gault(sex: str, age: int, kg: float, scr: float, expected: float) -> None:
    result = crcl_cockcroft_gault(
        snap(sex=sex, age_years=age, weight=q(kg, "kg"), creatinine=q(scr, "mg/dL"))
    )
    assert (result.status, result.result) == ("determined", expected)


def test_cockcroft_gault_in_pounds() -> None:
    kg = snap(sex="male", age_years=60, weight=q(72, "kg"), creatinine=q(1.0, "mg/dL"))
    lb = snap(sex="male", age_years=60, weight=q(72 / 0.45359237, "lb"), creatinine=q(1.0, "mg/dL"))
    assert crcl_cockcroft_gault(kg).result == crcl_cockcroft_gault(lb).result


def test_cockcroft_gault_missing_weight() -> None:
    result = crcl_cockcroft_gault(snap(sex="male", age_years=60, creatinine=q(1.0, "mg/dL")))
    assert (result.status, result.missing) == ("cannot_determine", ["weight"])


@pytest.mark.parametrize(
    ("crcl", "dose"),
    [
        (29, "15_mg_every_other_day"),
        (29.9, "15_mg_every_other_day"),
        (30, "10_mg_daily"),
        (50, "10_mg_daily"),
        (50.1, "standard"),
        (51, "standard"),
    ],
)
def test_lenalidomide_bands(crcl: float, dose: str) -> None:
    result = lenalidomide_renal_dose(snap(creatinine_clearance=q(crcl, "mL/min"), dialysis=False))
    assert (result.status, result.result) == ("determined", dose)
    assert result.detail["text"] == PDQ_LENALIDOMIDE


def test_lenalidomide_dialysis() -> None:
    result = lenalidomide_renal_dose(snap(dialysis=True))
    assert result.result == "15_mg_after_dialysis"
    result = lenalidomide_renal_dose(snap(dialysis=True, creatinine_clearance=q(8, "mL/min")))
    assert result.result == "15_mg_after_dialysis"


def test_lenalidomide_dialysis_unknown_below_30() -> None:
    result = lenalidomide_renal_dose(snap(creatinine_clearance=q(12, "mL/min")))
    assert result.result == "15_mg_every_other_day"
    assert "dialysis" in result.missing


def test_lenalidomide_label_note_between_50_and_60() -> None:
    result = lenalidomide_renal_dose(snap(creatinine_clearance=q(55, "mL/min"), dialysis=False))
    assert result.result == "standard"
    assert "30–60" in result.detail["label_note"]


def test_lenalidomide_uses_cockcroft_gault_when_no_crcl() -> None:
    # Female 80 years, 50 kg, Scr 1.2: CG 29.5 mL/min -> < 30
    result = lenalidomide_renal_dose(
        snap(
            sex="female",
            age_years=80,
            weight=q(50, "kg"),
            creatinine=q(1.2, "mg/dL"),
            dialysis=False,
        )
    )
    assert result.result == "15_mg_every_other_day"
    assert result.detail["crcl_from"].startswith("Cockcroft")


def test_lenalidomide_nothing_known() -> None:
    result = lenalidomide_renal_dose(snap())
    assert result.status == "cannot_determine"
    assert "creatinine_clearance" in result.missing


@pytest.mark.parametrize(("crcl", "expected"), [(44.9, "applies"), (45, "does_not_apply")])
def test_cybord_below_45(crcl: float, expected: str) -> None:
    assert cybord_renal_pdq(snap(creatinine_clearance=q(crcl, "mL/min"))).result == expected


@pytest.mark.parametrize(
    ("crcl", "scr", "expected"),
    [
        (39.9, 1.5, "denosumab_noted"),
        (40, 1.5, "bisphosphonate_or_denosumab"),
        (60, 2.01, "denosumab_noted"),
        (60, 2.0, "bisphosphonate_or_denosumab"),
    ],
)
def test_bone_agent_note(crcl: float, scr: float, expected: str) -> None:
    result = bone_agent_renal_pdq(
        snap(creatinine_clearance=q(crcl, "mL/min"), creatinine=q(scr, "mg/dL"))
    )
    assert result.result == expected


def test_bone_agent_needs_both_to_rule_out() -> None:
    result = bone_agent_renal_pdq(snap(creatinine=q(1.0, "mg/dL")))
    assert result.status == "cannot_determine"


@given(
    scr=st.integers(min_value=20, max_value=1500).map(lambda n: n / 100),
    age=st.integers(min_value=18, max_value=100),
    kg=st.integers(min_value=30, max_value=150),
    sex=st.sampled_from(["female", "male"]),
)
@settings(max_examples=80, deadline=None)
def test_creatinine_unit_invariance(scr: float, age: int, kg: int, sex: str) -> None:
    mg = snap(sex=sex, age_years=age, weight=q(kg, "kg"), creatinine=q(scr, "mg/dL"))
    umol = snap(
        sex=sex, age_years=age, weight=q(kg, "kg"), creatinine=q(round(scr * 88.42, 9), "µmol/L")
    )
    for evaluate in (egfr_ckd_epi_2021, crcl_cockcroft_gault, lenalidomide_renal_dose):
        assert evaluate(mg).result == evaluate(umol).result


@given(low=st.integers(min_value=0, max_value=150), delta=st.integers(min_value=0, max_value=100))
def test_lower_clearance_never_gets_a_higher_dose(low: int, delta: int) -> None:
    order = ["15_mg_every_other_day", "10_mg_daily", "standard"]
    a = lenalidomide_renal_dose(snap(creatinine_clearance=q(low, "mL/min"), dialysis=False))
    b = lenalidomide_renal_dose(
        snap(creatinine_clearance=q(min(low + delta, 250), "mL/min"), dialysis=False)
    )
    assert isinstance(a.result, str) and isinstance(b.result, str)
    assert order.index(a.result) <= order.index(b.result)
