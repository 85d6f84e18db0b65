"""Staging of multiple myeloma: ISS (Greipp 2005), R-ISS (Palumbo 2015), R2-ISS (D'Agostino 2022).

Thresholds: ../shared/reference/criteria-summary.md, "Staging". The PDQ's Table 2 is titled ISS
but mixes ISS and R-ISS (../shared/reference/pdq-errata.md); its wording is shown beside the
published system in ``detail.pdq_wording`` and ``detail.pdq_difference``.
"""

from __future__ import annotations

from typing import NamedTuple

from myeloma_desk.domain.criteria.cytogenetics import FISH_TEXT
from myeloma_desk.domain.criteria.diagnosis import val
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Fish, Snapshot
from myeloma_desk.domain.thresholds import (
    AnyOf,
    Comparator,
    Finding,
    Stage,
    StageOf,
    StageTable,
    Threshold,
)
from myeloma_desk.domain.units import fmt, gt

GREIPP_2005 = source(
    "Greipp 2005 J Clin Oncol",
    "Greipp PR, San Miguel J, Durie BG, et al. International staging system for multiple "
    "myeloma. J Clin Oncol. 2005;23(15):3412-3420.",
)

# ISS thresholds (Greipp 2005): beta-2-microglobulin in mg/L, albumin in g/dL.
ISS_B2M_LOW = 3.5  # stage I needs B2M < 3.5 mg/L
ISS_B2M_HIGH = 5.5  # stage III: B2M >= 5.5 mg/L
ISS_ALBUMIN = 3.5  # stage I needs albumin >= 3.5 g/dL
ISS_MEDIAN_OS_MONTHS = {"I": 62, "II": 44, "III": 29}
# The ISS table (Greipp 2005): stage I β2M < 3.5 mg/L and albumin ≥ 3.5 g/dL; stage II
# neither I nor III; stage III β2M ≥ 5.5 mg/L. Criterion labels are generated from these.
ISS_B2M_STAGE_III = Threshold(
    "beta2_microglobulin", "β2-microglobulin", "≥", ISS_B2M_HIGH, "mg/L", suffix=" (stage III)"
)
ISS_B2M_STAGE_I = Threshold(
    "beta2_microglobulin", "β2-microglobulin", "<", ISS_B2M_LOW, "mg/L", suffix=" (stage I)"
)
ISS_ALBUMIN_STAGE_I = Threshold("albumin", "albumin", "≥", ISS_ALBUMIN, "g/dL", suffix=" (stage I)")
# The ISS as Greipp 2005 prints it (criteria-summary.md, "Staging"): stage I, stage II ("not
# stage I or III"), stage III.
ISS_TABLE = StageTable(
    "International Staging System (Greipp 2005)",
    (
        Stage("I", (ISS_B2M_STAGE_I, ISS_ALBUMIN_STAGE_I)),
        Stage("II"),
        Stage("III", (ISS_B2M_STAGE_III,)),
    ),
)
ISS_NEEDS = ISS_TABLE.needs  # β2-microglobulin, albumin

PDQ_TABLE_2 = {
    "title": "Table 2. The International Staging System (ISS) for Multiple Myeloma",
    "I": "Beta-2-microglobulin <3.5 mg/L and albumin ≥3.5 g/dL (median survival: not reached)",
    "II": "Not R-ISS I or III (median survival: 83 months)",
    "III": (
        "Beta-2-microglobulin ≥5.5 mg/L and either high LDH or high-risk chromosomal "
        "abnormalities by I-FISH (defined as presence of del(17p) and/or translocation t(4;14) "
        "and/or translocation t(14;16)) (median survival: 43 months)"
    ),
}
PDQ_TABLE_2_DIFFERENCE = (
    "The PDQ's Table 2 is titled ISS and cites the ISS paper, but its stage II and III rows and "
    "its median survivals (not reached, 83, 43 months) are those of the R-ISS (Palumbo 2015); "
    "its stage I omits the R-ISS conditions on LDH and FISH. Myeloma Desk computes the published "
    "ISS and R-ISS separately."
)


