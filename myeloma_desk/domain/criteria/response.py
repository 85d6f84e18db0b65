"""Response to therapy over time: IMWG uniform response criteria (Kumar 2016; Durie 2006).

Thresholds: ../shared/reference/criteria-summary.md, "Response — IMWG". The baseline is the last
visit before the current line of therapy started (the first entry of ``snapshot.history`` when no
lines are recorded; see ``response_window``); the nadir is the lowest value among the entries
from the baseline on (the current snapshot excluded: when disease never fell, the baseline is
the lowest confirmed value); the top-level snapshot is the current assessment.
Percentages are computed in decimal (no float noise at 90%, 50% and 25%).

The parameter followed is the one measurable at baseline: serum and/or urine M-protein; the
involved-minus-uninvolved FLC (dFLC) when neither is measurable; the marrow plasma-cell
percentage when nothing else is (non-secretory disease). A category is *confirmed* when the
previous assessment since the baseline, under the same therapy, met it too
(``detail.confirmation``).

Not implemented (said in ``detail.not_checked``, with the reason, see :data:`NOT_CHECKED`):
circulating plasma cells and measured plasmacytoma size, whose Kumar 2016 thresholds could not
be fully verified with the sources available, and the PET/MRI response of bone lesions.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from myeloma_desk.domain.criteria._course import (
    Baselines,
    all3,
    dflc,
    involved_chain,
    involved_flc,
    pct,
    percent_change,
    percent_reduction,
    ratio_normal,
)
from myeloma_desk.domain.criteria.diagnosis.events import CALCIUM_ABSOLUTE
from myeloma_desk.domain.display import shown_in
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.events import NO_DEATHS, PR_OR_BETTER, Assessment, line_times
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.flc import FLC_RATIO_HIGH, FLC_RATIO_LOW
from myeloma_desk.domain.lines import group_lines
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import (
    PDQ,
    Criterion,
    Explanation,
    ResultValue,
    RuleResult,
    Status,
    construct_result,
    source,
)
from myeloma_desk.domain.snapshot import HistoryEntry, Mrd, Snapshot, _Measured
from myeloma_desk.domain.thresholds import AnyOf, Comparator, Finding, Threshold
from myeloma_desk.domain.units import fmt, ge, gt, lt, sub

KUMAR_2016 = source(
    "Kumar 2016 Lancet Oncol",
    "Kumar S, Paiva B, Anderson KC, et al. International Myeloma Working Group consensus "
    "criteria for response and minimal residual disease assessment in multiple myeloma. "
    "Lancet Oncol. 2016;17(8):e328-e346.",
)
DURIE_2006 = source(
    "Durie 2006 Leukemia",
    "Durie BG, Harousseau JL, Miguel JS, et al. International uniform response criteria for "
    "multiple myeloma. Leukemia. 2006;20(9):1467-1473.",
)

# Measurable disease (Kumar 2016; criteria-summary.md "Response — IMWG").
MEASURABLE_SERUM = 1.0  # serum M-protein ≥ 1 g/dL
MEASURABLE_URINE = 200.0  # urine M-protein ≥ 200 mg/24 h
MEASURABLE_FLC = 100.0  # involved FLC ≥ 10 mg/dL (= 100 mg/L) with an abnormal ratio
# The response categories' thresholds are in RESPONSE_TABLE (below, with their sources).
# Progression from the nadir: a ≥ 25% increase, with the absolute increase of its PD row
# (PROGRESSION, below).
PD_RELATIVE = 25.0
# MRD negativity (Kumar 2016): at 10^-5 or better by NGF or NGS.
MRD_SENSITIVITY = 1e-5

# The rule's id and title, registered once and given to every assessment the rule makes (the
# category series of the course rules build their own quiet assessments from them).
RESPONSE_RULE = "response_imwg"
RESPONSE_TITLE = "Response to therapy (IMWG)"
RESPONSE_SOURCES = (KUMAR_2016.label, DURIE_2006.label, PDQ.label)

RESPONSES = ("MR", "PR", "VGPR", "CR", "sCR")
UNITS = {"serum_m_protein": "g/dL", "urine_m_protein_24h": "mg/24h", "dflc": "mg/L"}
MARROW = "bone_marrow_plasma_cells_percent"
# The measured fields an assessment reads (converted once per history entry, see _earlier).
FOLLOWED = (
    "serum_m_protein",
    "urine_m_protein_24h",
    "free_kappa",
    "free_lambda",
    MARROW,
    "lytic_lesions",
)
# Kumar 2016's imaging and circulating-plasma-cell criteria, searched for again 2026-12-03 (the
# search tool's pages and code corpora; the paper itself is behind a paywall):
# - Plasmacytoma size. A copy of the Kumar 2016 table (radiopaedia.org, "International Myeloma
#   Working Group response criteria", rev. 2021) gives progression as a new lesion, a ≥ 50%
#   increase in the longest diameter of a lesion > 1 cm in short axis, or a ≥ 50% increase from
#   the nadir in the sum of the products of the diameters; its text is cut off there, so the
#   qualifier of the SPD rule could not be read. PR "≥ 50% reduction in the size of soft tissue
#   plasmacytomas" if present at baseline (Durie 2006 as reprinted in Kyle & Rajkumar, Leukemia
#   2009 Table 5; Curr Oncol 2023;30:2322 Table 1, adapted from Kumar 2016) is what the category
#   reduced_50 records. MR: "25%–49% reduction in the size of soft-tissue plasmacytomas" if present
#   at baseline (Rajkumar 2011 as reprinted by ASH-SAP); Curr Oncol 2023 prints "> 50%" for MR,
#   so the copies disagree. No size is taken as a number.
# - Circulating plasma cells: an unnamed public specification lists "≥ 50% increase in
#   circulating plasma cells" for PD; the minimum absolute count that goes with it was found in
#   no source, so it is not applied.
# - Imaging of bone lesions: the same radiopaedia copy says imaging is an optional part of the
#   response criteria, PET/CT being required only for imaging-MRD negativity (mrd_imwg).
NOT_CHECKED = (
    "Not assessed: a rise in circulating plasma cells as a sign of progression (Kumar 2016 gives "
    "it with a minimum cell count that could not be checked against the paper), and plasmacytoma "
    "sizes measured as numbers (the sum of the products of the perpendicular diameters: the "
    "paper's full wording for a rise from its lowest value could not be checked). Plasmacytomas "
    "are judged from the category recorded: none, present, at least 50% smaller (needed for a "
    "partial response when present at baseline), new or growing (progression). A minimal "
    "response also needs plasmacytomas present at baseline to be 25–49% smaller, which "
    '"present" cannot show: with plasmacytomas still present, a minimal response is left '
    "undecided (check their size on imaging). PET or MRI response of bone lesions is "
    "not assessed (imaging is optional for the response categories; PET/CT counts for imaging "
    "MRD negativity, in the MRD result). Minimal response is not defined for disease followed "
    "by free light chains or by the marrow alone."
)


# Recorded choices as a clinician reads them (criterion values never show input codes).
PLASMACYTOMA_TEXT = {
    "none": "none",
    "present": "present",
    "reduced_50": "at least 50% smaller",
    "new_or_growing": "new or growing",
}
HYPERVISCOSITY_TEXT = {
    "none": "none",
    "asymptomatic": "asymptomatic",
    "symptomatic": "symptomatic",
}


def _plasmacytoma_text(value: str | None) -> str:
    return "not recorded" if value is None else PLASMACYTOMA_TEXT.get(value, value)


def _values(entry: _Measured, chain: Any, marrow: bool = False) -> dict[str, float | None]:
    values = {
        "serum_m_protein": entry.get("serum_m_protein"),
        "urine_m_protein_24h": entry.get("urine_m_protein_24h"),
        "dflc": dflc(entry, chain) if chain is not None else None,
    }
    if marrow:
        values[MARROW] = entry.get(MARROW)
    return values


@rule(RESPONSE_RULE, RESPONSE_TITLE, "response")
def response_imwg(s: Snapshot) -> RuleResult:
    """sCR, CR, VGPR, PR, MR, SD or PD of the current snapshot, with its confirmation."""
    result = _current(s)
    if result.status != "determined" or not isinstance(result.result, str):
        return result
    confirmation = _confirmation(s, result)
    criteria = list(result.criteria)
    if confirmation["status"] in ("confirmed", "unconfirmed"):
        previous = confirmation.get("previous")
        criteria.append(
            Criterion(
                name=f"{result.result} confirmed by the previous assessment",
                met=confirmation["category"] == result.result,
                value=(
                    f"{previous['date']}: {previous['result'] or 'not determined'}"
                    if previous
                    else "no earlier assessment since the baseline"
                ),
            )
        )
    detail = {**result.detail, "confirmation": confirmation}
    return result._replace(detail=detail, criteria=criteria)


def _earlier(s: Snapshot, index: int) -> Snapshot:
    """The snapshot as it stood at history entry ``index`` (its labs, the history before it)."""
    entry = s.history[index]
    update: dict[str, Any] = dict(entry.__dict__)  # the entry's fields (pydantic's store)
    update["history"] = s.history[:index]
    # The copy's labs are the entry's: it starts with the entry's converted values (converted
    # once, shared with the nadirs), never with values derived from the full snapshot.
    for name in FOLLOWED:
        entry.get(name)
    converted = {k: v for k, v in entry._memo_dict().items() if k in MEASURED_FIELDS}
    return s.copy_with(update, converted)  # s.model_copy(update=update), with that memo


def _confirmation(s: Snapshot, current: RuleResult) -> dict[str, Any]:
    """Two consecutive assessments under the same therapy (Kumar 2016; Durie 2006).

    The previous assessment is the last history entry after the baseline (the baseline is on or
    before the start of the line, so a later entry is under the same therapy). A response is
    confirmed at the shallower of the two categories; progression when both are PD.
    """
    category = current.result
    assert isinstance(category, str)
    today = s.date.isoformat() if s.date else None
    if category == "SD":
        return {
            "status": "not_applicable",
            "category": None,
            "assessments": [today],
            "reason": "stable disease is not confirmed",
        }
    base_date = current.detail.get("baseline_date")
    dates = _timeline(s).dates  # each entry's date.isoformat(), made once
    later = [i for i, day in enumerate(dates) if base_date and day > base_date]
    if not later:
        return {
            "status": "unconfirmed",
            "category": None,
            "assessments": [today],
            "previous": None,
            "reason": "one assessment since the baseline: a second is needed to confirm",
        }
    index = later[-1]
    previous = _timeline(s).at(index)
    before = previous.result if previous.status == "determined" else None
    shown = {"date": s.history[index].date.isoformat(), "result": before}
    confirmed: str | None = None
    if category == "PD":
        confirmed = "PD" if before == "PD" else None
    elif isinstance(before, str) and before in RESPONSES:
        confirmed = RESPONSES[min(RESPONSES.index(category), RESPONSES.index(before))]
    return {
        "status": "confirmed" if confirmed else "unconfirmed",
        "category": confirmed,
        "assessments": [shown["date"], today],
        "previous": shown,
    }


class _Quiet(Explanation):
    """An explanation that keeps no criteria (for category series, where only the result counts)."""

    def criterion(self, name: str, met: bool | None, value: str | None = None) -> bool | None:
        return met

    def _build(self, status: Status, result: ResultValue) -> RuleResult:
        return construct_result(
            {
                "rule": self.rule,
                "title": self.title,
                "status": status,
                "result": result,
                "detail": self.detail,
                "criteria": [],
                "missing": self.missing,
                "sources": self.sources,
            }
        )


def _verbose(e: Explanation) -> bool:
    """Whether ``e`` records criteria (a quiet assessment builds no text)."""
    return not isinstance(e, _Quiet)


# The result of a progression-only assessment that found no progression (time_to_events).
NOT_PD = "no progression"


def _assess(
    s: Snapshot,
    timeline: _Timeline | None = None,
    *,
    quiet: bool = False,
    progression_only: bool = False,
) -> RuleResult:
    """The category of one assessment against baseline and nadir (no confirmation).

    ``s`` is the snapshot, or the snapshot as it stood at one of its history entries (then
    ``timeline`` is the full snapshot's, which holds the baselines and nadirs of every point of
    the history). ``quiet`` keeps no criteria and builds no text; ``progression_only`` stops
    after the progression check and returns ``NOT_PD`` when there is none (the series of
    time_to_events needs no more).
    """
    kind = _Quiet if quiet else Explanation
    e = kind.for_rule(RESPONSE_RULE, RESPONSE_TITLE, RESPONSE_SOURCES)
    detail = e.detail
    detail["not_checked"] = NOT_CHECKED
    detail["units"] = UNITS
    if not quiet:
        detail["mrd"] = _mrd(e, s)
    history = s.history
    if not history:
        return e.not_applicable(
            "No earlier visit is recorded; response is judged against a baseline visit before "
            "therapy."
        )
    if timeline is None:  # made only with a history (issue 18: most snapshots have none)
        timeline = _timeline(s)
    n = len(history)
    first, baseline_how = timeline.baseline(s)
    base = history[first]
    chain, chain_how = involved_chain(s, base)
    detail["involved_light_chain"] = chain
    detail["involved_light_chain_from"] = chain_how
    detail["baseline_date"] = timeline.dates[first]  # base.date.isoformat(), made once
    detail["baseline_chosen"] = baseline_how

    known = timeline.measurable(first, chain) if quiet else None
    params = known if known is not None else _measurable(e, s, base, chain)
    if isinstance(params, RuleResult):
        return params
    detail["parameters"] = params
    detail["parameter"] = params[0]

    marrow_only = params == [MARROW]
    base_values = timeline.values(first, chain, marrow_only)
    now = _values(s, chain, marrow_only)
    nadir = timeline.nadir(first, n, chain if params == ["dflc"] else None, marrow_only)
    if not quiet:  # the values shown; a quiet assessment keeps only its category
        _shown_values(e, marrow_only, base_values, now, nadir)

    progression = _progression(e, s, params, nadir, now)
    if progression is True:
        return e.determined("PD")
    for p in params:
        if now[p] is None:
            if p == "dflc":
                e.need("free_kappa", "free_lambda")
            else:
                e.need(p)
    if progression is None:
        return e.cannot_determine(reason="progression cannot be excluded with the values given")
    if progression_only:
        return e.determined(NOT_PD)

    levels, needs = _levels(e, s, base, params, base_values, now)
    not_assessed: dict[str, list[str]] = {}
    for level, met in levels.items():
        if met is True:
            if not_assessed:
                detail["not_assessed"] = not_assessed
            return e.determined(level)
        if met is None:
            not_assessed[level] = needed = needs(level)
            e.need(*needed)
    # Unknown deeper levels with an SD floor: SD is only certain if no level was unknown.
    if not_assessed:
        detail["not_assessed"] = not_assessed
        detail["possible"] = ["SD", *reversed(list(not_assessed))]
        plasmacytoma_kept = s.soft_tissue_plasmacytomas == "present" and (
            base.soft_tissue_plasmacytomas in ("present", "reduced_50")
        )
        if list(not_assessed) == ["MR"] and plasmacytoma_kept:
            return e.cannot_determine(
                reason="a minimal response needs plasmacytomas present at baseline to be "
                "25–49% smaller, which the recorded category cannot show"
            )
        return e.cannot_determine(reason="the response level depends on inputs not recorded")
    return e.determined("SD")


def _shown_values(
    e: Explanation,
    marrow_only: bool,
    base_values: dict[str, float | None],
    now: dict[str, float | None],
    nadir: dict[str, dict[str, Any]],
) -> None:
    """Baseline, current and nadir values with the percentage changes, in ``detail``."""
    shown_units = {**UNITS, MARROW: "%"} if marrow_only else UNITS
    e.detail["units"] = shown_units
    e.detail["baseline"] = {p: base_values[p] for p in shown_units}
    e.detail["current"] = {p: now[p] for p in shown_units}
    e.detail["nadir"] = nadir
    from_baseline: dict[str, float | None] = {}
    from_nadir: dict[str, float | None] = {}
    for p, current in now.items():
        before = base_values[p]
        if current is None:
            continue
        if before is not None and before > 0:
            from_baseline[p] = percent_change(before, current)
        if p in nadir and nadir[p]["value"] > 0:
            from_nadir[p] = percent_change(nadir[p]["value"], current)
    e.detail["percent_change_from_baseline"] = from_baseline
    e.detail["percent_change_from_nadir"] = from_nadir


class _Timeline:
    """What every assessment of one patient's history shares, computed once per snapshot.

    The response at a history entry is the snapshot as it stood then (its labs, the entries
    before it) judged against its own baseline and nadir. Those are found here incrementally:
    the baseline candidates from the line starts (``Baselines``), measurability once per
    baseline, and the nadir of each baseline as a running minimum along the history, so the
    series of assessments that time_to_events, the confirmation and relapse read costs one pass
    instead of one pass per entry. Each assessment is kept (``at``), so no entry is assessed
    twice for the same snapshot.
    """

    def __init__(self, s: Snapshot) -> None:
        self.s = s
        self.baselines = Baselines(s)
        # Each history entry's date as printed, made once (the nadirs and baselines show them).
        self.dates = [entry.date.isoformat() for entry in s.history]
        self._measurable: dict[tuple[int, Any], list[str] | None] = {}
        self._base_values: dict[tuple[int, Any, bool], dict[str, float | None]] = {}
        self._nadirs: dict[tuple[int, Any, bool], list[dict[str, dict[str, Any]]]] = {}
        self._at: dict[tuple[int, bool], RuleResult] = {}

    def baseline(self, view: Snapshot) -> tuple[int, str]:
        """The most recent baseline with measurable disease (else the first history entry)."""
        candidates = self.baselines.candidates(len(view.history), view.date)
        for index, how in candidates[:-1]:
            chain, _ = involved_chain(view, view.history[index])
            if self.measurable(index, chain) is not None:
                return index, how
        return candidates[-1]

    def measurable(self, index: int, chain: Any) -> list[str] | None:
        """The parameters measurable at history entry ``index``; None when none is."""
        key = (index, chain)
        if key not in self._measurable:
            scratch = _Quiet(RESPONSE_RULE, "scratch")
            found = _measurable(scratch, self.s, self.s.history[index], chain)
            self._measurable[key] = found if isinstance(found, list) else None
        return self._measurable[key]

    def values(self, index: int, chain: Any, marrow: bool) -> dict[str, float | None]:
        key = (index, chain, marrow)
        if key not in self._base_values:
            self._base_values[key] = _values(self.s.history[index], chain, marrow)
        return self._base_values[key]

    def nadir(self, first: int, n: int, chain: Any, marrow: bool) -> dict[str, dict[str, Any]]:
        """The nadir of the entries ``first`` … ``n - 1`` (see ``_nadir``), as a new dict.

        ``chain`` is passed only for FLC-only disease: the dFLC nadir is used for nothing else.
        """
        running = self._nadirs.setdefault((first, chain, marrow), [])
        history = self.s.history
        dates = self.dates
        while first + len(running) < n:
            index = first + len(running)
            step = dict(running[-1]) if running else {}
            for p, value in _values(history[index], chain, marrow).items():
                if value is None:
                    continue
                if p not in step or lt(value, step[p]["value"]):
                    step[p] = {"value": value, "date": dates[index]}
            running.append(step)
        return dict(running[n - first - 1])

    def at(self, index: int, *, progression_only: bool = False) -> RuleResult:
        """The assessment (quiet) at history entry ``index``; ``len(history)`` is the snapshot."""
        key = (index, progression_only)
        if key not in self._at:
            view = self.s if index == len(self.s.history) else _earlier(self.s, index)
            self._at[key] = _assess(view, self, quiet=True, progression_only=progression_only)
        return self._at[key]


def _timeline(s: Snapshot) -> _Timeline:
    return s.derived("response._timeline", _Timeline)


def _mrd(e: Explanation, s: Snapshot) -> dict[str, Any] | None:
    """MRD as recorded, with a criterion note (negative at ≥ 10⁻⁵ by NGF or NGS)."""
    name = "MRD negative at 10⁻⁵ or better by NGF or NGS (as recorded)"
    if s.mrd is None:
        e.criterion(name, None, "not recorded")
        return None
    m = s.mrd
    shown = f"{m.status}, method {m.method or 'not recorded'}, sensitivity " + (
        f"{m.sensitivity:.0e}" if m.sensitivity is not None else "not recorded"
    )
    met: bool | None
    too_coarse = m.sensitivity is not None and gt(m.sensitivity, MRD_SENSITIVITY)
    if m.status == "positive" or m.method == "other" or too_coarse:
        met = False
    elif m.method is None or m.sensitivity is None:
        met = None
    else:
        met = True
    e.criterion(name, met, shown)
    return {"status": m.status, "method": m.method, "sensitivity": m.sensitivity}


def _measurable(e: Explanation, s: Snapshot, base: _Measured, chain: Any) -> list[str] | RuleResult:
    """Which parameters were measurable at baseline (serum, urine; dFLC only if neither)."""
    params: list[str] = []
    serum = base.get("serum_m_protein")
    urine = base.get("urine_m_protein_24h")
    serum_ok = None if serum is None else ge(serum, MEASURABLE_SERUM)
    urine_ok = None if urine is None else ge(urine, MEASURABLE_URINE)
    e.criterion(
        f"baseline serum M-protein ≥ {fmt(MEASURABLE_SERUM)} g/dL (measurable)",
        serum_ok,
        shown_in(base, "serum_m_protein", "g/dL"),
    )
    e.criterion(
        f"baseline urine M-protein ≥ {fmt(MEASURABLE_URINE, 'mg/24h')} (measurable)",
        urine_ok,
        shown_in(base, "urine_m_protein_24h", "mg/24h"),
    )
    measurable: dict[str, bool | None] = {
        "serum_m_protein": serum_ok,
        "urine_m_protein_24h": urine_ok,
        "dflc": None,
    }
    e.detail["measurable"] = measurable
    if serum_ok:
        params.append("serum_m_protein")
    if urine_ok:
        params.append("urine_m_protein_24h")
    if params:
        if serum is None:
            e.assume("serum M-protein not recorded at baseline: serum criteria not applied")
        if urine is None:
            e.assume("urine M-protein not recorded at baseline: urine criteria not applied")
        measurable["dflc"] = False if serum_ok or urine_ok else None
        return params
    if serum is None or urine is None:
        if serum is None:
            e.need("serum_m_protein")
        if urine is None:
            e.need("urine_m_protein_24h")
        return e.cannot_determine(
            reason="baseline serum and urine M-protein are both needed to decide whether "
            "free light chains are the measure of disease"
        )
    involved = involved_flc(base, chain)
    normal = ratio_normal(base)
    # In the threshold's unit (≥ 10 mg/dL), the entered value after it (issue 14 item 9).
    shown_involved = (
        "involved chain not known"
        if chain is None
        else shown_in(base, "free_kappa" if chain == "kappa" else "free_lambda", "mg/dL")
    )
    if normal is True:
        involved = involved if involved is not None else 0.0  # a normal ratio decides alone
    if involved is None or normal is None:
        e.need("free_kappa", "free_lambda")
        if chain is None:
            e.need("m_protein_light_chain")
        return e.cannot_determine(reason="baseline free light chains are needed")
    flc_ok = ge(involved, MEASURABLE_FLC) and not normal
    measurable["dflc"] = flc_ok
    e.criterion(
        "baseline involved FLC ≥ 10 mg/dL with an abnormal ratio (measurable; serum and urine "
        "not measurable)",
        flc_ok,
        f"{shown_involved}, ratio {'normal' if normal else 'abnormal'}",
    )
    if not flc_ok:
        # Nothing measurable in serum, urine or FLC: the marrow is followed (Kumar 2016).
        marrow = base.get(MARROW)
        e.criterion(
            "baseline marrow plasma cells recorded (serum, urine and free light chains not "
            "measurable: the marrow is followed)",
            marrow is not None,
            base.shown(MARROW),
        )
        measurable[MARROW] = marrow is not None
        if marrow is None:
            return e.not_applicable(
                "no measurable disease at baseline by serum, urine or free light chains, and no "
                "baseline marrow plasma-cell percentage to follow instead"
            )
        return [MARROW]
    return ["dflc"]


def _rise(
    e: Explanation, label: str, nadir: float, now: float, absolute: float, strict: bool, unit: str
) -> bool:
    """≥ 25% over the nadir together with the absolute increase (≥, or > when ``strict``)."""
    increase = sub(now, nadir)
    big = gt(increase, absolute) if strict else ge(increase, absolute)
    verbose = _verbose(e)
    if not big and not verbose:
        return False  # both are needed: the percentage is only worked out to be shown
    # From a nadir of 0 (or a dFLC at or below 0) any rise is more than 25%.
    change = percent_change(nadir, now) if gt(nadir, 0) else None
    relative = gt(now, nadir) if change is None else ge(change, PD_RELATIVE)
    if not verbose:
        return relative
    sign = ">" if strict else "≥"
    shown = (
        f"nadir {fmt(nadir, unit)} → {fmt(now, unit)}: {'+' if increase >= 0 else ''}"
        f"{fmt(increase, unit)}, "
        f"{pct(change) if change is not None else 'from a nadir ≤ 0'}"
    )
    e.criterion(f"{label}: ≥ {fmt(PD_RELATIVE)}% increase from nadir", relative, shown)
    e.criterion(f"{label}: absolute increase {sign} {fmt(absolute, unit)}", big, shown)
    return relative and big


def _rise_from_high_nadir(e: Explanation, rise: Rise, low: float, current: float) -> bool:
    """From a high nadir, the absolute increase alone (``rise.high_nadir``), without the 25%."""
    assert rise.high_nadir is not None
    from_nadir, increase_limit = rise.high_nadir
    increase = sub(current, low)
    met = ge(increase, increase_limit)
    if _verbose(e):
        unit = rise.unit
        e.criterion(
            f"{rise.what}: increase ≥ {fmt(increase_limit, unit)} "
            f"from a nadir ≥ {fmt(from_nadir, unit)}",
            met,
            f"nadir {fmt(low, unit)} → {fmt(current, unit)}: "
            f"{'+' if increase >= 0 else ''}{fmt(increase, unit)}",
        )
    return met


def _progression(
    e: Explanation,
    s: Snapshot,
    params: list[str],
    nadir: dict[str, dict[str, Any]],
    now: dict[str, float | None],
) -> bool | None:
    """PD from the nadir: True, False, or None when a measured parameter has no current value."""
    found: list[bool | None] = []
    for rise in PROGRESSION:
        p = rise.measure
        if rise.followed_only and params != [p]:
            continue
        if p not in nadir or now[p] is None:
            found.append(None if p in params else False)
            continue
        low = nadir[p]["value"]
        current = now[p]
        assert current is not None
        if rise.high_nadir is not None and ge(low, rise.high_nadir[0]):
            found.append(_rise_from_high_nadir(e, rise, low, current))
        else:
            found.append(_rise(e, rise.what, low, current, rise.absolute, rise.strict, rise.unit))
    if s.soft_tissue_plasmacytomas == "new_or_growing":
        e.criterion("new or growing soft-tissue plasmacytoma", True, "new or growing")
        found.append(True)
    new_lesion = _new_bone_lesion(s)
    if new_lesion is not None:
        e.criterion(
            "new bone lesion (more lytic lesions than at the last count)",
            new_lesion[0],
            new_lesion[1],
        )
        found.append(new_lesion[0])
    if True in found:  # found holds only True, False and None
        return True
    if None in found:
        return None
    return False


def _new_bone_lesion(s: Snapshot) -> tuple[bool, str] | None:
    now = s.get("lytic_lesions")
    if now is None:
        return None
    for entry in reversed(s.history):
        before = entry.get("lytic_lesions")
        if before is not None:
            return gt(now, before), f"{fmt(before)} on {entry.date.isoformat()} → {fmt(now)}"
    return None


# --- The IMWG response categories (Kumar 2016, the table of response criteria) --------------
# One table, the paper's rows from the deepest: sCR, CR, VGPR, PR, MR (SD: none of these; PD is
# checked first, from the nadir, by _progression). Each row lists its criteria for every kind
# of measurable disease — whatever is followed (ALL), serum M-protein, urine M-protein, the dFLC
# when only free light chains are measurable, the marrow when nothing else is — as threshold
# objects (domain/thresholds.py) read on one assessment's values (_values_of): the criterion
# text is printed from the constants, and the inputs an undecided category needs come from its
# criteria. Criteria are shown in _SHOWN's order: PR and MR side by side for each measure, then
# VGPR, then CR and sCR.
SERUM = "serum_m_protein"
URINE = "urine_m_protein_24h"
DFLC = "dflc"
ALL = "all"  # criteria that apply whatever is followed
MEASURES = (ALL, SERUM, URINE, DFLC, MARROW)  # the order of a row's criteria
FLC_PAIR = ("free_kappa", "free_lambda")
SERUM_REDUCED = "serum M-protein reduced"
URINE_REDUCED = "urine M-protein reduced"
DFLC_REDUCED = "dFLC (involved − uninvolved) reduced"
MARROW_REDUCED = "marrow plasma cells reduced"
FROM_BASELINE = " from baseline"
PLASMACYTOMA = "soft_tissue_plasmacytomas"


def _reduced(measure: str, what: str, op: Comparator, percent: float) -> Threshold:
    """'<what> reduced ≥ <percent>% from baseline' (the reduction is worked out in decimal)."""
    return Threshold(f"{measure}_reduction", what, op, percent, "%", suffix=FROM_BASELINE)


@dataclass(frozen=True)
class _Context:
    """One assessment's values for the table: ``values`` by the fields the tests read."""

    s: Snapshot
    base: _Measured
    values: dict[str, Any]


