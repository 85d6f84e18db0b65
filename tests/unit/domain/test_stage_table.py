"""The ISS as a stage table (issue 13): rows as Greipp 2005 prints them, stages still possible
in three-valued logic, and R-ISS agreeing with it on every combination of boundary inputs."""

from __future__ import annotations

import itertools

import pytest
from builders import staging_inputs
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.staging import (
    ISS_NEEDS,
    ISS_TABLE,
    R2_GROUP_OF,
    R2_GROUPS_TABLE,
    R2_ISS_NEEDS,
    R2_TOTAL,
    R_ISS_NEEDS,
    R_ISS_TABLE,
    STAGING_NEEDS,
    iss,
    iss_stages,
    r2_iss,
    r_iss,
)
from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot
from myeloma_desk.domain.thresholds import AnyOf, Finding, Stage, StageOf, StageTable, Threshold

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
    s = parse_snapshot(staging_inputs(b2m, albumin, ldh, fish))
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


# --- R-ISS and R2-ISS as tables (issue 13) ---------------------------------------------------


def _paper_r_iss(iss_stage: str, high_risk: bool, high_ldh: bool) -> str:
    """Palumbo 2015, written out: I = ISS I, standard-risk FISH, normal LDH; III = ISS III and
    high-risk FISH or high LDH; II = neither."""
    if iss_stage == "I" and not high_risk and not high_ldh:
        return "I"
    if iss_stage == "III" and (high_risk or high_ldh):
        return "III"
    return "II"


def _paper_r2(iss_stage: str, del17p: bool, high_ldh: bool, t414: bool, gain: bool) -> str:
    """D'Agostino 2022, written out: ISS II 1, ISS III 1.5, del(17p) 1, high LDH 1, t(4;14) 1,
    1q+ 0.5; I 0, II 0.5–1, III 1.5–2.5, IV 3–5."""
    points = {"I": 0, "II": 1, "III": 1.5}[iss_stage] + del17p + high_ldh + t414 + 0.5 * gain
    if points == 0:
        return "I"
    if points <= 1:
        return "II"
    if points <= 2.5:
        return "III"
    return "IV"


def _snapshot(
    b2m: float | None, albumin: float | None, ldh: tuple[int, int] | None, fish: list[str] | None
) -> Snapshot:
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
    return parse_snapshot(data)


# Every FISH panel the two tables can tell apart (each abnormality they read present or not).
FISH_COMPLETIONS = [
    [f for f, on in zip(("del17p", "t(4;14)", "t(14;16)", "gain1q"), bits, strict=True) if on]
    for bits in itertools.product((False, True), repeat=4)
]


@pytest.mark.parametrize(
    ("b2m", "albumin", "ldh", "fish"), list(itertools.product(B2M, ALBUMIN, LDH, FISH))
)
def test_r_iss_and_r2_iss_tables_give_exactly_the_stages_of_every_completion(
    b2m: float | None,
    albumin: float | None,
    ldh: tuple[int, int] | None,
    fish: list[str] | None,
) -> None:
    """Each missing input is tried at every boundary value; the stages the tables leave
    possible are exactly those the papers' definitions give for some completion."""
    iss_options = iss_stages(b2m, albumin)
    ldh_options = [ldh[0] > ldh[1]] if ldh is not None else [False, True]
    fish_options = [fish] if fish is not None else list(FISH_COMPLETIONS)
    r_expected: set[str] = set()
    r2_expected: set[str] = set()
    for stage, high_ldh, panel in itertools.product(iss_options, ldh_options, fish_options):
        high_risk = any(f in panel for f in ("del17p", "t(4;14)", "t(14;16)"))
        r_expected.add(_paper_r_iss(stage, high_risk, high_ldh))
        r2_expected.add(
            _paper_r2(
                stage,
                "del17p" in panel,
                high_ldh,
                "t(4;14)" in panel,
                "gain1q" in panel or "amp1q" in panel,
            )
        )
    s = _snapshot(b2m, albumin, ldh, fish)
    for result, expected in ((r_iss(s), r_expected), (r2_iss(s), r2_expected)):
        got = {result.result} if result.status == "determined" else set(result.detail["possible"])
        assert got == expected, result.rule