ISS_STAGES = ISS_TABLE.stages


def iss_stages(b2m: float | None, albumin: float | None) -> list[str]:
    """ISS stages (Greipp 2005) still possible for B2M (mg/L) and albumin (g/dL); None = missing.

    The one home of the ISS table (:data:`ISS_TABLE`): :func:`iss`, R-ISS and R2-ISS all read
    it. One stage means the stage is determined; several mean the missing input decides between
    them (albumin < 3.5 g/dL alone rules out stage I; B2M alone can decide II or III).
    """
    return ISS_TABLE.possible({"beta2_microglobulin": b2m, "albumin": albumin})


# The ISS criteria texts, generated from the thresholds (made once).
_B2M_III_TEXT = ISS_B2M_STAGE_III.label
_B2M_I_TEXT = ISS_B2M_STAGE_I.label
_ALBUMIN_I_TEXT = ISS_ALBUMIN_STAGE_I.label
# The result's detail for each stage (Greipp 2005 median overall survival).
_ISS_DETAIL = {
    stage: {"median_os_months": months} for stage, months in ISS_MEDIAN_OS_MONTHS.items()
}


@rule("iss", "International Staging System (ISS)", "staging", sources=(GREIPP_2005, PDQ))
def iss(s: Snapshot, e: Explanation) -> RuleResult:
    """ISS I: B2M < 3.5 mg/L and albumin ≥ 3.5 g/dL; III: B2M ≥ 5.5 mg/L; II: neither."""
    detail = e.detail
    detail["pdq_wording"] = PDQ_TABLE_2
    detail["pdq_difference"] = PDQ_TABLE_2_DIFFERENCE
    facts = _facts(s)  # the ISS inputs and stages, read once for the three ISS-based rules
    values = facts.values
    b2m = values["beta2_microglobulin"]
    albumin = values["albumin"]
    stages = facts.iss
    # Criteria in the order of the table, each recorded as far as the data decide it.
    if b2m is None:
        if albumin is not None and not ISS_ALBUMIN_STAGE_I.holds(albumin):
            # albumin alone rules out stage I (Greipp 2005)
            e.criterion(_ALBUMIN_I_TEXT, False, s.shown("albumin"))
        e.need("beta2_microglobulin")
    else:
        shown_b2m = s.shown("beta2_microglobulin")
        high = e.criterion(_B2M_III_TEXT, ISS_B2M_STAGE_III.holds(b2m), shown_b2m)
        if not high and e.criterion(_B2M_I_TEXT, ISS_B2M_STAGE_I.holds(b2m), shown_b2m):
            if albumin is None:
                e.criterion(_ALBUMIN_I_TEXT, None, None)
            else:
                e.criterion(_ALBUMIN_I_TEXT, ISS_ALBUMIN_STAGE_I.holds(albumin), s.shown("albumin"))
    if albumin is None:
        e.need("albumin")
    if len(stages) == len(ISS_STAGES):
        return e.cannot_determine()  # nothing decided yet: no list of every stage
    if len(stages) > 1:
        return e.cannot_determine(possible=list(stages))
    detail.update(_ISS_DETAIL[stages[0]])
    return e.determined(stages[0])


# --- R-ISS and R2-ISS ----------------------------------------------------------------------

PALUMBO_2015 = source(
    "Palumbo 2015 J Clin Oncol",
    "Palumbo A, Avet-Loiseau H, Oliva S, et al. Revised International Staging System for "
    "Multiple Myeloma: A Report From International Myeloma Working Group. J Clin Oncol. "
    "2015;33(26):2863-2869.",
)
DAGOSTINO_2022 = source(
    "D'Agostino 2022 J Clin Oncol",
    "D'Agostino M, Cairns DA, Lahuerta JJ, et al. Second Revision of the International Staging "
    "System (R2-ISS) for Overall Survival in Multiple Myeloma: A European Myeloma Network (EMN) "
    "Report Within the HARMONY Project. J Clin Oncol. 2022;40(29):3406-3418.",
)