def _shown_reduction(measure: str) -> Callable[[_Context], str]:
    return lambda c: pct(c.values[f"{measure}_reduction"])


def _shown_plasmacytoma(c: _Context) -> str:
    return _plasmacytoma_text(c.s.soft_tissue_plasmacytomas)


@dataclass(frozen=True)
class Check:
    """One criterion of a response category: a test read on the assessment's values (None: the
    category is not defined for this measure, never met), the value shown beside it (None: not
    shown, a condition another criterion implies), and when it applies: the name of a yes/no
    value of the assessment (:data:`APPLIES`), None: always.

    ``asks``: the inputs named when it is undecided (default: the test's own); a baseline value
    is never asked for. ``pair``: the inputs are asked for together (a ratio needs both chains).
    """

    test: Threshold | Finding | AnyOf | None
    shown: Callable[[_Context], str] | None = None
    applies: str | None = None
    asks: tuple[str, ...] | None = None
    pair: bool = False

    @functools.cached_property
    def label(self) -> str:
        return "" if self.test is None else self.test.phrase()

    def met(self, values: Mapping[str, Any]) -> Tri:
        return False if self.test is None else self.test.evaluate(values)

    def missing(self, s: Snapshot) -> list[str]:
        names = (
            self.asks if self.asks is not None else (() if self.test is None else self.test.needs)
        )
        absent = [n for n in names if getattr(s, n, None) is None]
        return list(names) if absent and self.pair else absent


