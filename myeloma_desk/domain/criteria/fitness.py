"""Fitness for therapy: IMWG frailty score (Palumbo 2015) and the simplified frailty score
(Facon 2020), with the PDQ's fit / less-fit wording beside them.

Thresholds: ../shared/reference/criteria-summary.md, "Fitness and thrombosis". Age points use
completed years (75.9 years is 75: "≤ 75" scores 0; 76–80 scores 1; > 80 scores 2).

A missing component does not block a result that it cannot change (e.g. age 82 alone makes
both scores "frail"); otherwise the rule is ``cannot_determine`` and lists it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Criterion, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Snapshot

PALUMBO_2015 = source(
    "Palumbo 2015 Blood",
    "Palumbo A, Bringhen S, Mateos MV, et al. Geriatric assessment predicts survival and "
    "toxicities in elderly myeloma patients: an International Myeloma Working Group report. "
    "Blood. 2015;125(13):2068-2074.",
)
FACON_2020 = source(
    "Facon 2020 Leukemia",
    "Facon T, Dimopoulos MA, Meuleman N, et al. A simplified frailty scale predicts outcomes in "
    "transplant-ineligible patients with newly diagnosed multiple myeloma treated in the FIRST "
    "(MM-020) trial. Leukemia. 2020;34(1):224-233.",
    # Points checked 2026-11-26 with the search tool: the abstract (PMC7214253) names age,
    # Charlson Comorbidity Index and ECOG performance status and the frail (49%) / nonfrail
    # (51%) split; a summary of the paper (cancertherapyadvisor.com) gives the points.
    note=(
        "Points as published (the paper's abstract and a summary of the paper): age ≤75 = 0, "
        "76–80 = 1, >80 = 2; Charlson Comorbidity Index ≤1 = 0, >1 = 1; ECOG 0 = 0, 1 = 1, "
        "≥2 = 2; total 0–1 nonfrail, ≥2 frail. The paper's full-text table could not be read."
    ),
)

# IMWG frailty (Palumbo 2015): age ≤75: 0, 76–80: 1, >80: 2; Charlson ≤1: 0, ≥2: 1;
# Katz ADL >4: 0, ≤4: 1; Lawton IADL >5: 0, ≤5: 1. Total 0 fit, 1 intermediate, ≥2 frail.
AGE_ONE_POINT = 76
AGE_TWO_POINTS = 81  # > 80 in completed years
CHARLSON_POINT = 2  # Charlson ≥ 2 scores 1 (IMWG); Facon: CCI > 1 scores 1 (the same integers)
ADL_POINT_AT_OR_BELOW = 4
IADL_POINT_AT_OR_BELOW = 5
IMWG_CATEGORIES = ((0, "fit"), (1, "intermediate"), (2, "frail"))  # lowest total of each
# Simplified frailty (Facon 2020): ECOG 0: 0, 1: 1, ≥2: 2; total 0–1 nonfrail, ≥2 frail.
FACON_CATEGORIES = ((0, "non_frail"), (2, "frail"))

PDQ_FITNESS = (
    "Newly diagnosed patients who require therapy fall into two categories: (1) patients in good "
    "or well-controlled health (previously referred to as the fit, transplant-eligible patient) "
    "or (2) the less-fit patient with significant comorbidities or advanced age (previously "
    "referred to as not transplant eligible)."
)
PDQ_LESS_FIT_HEADING = (
    "Less-fit patients with significant comorbidities or advanced age (aged ≥80 years)"
)
PDQ_ADVANCED_AGE = 80


def _age_points(age: float) -> int:
    years = math.floor(age)
    return 2 if years >= AGE_TWO_POINTS else 1 if years >= AGE_ONE_POINT else 0


def _category(total: int, categories: tuple[tuple[int, str], ...]) -> str:
    found = categories[0][1]
    for lowest, name in categories:
        if total >= lowest:
            found = name
    return found


# One item of a score: the snapshot field, its criterion label, its points from the recorded
# value, and the most points it can give (counted while it is not recorded).
Item = tuple[str, str, Callable[[float], int], int]


def _charlson_points(index: float) -> int:
    return 1 if index >= CHARLSON_POINT else 0


def _adl_points(adl: float) -> int:
    return 1 if adl <= ADL_POINT_AT_OR_BELOW else 0


def _iadl_points(iadl: float) -> int:
    return 1 if iadl <= IADL_POINT_AT_OR_BELOW else 0


def _ecog_points(ecog: float) -> int:
    return 2 if ecog >= 2 else 1 if ecog >= 1 else 0


AGE_ITEM: Item = ("age_years", "age 76–80: 1, > 80: 2", _age_points, 2)
# The two scores' items, in the papers' order (made once, at import).
IMWG_ITEMS: tuple[Item, ...] = (
    AGE_ITEM,
    ("charlson_comorbidity_index", "Charlson comorbidity index ≥ 2", _charlson_points, 1),
    ("katz_adl", "Katz ADL ≤ 4", _adl_points, 1),
    ("lawton_iadl", "Lawton IADL ≤ 5", _iadl_points, 1),
)
FACON_ITEMS: tuple[Item, ...] = (
    AGE_ITEM,
    ("charlson_comorbidity_index", "Charlson comorbidity index > 1", _charlson_points, 1),
    ("ecog", "ECOG 1: 1, ≥ 2: 2", _ecog_points, 2),
)
NOT_RECORDED = "not recorded"


class _Scored(NamedTuple):
    """An item as a score reads it, its texts made once from the item (issue 18)."""

    field: str
    score: Callable[[float], int]
    most: int
    not_recorded: Criterion  # its criterion while the field is not recorded
    labels: tuple[str, ...]  # its criterion when it scores 0, 1, … points ("…: 1 point")


class _Score(NamedTuple):
    """A score's items and the category of each possible total (0 to the most points)."""

    items: tuple[_Scored, ...]
    category_of: tuple[str, ...]