# R-ISS (Palumbo 2015): high-risk chromosomal abnormalities by iFISH.
R_ISS_HIGH_RISK_FISH = (Fish.DEL17P, Fish.T_4_14, Fish.T_14_16)
# The findings the R-ISS and R2-ISS rows read (values from _findings): LDH above the lab's upper
# limit of normal (at the limit is normal) and the FISH abnormalities.
LDH_HIGH = Finding(
    "ldh_high",
    "LDH above the upper limit of normal",
    ("ldh", "ldh_upper_limit"),
    absent_text="LDH not above the upper limit of normal",
)
HIGH_RISK_FISH = Finding(
    "high_risk_fish",
    "high-risk FISH: del(17p), t(4;14) or t(14;16)",
    ("fish",),
    absent_text="standard-risk FISH: none of del(17p), t(4;14), t(14;16)",
)
ISS_STAGE = "ISS stage"
# The R-ISS as Palumbo 2015 prints it: stage I, ISS stage I with standard-risk FISH and normal
# LDH; stage III, ISS stage III with high-risk FISH or high LDH; stage II, not R-ISS I or III.
# (Within a row the criteria are a conjunction; LDH is listed before FISH, the order in which
# the result names missing inputs.)
R_ISS_TABLE = StageTable(
    "Revised International Staging System (Palumbo 2015)",
    (
        Stage("I", (StageOf(ISS_TABLE, "I", ISS_STAGE), LDH_HIGH.absent, HIGH_RISK_FISH.absent)),
        Stage("II"),
        Stage("III", (StageOf(ISS_TABLE, "III", ISS_STAGE), AnyOf((LDH_HIGH, HIGH_RISK_FISH)))),
    ),
)
R_ISS_NEEDS = R_ISS_TABLE.needs  # β2-microglobulin, albumin, FISH, LDH and its upper limit
R_ISS_MEDIAN_OS_MONTHS: dict[str, int | None] = {"I": None, "II": 83, "III": 43}  # None: NR
R_ISS_5_YEAR_OS_PERCENT = {"I": 82, "II": 62, "III": 40}

# R2-ISS (D'Agostino 2022), in half-points so that sums stay exact: ISS II 1, ISS III 1.5,
# del(17p) 1, LDH > ULN 1, t(4;14) 1, 1q gain/amplification 0.5.
R2_HALF_POINTS = {"iss_II": 2, "iss_III": 3, "del17p": 2, "ldh_high": 2, "t_4_14": 2, "1q": 1}
R2_ISS_HALF_POINTS = {"I": 0, "II": R2_HALF_POINTS["iss_II"], "III": R2_HALF_POINTS["iss_III"]}
# The R2-ISS factors besides the ISS, in the paper's order, each with its half-points; the
# criterion labels ("del(17p) (1 point)") are generated from these.
R2_FACTORS: tuple[tuple[Finding, int], ...] = (
    (LDH_HIGH, R2_HALF_POINTS["ldh_high"]),
    (Finding("del17p", "del(17p)", ("fish",)), R2_HALF_POINTS["del17p"]),
    (Finding("t_4_14", "t(4;14)", ("fish",)), R2_HALF_POINTS["t_4_14"]),
    (Finding("gain_1q", "1q gain or amplification", ("fish",)), R2_HALF_POINTS["1q"]),
)
# Groups by total points: I 0; II 0.5–1; III 1.5–2.5; IV 3–5 (D'Agostino 2022), as a table.
R2_TOTAL = "r2_iss_points"


def _total(op: Comparator, points: float) -> Threshold:
    return Threshold(R2_TOTAL, "total", op, points, "points")