NOT_DEFINED = Check(None)  # "not defined" for this measure: the category cannot be met by it


@dataclass(frozen=True)
class Category:
    """A row of the table: the category, its criteria by measure, and a category it builds on:
    ``extends`` (the paper's "CR plus …", whose needs are the row's too) or ``requires`` (met
    as well; what it still needs is listed under it)."""

    name: str
    criteria: Mapping[str, tuple[Check, ...]]
    extends: str | None = None
    requires: str | None = None

    def checks(self, params: list[str]) -> list[Check]:
        """The criteria for the parameters followed, in the order of the row."""
        return [
            check
            for measure in MEASURES
            if measure == ALL or measure in params
            for check in self.criteria.get(measure, ())
        ]


# The criteria, each with the constant it is printed from (Kumar 2016; Durie 2006).
SERUM_IFE_NEGATIVE = Check(
    Finding("serum_ife_negative", "serum immunofixation negative", ("serum_immunofixation",)),
    lambda c: c.s.serum_immunofixation or "not recorded",
)
URINE_IFE_NEGATIVE = Check(
    Finding("urine_ife_negative", "urine immunofixation negative", ("urine_immunofixation",)),
    lambda c: c.s.urine_immunofixation or "not recorded",
)
# CR: negative immunofixation implies no M-protein left on electrophoresis (read when measured).
SERUM_GONE = Check(
    Threshold(SERUM, "serum M-protein", "≤", 0, "g/dL"),
    applies="serum_measured",
)
URINE_GONE = Check(
    Threshold(URINE, "urine M-protein", "≤", 0, "mg/24h"),
    applies="urine_measured",
)
NO_PLASMACYTOMAS = Check(
    Finding("plasmacytoma_none", "no soft-tissue plasmacytomas", (PLASMACYTOMA,)),
    _shown_plasmacytoma,
)
MARROW_BELOW_5 = Check(  # < 5% plasma cells in the marrow
    Threshold("marrow_now", "marrow plasma cells", "<", 5.0, "%", inputs=(MARROW,)),
    lambda c: c.s.shown(MARROW),
)
NORMAL_FLC_RATIO = Check(
    Finding(
        "flc_ratio_normal",
        f"normal FLC ratio ({fmt(FLC_RATIO_LOW)}–{fmt(FLC_RATIO_HIGH)})",
        FLC_PAIR,
    ),
    lambda c: (
        "not recorded"
        if c.values["flc_ratio_normal"] is None
        else ("normal" if c.values["flc_ratio_normal"] else "abnormal")
    ),
    pair=True,
)
NO_CLONAL_CELLS = Check(
    Finding(
        "marrow_clonal_cells_absent",
        "no clonal marrow cells by IHC/flow",
        ("marrow_clonal_cells_absent",),
    ),
    lambda c: (
        "not recorded"
        if c.s.marrow_clonal_cells_absent is None
        else str(c.s.marrow_clonal_cells_absent).lower()
    ),
)
# VGPR: ≥ 90% serum reduction plus urine M-protein < 100 mg/24 h; FLC-only disease: > 90% fall
# in the dFLC (Kumar 2016 footnote; criteria-summary.md; checked 2026-12-03 against a published
# copy of the table).
URINE_BELOW_100 = Check(
    Threshold(URINE, "urine M-protein", "<", 100.0, "mg/24h"),
    lambda c: shown_in(c.s, URINE, "mg/24h"),
)
SERUM_90 = Check(_reduced(SERUM, SERUM_REDUCED, "≥", 90.0), _shown_reduction(SERUM), asks=(SERUM,))
DFLC_90 = Check(_reduced(DFLC, DFLC_REDUCED, ">", 90.0), _shown_reduction(DFLC), asks=FLC_PAIR)
# PR: ≥ 50% serum reduction; urine ≥ 90% lower or < 200 mg/24 h; FLC-only disease ≥ 50% fall
# in the dFLC; marrow-only disease ≥ 50% fewer marrow plasma cells "provided that the baseline
# percentage was ≥ 30%"; plasmacytomas present at baseline ≥ 50% smaller.
PLASMACYTOMA_PR_SMALLER = 50  # percent
PLASMACYTOMAS_50 = Check(
    Finding(
        "plasmacytoma_50",
        f"soft-tissue plasmacytomas ≥ {fmt(PLASMACYTOMA_PR_SMALLER)}% smaller",
        (PLASMACYTOMA,),
    ),
    _shown_plasmacytoma,
    "had_plasmacytoma",
)
SERUM_50 = Check(_reduced(SERUM, SERUM_REDUCED, "≥", 50.0), _shown_reduction(SERUM), asks=(SERUM,))
URINE_90_OR_200 = Check(
    AnyOf(
        (
            Threshold(f"{URINE}_reduction", "urine M-protein", "≥", 90.0, "%", suffix=" lower"),
            Threshold(URINE, "urine M-protein", "<", 200.0, "mg/24h"),
        )
    ),
    lambda c: f"{pct(c.values[f'{URINE}_reduction'])}, {shown_in(c.s, URINE, 'mg/24h')}",
    asks=(URINE,),
)
DFLC_50 = Check(_reduced(DFLC, DFLC_REDUCED, "≥", 50.0), _shown_reduction(DFLC), asks=FLC_PAIR)
MARROW_BASELINE_30 = Check(
    Threshold(
        "baseline_marrow",
        "baseline marrow plasma cells",
        "≥",
        30.0,
        "%",
        suffix=" (needed for a marrow PR)",
    ),
    lambda c: c.base.shown(MARROW),
    asks=(),  # a baseline value: never asked for now
)
MARROW_50 = Check(
    _reduced(MARROW, MARROW_REDUCED, "≥", 50.0), _shown_reduction(MARROW), asks=(MARROW,)
)
# MR: 25–49% serum reduction; 50–89% urine reduction; plasmacytomas present at baseline 25–49%
# smaller (see NOT_CHECKED's sources): "present" again cannot show that, so a minimal response is
# then left undecided, not called (not asked for here: the PR row asks for the category). MR is
# not defined for disease followed by the dFLC or by the marrow.
PLASMACYTOMA_MR_SMALLER = 25  # percent
PLASMACYTOMAS_25 = Check(
    Finding(
        "plasmacytoma_25",
        f"soft-tissue plasmacytomas at least {fmt(PLASMACYTOMA_MR_SMALLER)}% smaller "
        "(for a minimal response)",
        (PLASMACYTOMA,),
    ),
    _shown_plasmacytoma,
    "had_plasmacytoma",
    asks=(),
)
SERUM_25 = Check(_reduced(SERUM, SERUM_REDUCED, "≥", 25.0), _shown_reduction(SERUM), asks=(SERUM,))
URINE_50 = Check(_reduced(URINE, URINE_REDUCED, "≥", 50.0), _shown_reduction(URINE), asks=(URINE,))

