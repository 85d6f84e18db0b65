"""ISS (Greipp 2005): every threshold below, at and above; missing inputs; unit invariance."""

from __future__ import annotations

import pytest
from builders import staging_inputs
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


# --- ISS in one place: iss(), R-ISS and R2-ISS read the same ISS table -----------------------


def test_low_albumin_without_b2m_leaves_only_ii_or_iii() -> None:
    # Albumin 3.0 g/dL rules out stage I (Greipp 2005: stage I needs albumin >= 3.5 g/dL);
    # B2M then decides between II and III. This is what R-ISS and R2-ISS already assumed.
    result = iss(snap(None, 3.0))
    assert result.status == "cannot_determine"
    assert result.detail["possible"] == ["II", "III"]
    assert result.missing == ["beta2_microglobulin"]
    assert [c.met for c in result.criteria] == [False]


@pytest.mark.parametrize(("albumin", "possible"), [(3.49, ["II", "III"]), (3.5, None)])
def test_albumin_boundary_without_b2m(albumin: float, possible: list[str] | None) -> None:
    # every stage still possible: no list is given (as before), only a narrowed one
    assert iss(snap(None, albumin)).detail.get("possible") == possible


def test_nothing_known_leaves_every_stage_possible() -> None:
    result = iss(snap(None, None))
    assert result.status == "cannot_determine"
    assert "possible" not in result.detail
    assert result.missing == ["beta2_microglobulin", "albumin"]


_R_ISS_FROM_ISS = {"I": {"I", "II"}, "II": {"II"}, "III": {"II", "III"}}
_optional = st.one_of(st.none(), st.floats(min_value=0, max_value=12, allow_nan=False))


@given(
    b2m=_optional,
    albumin=st.one_of(st.none(), st.floats(min_value=0.5, max_value=7.0, allow_nan=False)),
    ldh=st.one_of(st.none(), st.sampled_from([(200, 250), (251, 250), (250, 250)])),
    fish=st.one_of(st.none(), st.lists(st.sampled_from(["del17p", "t(4;14)", "gain1q"]))),
)
def test_iss_and_r_iss_agree_on_every_input(
    b2m: float | None,
    albumin: float | None,
    ldh: tuple[int, int] | None,
    fish: list[str] | None,
) -> None:
    """R-ISS and R2-ISS use the ISS that iss() gives (Palumbo 2015: R-ISS I needs ISS I, R-ISS
    III needs ISS III), for every combination of present and missing inputs."""
    from myeloma_desk.domain.criteria.staging import r2_iss, r_iss

    s = parse_snapshot(staging_inputs(b2m, albumin, ldh, fish))
    stage = iss(s)
    iss_possible = (
        [stage.result]
        if stage.status == "determined"
        else stage.detail.get("possible", ["I", "II", "III"])
    )
    assert isinstance(iss_possible, list) and iss_possible
    shown = iss_possible[0] if len(iss_possible) == 1 else "one of " + ", ".join(iss_possible)
    for staged in (r_iss(s), r2_iss(s)):
        assert staged.criteria[0].value == shown
    revised = r_iss(s)
    r_possible = (
        {revised.result} if revised.status == "determined" else set(revised.detail["possible"])
    )
    allowed = set().union(*(_R_ISS_FROM_ISS[x] for x in iss_possible))
    assert r_possible <= allowed
    if "I" in r_possible:
        assert "I" in iss_possible
    if "III" in r_possible:
        assert "III" in iss_possible
    if stage.status == "determined":
        assert r_possible <= _R_ISS_FROM_ISS[str(stage.result)]