R2_GROUPS_TABLE = StageTable(
    "R2-ISS risk groups (D'Agostino 2022)",
    (
        Stage("I", (_total("≤", 0),)),
        Stage("II", (_total("≥", 0.5), _total("≤", 1))),
        Stage("III", (_total("≥", 1.5), _total("≤", 2.5))),
        Stage("IV", (_total("≥", 3),)),
    ),
)
R2_ISS_NEEDS = tuple(
    dict.fromkeys([*ISS_NEEDS, *(field for f, _ in R2_FACTORS for field in f.needs)])
)
# Median OS (months; None = not reached) as given in criteria-summary.md, marked "verify" there.
# Checked 2025-11-26 with the search tool: the points and the group cut-offs match the ASCO Post
# summary of the paper (June 2022: ISS-III 1.5, ISS-II 1, del(17p) 1, high LDH 1, 1q+ 0.5;
# groups 0 / 0.5-1 / 1.5-2.5 / 3-5). The survival figures (not reached, 109.2, 68.5, 37.9
# months) were found only in a secondary source (a public specification citing the paper), not
# in the primary abstract, which was not retrievable: the result says so in
# detail.survival_verification.
R2_MEDIAN_OS_MONTHS: dict[str, float | None] = {"I": None, "II": 109.2, "III": 68.5, "IV": 37.9}
R2_SURVIVAL_VERIFICATION = (
    "Points and group cut-offs checked against a published summary of D'Agostino 2022 (ASCO "
    "Post, June 2022). The median survival figures (not reached, 109.2, 68.5, 37.9 months) "
    "match a secondary source only; they could not be checked against the paper itself here. "
    "Confirm in the original before quoting them."
)

R_ISS_PDQ_DIFFERENCE = (
    "The PDQ prints R-ISS as its Table 2 under the title 'The International Staging System "
    "(ISS)'. Stages II and III and the median survivals (not reached, 83, 43 months) are the "
    "R-ISS's; but its stage I row gives only the ISS condition (β2-microglobulin < 3.5 mg/L and "
    "albumin ≥ 3.5 g/dL) without the R-ISS requirements of normal LDH and standard-risk FISH. "
    "A patient in ISS I with a high LDH or a high-risk abnormality is R-ISS II, although the "
    "PDQ's stage I row reads as if it were stage I."
)


def ldh_high(s: Snapshot) -> tuple[bool | None, str]:
    """LDH above the lab's upper limit of normal (None if either is missing; once per snapshot)."""
    return _facts(s).findings[LDH_HIGH.field]


# The FISH abnormalities each finding reads (Palumbo 2015; D'Agostino 2022).
FISH_FINDINGS: dict[str, tuple[Fish, ...]] = {
    HIGH_RISK_FISH.field: R_ISS_HIGH_RISK_FISH,
    "del17p": (Fish.DEL17P,),
    "t_4_14": (Fish.T_4_14,),
    "gain_1q": (Fish.GAIN1Q, Fish.AMP1Q),
}
# Each finding's abnormalities in the papers' words ("del(17p)", "1q gain"), and the text when
# none is present, made once.
_FISH_TEXTS = {
    field: (
        tuple((f, FISH_TEXT[f]) for f in findings),
        "none of " + ", ".join(FISH_TEXT[f] for f in findings),
    )
    for field, findings in FISH_FINDINGS.items()
}
# Every FISH finding unknown (FISH not done), shared: nothing modifies it.
_FISH_NOT_DONE = {field: (None, "FISH not done") for field in FISH_FINDINGS}
# The inputs the R-ISS and the R2-ISS read, in their tables' order: the same five, ISS first
# (tests/unit/domain/test_stage_table.py checks that the two agree).
STAGING_NEEDS = R_ISS_NEEDS


class _Facts(NamedTuple):
    """What the three ISS-based rules read, gathered once per snapshot (nothing modifies it).

    ``values``: what the R-ISS and R2-ISS tables read, the ISS inputs (canonical units) and the
    findings (True, False, or None when not recorded); ``iss``: the ISS stages still possible
    (:data:`ISS_TABLE`); ``findings``: each finding as its criterion records it (met, shown);
    ``iss_criterion``: the "ISS stage" criterion of the R-ISS and R2-ISS (met, shown);
    ``missing``: the inputs of :data:`STAGING_NEEDS` not recorded, in that order.
    """

    values: dict[str, float | None]
    iss: list[str]
    findings: dict[str, tuple[bool | None, str]]
    iss_criterion: tuple[bool | None, str]
    missing: list[str]


def _facts(s: Snapshot) -> _Facts:
    return s.derived("staging.facts", _read_facts)