RESPONSE_TABLE: tuple[Category, ...] = (
    Category("sCR", {ALL: (NORMAL_FLC_RATIO, NO_CLONAL_CELLS)}, extends="CR"),
    Category(
        "CR",
        {
            ALL: (
                SERUM_GONE,
                URINE_GONE,
                SERUM_IFE_NEGATIVE,
                URINE_IFE_NEGATIVE,
                NO_PLASMACYTOMAS,
                MARROW_BELOW_5,
            ),
            DFLC: (NORMAL_FLC_RATIO,),  # FLC-only disease: CR also needs a normal ratio
        },
    ),
    Category(
        "VGPR",
        {ALL: (URINE_BELOW_100,), SERUM: (SERUM_90,), DFLC: (DFLC_90,), MARROW: (NOT_DEFINED,)},
        requires="PR",  # VGPR is defined by M-protein or FLC, not by the marrow alone
    ),
    Category(
        "PR",
        {
            ALL: (PLASMACYTOMAS_50,),
            SERUM: (SERUM_50,),
            URINE: (URINE_90_OR_200,),
            DFLC: (DFLC_50,),
            MARROW: (MARROW_BASELINE_30, MARROW_50),
        },
    ),
    Category(
        "MR",
        {
            ALL: (PLASMACYTOMAS_25,),
            SERUM: (SERUM_25,),
            URINE: (URINE_50,),
            DFLC: (NOT_DEFINED,),
            MARROW: (NOT_DEFINED,),
        },
    ),
)
CATEGORIES = {row.name: row for row in RESPONSE_TABLE}


