"""Declarative thresholds (domain/thresholds.py): labels generated from the constants, needed
inputs from the criterion, dual-unit limits compared in the unit entered, below/at/above."""

from __future__ import annotations

import pytest
from engine1_build import with_base
from hypothesis import given
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.diagnosis import (
    CALCIUM_ABOVE_ULN,
    CALCIUM_ABSOLUTE,
    CREATININE_ABOVE,
)
from myeloma_desk.domain.snapshot import Quantity
from myeloma_desk.domain.thresholds import Threshold, compare


def test_label_is_generated_from_the_constants() -> None:
    assert CREATININE_ABOVE.label == "creatinine > 2 mg/dL (177 µmol/L)"
    assert CALCIUM_ABSOLUTE.label == "calcium > 11 mg/dL (2.75 mmol/L)"
    assert CALCIUM_ABOVE_ULN.label == "calcium > 1 mg/dL (0.25 mmol/L) above the ULN"
    moved = Threshold("creatinine", "creatinine", "≥", 3.5, "mg/dL")
    assert moved.label == "creatinine ≥ 3.5 mg/dL"
    # The numbers of Rajkumar 2014 Panel 1, in both unit systems.
    assert (CREATININE_ABOVE.value, dict(CREATININE_ABOVE.published)) == (2.0, {"µmol/L": 177.0})
    assert (CALCIUM_ABSOLUTE.value, dict(CALCIUM_ABSOLUTE.published)) == (11.0, {"mmol/L": 2.75})


def test_needs_come_from_the_criterion() -> None:
    assert CREATININE_ABOVE.needs == ("creatinine",)
    assert CALCIUM_ABOVE_ULN.needs == ("calcium", "calcium_upper_limit")


@pytest.mark.parametrize(
    ("value", "unit", "met"),
    [
        (176.99, "µmol/L", False),
        (177.0, "µmol/L", False),
        (177.0, "umol/L", False),  # ASCII spelling of the same unit
        (177.01, "µmol/L", True),
        (1.99, "mg/dL", False),
        (2.0, "mg/dL", False),
        (2.01, "mg/dL", True),
    ],
)
def test_dual_unit_compared_in_the_unit_entered(value: float, unit: str, met: bool) -> None:
    assert CREATININE_ABOVE.met_quantity(Quantity(value=value, unit=unit)) is met


def test_unpublished_unit_is_converted_to_canonical() -> None:
    only_mg = Threshold("creatinine", "creatinine", ">", 2.0, "mg/dL")
    # 177 µmol/L = 2.0018 mg/dL: with no µmol/L limit published, the canonical comparison holds
    assert only_mg.met_quantity(Quantity(value=177, unit="µmol/L")) is True
    assert only_mg.met_quantity(None) is None


def test_missing_value_is_unknown_not_normal() -> None:
    s = with_base(calcium=None)
    assert CALCIUM_ABSOLUTE.met(s) is None
    assert CALCIUM_ABOVE_ULN.met(s) is None


def test_mixed_units_fall_back_to_canonical() -> None:
    # calcium in mmol/L, ULN in mg/dL: 2.6 mmol/L = 10.42 mg/dL, 1.02 mg/dL above 9.4 mg/dL
    s = with_base(calcium=(2.6, "mmol/L"), calcium_upper_limit=(9.4, "mg/dL"))
    found = CALCIUM_ABOVE_ULN.difference(s)
    assert found is not None and found[1] == "mg/dL"
    assert CALCIUM_ABOVE_ULN.met(s) is True


def test_iss_reads_like_its_table() -> None:
    from myeloma_desk.domain.criteria import staging

    assert staging.ISS_B2M_STAGE_III.label == "β2-microglobulin ≥ 5.5 mg/L (stage III)"
    assert staging.ISS_B2M_STAGE_I.label == "β2-microglobulin < 3.5 mg/L (stage I)"
    assert staging.ISS_ALBUMIN_STAGE_I.label == "albumin ≥ 3.5 g/dL (stage I)"
    assert staging.ISS_NEEDS == ("beta2_microglobulin", "albumin")
    # the thresholds hold below / at / above exactly as Greipp 2005 states them
    assert [staging.ISS_B2M_STAGE_III.holds(v) for v in (5.49, 5.5, 5.51)] == [False, True, True]
    assert [staging.ISS_B2M_STAGE_I.holds(v) for v in (3.49, 3.5, 3.51)] == [True, False, False]
    assert [staging.ISS_ALBUMIN_STAGE_I.holds(v) for v in (3.49, 3.5, 3.51)] == [False, True, True]


LIMITS = [(CREATININE_ABOVE, "µmol/L", 177.0), (CREATININE_ABOVE, "mg/dL", 2.0)]
LIMITS += [(CALCIUM_ABSOLUTE, "mmol/L", 2.75), (CALCIUM_ABSOLUTE, "mg/dL", 11.0)]


@given(
    st.sampled_from(LIMITS),
    st.sampled_from(["<", "≤", ">", "≥"]),
    st.one_of(
        st.floats(-1e-5, 1e-5),  # near the limit, where the rounding is done
        st.floats(-1e-12, 1e-12),
        st.integers(-3, 3).map(lambda n: n * 5e-13),
        # half a step of units' 9-place comparison grid, where rounding twice differs from once
        st.sampled_from([-1, 1]).flatmap(
            lambda sign: st.floats(4.9999e-10, 5.0001e-10).map(lambda x: sign * x)
        ),
        st.floats(-1e4, 1e4),
    ),
)
def test_entered_value_compares_as_rounded_to_12_places(
    limit: tuple[Threshold, str, float], op: str, offset: float
) -> None:
    """met_quantity rounds only near the limit: the same result as rounding every value."""
    threshold, unit, published = limit
    moved = Threshold(
        threshold.field, threshold.what, op, threshold.value, threshold.unit, threshold.published
    )  # type: ignore[arg-type]
    value = abs(published + offset)
    expected = compare(moved.op, round(value, 12), published)
    assert moved.met_quantity(Quantity(value=value, unit=unit)) is expected
