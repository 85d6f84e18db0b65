"""ISS (Greipp 2005): every threshold below, at and above; missing inputs; unit invariance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.staging import iss
from myeloma_desk.domain.snapshot import parse_snapshot


def snap(b2m: float | None = None, albumin: float | None = None, alb_unit: str = "g/dL"):
    data: dict[str, object] = {}
    if b2m is not None:
        data["beta2_microglobulin"] = {"value": b2m, "unit": "mg/L"}
    if albumin is not None:
        data["albumin"] = {"value": albumin, "unit": alb_unit}
    return parse_snapshot(data)


@pytest.mark.parametrize(
    ("b2m", "albumin", "stage"),
    [
        (3.49, 3.5, "I"),  # B2M just below 3.5, albumin exactly 3.5
        (3.5, 3.5, "II"),  # B2M exactly 3.5 is not < 3.5
        (3.49, 3.49, "II"),  # albumin just below 3.5
        (3.49, 3.51, "I"),
        (5.49, 4.0, "II"),  # just below 5.5
        (5.5, 4.0, "III"),  # exactly 5.5 is stage III
        (5.51, 2.0, "III"),
    ],
)
def test_iss_thresholds(b2m: float, albumin: float, stage: str) -> None:
    result = iss(snap(b2m, albumin))
    assert result.status == "determined"
    assert result.result == stage


def test_iss_median_survival_from_greipp() -> None:
    assert iss(snap(6.0, 3.0)).detail["median_os_months"] == 29


def test_b2m_missing_cannot_determine() -> None:
    result = iss(snap(None, 4.0))
    assert result.status == "cannot_determine"
    assert result.result is None
    assert result.missing == ["beta2_microglobulin"]


def test_stage_iii_needs_no_albumin() -> None:
    result = iss(snap(5.5, None))
    assert (result.status, result.result) == ("determined", "III")
    assert "albumin" in result.missing


def test_low_b2m_without_albumin_cannot_determine() -> None:
    result = iss(snap(2.0, None))
    assert result.status == "cannot_determine"
    assert result.detail["possible"] == ["I", "II"]
    assert result.missing == ["albumin"]


def test_pdq_wording_shown_beside() -> None:
    result = iss(snap(2.0, 4.0))
    assert "Not R-ISS I or III" in result.detail["pdq_wording"]["II"]
    assert "R-ISS" in result.detail["pdq_difference"]


@given(
    b2m=st.floats(min_value=0, max_value=50, allow_nan=False),
    albumin=st.floats(min_value=0.5, max_value=7.0, allow_nan=False),
)
def test_albumin_unit_invariance(b2m: float, albumin: float) -> None:
    in_g_dl = iss(snap(b2m, albumin, "g/dL"))
    in_g_l = iss(snap(b2m, round(albumin * 10, 9), "g/L"))
    assert in_g_dl.result == in_g_l.result


@given(
    b2m=st.floats(min_value=0, max_value=50, allow_nan=False),
    delta=st.floats(min_value=0, max_value=50, allow_nan=False),
    albumin=st.floats(min_value=0.5, max_value=7.0, allow_nan=False),
)
def test_raising_b2m_never_lowers_iss(b2m: float, delta: float, albumin: float) -> None:
    order = {"I": 1, "II": 2, "III": 3}
    low = iss(snap(b2m, albumin)).result
    high = iss(snap(b2m + delta, albumin)).result
    assert isinstance(low, str) and isinstance(high, str)
    assert order[high] >= order[low]