@dataclass(frozen=True)
class Rise:
    """The PD row for one measure (Kumar 2016, from the lowest confirmed value): a ≥ 25%
    increase (:data:`PD_RELATIVE`) together with an absolute increase ≥ ``absolute`` (> when
    ``strict``). ``followed_only``: read only when it is the parameter followed (serum and urine
    are read whenever measured). ``high_nadir``: (nadir, increase) — from a nadir at or above the
    first, an increase of the second is enough on its own."""

    measure: str
    what: str
    absolute: float
    unit: str
    strict: bool = False
    followed_only: bool = False
    high_nadir: tuple[float, float] | None = None


# PD: serum M-protein +25% and ≥ 0.5 g/dL, or ≥ 1 g/dL on its own from a nadir ≥ 5 g/dL (Durie
# 2006 footnote, kept in Kumar 2016: "serum M-protein increase ≥ 1 g/dL, if the lowest M
# component was ≥ 5 g/dL"); urine +25% and ≥ 200 mg/24 h; FLC-only disease: dFLC +25% and
# > 10 mg/dL (100 mg/L); marrow-only disease: marrow plasma cells +25% and "absolute increase
# must be ≥ 10%" (percentage points, irrespective of baseline status). New or growing
# plasmacytomas and new bone lesions: _progression.
PROGRESSION: tuple[Rise, ...] = (
    Rise(SERUM, "serum M-protein", 0.5, "g/dL", high_nadir=(5.0, 1.0)),
    Rise(URINE, "urine M-protein", 200.0, "mg/24h"),
    Rise(DFLC, "dFLC", 100.0, "mg/L", strict=True, followed_only=True),
    Rise(MARROW, "marrow plasma cells", 10.0, "percentage points", followed_only=True),
)
# The order criteria are shown in: PR and MR side by side for each measure, then VGPR, then CR
# and sCR (each criterion once).
_SHOWN = (("PR", "MR"), ("VGPR",), ("CR", "sCR"))


