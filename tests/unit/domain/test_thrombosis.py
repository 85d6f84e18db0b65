"""IMPEDE VTE (Sanfilippo 2019) points and categories at 3/4 and 7/8, missing items, the PDQ's
aspirin rule."""

from __future__ import annotations

from typing import Any

import pytest

from myeloma_desk.domain.criteria.thrombosis import impede_vte, vte_prophylaxis_pdq
from myeloma_desk.domain.snapshot import parse_snapshot

NONE: dict[str, Any] = {
    "pelvic_hip_femur_fracture": False,
    "erythropoiesis_stimulating_agent": False,
    "doxorubicin": False,
    "asian_pacific_islander": False,
    "history_of_vte": False,
    "tunneled_line_or_cvc": False,
    "dexamethasone": "none",
    "thromboprophylaxis": "none",
    "immunomodulatory_drug": False,
}


def snap(bmi: float = 22, **factors: Any):
    return parse_snapshot(
        {"bmi": {"value": bmi, "unit": "kg/m2"}, "vte_risk_factors": {**NONE, **factors}}
    )


@pytest.mark.parametrize(
    ("factors", "bmi", "points", "category"),
    [
        ({}, 22, 0, "low"),
        (
            {"immunomodulatory_drug": True, "thromboprophylaxis": "prophylactic_lmwh_or_aspirin"},
            25,
            2,
            "low",
        ),  # 4 + 1 − 3
        ({"doxorubicin": True}, 22, 3, "low"),
        ({"immunomodulatory_drug": True}, 22, 4, "intermediate"),
        (
            {
                "immunomodulatory_drug": True,
                "dexamethasone": "low",
                "erythropoiesis_stimulating_agent": True,
            },
            22,
            7,
            "intermediate",
        ),
        ({"immunomodulatory_drug": True, "dexamethasone": "high"}, 22, 8, "high"),
        (
            {
                "history_of_vte": True,
                "tunneled_line_or_cvc": True,
                "pelvic_hip_femur_fracture": True,
                "asian_pacific_islander": True,
            },
            24.9,
            8,
            "high",
        ),  # 5 + 2 + 4 − 3
        (
            {
                "immunomodulatory_drug": True,
                "dexamethasone": "high",
                "thromboprophylaxis": "therapeutic_lmwh_or_warfarin",
            },
            22,
            4,
            "intermediate",
        ),
    ],
)
def test_impede_points(factors: dict[str, Any], bmi: float, points: int, category: str) -> None:
    result = impede_vte(snap(bmi, **factors))
    assert (result.status, result.result, result.detail["points"]) == (
        "determined",
        category,
        points,
    )


def test_therapeutic_anticoagulation_alternative_reading() -> None:
    result = impede_vte(
        snap(
            22,
            immunomodulatory_drug=True,
            dexamethasone="high",
            thromboprophylaxis="therapeutic_lmwh_or_warfarin",
        )
    )
    # 4 + 4 − 4 = 4 (intermediate); with −5 it would be 3 (low)
    assert "low" in result.detail["alternative_reading"]


def test_impede_missing_item_that_matters() -> None:
    result = impede_vte(parse_snapshot({"vte_risk_factors": {**NONE, "dexamethasone": None}}))
    assert result.status == "cannot_determine"
    assert "vte_risk_factors.dexamethasone" in result.missing
    assert "bmi" in result.missing


def test_impede_missing_items_that_cannot_matter() -> None:
    result = impede_vte(
        snap(
            30,
            history_of_vte=True,
            immunomodulatory_drug=True,
            pelvic_hip_femur_fracture=True,
            asian_pacific_islander=None,
            thromboprophylaxis=None,
        )
    )
    # 1 + 5 + 4 + 4 = 14; at most −3 −4 = 7 off: still ≥ 8? 14 − 7 = 7: not certain
    assert result.status == "cannot_determine"
    result = impede_vte(
        snap(
            30,
            history_of_vte=True,
            immunomodulatory_drug=True,
            pelvic_hip_femur_fracture=True,
            doxorubicin=True,
            asian_pacific_islander=None,
            thromboprophylaxis=None,
        )
    )
    assert (result.status, result.result) == ("determined", "high")  # 17 − 7 = 10


def test_impede_imid_from_current_line() -> None:
    data = {
        "bmi": {"value": 22, "unit": "kg/m2"},
        "vte_risk_factors": {**NONE, "immunomodulatory_drug": None},
        "therapy_lines": [{"regimen": "Rd", "drugs": ["lenalidomide", "dexamethasone"]}],
    }
    result = impede_vte(parse_snapshot(data))
    assert result.detail["points"] == 4


@pytest.mark.parametrize(
    ("factors", "bmi", "expected"),
    [
        ({}, 22, "aspirin_81_mg"),
        ({"dexamethasone": "low"}, 22, "aspirin_81_mg"),  # low-dose dex is not counted
        ({"history_of_vte": True}, 22, "not_stated_by_pdq"),
        ({"history_of_vte": True}, 25, "consider_stronger_anticoagulant"),
        ({"dexamethasone": "high", "doxorubicin": True}, 22, "consider_stronger_anticoagulant"),
    ],
)
def test_pdq_aspirin_rule(factors: dict[str, Any], bmi: float, expected: str) -> None:
    result = vte_prophylaxis_pdq(snap(bmi, immunomodulatory_drug=True, **factors))
    assert (result.status, result.result) == ("determined", expected)
    assert "aspirin (81 mg daily) suffices" in result.detail["text"]


def test_pdq_aspirin_rule_not_on_imid() -> None:
    assert vte_prophylaxis_pdq(snap()).status == "not_applicable"


def test_pdq_aspirin_rule_unknown_factors() -> None:
    result = vte_prophylaxis_pdq(
        parse_snapshot({"vte_risk_factors": {"immunomodulatory_drug": True}})
    )
    assert result.status == "cannot_determine"
    data = {
        "vte_risk_factors": {
            "immunomodulatory_drug": True,
            "history_of_vte": True,
            "doxorubicin": True,
        }
    }
    assert vte_prophylaxis_pdq(parse_snapshot(data)).result == "consider_stronger_anticoagulant"
