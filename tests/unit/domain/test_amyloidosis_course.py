"""AL amyloidosis over time (issue 12): hematologic evaluability (Palladini 2012, Milani 2017),
low-dFLC criteria (Dittrich 2017), cardiac (NT-proBNP) and renal organ responses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.amyloidosis import (
    al_cardiac_response,
    al_hematologic_response,
    al_renal_response,
)
from myeloma_desk.domain.snapshot import parse_snapshot

AL = {"amyloidosis": {"biopsy_proven": True, "light_chain_typed": True, "organs": ["heart"]}}


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def heme(base_lambda: float, now_lambda: float, **extra: Any) -> Any:
    """Lambda AL; kappa 10 mg/L throughout, so dFLC = lambda − 10."""
    history = [
        {"date": "2024-01-01", "free_kappa": q(10, "mg/L"), "free_lambda": q(base_lambda, "mg/L")}
    ]
    return parse_snapshot(
        {
            **AL,
            "date": "2024-07-01",
            "history": history,
            "m_protein_light_chain": "lambda",
            "free_kappa": q(10, "mg/L"),
            "free_lambda": q(now_lambda, "mg/L"),
            "serum_immunofixation": "positive",
            "urine_immunofixation": "positive",
            **extra,
        }
    )


def test_held_out_baseline_dflc_30_is_not_a_vgpr() -> None:
    # Baseline dFLC 30 mg/L, now 15 mg/L (< 40): Palladini 2012 does not apply (< 50 mg/L).
    result = al_hematologic_response(heme(40, 25))
    assert result.result != "VGPR"
    assert (result.status, result.result) == ("determined", "NR")
    assert result.detail["low_dflc"] is True
    assert "Dittrich 2017 Blood" in result.sources


@pytest.mark.parametrize(
    ("base_dflc", "now_dflc", "expected"),
    [
        (49, 9, "PR"),  # low-dFLC criteria: < 10 mg/L
        (49, 10, "NR"),  # exactly 10 is not < 10
        (49, 30, "NR"),  # 39 mg/L is < 40 but VGPR does not apply below 50 mg/L baseline
        (50, 39, "VGPR"),  # exactly 50 is evaluable by Palladini 2012
        (50, 24, "VGPR"),
        (20, 9, "PR"),  # exactly 20 mg/L: low-dFLC criteria apply
        (51, 40, "NR"),  # fall 21.6%, dFLC not < 40
    ],
)
def test_evaluability_boundaries(base_dflc: float, now_dflc: float, expected: str) -> None:
    result = al_hematologic_response(heme(base_dflc + 10, now_dflc + 10))
    assert (result.status, result.result) == ("determined", expected)


def test_below_20_only_cr_can_be_assessed() -> None:
    result = al_hematologic_response(heme(29, 11))  # baseline dFLC 19 mg/L
    assert result.status == "not_applicable"
    assert "below 20 mg/L" in result.detail["reason"]
    cr = al_hematologic_response(
        heme(29, 11, serum_immunofixation="negative", urine_immunofixation="negative")
    )
    assert cr.result == "CR"  # ratio 10/11 is normal
    unknown = al_hematologic_response(
        heme(29, 11, serum_immunofixation=None, urine_immunofixation=None)
    )
    assert unknown.status == "cannot_determine"
    assert "serum_immunofixation" in unknown.missing


def cardiac(base: float, now: float, **extra: Any) -> Any:
    return parse_snapshot(
        {
            **AL,
            "date": "2024-07-01",
            "history": [{"date": "2024-01-01", "nt_probnp": q(base, "ng/L")}],
            "nt_probnp": q(now, "ng/L"),
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("base", "now", "expected"),
    [
        (2000, 1399, "response"),  # −30.05%, −601
        (2000, 1400, "no_response"),  # exactly −30% is not > 30%
        (1000, 699, "no_response"),  # −30.1% but −301: both > → response? see below
        (650, 300, "response"),  # exactly 650 baseline is evaluable; −53.8%, −350
        (700, 399, "response"),  # −43%, −301
        (700, 400, "no_response"),  # −300 ng/L is not > 300
        (1000, 1301, "progression"),  # +30.1%, +301
        (1000, 1300, "no_response"),  # +30% exactly
        (2000, 2700, "progression"),
        (500, 900, "progression"),  # progression does not need the 650 baseline
    ],
)
def test_cardiac_boundaries(base: float, now: float, expected: str) -> None:
    if (base, now) == (1000, 699):
        expected = "response"  # −30.1% and −301 ng/L: both strictly above the limits
    result = al_cardiac_response(cardiac(base, now))
    assert (result.status, result.result) == ("determined", expected)


def test_cardiac_baseline_below_650_is_not_evaluable_for_response() -> None:
    result = al_cardiac_response(cardiac(649, 200))
    assert result.status == "not_applicable"
    assert "650 ng/L" in result.detail["reason"]


def test_cardiac_needs_both_values_and_notes_imids() -> None:
    missing = al_cardiac_response(cardiac(2000, 1000, nt_probnp=None))
    assert missing.status == "cannot_determine"
    assert missing.missing == ["nt_probnp"]
    lines = [{"regimen": "Rd", "drugs": ["lenalidomide", "dexamethasone"], "start": "2024-01-02"}]
    with_imid = al_cardiac_response(cardiac(1000, 1400, therapy_lines=lines))
    assert with_imid.result == "progression"
    assert any("immunomodulatory" in a for a in with_imid.detail["assumptions"])


@given(base=st.integers(650, 50_000), now=st.integers(0, 80_000))
@settings(max_examples=80, deadline=None)
def test_cardiac_unit_invariance(base: int, now: int) -> None:
    ng = al_cardiac_response(cardiac(base, now))
    pg = al_cardiac_response(
        parse_snapshot(
            {
                **AL,
                "date": "2024-07-01",
                "history": [{"date": "2024-01-01", "nt_probnp": q(base, "pg/mL")}],
                "nt_probnp": q(now, "pg/mL"),
            }
        )
    )
    assert (ng.status, ng.result) == (pg.status, pg.result)


def renal(
    base_prot: float | None, now_prot: float | None, base_egfr: float | None, now_egfr: float | None
) -> Any:
    entry: dict[str, Any] = {"date": "2024-01-01"}
    data: dict[str, Any] = {**AL, "date": "2024-07-01", "history": [entry]}
    if base_prot is not None:
        entry["proteinuria_24h"] = q(base_prot, "g/24h")
    if base_egfr is not None:
        entry["egfr"] = q(base_egfr, "mL/min/1.73m2")
    if now_prot is not None:
        data["proteinuria_24h"] = q(now_prot, "g/24h")
    if now_egfr is not None:
        data["egfr"] = q(now_egfr, "mL/min/1.73m2")
    return parse_snapshot(data)


@pytest.mark.parametrize(
    ("prot", "egfr", "expected"),
    [
        ((10, 7), (60, 60), "response"),  # exactly −30%
        ((10, 7.1), (60, 60), "no_response"),
        ((0.6, 0.49), (60, 60), "response"),  # below 0.5 g/24 h (−18%)
        ((0.6, 0.5), (60, 60), "no_response"),  # 0.5 is not below 0.5
        ((10, 2), (60, 45), "progression"),  # eGFR exactly −25%
        ((10, 2), (60, 45.1), "response"),  # −24.8%: no progression
    ],
)
def test_renal_boundaries(
    prot: tuple[float, float], egfr: tuple[float, float], expected: str
) -> None:
    result = al_renal_response(renal(prot[0], prot[1], egfr[0], egfr[1]))
    assert (result.status, result.result) == ("determined", expected)


def test_renal_response_needs_egfr_to_exclude_progression() -> None:
    result = al_renal_response(renal(10, 2, None, None))
    assert result.status == "cannot_determine"
    assert "egfr" in result.missing
    # No fall in proteinuria: no response whatever the eGFR.
    assert al_renal_response(renal(10, 9, None, None)).result == "no_response"


def test_organ_rules_not_applicable_without_history_or_amyloidosis() -> None:
    plain = parse_snapshot({"date": "2024-07-01"})
    for evaluate in (al_cardiac_response, al_renal_response):
        assert evaluate(plain).status == "not_applicable"
        assert evaluate(parse_snapshot({**AL, "nt_probnp": q(900, "ng/L")})).status == (
            "not_applicable"
        )
