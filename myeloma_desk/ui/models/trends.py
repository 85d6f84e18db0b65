"""Trend data for the patient's Trends tab, read from the course model's one trend pipeline
(``Course.trends``, course/trends.py): the series, the starts of the IMWG lines, and for each
follow-up the IMWG response as the course measured it (re-baselined at each new line, with its
confirmation); and the flowsheet table model over them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from myeloma_desk.course.trends import shown_value
from myeloma_desk.domain.units import fmt
from myeloma_desk.ui.models.base import ColumnsTableModel

if TYPE_CHECKING:
    from myeloma_desk.course import Course, LineMarker, TrendSeries


@dataclass(frozen=True)
class TrendData:
    """The series (values in each series' canonical unit, oldest first), the line starts, and
    per visit date the response (in words) and the line of therapy in effect."""

    series: Sequence[TrendSeries]
    markers: Sequence[LineMarker] = field(default_factory=tuple)
    responses: dict[dt.date, str] = field(default_factory=dict)
    phases: dict[dt.date, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)

    def dates(self) -> list[dt.date]:
        """Every date with a value or a response, oldest first."""
        days = {p.date for s in self.series for p in s.points} | set(self.responses)
        return sorted(days)

    def value(self, key: str, day: dt.date) -> float | None:
        for s in self.series:
            if s.key == key:
                return next((p.value for p in s.points if p.date == day), None)
        return None

    def describe_day(self, day: dt.date) -> str:
        """Every value on ``day`` with its unit, and the response then (hover text)."""
        parts = [day.isoformat()]
        for s in self.series:
            v = self.value(s.key, day)
            if v is not None:
                parts.append(f"{s.label}: {fmt(shown_value(v), s.unit)}".strip())
        if day in self.phases:
            parts.append(f"Therapy: {self.phases[day]}")
        if day in self.responses:
            parts.append(f"IMWG response: {self.responses[day]}")
        return "\n".join(parts)


def trend_data_for(course: Course) -> TrendData:
    """The Trends tab of a patient: the course's trends, with each visit's response (words
    and confirmation) and line of therapy in effect."""
    trends = course.trends
    responses = {
        p.date: p.response_shown for s in trends.series for p in s.points if p.response_shown
    }
    # A visit with a response but no charted value still has a row.
    for v in course.visits:
        if v.response is not None and v.response.category is not None:
            responses.setdefault(v.date, v.response.shown())
    phases = {v.date: v.phase for v in course.visits}
    return TrendData(trends.series, trends.markers, responses, phases)


class FlowsheetModel(ColumnsTableModel):
    """One row per date: the IMWG response at that visit, the line of therapy, and each
    series' value (unit in the column title). Missing values are shown as "—" (not recorded)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_ = TrendData([])
        self._days: list[dt.date] = []

    def set_data(self, data: TrendData) -> None:
        self.beginResetModel()
        self.data_ = data
        self._days = data.dates()
        self.endResetModel()

    def column_titles(self) -> tuple[str, ...]:
        titles = ["Date", "IMWG response", "Therapy"]
        titles += [f"{s.label} ({s.unit})" if s.unit else s.label for s in self.data_.series]
        return tuple(titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """A value column's unit on a second line ("Serum M-protein" / "(g/dL)"), so the
        values fit beside each other at 1280×800; the accessible text is the title in one line."""
        titles = self.column_titles()
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(titles)
        if horizontal and role == Qt.ItemDataRole.AccessibleTextRole:
            return titles[section]
        if horizontal and role == Qt.ItemDataRole.DisplayRole and section >= 3:
            one = self.data_.series[section - 3]
            return f"{one.label}\n({one.unit})" if one.unit else one.label
        return super().headerData(section, orientation, role)

    def _count(self) -> int:
        return len(self._days)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._days)):
            return None
        day = self._days[index.row()]
        column = index.column()
        series = self.data_.series
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.data_.describe_day(day)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if column == 0:
            return day.isoformat()
        if column == 1:
            return self.data_.responses.get(day, "")
        if column == 2:
            return self.data_.phases.get(day, "")
        value = self.data_.value(series[column - 3].key, day)
        return "—" if value is None else fmt(shown_value(value))
