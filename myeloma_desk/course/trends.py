"""The one trend pipeline: the series a chart draws on screen and in print, from the course.

Each series (serum M-protein, the involved free light chain — or both chains when the light
chain of the M-protein is not recorded —, the FLC ratio, creatinine, hemoglobin) has its display
label (domain/display.py) and its canonical unit; each point has its visit date, its value in
that unit, and the IMWG response *the course* gives at that visit (the ``response_imwg`` result
of that visit's engine input, re-baselined at each new line by the rule itself), with the line
in effect. Nothing here computes a response. Line starts are markers ("L1", "L2" …) numbered as
the IMWG lines are (maintenance inside its line). Pure: no Qt.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from myeloma_desk.domain.display import field_label
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.flc import kappa_lambda_ratio
from myeloma_desk.domain.units import UNITS

if TYPE_CHECKING:
    from myeloma_desk.course.model import Course, VisitCourse

FLC_RATIO = "flc_ratio"
FLC_RATIO_LABEL = "FLC ratio (κ/λ)"


@dataclass(frozen=True)
class TrendPoint:
    """One dated value, with the course's response at that visit."""

    date: dt.date
    value: float
    response: str | None  # IMWG category at the visit (None: no response assessed)
    response_shown: str  # e.g. "PR (confirmed)", "" when none
    line_number: int | None  # the IMWG line in effect on that date


@dataclass(frozen=True)
class TrendSeries:
    """One panel: a field, its label, its canonical unit and its points, oldest first."""

    key: str
    label: str
    unit: str
    points: tuple[TrendPoint, ...]

    @property
    def label_with_unit(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class LineMarker:
    """The start of an IMWG line of therapy, drawn across the chart."""

    date: dt.date
    number: int
    tag: str  # "L1"
    label: str  # the regimens of the line, e.g. "VRd → lenalidomide maintenance"


@dataclass(frozen=True)
class Trends:
    """Every series with at least one value, the line starts, the responses and notes."""

    series: tuple[TrendSeries, ...]
    markers: tuple[LineMarker, ...]
    responses: tuple[tuple[dt.date, str], ...]  # (visit date, IMWG category), oldest first
    notes: tuple[str, ...]

    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)

    def get(self, key: str) -> TrendSeries | None:
        return next((s for s in self.series if s.key == key), None)


def shown_value(value: float) -> float:
    """A trend value as a lab would print it: three significant figures, whole numbers from
    100 on (a creatinine of 97 µmol/L plotted in mg/dL reads 1.1, not 1.097; an FLC ratio
    of 0.0263 reads 0.0263; an LDH of 234.4 reads 234). For display only: the engine and the
    stored values keep every digit."""
    if value == 0 or abs(value) >= 100:
        return float(round(value))
    digits = 3 - 1 - math.floor(math.log10(abs(value)))
    return round(value, digits)


def _unit(key: str) -> str:
    return UNITS[MEASURED_FIELDS[key].dim].canonical


def _ratio(visit: VisitCourse) -> float | None:
    """κ/λ as the FLC module defines it; an infinite ratio (λ undetectable) is not plotted."""
    ratio = kappa_lambda_ratio(visit.snapshot.get("free_kappa"), visit.snapshot.get("free_lambda"))
    return None if ratio is None or math.isinf(ratio) else ratio


def _point(visit: VisitCourse, value: float) -> TrendPoint:
    response = visit.response
    category = response.category if response is not None else None
    return TrendPoint(
        date=visit.date,
        value=value,
        response=category,
        response_shown=response.shown() if response is not None and category else "",
        line_number=visit.line.number if visit.line is not None else None,
    )


def involved_chain(course: Course, until: dt.date | None = None) -> str | None:
    """The involved light chain ("kappa"/"lambda") as recorded (or carried forward) at the
    latest visit (up to ``until``); None when not recorded."""
    seen = [v for v in course.visits if until is None or v.date <= until]
    chain = seen[-1].snapshot.m_protein_light_chain if seen else None
    return chain if chain in ("kappa", "lambda") else None


def build_trends(course: Course, until: dt.date | None = None) -> Trends:
    """The trend series of the course (see the module docstring); with ``until``, the course
    as it stood on that date (the report of an earlier visit): later visits and line starts
    are left out."""
    visits = [v for v in course.visits if until is None or v.date <= until]
    chain = involved_chain(course, until)
    wanted: list[tuple[str, str, str]] = [
        ("serum_m_protein", field_label("serum_m_protein"), _unit("serum_m_protein"))
    ]
    if chain is not None:
        key = f"free_{chain}"
        wanted.append((key, f"Involved FLC ({chain})", _unit(key)))
    else:
        wanted += [(k, field_label(k), _unit(k)) for k in ("free_kappa", "free_lambda")]
    wanted += [
        (FLC_RATIO, FLC_RATIO_LABEL, ""),
        ("creatinine", field_label("creatinine"), _unit("creatinine")),
        ("hemoglobin", field_label("hemoglobin"), _unit("hemoglobin")),
    ]
    series: list[TrendSeries] = []
    for key, label, unit in wanted:
        points: list[TrendPoint] = []
        for visit in visits:
            value = _ratio(visit) if key == FLC_RATIO else visit.snapshot.get(key)
            if value is not None:
                points.append(_point(visit, value))
        if points:
            series.append(TrendSeries(key=key, label=label, unit=unit, points=tuple(points)))
    markers = tuple(
        LineMarker(date=lc.line.start, number=lc.number, tag=f"L{lc.number}", label=lc.regimen)
        for lc in course.lines
        if lc.line.start is not None and (until is None or lc.line.start <= until)
    )
    responses = tuple(
        (v.date, v.response.category)
        for v in visits
        if v.response is not None and v.response.category is not None
    )
    notes: list[str] = []
    if markers and visits:
        notes.append(
            "Dotted vertical lines: start of a line of therapy ("
            + "; ".join(f"{m.tag} {m.label}, {m.date.isoformat()}" for m in markers)
            + ")."
        )
    if visits and chain is None:
        notes.append(
            "The M-protein light chain is not recorded, so both free light chains are shown."
        )
    if responses:
        notes.append(
            "Responses are the IMWG response at each visit, measured from the baseline of the "
            "line in effect."
        )
    return Trends(series=tuple(series), markers=markers, responses=responses, notes=tuple(notes))