# The key of each parameter's reduction from baseline among the values (made once).
_REDUCTION = {p: f"{p}_reduction" for p in (SERUM, URINE, DFLC, MARROW)}


def _values_of(
    s: Snapshot,
    base: _Measured,
    params: list[str],
    base_values: dict[str, float | None],
    now: dict[str, float | None],
) -> dict[str, Any]:
    """The values the table's tests read for one assessment (canonical units, yes/no findings)."""
    values: dict[str, Any] = {}
    for p in params:  # the parameters followed (only they are read)
        b, current = base_values[p], now[p]
        values[_REDUCTION[p]] = (
            percent_reduction(b, current)
            if b is not None and current is not None and b > 0
            else None
        )
    recorded = s.soft_tissue_plasmacytomas
    smaller = recorded in ("none", "reduced_50")
    ife_s, ife_u = s.serum_immunofixation, s.urine_immunofixation
    values.update(
        {
            SERUM: now[SERUM],
            URINE: now[URINE],
            "baseline_marrow": base_values.get(MARROW),
            "marrow_now": s.get(MARROW),
            "plasmacytoma_50": None if recorded is None else smaller,
            "plasmacytoma_25": None if recorded in (None, "present") else smaller,
            "plasmacytoma_none": None if recorded is None else recorded == "none",
            "serum_ife_negative": None if ife_s is None else ife_s == "negative",
            "urine_ife_negative": None if ife_u is None else ife_u == "negative",
            "flc_ratio_normal": ratio_normal(s),
            "marrow_clonal_cells_absent": s.marrow_clonal_cells_absent,
            # When criteria apply (APPLIES): plasmacytomas present at baseline (the size
            # criteria), M-protein measured now (CR: none left on electrophoresis).
            "had_plasmacytoma": base.soft_tissue_plasmacytomas in ("present", "reduced_50"),
            "serum_measured": now[SERUM] is not None,
            "urine_measured": now[URINE] is not None,
        }
    )
    return values


# Each category from the deepest with whether it is met, and the inputs an undecided one needs.
Levels = tuple[dict[str, Tri], Callable[[str], list[str]]]
APPLIES = ("had_plasmacytoma", "serum_measured", "urine_measured")  # _levels reads them in order


@dataclass(frozen=True)
class _Plan:
    """The table read for one set of parameters followed and applying criteria: the criteria to
    read (each once), each row's as indices into them, and the order they are shown in."""

    checks: tuple[Check, ...]
    rows: tuple[tuple[Category, tuple[int, ...]], ...]  # from the shallowest row
    shown: tuple[int, ...]
    tests: tuple[Callable[[Mapping[str, Any]], Tri], ...]  # each check's test, to be read


@functools.cache
def _plan(params: tuple[str, ...], flags: tuple[bool, ...]) -> _Plan:
    applying = dict(zip(APPLIES, flags, strict=True))
    checks: list[Check] = []
    index: dict[int, int] = {}

    def at(check: Check) -> int:
        if id(check) not in index:
            index[id(check)] = len(checks)
            checks.append(check)
        return index[id(check)]

    rows = tuple(
        (
            row,
            tuple(
                at(k) for k in row.checks(list(params)) if k.applies is None or applying[k.applies]
            ),
        )
        for row in reversed(RESPONSE_TABLE)  # a row builds on a shallower one
    )
    read = {i for _, indices in rows for i in indices}
    shown: list[int] = []
    for group in _SHOWN:
        for measure in MEASURES:
            if measure != ALL and measure not in params:
                continue
            for name in group:
                for check in CATEGORIES[name].criteria.get(measure, ()):
                    i = index.get(id(check))
                    if i in read and i not in shown and check.shown is not None:
                        shown.append(i)
    tests = tuple(k.met if k.test is None else k.test.evaluate for k in checks)
    return _Plan(tuple(checks), rows, tuple(shown), tests)


def _levels(
    e: Explanation,
    s: Snapshot,
    base: _Measured,
    params: list[str],
    base_values: dict[str, float | None],
    now: dict[str, float | None],
) -> Levels:
    """Each category of :data:`RESPONSE_TABLE` from the deepest with whether it is met, and a
    function giving the inputs an undecided one still needs; each criterion is read once and
    shown in the order of :data:`_SHOWN`."""
    values = _values_of(s, base, params, base_values, now)
    plan = _plan(
        tuple(params),
        (values["had_plasmacytoma"], values["serum_measured"], values["urine_measured"]),
    )
    tests = plan.tests
    found: dict[int, Tri] = {}  # each criterion read once (a quiet assessment: when needed)
    if _verbose(e):
        found = {i: test(values) for i, test in enumerate(tests)}
        c = _Context(s, base, values)
        for i in plan.shown:
            check = plan.checks[i]
            assert check.shown is not None
            e.criterion(check.label, found[i], check.shown(c))
    met: dict[str, Tri] = {}
    own: dict[str, tuple[int, ...]] = {}
    for row, indices in plan.rows:
        own[row.name] = indices
        built_on = row.extends or row.requires
        row_met: Tri = True if built_on is None else met[built_on]
        if row_met is not False:
            for i in indices:  # all3 over the row's criteria, read until one is not met
                v = found[i] if i in found else found.setdefault(i, tests[i](values))
                if v is False:
                    row_met = False
                    break
                if v is None:
                    row_met = None
        met[row.name] = row_met
    deepest_first = {name: met[name] for name in CATEGORIES}
    return deepest_first, functools.partial(_needs, s, plan, found, own)


def _needs(
    s: Snapshot, plan: _Plan, found: dict[int, Tri], own: dict[str, tuple[int, ...]], name: str
) -> list[str]:
    """The inputs an undecided row still needs: those of its undecided criteria (after those
    of the row it extends)."""
    row = CATEGORIES[name]
    names = _needs(s, plan, found, own, row.extends) if row.extends else []
    for i in own[name]:
        if found[i] is None:
            names.extend(n for n in plan.checks[i].missing(s) if n not in names)
    return names


