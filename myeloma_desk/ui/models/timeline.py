"""Item models of the patient page: the timeline (visits and lines of therapy, by date) and
the therapy-lines table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from myeloma_desk.domain.display import value_words
from myeloma_desk.domain.lines import group_lines
from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.ui.models.base import ColumnsTableModel

if TYPE_CHECKING:
    from myeloma_desk.course import Course, VisitCourse

EventRole = Qt.ItemDataRole.UserRole + 1
LineRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class TimelineEvent:
    """A dated event: a visit (with its key results) or the start or end of a therapy line."""

    date: dt.date | None
    kind: str  # "visit", "line start", "line end"
    text: str
    visit_date: dt.date | None = None  # for visits: which visit to open
    line_index: int | None = None


class TimelineModel(ColumnsTableModel):
    """Events oldest first: date, what, details."""

    COLUMNS = ("Date", "Event", "Details")

    def __init__(self, events: Sequence[TimelineEvent] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events = list(events)

    def set_events(self, events: Sequence[TimelineEvent]) -> None:
        self.beginResetModel()
        self._events = list(events)
        self.endResetModel()

    def event_at(self, row: int) -> TimelineEvent:
        return self._events[row]

    def events(self) -> list[TimelineEvent]:
        return list(self._events)

    def _count(self) -> int:
        return len(self._events)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._events)):
            return None
        event = self._events[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() == 0:
                return event.date.isoformat() if event.date else "undated"
            if index.column() == 1:
                return event.kind.capitalize()
            return event.text
        if role == EventRole:
            return event
        return None


def line_text(line: TherapyLine) -> str:
    drugs = f" ({', '.join(line.drugs)})" if line.drugs else ""
    return f"{line.regimen}{drugs}"


def imwg_numbers(lines: Sequence[TherapyLine]) -> dict[int, int]:
    """The IMWG line number of each stored entry (by its index; domain/lines.py, as the course
    model counts them): a planned transplant, consolidation or maintenance carries the number
    of its line."""
    number_of: dict[int, int] = {}
    for imwg in group_lines(lines):
        for entry in imwg.entries:
            number_of[entry] = imwg.number
    return number_of


def line_number_text(lines: Sequence[TherapyLine], index: int, numbers: dict[int, int]) -> str:
    """ "2", or "1 (maintenance)" for a part of line 1 after its induction."""
    line = lines[index]
    phase = f" ({line.phase})" if line.phase and line.phase != "induction" else ""
    return f"{numbers.get(index, index + 1)}{phase}"


class TherapyLinesModel(ColumnsTableModel):
    """Lines of therapy in order: the IMWG line number (maintenance within its line, as the
    header and timeline count them), regimen, start, end, best response, refractory."""

    COLUMNS = ("Line", "Regimen", "Start", "End", "Best response", "Refractory")

    def __init__(self, lines: Sequence[TherapyLine] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines = list(lines)
        self._numbers = imwg_numbers(self._lines)

    def set_lines(self, lines: Sequence[TherapyLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self._numbers = imwg_numbers(self._lines)
        self.endResetModel()

    def lines(self) -> list[TherapyLine]:
        return list(self._lines)

    def _count(self) -> int:
        return len(self._lines)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        line = self._lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            column = index.column()
            if column == 0:
                return line_number_text(self._lines, index.row(), self._numbers)
            if column == 1:
                return line_text(line)
            if column == 2:
                return line.start.isoformat() if line.start else "not recorded"
            if column == 3:
                return line.end.isoformat() if line.end else "ongoing"
            if column == 4:
                return line.best_response or "not recorded"
            return {True: "Yes", False: "No", None: "not recorded"}[line.refractory]
        if role == LineRole:
            return line
        return None


def timeline_events(
    visits: Sequence[tuple[dt.date, str]], lines: Sequence[TherapyLine]
) -> list[TimelineEvent]:
    """Visits (date, summary) and line starts/ends merged by date; undated lines last.

    Lines are numbered as IMWG lines (domain/lines.py, as the course model counts them): a
    planned transplant, consolidation or maintenance carries the number of its line.
    """
    events = [TimelineEvent(day, "visit", text, visit_date=day) for day, text in visits]
    number_of = imwg_numbers(lines)
    for number, line in enumerate(lines):
        label = f"Line {line_number_text(lines, number, number_of)}: {line_text(line)}"
        if line.start is not None:
            events.append(TimelineEvent(line.start, "line start", label, line_index=number))
        if line.end is not None:
            extra = []
            if line.best_response:
                extra.append(f"best response {line.best_response}")
            if line.refractory is not None:
                extra.append("refractory" if line.refractory else "not refractory")
            text = label + (f" — {', '.join(extra)}" if extra else "")
            events.append(TimelineEvent(line.end, "line end", text, line_index=number))
        if line.start is None and line.end is None:
            events.append(TimelineEvent(None, "line", label + " (undated)", line_index=number))
    order = {"line end": 0, "visit": 1, "line start": 2, "line": 3}
    return sorted(
        events,
        key=lambda e: (e.date is None, e.date or dt.date.max, order.get(e.kind, 9)),
    )


def visit_summary(course: Course, visit: VisitCourse) -> str:
    """The timeline's summary of a visit, from the course model: at the diagnosis visit (and
    before it) the diagnosis and stages; at a follow-up the line and phase in progress and the
    IMWG response with its confirmation — the diagnosis is not re-derived from treated labs."""
    source = course.diagnosis_visit
    if source is None or visit.date <= source.date:
        return summary_of(visit.assessment.results)
    parts = [visit.phase[:1].upper() + visit.phase[1:]]
    if visit.response is not None:
        parts.append(f"Response {visit.response.shown()}")
    return "; ".join(parts)


def summary_of(results: Sequence[Any]) -> str:
    """A one-line summary of key results for the timeline ('Diagnosis: …; ISS II; …')."""
    parts = []
    labels = {
        "diagnosis": "Diagnosis:",  # a name, not a grade: "Diagnosis: Active multiple myeloma"
        "iss": "ISS",
        "r_iss": "R-ISS",
        "r2_iss": "R2-ISS",
        "response_imwg": "Response",
    }
    for result in results:
        label = labels.get(result.rule)
        if label is None or result.status != "determined" or result.result is None:
            continue
        value = result.result
        parts.append(f"{label} {value_words(value) if isinstance(value, str) else value}")
    return "; ".join(parts) if parts else "no staging or response determined"
