"""The ISS as a stage table (issue 13): rows as Greipp 2005 prints them, stages still possible
in three-valued logic, and R-ISS agreeing with it on every combination of boundary inputs."""

from __future__ import annotations

import itertools

import pytest

from myeloma_desk.domain.criteria.staging import (
    ISS_NEEDS,
    ISS_TABLE,
    iss,
    iss_stages,
    r2_iss,
    r_iss,
)
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.domain.thresholds import Stage, StageTable, Threshold

B2M = (None, 3.49, 3.5, 5.49, 5.5, 9.0)  # mg/L: below / at each ISS limit (3.5, 5.5)
ALBUMIN = (None, 3.49, 3.5, 4.2)  # g/dL: below / at the ISS limit (3.5)


def _paper_iss(b2m: float, albumin: float) -> str:
    """Greipp 2005, written out: I β2M < 3.5 mg/L and albumin ≥ 3.5 g/dL; III β2M ≥ 5.5 mg/L."""
    if b2m >= 5.5:
        return "III"
    if b2m < 3.5 and albumin >= 3.5:
        return "I"
    return "II"


@pytest.mark.parametrize(("b2m", "albumin"), list(itertools.product(B2M, ALBUMIN)))
def test_stages_possible_are_those_of_every_completion_of_the_missing_inputs(
    b2m: float | None, albumin: float | None
) -> None:
    completions = itertools.product(
        [b2m] if b2m is not None else [1.0, 3.49, 3.5, 5.49, 5.5, 12.0],
        [albumin] if albumin is not None else [1.0, 3.49, 3.5, 6.0],
    )
    expected = sorted({_paper_iss(b, a) for b, a in completions}, key=["I", "II", "III"].index)
    assert iss_stages(b2m, albumin) == expected


def test_the_table_reads_like_the_paper() -> None:
    assert ISS_TABLE.stages == ("I", "II", "III")
    assert ISS_NEEDS == ("beta2_microglobulin", "albumin")
    labels = [[c.label for c in row.criteria] for row in ISS_TABLE.rows]
    assert labels == [
        ["β2-microglobulin < 3.5 mg/L (stage I)", "albumin ≥ 3.5 g/dL (stage I)"],
        [],
        ["β2-microglobulin ≥ 5.5 mg/L (stage III)"],
    ]


def test_a_neither_row_is_ruled_out_only_by_a_decided_row() -> None:
    high = Threshold("ldh", "LDH", ">", 250, "U/L")
    table = StageTable("two rows", (Stage("low"), Stage("high", (high,))))
    assert table.possible({}) == ["low", "high"]
    assert table.possible({"ldh": 250}) == ["low"]  # at the limit: not > 250
    assert table.possible({"ldh": 250.5}) == ["high"]
    assert table.needs == ("ldh",)


LDH = (None, (200, 250), (250, 250), (251, 250))  # U/L and its ULN: normal, at the ULN, high
FISH = (None, [], ["del17p"], ["t(4;14)"], ["t(14;16)"], ["gain1q"], ["t(11;14)"])
R_ISS_FROM_ISS = {"I": {"I", "II"}, "II": {"II"}, "III": {"II", "III"}}


@pytest.mark.parametrize(
    ("b2m", "albumin", "ldh", "fish"), list(itertools.product(B2M, ALBUMIN, LDH, FISH))
)
def test_iss_r_iss_and_r2_iss_agree_on_every_boundary_combination(
    b2m: float | None,
    albumin: float | None,
    ldh: tuple[int, int] | None,
    fish: list[str] | None,
) -> None:
    """Every combination of present, missing and boundary inputs (672): R-ISS and R2-ISS show
    the ISS that iss() gives; R-ISS I needs ISS I and R-ISS III needs ISS III (Palumbo 2015)."""
    data: dict[str, object] = {}
    if b2m is not None:
        data["beta2_microglobulin"] = {"value": b2m, "unit": "mg/L"}
    if albumin is not None:
        data["albumin"] = {"value": albumin, "unit": "g/dL"}
    if ldh is not None:
        data["ldh"] = {"value": ldh[0], "unit": "U/L"}
        data["ldh_upper_limit"] = {"value": ldh[1], "unit": "U/L"}
    if fish is not None:
        data["fish"] = fish
    s = parse_snapshot(data)
    stage = iss(s)
    possible = iss_stages(b2m, albumin)
    if len(possible) == 1:
        assert (stage.status, stage.result) == ("determined", possible[0])
    else:
        assert stage.status == "cannot_determine"
    shown = possible[0] if len(possible) == 1 else "one of " + ", ".join(possible)
    assert r_iss(s).criteria[0].value == r2_iss(s).criteria[0].value == shown
    revised = r_iss(s)
    r_possible = (
        {revised.result} if revised.status == "determined" else set(revised.detail["possible"])
    )
    assert r_possible <= set().union(*(R_ISS_FROM_ISS[x] for x in possible))
    if len(possible) == 1 and ldh is not None and fish is not None:
        high_risk = any(f in fish for f in ("del17p", "t(4;14)", "t(14;16)"))
        high_ldh = ldh[0] > ldh[1]
        if possible[0] == "I" and not high_risk and not high_ldh:
            expected = "I"
        elif possible[0] == "III" and (high_risk or high_ldh):
            expected = "III"
        else:
            expected = "II"
        assert (revised.status, revised.result) == ("determined", expected)
