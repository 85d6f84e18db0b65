"""The threshold comparisons equal comparing the values rounded to COMPARE_PLACES (issue 18)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from myeloma_desk.domain.units import COMPARE_PLACES, ge, gt, le, lt, sub

values = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
offsets = st.sampled_from([0.0, 1e-12, 5e-10, 1e-9, 1.5e-9, 1e-8, 1.01e-8, 1e-7, 0.1])


def _r(x: float) -> float:
    return round(x, COMPARE_PLACES)


@given(values, values)
def test_the_comparisons_equal_rounded_comparisons(a: float, b: float) -> None:
    assert ge(a, b) == (_r(a) >= _r(b))
    assert gt(a, b) == (_r(a) > _r(b))
    assert le(a, b) == (_r(a) <= _r(b))
    assert lt(a, b) == (_r(a) < _r(b))


@given(values, offsets, st.booleans())
@example(11.0, 1e-10, True)
@example(2.75, 5e-10, False)
@example(1.0000000000000009, 0.0, True)
def test_near_values_are_compared_after_rounding(a: float, offset: float, up: bool) -> None:
    b = a + offset if up else a - offset
    assert ge(a, b) == (_r(a) >= _r(b))
    assert gt(a, b) == (_r(a) > _r(b))
    assert le(a, b) == (_r(a) <= _r(b))
    assert lt(a, b) == (_r(a) < _r(b))


def test_float_noise_does_not_decide_a_threshold() -> None:
    assert ge(sub(10.8, 9.8), 1.0) and not gt(sub(10.8, 9.8), 1.0)
    assert ge(1.0000000001, 1.0) and not gt(1.0000000001, 1.0)  # equal at 9 decimals
    assert gt(1.000000002, 1.0) and lt(1.0, 1.000000002)
