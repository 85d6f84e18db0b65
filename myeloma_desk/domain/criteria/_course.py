"""Shared helpers for the engine II rules: free light chains, exact percentages, therapy lines.

Not a rule module (it is not listed in MODULES and registers nothing).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Literal

from myeloma_desk.domain.drugs import Drug, DrugClass, resolve_drug
from myeloma_desk.domain.flc import (  # the one FLC ratio and reference range
    FLC_RATIO_HIGH,
    FLC_RATIO_LOW,
    kappa_lambda_ratio,
)
from myeloma_desk.domain.lines import group_lines
from myeloma_desk.domain.logic import tri_all
from myeloma_desk.domain.snapshot import Snapshot, TherapyLine, _Measured
from myeloma_desk.domain.units import COMPARE_PLACES, gt, lt

LightChain = Literal["kappa", "lambda"]


def flc_ratio(entry: _Measured) -> float | None:
    """κ/λ of an entry, as the one FLC module defines it (``flc.kappa_lambda_ratio``): ∞ when
    λ is 0 and κ is not, None when either is missing or both are 0."""
    return kappa_lambda_ratio(entry.get("free_kappa"), entry.get("free_lambda"))


def ratio_normal(entry: _Measured) -> bool | None:
    """FLC ratio within 0.26–1.65 (None if it cannot be computed; an undetectable λ with a
    measurable κ is as abnormal as a ratio can be)."""
    ratio = flc_ratio(entry)
    if ratio is None:
        return None
    if math.isinf(ratio):
        return False
    return not (lt(ratio, FLC_RATIO_LOW) or gt(ratio, FLC_RATIO_HIGH))


def involved_chain(s: Snapshot, baseline: _Measured | None = None) -> tuple[LightChain | None, str]:
    """The involved light chain: as recorded, else from an abnormal ratio (baseline or current)."""
    if s.m_protein_light_chain is not None:
        return s.m_protein_light_chain, "recorded light chain type"
    for entry, label in ((baseline, "baseline"), (s, "current")):
        if entry is None:
            continue
        ratio = flc_ratio(entry)
        if ratio is None:
            continue
        if gt(ratio, FLC_RATIO_HIGH):
            return "kappa", f"inferred from the {label} kappa/lambda ratio > {FLC_RATIO_HIGH}"
        if lt(ratio, FLC_RATIO_LOW):
            return "lambda", f"inferred from the {label} kappa/lambda ratio < {FLC_RATIO_LOW}"
    return None, "light chain type not recorded and the FLC ratio is not abnormal"


def involved_flc(entry: _Measured, chain: LightChain | None) -> float | None:
    """Involved free light chain in mg/L."""
    if chain is None:
        return None
    return entry.get("free_kappa" if chain == "kappa" else "free_lambda")


def dflc(entry: _Measured, chain: LightChain | None) -> float | None:
    """Difference between involved and uninvolved FLC in mg/L (may be negative)."""
    if chain is None:
        return None
    kappa = entry.get("free_kappa")
    lam = entry.get("free_lambda")
    if kappa is None or lam is None:
        return None
    involved, uninvolved = (kappa, lam) if chain == "kappa" else (lam, kappa)
    return float(_dec(involved) - _dec(uninvolved))


def _dec(value: float) -> Decimal:
    """The value as written, to COMPARE_PLACES decimals: round(Decimal(repr(value)), places),
    as a quantize in the one context (no rounding exponent made per call)."""
    return _quantize(Decimal(repr(float(value))), _PLACES)


_PLACES = Decimal(1).scaleb(-COMPARE_PLACES)  # round(x, COMPARE_PLACES) is x.quantize(_PLACES)


# 28 significant digits, rounding half to even (the decimal defaults), held in one context object
# so that a percentage needs no context manager per call (issue 18).
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
# x.quantize(places, context=_CONTEXT), called positionally (keyword arguments to a C method are
# parsed on every call: a tenth of a percentage's cost).
_quantize = _CONTEXT.quantize
_HUNDRED = Decimal(100)


def percent_change(before: float, after: float) -> float | None:
    """(after − before) / before × 100, exact in decimal; None when ``before`` is 0."""
    b = _dec(before)
    if b == 0:
        return None
    c = _CONTEXT
    change = c.multiply(c.divide(c.subtract(_dec(after), b), b), _HUNDRED)
    return float(c.quantize(change, _PLACES))


def percent_reduction(before: float, after: float) -> float | None:
    """(before − after) / before × 100 (positive = lower now); None when ``before`` is 0."""
    change = percent_change(before, after)
    return None if change is None else -change + 0.0


def pct(value: float | None) -> str:
    """A percentage for explanations ("-92.5%"), or "n/a"."""
    if value is None:
        return "n/a"
    return f"{value:.1f}%"


def line_drugs(line: TherapyLine) -> tuple[list[Drug], list[str]]:
    """Known drugs of a line and the names the drug table does not know."""
    known: list[Drug] = []
    unknown: list[str] = []
    for name in line.drugs:
        drug = resolve_drug(name)
        if drug is None:
            unknown.append(name)
        elif drug not in known:
            known.append(drug)
    return known, unknown


class Baselines:
    """The baseline candidates of a snapshot and of every earlier point of its history.

    IMWG response is measured against the baseline before the therapy being assessed. With
    lines of therapy recorded, each line that started by the assessment's date offers the last
    visit on or before its start; the first history entry is always the last candidate. The
    response rule takes the most recent candidate at which disease was measurable (a line begun
    in deep response, such as maintenance, is judged against the earlier baseline). Each
    candidate says how it was chosen.

    The history is in date order, so the last visit on or before a line's start is found once
    per line; the candidates when only the first ``n`` entries existed (the snapshot as it stood
    at entry ``n``) follow without scanning the history again.
    """

    def __init__(self, s: Snapshot) -> None:
        dates = [entry.date for entry in s.history]
        # Only the first part of each IMWG line offers a baseline: transplant, consolidation and
        # maintenance planned after induction are the same line (domain/lines.py, Rajkumar 2015).
        self.starts: list[tuple[dt.date, int, str]] = []
        for imwg in group_lines(s.therapy_lines):
            line = imwg.first
            if line.start is not None:
                how = (
                    f"the last visit on or before the start of line {imwg.number} "
                    f"({line.regimen}, started {line.start.isoformat()})"
                )
                self.starts.append((line.start, bisect_right(dates, line.start) - 1, how))

    def candidates(self, n: int, day: dt.date | None) -> list[tuple[int, str]]:
        """(index of the baseline entry, how it was chosen), most recent first, among the first
        ``n`` history entries for an assessment dated ``day``; [] without history."""
        if n == 0:
            return []
        found: list[tuple[int, str]] = []
        seen: set[int] = set()
        for start, last, how in reversed(self.starts):
            if day is not None and start > day:
                continue
            index = min(last, n - 1)
            if index <= 0 or index in seen:
                continue
            seen.add(index)
            found.append((index, how))
        found.append((0, "the first recorded visit"))
        return found


def current_line(s: Snapshot) -> TherapyLine | None:
    """The recorded therapy given now: the latest entry started by the snapshot's date (or with
    no start date) that has not ended by then. A part planned to start later (maintenance
    after induction) is not given yet; the IMWG line it belongs to is ``lines.current_line``."""
    for entry in reversed(s.therapy_lines):
        if entry.start is not None and s.date is not None and entry.start > s.date:
            continue  # planned, not started
        if entry.end is None or (s.date is not None and entry.end > s.date):
            return entry
        return None
    return None


def line_has_class(line: TherapyLine, *classes: DrugClass) -> bool:
    """Whether the line contains a drug of one of ``classes``."""
    known, _ = line_drugs(line)
    return any(drug.drug_class in classes for drug in known)


# Three-valued AND: the one definition is logic.tri_all (False if any is False, None if any
# is unknown, else True); the course rules read it under this name.
all3 = tri_all