def _scored(items: tuple[Item, ...], categories: tuple[tuple[int, str], ...]) -> _Score:
    scored = tuple(
        _Scored(
            field,
            score,
            most,
            Criterion(label, None, NOT_RECORDED),
            tuple(f"{label}: {got} point{'s' if got != 1 else ''}" for got in range(most + 1)),
        )
        for field, label, score, most in items
    )
    most = sum(item.most for item in scored)
    return _Score(scored, tuple(_category(total, categories) for total in range(most + 1)))


IMWG_SCORE = _scored(IMWG_ITEMS, IMWG_CATEGORIES)
FACON_SCORE = _scored(FACON_ITEMS, FACON_CATEGORIES)


def _score(e: Explanation, s: Snapshot, score: _Score) -> RuleResult:
    points: dict[str, int] = {}
    needs: list[str] = []
    criteria = e.criteria
    low = high = 0
    for field, item_points, most, not_recorded, labels in score.items:
        value: float | None = getattr(s, field)
        if value is None:
            criteria.append(not_recorded)
            needs.append(field)
            high += most
            continue
        got = item_points(value)
        points[field] = got
        low += got
        high += got
        e.criterion(labels[got], got > 0, str(value))
    e.missing.extend(needs)  # Explanation.need, inlined: the items' fields, each once
    category_of = score.category_of
    lowest, highest = category_of[low], category_of[high]
    e.detail["points"] = low if low == high else None
    e.detail["points_by_item"] = points
    if lowest != highest:
        e.detail["points_range"] = [low, high]
        return e.cannot_determine(possible=sorted(set(category_of[low : high + 1])))
    if low != high:
        e.detail["points_range"] = [low, high]
    return e.determined(lowest)


def _pdq_wording(e: Explanation, s: Snapshot) -> None:
    e.detail["pdq_wording"] = PDQ_FITNESS
    e.detail["pdq_less_fit"] = PDQ_LESS_FIT_HEADING
    if s.age_years is not None and s.age_years >= PDQ_ADVANCED_AGE:
        e.detail["pdq_reading"] = (
            "aged ≥80 years: the PDQ's less-fit group (advanced age) whatever the score"
        )
    else:
        e.detail["pdq_reading"] = (
            "the PDQ defines the less-fit group by significant comorbidities or age ≥80 and "
            "gives no score; the frailty score informs that judgement"
        )


@rule("frailty_imwg", "IMWG frailty score", "fitness", sources=(PALUMBO_2015, PDQ))
def frailty_imwg(s: Snapshot, e: Explanation) -> RuleResult:
    """Age, Charlson index, Katz ADL, Lawton IADL: 0 fit, 1 intermediate, ≥ 2 frail."""
    _pdq_wording(e, s)
    return _score(e, s, IMWG_SCORE)


@rule(
    "frailty_simplified_facon",
    "Simplified frailty score (Facon 2020)",
    "fitness",
    sources=(FACON_2020, PDQ),
)
def frailty_simplified_facon(s: Snapshot, e: Explanation) -> RuleResult:
    """Age, Charlson index and ECOG: total 0–1 non_frail, ≥ 2 frail."""
    e.detail["verification"] = FACON_2020.note
    _pdq_wording(e, s)
    return _score(e, s, FACON_SCORE)