def test_the_r_iss_table_reads_like_the_paper() -> None:
    assert R_ISS_TABLE.stages == ("I", "II", "III")
    labels = [[c.label for c in row.criteria] for row in R_ISS_TABLE.rows]
    assert labels == [
        [
            "ISS stage I",
            "LDH not above the upper limit of normal",
            "standard-risk FISH: none of del(17p), t(4;14), t(14;16)",
        ],
        [],
        [
            "ISS stage III",
            "LDH above the upper limit of normal or high-risk FISH: del(17p), t(4;14) or t(14;16)",
        ],
    ]
    assert R_ISS_NEEDS == ("beta2_microglobulin", "albumin", "ldh", "ldh_upper_limit", "fish")
    # The R-ISS and the R2-ISS read the same inputs in the same order: both list the staging
    # facts' one list of missing inputs (STAGING_NEEDS).
    assert R_ISS_NEEDS == R2_ISS_NEEDS == STAGING_NEEDS


def test_r2_iss_labels_come_from_the_points_and_groups_from_the_table() -> None:
    s = _snapshot(6.0, 3.0, (300, 250), ["del17p", "t(4;14)", "gain1q"])
    result = r2_iss(s)
    assert [c.name for c in result.criteria[1:]] == [
        "LDH above the upper limit of normal (1 point)",
        "del(17p) (1 point)",
        "t(4;14) (1 point)",
        "1q gain or amplification (0.5 point)",
    ]
    assert (result.result, result.detail["points"]) == ("IV", 5.0)
    assert R2_GROUPS_TABLE.stages == ("I", "II", "III", "IV")
    # Each group boundary, below / at / above (points): 0 | 0.5–1 | 1.5–2.5 | 3–5.
    for points, group in ((0, "I"), (0.5, "II"), (1, "II"), (1.5, "III"), (2.5, "III"), (3, "IV")):
        assert R2_GROUPS_TABLE.possible({R2_TOTAL: points}) == [group]
    # The group of each total the rule can reach (0 to 5 points, in half-points), made once from
    # the table: the same as reading the table.
    assert R2_GROUP_OF == {
        0: "I",
        1: "II",
        2: "II",
        3: "III",
        4: "III",
        5: "III",
        6: "IV",
        7: "IV",
        8: "IV",
        9: "IV",
        10: "IV",
    }
    for half_points, group in R2_GROUP_OF.items():
        assert R2_GROUPS_TABLE.possible({R2_TOTAL: half_points / 2}) == [group]


def test_findings_stage_of_and_any_of_are_three_valued() -> None:
    found = Finding("x", "finding x", ("panel",), absent_text="no x found")
    other = Finding("y", "finding y", ("panel",))
    assert [found.evaluate({"x": v}) for v in (True, False, None)] == [True, False, None]
    assert [found.absent.evaluate({"x": v}) for v in (True, False, None)] == [False, True, None]
    assert (found.label, found.absent.label, other.absent.label) == (
        "finding x",
        "no x found",
        "no finding y",
    )
    either = AnyOf((found, other))
    assert either.evaluate({"x": False, "y": None}) is None
    assert either.evaluate({"x": False, "y": True}) is True
    assert either.evaluate({"x": False, "y": False}) is False
    assert either.needs == ("panel",)
    iss_iii = StageOf(ISS_TABLE, "III", "ISS stage")
    assert iss_iii.evaluate({"beta2_microglobulin": 5.5}) is True
    assert iss_iii.evaluate({"beta2_microglobulin": 5.49}) is False
    assert iss_iii.evaluate({}) is None
    assert iss_iii.needs == ISS_NEEDS


ABNORMALITIES = ("del17p", "t(4;14)", "t(14;16)", "gain1q", "amp1q", "t(11;14)")


@settings(max_examples=300, deadline=None)
@given(
    b2m=st.floats(min_value=0.5, max_value=15, allow_nan=False),
    albumin=st.floats(min_value=1.5, max_value=5.5, allow_nan=False),
    ldh=st.integers(min_value=100, max_value=600),
    panel=st.sets(st.sampled_from(ABNORMALITIES)),
    added=st.sampled_from(ABNORMALITIES),
    rise=st.floats(min_value=0, max_value=5, allow_nan=False),
)
def test_more_adverse_findings_never_lower_r_iss_or_r2_iss(
    b2m: float, albumin: float, ldh: int, panel: set[str], added: str, rise: float
) -> None:
    """A higher β2-microglobulin, a higher LDH or one more FISH abnormality never gives a lower
    R-ISS stage or R2-ISS group (every input recorded, so each is determined)."""
    before = _snapshot(b2m, albumin, (ldh, 250), sorted(panel))
    after = _snapshot(b2m + rise, albumin, (ldh + int(rise * 50), 250), sorted(panel | {added}))
    for rule, order in ((r_iss, ("I", "II", "III")), (r2_iss, ("I", "II", "III", "IV"))):
        first, second = rule(before), rule(after)
        assert first.status == second.status == "determined"
        assert order.index(str(second.result)) >= order.index(str(first.result))
