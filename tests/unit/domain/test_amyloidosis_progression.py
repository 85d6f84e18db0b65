"""AL amyloidosis hematologic progression (issue 12): the consensus criteria (Gertz 2005;
Comenzo 2012) as the CIBMTR forms manual reproduces them. From CR: detectable monoclonal protein
or an abnormal ratio with the light chain doubled; from PR or no response: a ≥ 50% increase of the
serum M-protein to > 0.5 g/dL, of the urine M-protein to > 200 mg/24 h, or of the involved free
light chain to > 100 mg/L. Every limit below, at and above its boundary."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.amyloidosis import al_hematologic_progression
from myeloma_desk.domain.snapshot import parse_snapshot

AL = {"amyloidosis": {"biopsy_proven": True, "light_chain_typed": True, "organs": ["kidney"]}}


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def snap(earlier: list[dict[str, Any]], now: dict[str, Any], **extra: Any) -> Any:
    history = [{"date": f"2024-0{i + 1}-01", **entry} for i, entry in enumerate(earlier)]
    return parse_snapshot(
        {**AL, "date": "2025-01-01", "m_protein_light_chain": "lambda", "history": history, **now}
        | extra
    )


def flc(lam: float) -> dict[str, Any]:
    return {"free_kappa": q(10, "mg/L"), "free_lambda": q(lam, "mg/L")}


@pytest.mark.parametrize(
    ("lowest", "now", "expected"),
    [
        (80, 119.9, "no_progression"),  # + 49.9%
        (80, 120, "progression"),  # + 50% exactly, above 100 mg/L
        (80, 121, "progression"),
        (60, 100, "no_progression"),  # + 67% but not above 100 mg/L
        (60, 100.1, "progression"),
    ],
)
def test_free_light_chain_increase(lowest: float, now: float, expected: str) -> None:
    r = al_hematologic_progression(snap([flc(300), flc(lowest)], flc(now)))
    assert (r.status, r.result) == ("determined", expected)
    criterion = next(c for c in r.criteria if c.name.startswith("involved free light chain"))
    assert criterion.name == (
        "involved free light chain: ≥ 50% increase from the lowest value to > 100 mg/L"
    )
    assert f"lowest {lowest:g} mg/L on 2024-02-01" in str(criterion.value)


@pytest.mark.parametrize(
    ("lowest", "now", "expected"),
    [
        (0.4, 0.59, "no_progression"),  # + 47.5%
        (0.4, 0.6, "progression"),  # + 50%, above 0.5 g/dL
        (0.3, 0.5, "no_progression"),  # + 67% but not above 0.5 g/dL
        (0.3, 0.51, "progression"),
    ],
)
def test_serum_m_protein_increase(lowest: float, now: float, expected: str) -> None:
    earlier = [{"serum_m_protein": q(1.5, "g/dL")}, {"serum_m_protein": q(lowest, "g/dL")}]
    r = al_hematologic_progression(snap(earlier, {"serum_m_protein": q(now, "g/dL")}))
    assert r.result == expected


def test_serum_in_g_per_l_is_the_same() -> None:
    earlier = [{"serum_m_protein": q(15, "g/L")}, {"serum_m_protein": q(4, "g/L")}]
    assert al_hematologic_progression(snap(earlier, {"serum_m_protein": q(6, "g/L")})).result == (
        "progression"
    )


@pytest.mark.parametrize(
    ("lowest", "now", "expected"),
    [
        (150, 224, "no_progression"),
        (150, 225, "progression"),  # + 50%, above 200 mg/24 h
        (100, 200, "no_progression"),  # + 100% but not above 200 mg/24 h
        (100, 201, "progression"),
    ],
)
def test_urine_m_protein_increase(lowest: float, now: float, expected: str) -> None:
    earlier = [
        {"urine_m_protein_24h": q(900, "mg/24h")},
        {"urine_m_protein_24h": q(lowest, "mg/24h")},
    ]
    r = al_hematologic_progression(snap(earlier, {"urine_m_protein_24h": q(now, "mg/24h")}))
    assert r.result == expected
    if expected == "progression":
        assert any("visible peak" in a for a in r.detail["assumptions"])


CR_VISIT = {
    **flc(20),  # ratio 0.5: normal
    "serum_immunofixation": "negative",
    "urine_immunofixation": "negative",
}


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            {**flc(39.9), "serum_immunofixation": "negative", "urine_immunofixation": "negative"},
            "no_progression",
        ),
        (
            {**flc(40), "serum_immunofixation": "negative", "urine_immunofixation": "negative"},
            "progression",
        ),
        (
            {**flc(20), "serum_immunofixation": "positive", "urine_immunofixation": "negative"},
            "progression",
        ),
        (
            {**flc(20), "serum_immunofixation": "negative", "urine_immunofixation": "positive"},
            "progression",
        ),
    ],
)
def test_from_complete_response(now: dict[str, Any], expected: str) -> None:
    # CR reached at the second visit (lambda 20 mg/L); from CR the light chain must double with
    # an abnormal ratio (kappa 10: lambda 40 gives a ratio of 0.25, abnormal), or any monoclonal
    # protein is detectable again.
    r = al_hematologic_progression(snap([flc(300), CR_VISIT], now))
    assert (r.status, r.result) == ("determined", expected)
    assert r.detail["from"] == "complete response"
    assert r.detail["complete_response_date"] == "2024-02-01"


def test_from_cr_a_doubled_light_chain_with_a_normal_ratio_is_not_progression() -> None:
    # Kappa 30 keeps the ratio normal (lambda 45: ratio 0.67) although lambda more than doubled.
    now = {
        "free_kappa": q(30, "mg/L"),
        "free_lambda": q(45, "mg/L"),
        "serum_immunofixation": "negative",
        "urine_immunofixation": "negative",
    }
    assert al_hematologic_progression(snap([flc(300), CR_VISIT], now)).result == "no_progression"


def test_from_cr_missing_immunofixation_cannot_exclude_progression() -> None:
    r = al_hematologic_progression(snap([flc(300), CR_VISIT], flc(20)))
    assert r.status == "cannot_determine"
    assert {"serum_immunofixation", "urine_immunofixation"} <= set(r.missing)


def test_nothing_to_compare_cannot_be_determined() -> None:
    r = al_hematologic_progression(snap([flc(300)], {}))
    assert r.status == "cannot_determine"
    assert "free_kappa" in r.missing and "serum_m_protein" in r.missing


def test_the_verification_is_said() -> None:
    r = al_hematologic_progression(snap([flc(300), flc(80)], flc(90)))
    assert "could not be read" in r.detail["verification"]
    assert "lowest value" in r.detail["verification"]


def test_not_applicable_without_history_or_amyloidosis() -> None:
    assert al_hematologic_progression(snap([], flc(90))).status == "not_applicable"
    plain = parse_snapshot({"date": "2025-01-01", "history": [{"date": "2024-01-01", **flc(90)}]})
    assert al_hematologic_progression(plain).status == "not_applicable"


@given(
    lowest=st.integers(min_value=0, max_value=400),
    a=st.integers(min_value=0, max_value=600),
    b=st.integers(min_value=0, max_value=600),
)
@settings(max_examples=150, deadline=None)
def test_a_higher_light_chain_never_undoes_progression(lowest: int, a: int, b: int) -> None:
    # Property: from the same lowest value, a higher involved light chain is never "less"
    # progression than a lower one.
    low, high = sorted((a, b))
    earlier = [flc(500), flc(lowest)]
    at_low = al_hematologic_progression(snap(earlier, flc(low)))
    at_high = al_hematologic_progression(snap(earlier, flc(high)))
    if at_low.result == "progression":
        assert at_high.result == "progression"
