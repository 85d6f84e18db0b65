"""The course rules read the κ/λ ratio from the one FLC module: an undetectable λ with a
measurable κ is an abnormal ratio (∞), not an unknown one (issue 13: the ratio at λ = 0 differed
by module)."""

from __future__ import annotations

import math

from myeloma_desk.domain.criteria._course import all3, flc_ratio, ratio_normal
from myeloma_desk.domain.flc import kappa_lambda_ratio
from myeloma_desk.domain.logic import tri_all
from myeloma_desk.domain.snapshot import parse_snapshot


def _snap(kappa: float | None, lam: float | None) -> object:
    data: dict[str, object] = {}
    if kappa is not None:
        data["free_kappa"] = {"value": kappa, "unit": "mg/L"}
    if lam is not None:
        data["free_lambda"] = {"value": lam, "unit": "mg/L"}
    return parse_snapshot(data)


def test_lambda_zero_is_an_abnormal_ratio() -> None:
    s = _snap(558.0, 0.0)
    assert flc_ratio(s) == kappa_lambda_ratio(558.0, 0.0) == math.inf
    assert ratio_normal(s) is False


def test_both_zero_or_missing_is_unknown() -> None:
    assert ratio_normal(_snap(0.0, 0.0)) is None
    assert ratio_normal(_snap(10.0, None)) is None


def test_the_reference_range_boundaries() -> None:
    assert ratio_normal(_snap(26.0, 100.0)) is True  # 0.26: in range
    assert ratio_normal(_snap(25.9, 100.0)) is False
    assert ratio_normal(_snap(165.0, 100.0)) is True  # 1.65: in range
    assert ratio_normal(_snap(165.1, 100.0)) is False


def test_one_three_valued_and() -> None:
    assert all3 is tri_all


def _lines(date: str, *entries: dict[str, object]) -> object:
    return parse_snapshot({"date": date, "therapy_lines": list(entries)})


def test_the_therapy_given_now_is_dated() -> None:
    """The entry given on the snapshot's date: started by then, not ended by then."""
    from myeloma_desk.domain.criteria._course import current_line

    vrd = {"regimen": "VRd", "drugs": ["bortezomib"], "start": "2024-01-10", "end": "2024-06-01"}
    maint = {
        "regimen": "lenalidomide maintenance",
        "drugs": ["lenalidomide"],
        "phase": "maintenance",
        "start": "2024-09-01",
    }
    assert current_line(_lines("2024-05-31", vrd)).regimen == "VRd"  # ends after the date
    assert current_line(_lines("2024-06-01", vrd)) is None  # ended that day
    # maintenance planned, not started: not given yet
    assert current_line(_lines("2024-08-31", vrd, maint)) is None
    assert current_line(_lines("2024-09-01", vrd, maint)).regimen == "lenalidomide maintenance"
