"""AL amyloidosis stages and hematologic response: thresholds below/at/above, applicability,
missing markers, unit invariance."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.amyloidosis import (
    al_hematologic_response,
    al_renal_stage,
    al_stage_boston_university,
    al_stage_mayo_2004_european,
    al_stage_mayo_2012,
)
from myeloma_desk.domain.snapshot import parse_snapshot

AL = {"amyloidosis": {"biopsy_proven": True, "light_chain_typed": True, "organs": ["heart"]}}


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def snap(**data: Any):
    return parse_snapshot({**AL, **data})


@pytest.mark.parametrize(
    ("tnt", "ntp", "stage"),
    [
        (0.034, 331, "I"),
        (0.035, 331, "II"),  # TnT exactly 0.035 µg/L
        (0.034, 332, "II"),  # NT-proBNP exactly 332 ng/L
        (0.035, 8500, "IIIa"),  # 8,500 is not > 8,500
        (0.035, 8501, "IIIb"),
    ],
)
def test_mayo_2004_european(tnt: float, ntp: float, stage: str) -> None:
    result = al_stage_mayo_2004_european(snap(troponin_t=q(tnt, "ug/L"), nt_probnp=q(ntp, "ng/L")))
    assert (result.status, result.result) == ("determined", stage)


def test_mayo_2004_missing_marker() -> None:
    result = al_stage_mayo_2004_european(snap(nt_probnp=q(400, "ng/L")))
    assert result.status == "cannot_determine"
    assert result.missing == ["troponin_t"]
    assert result.detail["possible"] == ["II", "III"]


@pytest.mark.parametrize(
    ("tnt", "ntp", "kappa", "stage"),
    [
        (0.024, 1799, 189, "I"),  # dFLC 179 mg/L < 180
        (0.025, 1799, 189, "II"),
        (0.025, 1800, 189, "III"),
        (0.025, 1800, 190, "IV"),  # dFLC exactly 18 mg/dL
    ],
)
def test_mayo_2012(tnt: float, ntp: float, kappa: float, stage: str) -> None:
    result = al_stage_mayo_2012(
        snap(
            troponin_t=q(tnt, "ng/mL"),
            nt_probnp=q(ntp, "pg/mL"),
            free_kappa=q(kappa, "mg/L"),
            free_lambda=q(10, "mg/L"),
            m_protein_light_chain="kappa",
        )
    )
    assert (result.status, result.result) == ("determined", stage)


def test_mayo_2012_dflc_from_lambda() -> None:
    result = al_stage_mayo_2012(
        snap(
            troponin_t=q(0.01, "ng/mL"),
            nt_probnp=q(100, "pg/mL"),
            free_kappa=q(1, "mg/dL"),
            free_lambda=q(20, "mg/dL"),
        )  # ratio 0.05: lambda
    )
    assert result.detail["involved_light_chain"] == "lambda"
    assert result.detail["dflc_mg_per_l"] == 190
    assert result.result == "II"


@pytest.mark.parametrize(
    ("bnp", "tni", "stage"),
    [
        (81, 0.1, "I"),  # both thresholds are strict
        (82, 0.1, "II"),
        (81, 0.11, "II"),
        (700, 0.2, "III"),
        (701, 0.2, "IIIb"),
    ],
)
def test_boston_university(bnp: float, tni: float, stage: str) -> None:
    result = al_stage_boston_university(snap(bnp=q(bnp, "pg/mL"), troponin_i=q(tni, "ng/mL")))
    assert result.result == stage


@pytest.mark.parametrize(
    ("egfr", "prot", "stage"),
    [(50, 5, "I"), (49.9, 5, "II"), (50, 5.01, "II"), (49, 6, "III")],
)
def test_renal_stage(egfr: float, prot: float, stage: str) -> None:
    result = al_renal_stage(snap(egfr=q(egfr, "mL/min/1.73m2"), proteinuria_24h=q(prot, "g/24h")))
    assert result.result == stage


def test_renal_stage_derives_egfr() -> None:
    result = al_renal_stage(
        snap(
            sex="male", age_years=50, creatinine=q(3.0, "mg/dL"), proteinuria_24h=q(1000, "mg/24h")
        )
    )
    assert result.result == "II"
    assert any("CKD-EPI" in a for a in result.detail["assumptions"])


def test_not_applicable_without_amyloid() -> None:
    plain = parse_snapshot({"serum_m_protein": q(2, "g/dL")})
    for evaluate in (
        al_stage_mayo_2004_european,
        al_stage_mayo_2012,
        al_stage_boston_university,
        al_renal_stage,
        al_hematologic_response,
    ):
        assert evaluate(plain).status == "not_applicable"
    negative = parse_snapshot(
        {"amyloidosis": {"biopsy_proven": False}, "nt_probnp": q(5000, "ng/L")}
    )
    assert al_stage_mayo_2004_european(negative).status == "not_applicable"


def test_markers_without_diagnosis_are_staged_with_assumption() -> None:
    result = al_stage_mayo_2004_european(
        parse_snapshot({"troponin_t": q(0.01, "ng/mL"), "nt_probnp": q(100, "ng/L")})
    )
    assert result.result == "I"
    assert result.detail["assumptions"]


def test_al_diagnosis_without_markers_cannot_determine() -> None:
    result = al_stage_boston_university(snap())
    assert result.status == "cannot_determine"
    assert result.missing == ["bnp", "troponin_i"]


def heme(now_kappa: float, **extra: Any):
    history = [{"date": "2024-01-01", "free_kappa": q(210, "mg/L"), "free_lambda": q(10, "mg/L")}]
    return snap(
        date="2025-01-01",
        history=history,
        m_protein_light_chain="kappa",
        free_kappa=q(now_kappa, "mg/L"),
        free_lambda=q(10, "mg/L"),
        **extra,
    )


@pytest.mark.parametrize(
    ("now_kappa", "expected"),
    [
        (49, "VGPR"),  # dFLC 39 < 40 mg/L
        (50, "PR"),  # dFLC 40: not < 4 mg/dL; fall 80%
        (109, "PR"),  # dFLC 99: fall 50.5%
        (110, "NR"),  # dFLC 100: fall exactly 50% is not > 50%
    ],
)
def test_hematologic_response(now_kappa: float, expected: str) -> None:
    result = al_hematologic_response(
        heme(now_kappa, serum_immunofixation="positive", urine_immunofixation="positive")
    )
    assert (result.status, result.result) == ("determined", expected)


def test_hematologic_cr() -> None:
    result = al_hematologic_response(
        heme(15, serum_immunofixation="negative", urine_immunofixation="negative")
    )
    assert result.result == "CR"  # ratio 1.5: normal


def test_hematologic_response_without_ife_is_vgpr_with_cr_open() -> None:
    result = al_hematologic_response(heme(15))
    assert result.result == "VGPR"
    assert "serum_immunofixation" in result.missing


@given(
    tnt=st.integers(min_value=0, max_value=200).map(lambda n: n / 1000),
    ntp=st.integers(min_value=0, max_value=20000),
)
@settings(max_examples=60, deadline=None)
def test_troponin_unit_invariance(tnt: float, ntp: int) -> None:
    a = al_stage_mayo_2012(
        snap(
            troponin_t=q(tnt, "ng/mL"),
            nt_probnp=q(ntp, "pg/mL"),
            free_kappa=q(10, "mg/L"),
            free_lambda=q(10, "mg/L"),
            m_protein_light_chain="lambda",
        )
    )
    b = al_stage_mayo_2012(
        snap(
            troponin_t=q(round(tnt * 1000, 9), "ng/L"),
            nt_probnp=q(ntp, "ng/L"),
            free_kappa=q(1, "mg/dL"),
            free_lambda=q(1, "mg/dL"),
            m_protein_light_chain="lambda",
        )
    )
    assert a.result == b.result