@rule(
    "time_to_events",
    "Time to events per line of therapy",
    "response",
    sources=(KUMAR_2016, PDQ),
)
def time_to_events(s: Snapshot, e: Explanation) -> RuleResult:
    """PFS, duration of response and time to next treatment for each line (domain/events.py)."""
    if not s.therapy_lines:
        return e.not_applicable("no lines of therapy recorded")
    starts = [line.start for line in s.therapy_lines]
    if any(start is None for start in starts):
        e.need("therapy_lines.start")
        return e.cannot_determine(reason="every line of therapy needs its start date")
    assessments = _series(s)
    if s.date is None:
        e.assume("this visit has no date: it is not counted as an assessment")
    today = s.date
    times = line_times(s.therapy_lines, assessments, today=today)
    e.detail["lines"] = [t.as_dict() for t in times]
    e.detail["assessments"] = [
        {"date": a.date.isoformat(), "category": a.category}
        for a in assessments
        if a.category != NOT_PD
    ]
    e.detail["note"] = NO_DEATHS
    summary: list[str] = []
    for t in times:
        parts = [f"Line {t.number} ({t.regimen})"]
        for label, interval in (
            ("progression-free", t.pfs),
            ("duration of response", t.duration_of_response),
            ("time to next treatment", t.ttnt),
        ):
            if interval is None or interval.months is None:
                continue
            parts.append(
                f"{label} {interval.months:.1f} months"
                + (" (censored)" if interval.censored else "")
            )
        summary.append(", ".join(parts))
        e.criterion(
            f"line {t.number}: progression documented",
            t.progression is not None,
            t.progression.isoformat() + f" ({t.progression_status})" if t.progression else "none",
        )
    return e.determined(summary)


def _series(s: Snapshot) -> list[Assessment]:
    """The assessments after the first line started, each with its category.

    Within each line the full category is computed until the first partial response or better;
    after it only progression is checked (all that PFS and duration of response need). Every
    assessment comes from the snapshot's timeline, computed once.
    """
    lines = group_lines(s.therapy_lines)
    first = min(line.start for line in lines if line.start is not None)
    dated: list[tuple[dt.date, int]] = [
        (entry.date, i) for i, entry in enumerate(s.history) if entry.date > first
    ]
    if s.date is not None and s.date > first:
        dated.append((s.date, len(s.history)))
    starts = [line.start for line in lines]
    timeline = _timeline(s)
    out: list[Assessment] = []
    responded_in: int | None = None
    for day, index in dated:
        number = sum(1 for start in starts if start is not None and start < day)
        quick = responded_in == number
        if index == len(s.history) and not quick:
            result = _current(s)  # the snapshot's own response, already computed
        else:
            result = timeline.at(index, progression_only=quick)
        category = result.result if result.status == "determined" else None
        if not isinstance(category, str):
            category = None
        if category in PR_OR_BETTER:
            responded_in = number
        out.append(Assessment(day, category))
    return out


def _current(s: Snapshot) -> RuleResult:
    """The category of the snapshot itself, computed once per snapshot (shared by the rules)."""
    return s.derived("response._assess", _assess)


# MRD categories (Kumar 2016, Panel 2), all requiring a complete response:
MRD_CATEGORY = {"NGF": "flow_mrd_negative", "NGS": "sequencing_mrd_negative"}
SUSTAINED_DAYS = 365  # "confirmed minimum of 1 year apart"
CR_OR_BETTER = ("CR", "sCR")


def _negative(m: Mrd | None) -> bool | None:
    """MRD negative at 10⁻⁵ or better by NGF or NGS (None when method or sensitivity is missing)."""
    if m is None:
        return None
    if m.status == "positive" or m.method == "other":
        return False
    if m.method is None or m.sensitivity is None:
        return None
    return not gt(m.sensitivity, MRD_SENSITIVITY)


@rule(
    "mrd_imwg",
    "Minimal residual disease (IMWG categories)",
    "response",
    sources=(KUMAR_2016, PDQ),
)
def mrd_imwg(s: Snapshot, e: Explanation) -> RuleResult:
    """Sustained, imaging-plus, flow or sequencing MRD negativity, given only within CR."""
    m = s.mrd
    if m is None:
        e.need("mrd")
        return e.cannot_determine(reason="no MRD result recorded")
    negative = _negative(m)
    e.criterion(
        "MRD negative at 10⁻⁵ or better by next-generation flow or sequencing",
        negative,
        f"{m.status}, method {m.method or 'not recorded'}, sensitivity "
        + (f"{m.sensitivity:.0e}" if m.sensitivity is not None else "not recorded"),
    )
    if m.status == "positive":
        return e.determined("mrd_positive")
    if negative is None:
        if m.method is None:
            e.need("mrd.method")
        if m.sensitivity is None:
            e.need("mrd.sensitivity")
        return e.cannot_determine(
            reason="an MRD-negative result needs its method (NGF or NGS) and sensitivity"
        )
    if negative is False:
        # Negative, but by another method or at a sensitivity coarser than 10⁻⁵.
        e.detail["shown_as"] = (
            "MRD negative by a method or sensitivity that IMWG does not accept (NGF or NGS at "
            "10⁻⁵ or better)"
        )
        return e.determined("mrd_negative_not_imwg_standard")
    response = _current(s)
    found = response.result if response.status == "determined" else None
    category = found if isinstance(found, str) else None
    in_cr = None if category is None else category in CR_OR_BETTER
    if in_cr is False and "CR" in response.detail.get("not_assessed", {}):
        in_cr = None  # a deeper response could not be assessed: CR is still possible
    e.detail["response"] = category
    e.criterion("complete response or better (IMWG)", in_cr, category or "not determined")
    if in_cr is None:
        e.need(*response.detail.get("not_assessed", {}).get("CR", response.missing))
        return e.cannot_determine(
            reason="MRD categories are given only within a complete response, which cannot be "
            "determined with the values given"
        )
    if not in_cr:
        e.detail["shown_as"] = "MRD negative outside a complete response: not an IMWG category"
        return e.determined("mrd_negative_not_in_cr")
    assert m.method in MRD_CATEGORY
    categories = [MRD_CATEGORY[m.method]]
    imaging = m.pet_ct_negative
    e.criterion(
        "PET/CT negative (uptake gone or below the mediastinal blood pool)",
        imaging,
        "not recorded" if imaging is None else ("negative" if imaging else "uptake remains"),
    )
    if imaging:
        categories.append("imaging_plus_mrd_negative")
        earlier = _sustained_since(s)
        met = earlier is not None
        e.criterion(
            "MRD and PET/CT negative at least 1 year earlier, with no positive MRD since",
            met,
            earlier or "no such earlier result",
        )
        if met:
            categories.append("sustained_mrd_negative")
    elif imaging is None:
        e.need("mrd.pet_ct_negative")
    e.detail["categories"] = categories
    return e.determined(categories[-1])


def _sustained_since(s: Snapshot) -> str | None:
    """The date of an MRD- and PET/CT-negative entry ≥ 1 year earlier, none positive since."""
    if s.date is None:
        return None
    found: str | None = None
    for entry in reversed(s.history):
        m = entry.mrd
        if m is None:
            continue
        if m.status == "positive" or m.pet_ct_negative is False:
            break
        if _negative(m) and m.pet_ct_negative and (s.date - entry.date).days >= SUSTAINED_DAYS:
            found = entry.date.isoformat()
            break
    return found


# Relapse (Kumar 2016, "Relapse" definitions; the CRAB-type indicators of clinical relapse).
RELAPSE_HEMOGLOBIN_FALL = 2.0  # decrease in hemoglobin ≥ 2 g/dL (1.25 mmol/L) ...
RELAPSE_CREATININE_RISE = 2.0  # rise in serum creatinine ≥ 2 mg/dL (177 µmol/L) ...
# ... both from the start of the therapy (here: the last visit on or before the current line).
RELAPSE_MARROW_PC = 5.0  # relapse from CR or MRD negativity: ≥ 5% (clonal) marrow plasma cells
RELAPSE_CALCIUM = CALCIUM_ABSOLUTE  # hypercalcemia > 11 mg/dL (2.75 mmol/L), in the unit entered


