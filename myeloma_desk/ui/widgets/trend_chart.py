"""The trend chart: small multiples drawn with QPainter in the system palette (QtCharts is not
part of PySide6-Essentials). Response categories are marked as labelled vertical lines."""

from __future__ import annotations

import datetime as dt
import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from myeloma_desk.domain.units import fmt
from myeloma_desk.ui.models.trends import Series, TrendData


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


class TrendChart(QWidget):
    """One panel per series with its own y axis and unit, on a shared date axis."""

    COLUMNS = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = TrendData([])
        self.setAccessibleName("Trends chart")
        self.setMinimumSize(400, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable by Tab; description is read

    def sizeHint(self) -> QSize:
        return QSize(800, 520)

    def set_data(self, data: TrendData) -> None:
        self.data = data
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """A text version of the chart (screen readers, tooltips, tests)."""
        if self.data.is_empty():
            return "No dated values to chart yet."
        parts = []
        for s in self.data.series:
            if s.points:
                values = ", ".join(f"{d.isoformat()} {fmt(v, s.unit)}" for d, v in s.points)
                parts.append(f"{s.label}: {values}")
        if self.data.responses:
            parts.append(
                "Response: " + ", ".join(f"{d.isoformat()} {c}" for d, c in self.data.responses)
            )
        return ". ".join(parts)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        if self.data.is_empty():
            painter.setPen(text)
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "No dated values to chart yet."
            )
            painter.end()
            return
        series = self.data.series
        rows = math.ceil(len(series) / self.COLUMNS)
        width = self.width() / self.COLUMNS
        height = self.height() / max(1, rows)
        dates = [d for s in series for d, _ in s.points] + [d for d, _ in self.data.responses]
        first, last = min(dates).toordinal(), max(dates).toordinal()
        if first == last:
            first, last = first - 15, last + 15
        pad = max(1, (last - first) // 20)
        x_range = (first - pad, last + pad)
        for index, one in enumerate(series):
            rect = QRectF(
                (index % self.COLUMNS) * width, (index // self.COLUMNS) * height, width, height
            )
            self._panel(painter, rect.adjusted(6, 6, -6, -6), one, x_range)
        painter.end()

    def _panel(
        self, painter: QPainter, rect: QRectF, series: Series, x_range: tuple[int, int]
    ) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        grid = palette.color(QPalette.ColorRole.Mid)
        line = palette.color(QPalette.ColorRole.Highlight)
        metrics = QFontMetricsF(painter.font())
        line_h = metrics.height()
        painter.setPen(text)
        title = f"{series.label} ({series.unit})"
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), line_h),
            Qt.AlignmentFlag.AlignLeft,
            title,
        )
        plot = QRectF(
            rect.left() + metrics.horizontalAdvance("00000.0") + 6,
            rect.top() + line_h * 2.2,
            rect.width() - metrics.horizontalAdvance("00000.0") - 12,
            rect.height() - line_h * 4,
        )
        if plot.width() < 20 or plot.height() < 20:
            return
        values = [v for _, v in series.points]
        low = min([0.0, *values])
        high = max(values) if values else 1.0
        if high <= low:
            high = low + 1.0
        high += (high - low) * 0.1

        def x_of(day: dt.date) -> float:
            span = x_range[1] - x_range[0]
            return plot.left() + (day.toordinal() - x_range[0]) / span * plot.width()

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        painter.setPen(QPen(grid, 1))
        painter.drawRect(plot)
        for tick in _nice_ticks(low, high):
            y = y_of(tick)
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label = fmt(tick)
            painter.drawText(
                QPointF(plot.left() - metrics.horizontalAdvance(label) - 4, y + line_h / 3),
                label,
            )
        # response categories: dashed vertical line with its label at the top
        for day, category in self.data.responses:
            x = x_of(day)
            painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(text)
            painter.drawText(QPointF(x + 2, plot.top() - 2), category)
        if not series.points:
            painter.setPen(text)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "not recorded")
            return
        points = [QPointF(x_of(d), y_of(v)) for d, v in series.points]
        painter.setPen(QPen(line, 2))
        painter.drawPolyline(points)
        painter.setBrush(line)
        for p in points:
            painter.drawEllipse(p, 3.5, 3.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(text)
        first_day, last_day = series.points[0][0], series.points[-1][0]
        painter.drawText(QPointF(plot.left(), plot.bottom() + line_h), first_day.isoformat())
        if last_day != first_day:
            label = last_day.isoformat()
            painter.drawText(
                QPointF(plot.right() - metrics.horizontalAdvance(label), plot.bottom() + line_h),
                label,
            )
        last_value = series.points[-1][1]
        painter.drawText(points[-1] + QPointF(5, -5), f"{last_value:.3g}")