def _read_facts(s: Snapshot) -> _Facts:
    fish = s.fish
    b2m = val(s, "beta2_microglobulin")
    albumin = val(s, "albumin")
    # LDH above the lab's upper limit of normal (at the limit is normal; Palumbo 2015).
    ldh = val(s, "ldh")
    uln = val(s, "ldh_upper_limit")
    high = None if ldh is None or uln is None else gt(ldh, uln)
    ldh_shown = f"{s.shown('ldh')}, ULN {s.shown('ldh_upper_limit')}"
    values: dict[str, float | None] = {
        "beta2_microglobulin": b2m,
        "albumin": albumin,
        LDH_HIGH.field: high,
    }
    if fish is None:
        findings = {LDH_HIGH.field: (high, ldh_shown), **_FISH_NOT_DONE}
        for field in FISH_FINDINGS:
            values[field] = None
    else:
        findings = {LDH_HIGH.field: (high, ldh_shown)}
        for field, (shown, none_text) in _FISH_TEXTS.items():
            present = [text for f, text in shown if f in fish]
            if present:
                values[field] = True
                findings[field] = (True, ", ".join(present))
            else:
                values[field] = False
                findings[field] = (False, none_text)
    stages = ISS_TABLE.possible(values)
    if len(stages) == 1:
        iss_criterion: tuple[bool | None, str] = (True, stages[0])
    else:
        iss_criterion = (None, "one of " + ", ".join(stages))
    recorded = {
        "beta2_microglobulin": b2m,
        "albumin": albumin,
        "ldh": ldh,
        "ldh_upper_limit": uln,
        "fish": fish,
    }
    missing = [n for n in STAGING_NEEDS if recorded[n] is None]
    return _Facts(values, stages, findings, iss_criterion, missing)


ISS_STAGE_TEXT = "ISS stage (Greipp 2005)"


# The R-ISS stages possible for each (ISS stages possible, LDH high, high-risk FISH): what
# R_ISS_TABLE.possible reads of its values (its rows ask for an ISS stage and the two findings
# only), so each combination is looked up in the table once (issue 18).
_R_ISS_POSSIBLE: dict[tuple[tuple[str, ...], float | None, float | None], list[str]] = {}
# The result's detail for each R-ISS stage (Palumbo 2015), made once.
_R_ISS_DETAIL: dict[str, dict[str, object]] = {
    stage: {
        "median_os_months": months,
        "five_year_os_percent": R_ISS_5_YEAR_OS_PERCENT[stage],
        **({"median_os_text": "not reached"} if months is None else {}),
    }
    for stage, months in R_ISS_MEDIAN_OS_MONTHS.items()
}


def _r_iss_possible(facts: _Facts) -> list[str]:
    values = facts.values
    key = (tuple(facts.iss), values[LDH_HIGH.field], values[HIGH_RISK_FISH.field])
    known = _R_ISS_POSSIBLE.get(key)
    if known is None:
        known = _R_ISS_POSSIBLE[key] = R_ISS_TABLE.possible(values)
    return known


@rule(
    "r_iss",
    "Revised International Staging System (R-ISS)",
    "staging",
    sources=(PALUMBO_2015, GREIPP_2005, PDQ),
)
def r_iss(s: Snapshot, e: Explanation) -> RuleResult:
    """R-ISS I: ISS I, standard-risk FISH and normal LDH; III: ISS III and high-risk FISH or high
    LDH; II: all others (:data:`R_ISS_TABLE`). A stage is given when the missing inputs cannot
    change it."""
    detail = e.detail
    detail["pdq_wording"] = PDQ_TABLE_2
    detail["pdq_difference"] = R_ISS_PDQ_DIFFERENCE
    facts = _facts(s)
    findings = facts.findings
    e.criterion(ISS_STAGE_TEXT, *facts.iss_criterion)
    e.criterion(LDH_HIGH.label, *findings[LDH_HIGH.field])
    e.criterion(HIGH_RISK_FISH.label, *findings[HIGH_RISK_FISH.field])
    e.need(*facts.missing)
    possible = _r_iss_possible(facts)
    if len(possible) > 1:
        return e.cannot_determine(possible=list(possible))  # a list of its own for each result
    stage = possible[0]
    detail.update(_R_ISS_DETAIL[stage])
    return e.determined(stage)


