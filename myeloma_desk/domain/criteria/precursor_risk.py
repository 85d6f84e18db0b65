"""Risk of progression of smoldering myeloma and MGUS.

Thresholds: ../shared/reference/criteria-summary.md, "Smoldering myeloma and MGUS risk".

Applicability (documented in docs/assess.md): the SMM scores are ``not_applicable`` when the
``diagnosis`` rule is determined and is not smoldering myeloma (or the diagnosis rule itself is
not applicable); the MGUS score is ``not_applicable`` unless the diagnosis is non-IgM or IgM MGUS
(light-chain MGUS has no heavy-chain isotype or serum M-protein for the Mayo model). When the
diagnosis cannot be determined but the entity is still possible, the score is computed and
``detail.diagnosis_note`` says that the diagnosis is not established.

Missing factors are tried at every value they could take; a group is given when all agree.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import NamedTuple

from myeloma_desk.domain.criteria.cytogenetics import FISH_TEXT
from myeloma_desk.domain.criteria.diagnosis import diagnosis_result, val
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.flc import FLC_RATIO_HIGH, FLC_RATIO_LOW, flc, flc_ratio_abnormal, ratio_gt
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Fish, Snapshot
from myeloma_desk.domain.units import fmt, ge, gt, le

LAKSHMAN_2018 = source(
    "Lakshman 2018 Blood Cancer J",
    "Lakshman A, Rajkumar SV, Buadi FK, et al. Risk stratification of smoldering multiple "
    "myeloma incorporating revised IMWG diagnostic criteria. Blood Cancer J. 2018;8(6):59.",
)
MATEOS_2020 = source(
    "Mateos 2020 Blood Cancer J",
    "Mateos MV, Kumar S, Dimopoulos MA, et al. International Myeloma Working Group risk "
    "stratification model for smoldering multiple myeloma (SMM). Blood Cancer J. "
    "2020;10(10):102.",
)
RAJKUMAR_2005 = source(
    "Rajkumar 2005 Blood",
    "Rajkumar SV, Kyle RA, Therneau TM, et al. Serum free light chain ratio is an independent "
    "risk factor for progression in monoclonal gammopathy of undetermined significance. Blood. "
    "2005;106(3):812-817.",
)
KYLE_2002 = source(
    "Kyle 2002 N Engl J Med",
    "Kyle RA, Therneau TM, Rajkumar SV, et al. A long-term study of prognosis in monoclonal "
    "gammopathy of undetermined significance. N Engl J Med. 2002;346(8):564-569.",
)

# Mayo 20/2/20 (Lakshman 2018): BMPC > 20%, M-protein > 2 g/dL, FLC ratio > 20.
SMM_BMPC = 20.0
SMM_M_PROTEIN = 2.0
SMM_FLC_RATIO = 20.0
# 2-year progression by group, Mateos 2020 validation cohort (criteria-summary.md).
P2Y_20_2_20 = {"low": 6, "intermediate": 18, "high": 44}
# The PDQ's four-factor version (20/2/20 + cytogenetics; PDQ ref. Mateos 2020).
P2Y_FOUR_FACTOR = {"low": 6, "low_intermediate": 23, "intermediate": 46, "high": 63}
SMM_FISH = (Fish.T_4_14, Fish.T_14_16, Fish.GAIN1Q, Fish.AMP1Q, Fish.DEL13)
PDQ_FOUR_FACTOR_WORDING = (
    "The International Myeloma Working Group (IMWG) 2/20/20 rule measures four adverse risk "
    "factors for patients with smoldering myeloma. The presence of three or four of the "
    "following adverse factors predicts a greater than 50% chance of progression to myeloma "
    "within 2 years: serum M protein greater than 2 g/dL; involved:uninvolved serum FLC ratio "
    "of more than 20; bone marrow plasma cell infiltration of more than 20%; t(4;14), "
    "t(14;16), 1q gain, or del13q/monosomy 13 chromosomal abnormality."
)

# IMWG 2020 scoring (Mateos 2020): (upper bound inclusive, points); above the last bound the
# final points apply.
IMWG_FLC_BANDS = ((10.0, 0), (25.0, 2), (40.0, 3))
IMWG_FLC_TOP = 5
IMWG_M_BANDS = ((1.5, 0), (3.0, 3))
IMWG_M_TOP = 4
IMWG_BMPC_BANDS = ((15.0, 0), (20.0, 2), (30.0, 3), (40.0, 5))
IMWG_BMPC_TOP = 6
IMWG_FISH_POINTS = 2
IMWG_GROUPS = (("low", 0, 4), ("low_intermediate", 5, 8), ("intermediate", 9, 12))
IMWG_HIGH = "high"  # > 12
P2Y_IMWG_2020 = {"low": 3.8, "low_intermediate": 26, "intermediate": 51, "high": 73}

# Mayo MGUS (Rajkumar 2005): M-protein ≥ 1.5 g/dL, non-IgG, abnormal FLC ratio.
MGUS_M_PROTEIN = 1.5
MGUS_GROUPS = ("low", "low_intermediate", "high_intermediate", "high")
MGUS_20Y_PROGRESSION = {"low": 5, "low_intermediate": 21, "high_intermediate": 37, "high": 58}
MGUS_20Y_COMPETING = {"low": 2, "low_intermediate": 10, "high_intermediate": 18, "high": 27}
# The PDQ (Kyle 2002): risk of progression at 20 years by initial M-protein level (g/dL).
PDQ_MGUS_TABLE = (
    ("0.5 g/dL or less", 0.5, 14),
    ("1.5 g/dL", 1.5, 25),
    ("2.0 g/dL", 2.0, 41),
    ("2.5 g/dL", 2.5, 49),
    ("3.0 g/dL", 3.0, 64),
)


class Factor(NamedTuple):
    """One score component: its name, points it could still take, and what was recorded.

    An immutable named tuple (issue 18: built three or four times per score, a third of the cost
    of a frozen dataclass)."""

    name: str
    options: tuple[int, ...]
    value: str
    need: tuple[str, ...] = ()


def _totals(factors: Sequence[Factor]) -> set[int]:
    return {sum(combo) for combo in itertools.product(*(f.options for f in factors))}


class _AppliesTo(NamedTuple):
    """The diagnoses a score applies to, with the texts that name them (made once, at import)."""

    accepted: tuple[str, ...]
    accepted_set: frozenset[str]
    wanted: str  # "non_igm_mgus or igm_mgus"
    criteria_do_not_apply: str
    diagnosis_note: str


def _applies_to(*accepted: str) -> _AppliesTo:
    wanted = " or ".join(accepted)
    return _AppliesTo(
        accepted,
        frozenset(accepted),
        wanted,
        f"applies to {wanted}; the diagnosis criteria do not apply",
        f"The diagnosis cannot be determined yet from the recorded findings; this score "
        f"applies only to {wanted}.",
    )


SMM_ONLY = _applies_to("smoldering_multiple_myeloma")
MGUS_ONLY = _applies_to("non_igm_mgus", "igm_mgus")
# The Mayo and IMWG 2020 scores (and Mayo MGUS risk) estimate the progression of untreated
# precursor disease from values at diagnosis; after treatment they do not apply.
TREATED_REASON = (
    "these scores estimate progression of untreated precursor disease; this patient "
    "has recorded lines of therapy"
)


def _applicable(s: Snapshot, e: Explanation, applies: _AppliesTo) -> RuleResult | None:
    """None if the score applies (or may apply); else the not_applicable result."""
    if s.therapy_lines:
        return e.not_applicable(TREATED_REASON)
    d = diagnosis_result(s)
    status = d.status
    e.detail["diagnosis"] = {"status": status, "result": d.result}
    if status == "not_applicable":
        return e.not_applicable(applies.criteria_do_not_apply)
    if status == "determined":
        if d.result in applies.accepted:
            return None
        return e.not_applicable(f"applies to {applies.wanted}; the diagnosis is {d.result}")
    possible = d.detail.get("possible", [])
    if possible and applies.accepted_set.isdisjoint(possible):
        return e.not_applicable(
            f"applies to {applies.wanted}; the diagnosis, not yet determined, can only be one of "
            + ", ".join(possible)
        )
    e.detail["diagnosis_note"] = applies.diagnosis_note
    return None


def _tri_factor(name: str, met: bool | None, points: int, value: str, *need: str) -> Factor:
    options = (0, points) if met is None else ((points,) if met else (0,))
    return Factor(name, options, value, tuple(need) if met is None else ())


def _record(e: Explanation, factors: Sequence[Factor]) -> None:
    for f in factors:
        met: bool | None = None if len(f.options) > 1 else f.options[0] > 0
        e.criterion(f.name, met, f.value)
        e.need(*f.need)


def _flc_ratio(s: Snapshot) -> tuple[float | None, str]:
    f = flc(s)
    if f is None:
        return None, "free light chains not recorded"
    if f.ratio is None:
        return 0.0, f.describe(s)
    return f.ratio, f.describe(s)


def _fish_factor(s: Snapshot) -> tuple[bool | None, str]:
    if s.fish is None:
        return None, "FISH not done"
    present = [FISH_TEXT[f] for f in SMM_FISH if f in s.fish]
    return bool(present), ", ".join(present) if present else "none present"


def _smm_factors(s: Snapshot) -> list[Factor]:
    """The three 20/2/20 factors as 0/1 points."""
    bmpc = val(s, "bone_marrow_plasma_cells_percent")
    m = val(s, "serum_m_protein")
    ratio, ratio_text = _flc_ratio(s)
    return [
        _tri_factor(
            SMM_BMPC_TEXT,
            None if bmpc is None else gt(bmpc, SMM_BMPC),
            1,
            s.shown("bone_marrow_plasma_cells_percent"),
            "bone_marrow_plasma_cells_percent",
        ),
        _tri_factor(
            SMM_M_PROTEIN_TEXT,
            None if m is None else gt(m, SMM_M_PROTEIN),
            1,
            s.shown("serum_m_protein"),
            "serum_m_protein",
        ),
        _tri_factor(
            SMM_FLC_TEXT,
            None if ratio is None else ratio_gt(ratio, SMM_FLC_RATIO),
            1,
            ratio_text,
            *[n for n in ("free_kappa", "free_lambda") if val(s, n) is None],
        ),
    ]


def _count_result(
    e: Explanation,
    factors: Sequence[Factor],
    group_of: dict[int, str],
    order: tuple[str, ...],
    progression: dict[str, int],
    **extra: object,
) -> RuleResult:
    _record(e, factors)
    totals = _totals(factors)
    groups = {group_of[min(t, max(group_of))] for t in totals}
    if len(groups) > 1:
        return e.cannot_determine(
            possible=sorted(groups, key=order.index), factors_range=[min(totals), max(totals)]
        )
    group = groups.pop()
    detail: dict[str, object] = {"two_year_progression_percent": progression[group], **extra}
    if len(totals) == 1:
        detail["factors"] = min(totals)
    else:
        detail["factors_range"] = [min(totals), max(totals)]
    return e.determined(group, **detail)


@rule(
    "smm_risk_20_2_20",
    "Smoldering myeloma risk: Mayo 20/2/20",
    "precursor_risk",
    sources=(LAKSHMAN_2018, MATEOS_2020),
)
def smm_risk_20_2_20(s: Snapshot, e: Explanation) -> RuleResult:
    """BMPC > 20%, M-protein > 2 g/dL, FLC ratio > 20: 0 low, 1 intermediate, ≥ 2 high."""
    skip = _applicable(s, e, SMM_ONLY)
    if skip is not None:
        return skip
    return _count_result(
        e,
        _smm_factors(s),
        {0: "low", 1: "intermediate", 2: "high"},
        ("low", "intermediate", "high"),
        P2Y_20_2_20,
        progression_source="Mateos 2020 validation cohort, 2-year progression",
    )


@rule(
    "smm_risk_pdq_four_factor",
    "Smoldering myeloma risk: the PDQ's four-factor 20/2/20 with cytogenetics",
    "precursor_risk",
    sources=(PDQ, MATEOS_2020),
)
def smm_risk_pdq_four_factor(s: Snapshot, e: Explanation) -> RuleResult:
    """20/2/20 plus t(4;14), t(14;16), 1q gain or del(13q): 0, 1, 2, ≥ 3 factors."""
    e.detail["pdq_wording"] = PDQ_FOUR_FACTOR_WORDING
    skip = _applicable(s, e, SMM_ONLY)
    if skip is not None:
        return skip
    present, text = _fish_factor(s)
    factors = [
        *_smm_factors(s),
        _tri_factor(
            "t(4;14), t(14;16), 1q gain (or amplification) or del(13q)/monosomy 13",
            present,
            1,
            text,
            "fish",
        ),
    ]
    return _count_result(
        e,
        factors,
        {0: "low", 1: "low_intermediate", 2: "intermediate", 3: "high"},
        ("low", "low_intermediate", "intermediate", "high"),
        P2Y_FOUR_FACTOR,
        pdq_statement="3 or 4 factors: > 50% progression within 2 years (the PDQ)",
    )


def _band(value: float, bands: tuple[tuple[float, int], ...], top: int) -> int:
    if math.isinf(value):
        return top
    for upper, points in bands:
        if le(value, upper):
            return points
    return top


def _band_options(bands: tuple[tuple[float, int], ...], top: int) -> tuple[int, ...]:
    return (*[p for _, p in bands], top)


@rule(
    "smm_risk_imwg_2020",
    "Smoldering myeloma risk: IMWG 2020 scoring",
    "precursor_risk",
    sources=(MATEOS_2020,),
)
def smm_risk_imwg_2020(s: Snapshot, e: Explanation) -> RuleResult:
    """Points for FLC ratio, M-protein, BMPC and FISH; 0–4 low … > 12 high (Mateos 2020)."""
    skip = _applicable(s, e, SMM_ONLY)
    if skip is not None:
        return skip
    ratio, ratio_text = _flc_ratio(s)
    m = val(s, "serum_m_protein")
    bmpc = val(s, "bone_marrow_plasma_cells_percent")
    present, fish_text = _fish_factor(s)
    factors = [
        _points_factor(
            "FLC ratio points (0–10: 0, > 10–25: 2, > 25–40: 3, > 40: 5)",
            ratio,
            IMWG_FLC_BANDS,
            IMWG_FLC_TOP,
            ratio_text,
            *[n for n in ("free_kappa", "free_lambda") if val(s, n) is None],
        ),
        _points_factor(
            "M-protein points (0–1.5 g/dL: 0, > 1.5–3: 3, > 3: 4)",
            m,
            IMWG_M_BANDS,
            IMWG_M_TOP,
            s.shown("serum_m_protein"),
            "serum_m_protein",
        ),
        _points_factor(
            "BMPC points (0–15%: 0, > 15–20: 2, > 20–30: 3, > 30–40: 5, > 40: 6)",
            bmpc,
            IMWG_BMPC_BANDS,
            IMWG_BMPC_TOP,
            s.shown("bone_marrow_plasma_cells_percent"),
            "bone_marrow_plasma_cells_percent",
        ),
        _tri_factor(
            "FISH: t(4;14), t(14;16), 1q gain or del(13q) (2 points)",
            present,
            IMWG_FISH_POINTS,
            fish_text,
            "fish",
        ),
    ]
    for f in factors:
        e.criterion(
            f.name,
            None if len(f.options) > 1 else f.options[0] > 0,
            f.value + ("" if len(f.options) > 1 else f" → {f.options[0]} points"),
        )
        e.need(*f.need)
    totals = _totals(factors)
    groups = {_imwg_group(t) for t in totals}
    order = ("low", "low_intermediate", "intermediate", "high")
    if len(groups) > 1:
        return e.cannot_determine(
            possible=sorted(groups, key=order.index), points_range=[min(totals), max(totals)]
        )
    group = groups.pop()
    detail: dict[str, object] = {"two_year_progression_percent": P2Y_IMWG_2020[group]}
    if len(totals) == 1:
        detail["points"] = min(totals)
    else:
        detail["points_range"] = [min(totals), max(totals)]
    return e.determined(group, **detail)


def _points_factor(
    name: str,
    value: float | None,
    bands: tuple[tuple[float, int], ...],
    top: int,
    shown: str,
    *need: str,
) -> Factor:
    if value is None:
        return Factor(name, _band_options(bands, top), shown, tuple(need))
    return Factor(name, (_band(value, bands, top),), shown)


def _imwg_group(points: int) -> str:
    for group, low, high in IMWG_GROUPS:
        if low <= points <= high:
            return group
    return IMWG_HIGH


# The PDQ's table as the result's detail shows it, and each answer of pdq_mgus_row, made once
# from PDQ_MGUS_TABLE (issue 18).
PDQ_MGUS_TABLE_DETAIL = [
    {"initial_m_protein": label, "progression_20_years_percent": percent}
    for label, _, percent in PDQ_MGUS_TABLE
]
_PDQ_MGUS_LEVELS = tuple(level for _, level, _ in PDQ_MGUS_TABLE)
_PDQ_MGUS_AT = tuple(f"{label}: {percent}% at 20 years" for label, _, percent in PDQ_MGUS_TABLE)
_PDQ_MGUS_BELOW = (
    f"0.5 g/dL or less: {PDQ_MGUS_TABLE[0][2]}% at 20 years",  # at or below the first row
    *(
        f"between the PDQ's rows {label_a} ({pa}%) and {label_b} ({pb}%); the PDQ gives "
        "no figure in between"
        for (label_a, _, pa), (label_b, _, pb) in itertools.pairwise(PDQ_MGUS_TABLE)
    ),
)
_PDQ_MGUS_ABOVE = f"above the PDQ's highest row (3.0 g/dL: {PDQ_MGUS_TABLE[-1][2]}% at 20 years)"


def pdq_mgus_row(m_protein: float) -> str:
    """The PDQ's 20-year progression for this initial M-protein, without interpolation: the
    row it equals, or the two rows it lies between (rows in increasing order)."""
    # ``not gt(m, level)`` is units.le(m, level) (its exact complement) in one comparison.
    if not gt(m_protein, _PDQ_MGUS_LEVELS[0]):
        return _PDQ_MGUS_BELOW[0]
    for i in range(1, len(_PDQ_MGUS_LEVELS)):
        level = _PDQ_MGUS_LEVELS[i]
        if not gt(m_protein, level):  # above the row before, at most this row
            return _PDQ_MGUS_AT[i] if ge(m_protein, level) else _PDQ_MGUS_BELOW[i]
    return _PDQ_MGUS_ABOVE


@rule(
    "mgus_risk_mayo",
    "MGUS risk: Mayo risk stratification",
    "precursor_risk",
    sources=(RAJKUMAR_2005, KYLE_2002, PDQ),
)
def mgus_risk_mayo(s: Snapshot, e: Explanation) -> RuleResult:
    """M-protein ≥ 1.5 g/dL, non-IgG isotype, abnormal FLC ratio: 0–3 risk factors."""
    e.detail["pdq_m_protein_table"] = PDQ_MGUS_TABLE_DETAIL
    m = val(s, "serum_m_protein")
    if m is not None:
        e.detail["pdq_row"] = pdq_mgus_row(m)
    skip = _applicable(s, e, MGUS_ONLY)
    if skip is not None:
        return skip
    heavy = s.m_protein_heavy_chain
    f = flc(s)
    abnormal = None if f is None else flc_ratio_abnormal(f)
    kl = "free light chains not recorded"
    if f is not None and f.kappa_lambda is not None:
        kl = "κ/λ ∞" if math.isinf(f.kappa_lambda) else f"κ/λ {fmt(round(f.kappa_lambda, 4))}"
    factors = [
        _tri_factor(
            MGUS_M_PROTEIN_TEXT,
            None if m is None else ge(m, MGUS_M_PROTEIN),
            1,
            s.shown("serum_m_protein"),
            "serum_m_protein",
        ),
        _tri_factor(
            "non-IgG isotype",
            None if heavy is None else heavy != "IgG",
            1,
            heavy or "not recorded",
            "m_protein_heavy_chain",
        ),
        _tri_factor(
            MGUS_FLC_TEXT,
            abnormal,
            1,
            kl,
            *[n for n in ("free_kappa", "free_lambda") if val(s, n) is None],
        ),
    ]
    _record(e, factors)
    totals = _totals(factors)
    groups = {MGUS_GROUPS[t] for t in totals}
    if len(groups) > 1:
        return e.cannot_determine(
            possible=sorted(groups, key=MGUS_GROUPS.index), factors_range=[min(totals), max(totals)]
        )
    group = groups.pop()
    return e.determined(
        group,
        factors=min(totals),
        progression_20_years_percent=MGUS_20Y_PROGRESSION[group],
        progression_20_years_competing_risk_percent=MGUS_20Y_COMPETING[group],
    )


# Criterion texts built once from the constants they name (issue 18: not formatted on every
# call).
SMM_BMPC_TEXT = f"clonal BMPC > {fmt(SMM_BMPC)}%"
SMM_M_PROTEIN_TEXT = f"serum M-protein > {fmt(SMM_M_PROTEIN)} g/dL"
SMM_FLC_TEXT = f"involved/uninvolved FLC ratio > {fmt(SMM_FLC_RATIO)}"
MGUS_M_PROTEIN_TEXT = f"serum M-protein ≥ {fmt(MGUS_M_PROTEIN)} g/dL"
MGUS_FLC_TEXT = f"abnormal FLC ratio (κ/λ < {fmt(FLC_RATIO_LOW)} or > {fmt(FLC_RATIO_HIGH)})"
