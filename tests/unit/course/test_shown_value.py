"""Trend values are shown with a lab's precision, not the conversion's digits."""

from __future__ import annotations

import pytest

from myeloma_desk.course.trends import shown_value
from myeloma_desk.domain.units import fmt


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (97 / 88.4, "1.1"),  # creatinine entered as 97 µmol/L, plotted in mg/dL
        (1.097, "1.1"),
        (0.5, "0.5"),
        (0.0263, "0.0263"),
        (5.85, "5.85"),
        (12.34, "12.3"),
        (99.94, "99.9"),
        (99.96, "100"),
        (234.4, "234"),
        (1850.0, "1850"),
        (0.0, "0"),
        (-0.456, "-0.456"),
    ],
)
def test_three_significant_figures_whole_numbers_from_100(value: float, shown: str) -> None:
    assert fmt(shown_value(value)) == shown