def _points_label(finding: Finding, half_points: int) -> str:
    """'del(17p) (1 point)', '1q gain or amplification (0.5 point)': from the constant."""
    points = half_points / 2
    return f"{finding.label} ({fmt(points)} point{'' if points <= 1 else 's'})"


# Each R2-ISS factor's criterion label, generated once from its points (issue 18), with the
# finding it records.
R2_LABELS = tuple(_points_label(finding, half_points) for finding, half_points in R2_FACTORS)
_R2_CRITERIA = tuple(
    (finding.field, label) for (finding, _), label in zip(R2_FACTORS, R2_LABELS, strict=True)
)
# The highest total in half-points: ISS III and every factor.
_R2_MAX_HALF_POINTS = max(R2_ISS_HALF_POINTS.values()) + sum(half for _, half in R2_FACTORS)
# The R2-ISS group of each total in half-points (:data:`R2_GROUPS_TABLE`), made once.
R2_GROUP_OF: dict[int, str] = {
    half_points: R2_GROUPS_TABLE.possible({R2_TOTAL: half_points / 2})[0]
    for half_points in range(_R2_MAX_HALF_POINTS + 1)
}
_R2_ORDER = {group: i for i, group in enumerate(R2_GROUPS_TABLE.stages)}
# The result's detail for each group (median overall survival, D'Agostino 2022), made once.
_R2_DETAIL: dict[str, dict[str, object]] = {
    group: {
        "median_os_months": months,
        **({"median_os_text": "not reached"} if months is None else {}),
    }
    for group, months in R2_MEDIAN_OS_MONTHS.items()
}


def _r2_totals(values: dict[str, float | None], stages: list[str]) -> set[int]:
    """Every total (half-points) the recorded and the missing inputs allow, for the ISS
    ``stages`` still possible."""
    # The sums over every completion of the missing factors, built factor by factor (the same
    # set as summing each combination of itertools.product, without enumerating them).
    sums = {0}
    for finding, half in R2_FACTORS:
        value = values[finding.field]
        if value is None:
            sums |= {total + half for total in sums}
        elif value:
            sums = {total + half for total in sums}
    return {R2_ISS_HALF_POINTS[stage] + total for stage in stages for total in sums}


@rule(
    "r2_iss",
    "Second Revision of the ISS (R2-ISS)",
    "staging",
    sources=(DAGOSTINO_2022, GREIPP_2005),
)
def r2_iss(s: Snapshot, e: Explanation) -> RuleResult:
    """R2-ISS additive score (D'Agostino 2022): ISS II 1, ISS III 1.5, del(17p) 1, high LDH 1,
    t(4;14) 1, 1q+ 0.5; groups I 0, II 0.5–1, III 1.5–2.5, IV 3–5 (:data:`R2_GROUPS_TABLE`)."""
    facts = _facts(s)
    findings = facts.findings
    e.criterion(ISS_STAGE_TEXT, *facts.iss_criterion)
    for field, label in _R2_CRITERIA:
        e.criterion(label, *findings[field])
    e.need(*facts.missing)
    totals = _r2_totals(facts.values, facts.iss)
    low, high = min(totals), max(totals)
    detail = e.detail
    detail["survival_verification"] = R2_SURVIVAL_VERIFICATION
    if len(totals) == 1:
        group = R2_GROUP_OF[low]
        detail.update(_R2_DETAIL[group])
        detail["points"] = low / 2
        return e.determined(group)
    groups = {R2_GROUP_OF[total] for total in totals}
    if len(groups) > 1:
        return e.cannot_determine(
            possible=sorted(groups, key=_R2_ORDER.__getitem__), points_range=[low / 2, high / 2]
        )
    group = groups.pop()
    detail.update(_R2_DETAIL[group])
    detail["points_range"] = [low / 2, high / 2]
    return e.determined(group)