def _line_start_index(s: Snapshot) -> int | None:
    """The index of the last visit on or before the start of the current line (else 0)."""
    candidates = _timeline(s).baselines.candidates(len(s.history), s.date)
    return candidates[0][0] if candidates else None


def _therapy_baseline(s: Snapshot) -> HistoryEntry | None:
    """The last visit on or before the start of the current line (else the first visit)."""
    index = _line_start_index(s)
    return None if index is None else s.history[index]


def _reappeared(s: Snapshot) -> bool | None:
    """M-protein back: immunofixation positive, or M-protein on electrophoresis (> 0)."""
    signs: list[bool | None] = [
        None if s.serum_immunofixation is None else s.serum_immunofixation == "positive",
        None if s.urine_immunofixation is None else s.urine_immunofixation == "positive",
    ]
    for name in ("serum_m_protein", "urine_m_protein_24h"):
        value = s.get(name)
        signs.append(None if value is None else gt(value, 0))
    if any(v is True for v in signs):
        return True
    if all(v is False for v in signs[:2]):
        return False  # both immunofixations negative: no M-protein by the most sensitive test
    return None


@rule(
    "relapse_imwg",
    "Relapse (IMWG)",
    "response",
    sources=(KUMAR_2016, PDQ),
)
def relapse_imwg(s: Snapshot, e: Explanation) -> RuleResult:
    """Clinical relapse, relapse from CR (with loss of CR) and relapse from MRD negativity."""
    if not s.history:
        return e.not_applicable(
            "No earlier visit is recorded; relapse is judged against earlier visits."
        )
    e.assume(
        "the indicators are read as caused by myeloma (IMWG: not related to therapy or to other "
        "conditions); relapse also needs two consecutive assessments before new therapy"
    )
    found: list[str] = []
    unknown: list[str] = []
    # Clinical relapse: the CRAB-type indicators.
    base = _therapy_baseline(s)
    indicators: list[bool | None] = []
    plasmacytoma = (
        None
        if s.soft_tissue_plasmacytomas is None
        else s.soft_tissue_plasmacytomas == "new_or_growing"
    )
    e.criterion(
        "new or growing soft-tissue plasmacytoma",
        plasmacytoma,
        _plasmacytoma_text(s.soft_tissue_plasmacytomas),
    )
    indicators.append(plasmacytoma)
    lesion = _new_bone_lesion(s)
    e.criterion(
        "new bone lesion (more lytic lesions than at the last count)",
        None if lesion is None else lesion[0],
        "not recorded" if lesion is None else lesion[1],
    )
    indicators.append(None if lesion is None else lesion[0])
    calcium = RELAPSE_CALCIUM.met(s)
    e.criterion(RELAPSE_CALCIUM.label, calcium, s.shown("calcium"))
    indicators.append(calcium)
    for field, label, limit, falls in (
        ("hemoglobin", "hemoglobin fall", RELAPSE_HEMOGLOBIN_FALL, True),
        ("creatinine", "creatinine rise", RELAPSE_CREATININE_RISE, False),
    ):
        now = s.get(field)
        before = None if base is None else base.get(field)
        unit = "g/dL" if field == "hemoglobin" else "mg/dL"
        if now is None or before is None:
            met = None
            shown = "not recorded now and at the start of the line"
        else:
            change = sub(before, now) if falls else sub(now, before)
            met = ge(change, limit)
            assert base is not None
            # In the threshold's unit, each entered value after it when in another unit.
            shown = (
                f"{shown_in(base, field, unit)} on {base.date.isoformat()} → "
                f"{shown_in(s, field, unit)}"
            )
        extra = " (1.25 mmol/L)" if falls else " (177 µmol/L)"
        e.criterion(f"{label} ≥ {fmt(limit, unit)}{extra} since the start of the line", met, shown)
        indicators.append(met)
    viscous = None if s.hyperviscosity is None else s.hyperviscosity != "none"
    e.criterion(
        "hyperviscosity from the paraprotein",
        viscous,
        HYPERVISCOSITY_TEXT.get(s.hyperviscosity or "", "not recorded"),
    )
    indicators.append(viscous)
    clinical = all3([not v if v is not None else None for v in indicators])
    if any(v is True for v in indicators):
        found.append("clinical_relapse")
    elif clinical is None:
        unknown.append("clinical_relapse")
    other_sign = any(v is True for v in indicators[:3])  # plasmacytoma, bone lesion, calcium
    # Relapse from CR: an earlier complete response (immunofixation-negative nadir).
    reappeared = _reappeared(s)
    marrow = s.get("bone_marrow_plasma_cells_percent")
    marrow_met = None if marrow is None else ge(marrow, RELAPSE_MARROW_PC)
    earlier_cr = _earlier_cr(s)
    e.detail["earlier_complete_response"] = earlier_cr
    if earlier_cr is not None:
        e.criterion(
            "M-protein reappeared (immunofixation or electrophoresis)",
            reappeared,
            f"serum immunofixation {s.serum_immunofixation or 'not recorded'}, urine "
            f"{s.urine_immunofixation or 'not recorded'}",
        )
        e.criterion(
            f"marrow plasma cells ≥ {fmt(RELAPSE_MARROW_PC)}%",
            marrow_met,
            s.shown("bone_marrow_plasma_cells_percent"),
        )
        e.detail["loss_of_cr"] = reappeared is True
        signs = [reappeared, marrow_met, other_sign or None]
        if any(v is True for v in signs):
            found.append("relapse_from_cr")
        elif reappeared is None or marrow_met is None:
            unknown.append("relapse_from_cr")
    # Relapse from MRD negativity.
    earlier_mrd = _earlier_mrd_negative(s)
    e.detail["earlier_mrd_negative"] = earlier_mrd
    if earlier_mrd is not None:
        lost = None
        if s.mrd is not None:
            lost = s.mrd.status == "positive" or s.mrd.pet_ct_negative is False
        e.criterion(
            "MRD negativity lost (clonal plasma cells by NGF or NGS, or PET/CT positive)",
            lost,
            "not recorded" if s.mrd is None else s.mrd.status,
        )
        signs = [lost, reappeared, marrow_met, other_sign or None]
        if any(v is True for v in signs):
            found.append("relapse_from_mrd_negative")
        elif lost is None and reappeared is None:
            unknown.append("relapse_from_mrd_negative")
    e.detail["not_determined"] = unknown
    if unknown and not found:
        for field, value in (
            ("calcium", s.calcium),
            ("hemoglobin", s.hemoglobin),
            ("creatinine", s.creatinine),
            ("lytic_lesions", s.lytic_lesions),
            ("soft_tissue_plasmacytomas", s.soft_tissue_plasmacytomas),
            ("hyperviscosity", s.hyperviscosity),
        ):
            if value is None:
                e.need(field)
        return e.cannot_determine(reason="relapse cannot be excluded with the values given")
    return e.determined(found)


def _earlier_cr(s: Snapshot) -> str | None:
    """The date of the latest earlier assessment in CR or better (immunofixation negative) in
    the current line: from the last visit on or before its start. A CR of an earlier line, lost
    at a progression that a new line treated, is no longer the state relapse is measured from."""
    first = _line_start_index(s) or 0
    for index in range(len(s.history) - 1, first - 1, -1):
        entry = s.history[index]
        if entry.serum_immunofixation != "negative":
            continue
        result = _timeline(s).at(index)
        if result.status == "determined" and result.result in CR_OR_BETTER:
            return entry.date.isoformat()
    return None


def _earlier_mrd_negative(s: Snapshot) -> str | None:
    """The date of the latest earlier MRD-negative result (NGF or NGS at 10⁻⁵ or better) in the
    current line (from the last visit on or before its start, as for the earlier CR)."""
    first = _line_start_index(s) or 0
    for entry in reversed(s.history[first:]):
        if _negative(entry.mrd):
            return entry.date.isoformat()
    return None
