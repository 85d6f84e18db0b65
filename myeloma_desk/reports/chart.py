"""The ONE trend painter for screen and print: small multiples drawn with QPainter (no QtCharts
in PySide6-Essentials). The report (``chart_image``) and the patient's Trends tab
(ui/widgets/trend_chart.py) both draw with :func:`draw_panel` laid out by :func:`panel_rects`.
Stable API (the report and the screen rely on it): ``chart_image(series, width, *, markers,
font_family, columns)``, ``panel_rects(count, width, height, columns)``, ``draw_panel(painter,
rect, series, style, markers) -> PanelGeometry``, ``STYLES``.

One panel per series (M-protein, involved FLC, FLC ratio, creatinine, hemoglobin), each with
its own y axis and unit, on a shared date axis. Black-and-white friendly: every series has its
own marker shape and dash pattern, so nothing depends on colour. Values are labelled at the
first and last point so the chart can be read without a ruler; the table under the chart in the
report gives every value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from myeloma_desk.course.trends import shown_value
from myeloma_desk.domain.units import fmt


class _Point(Protocol):
    @property
    def date(self) -> dt.date: ...
    @property
    def value(self) -> float: ...


class TrendSeries(Protocol):
    """What the painter needs of a series (course.trends.TrendSeries, the one trend pipeline
    for screen and print, is one)."""

    @property
    def label(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def points(self) -> Sequence[_Point]: ...


class TrendMarker(Protocol):
    """What the painter needs of a marker (a line start): its date and tag ("L1")."""

    @property
    def date(self) -> dt.date: ...
    @property
    def tag(self) -> str: ...


# (marker, pen style) per panel, in order: distinguishable in black and white.
STYLES: tuple[tuple[str, Qt.PenStyle], ...] = (
    ("circle", Qt.PenStyle.SolidLine),
    ("square", Qt.PenStyle.DashLine),
    ("triangle", Qt.PenStyle.DotLine),
    ("diamond", Qt.PenStyle.DashDotLine),
    ("cross", Qt.PenStyle.DashDotDotLine),
    ("circle_open", Qt.PenStyle.SolidLine),
)


def chart_image(
    series: Sequence[TrendSeries],
    width: int,
    *,
    markers: Sequence[TrendMarker] = (),
    font_family: str = "DejaVu Sans",
    columns: int = 2,
) -> QImage:
    """A white image ``width`` pixels wide holding one panel per series (height follows).

    ``markers`` (therapy starts) are dotted vertical lines tagged "L1", "L2" ... in every
    panel whose date range includes them; the report's note under the chart names them.
    """
    rows = max(1, math.ceil(len(series) / columns))
    panel_w = width / columns
    panel_h = panel_w * 0.55
    height = math.ceil(panel_h * rows)
    rects = panel_rects(len(series), width, height, columns)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        font = QFont(font_family)
        font.setPixelSize(max(8, int(panel_w / 28)))
        painter.setFont(font)
        for index, (one, rect) in enumerate(zip(series, rects, strict=True)):
            draw_panel(painter, rect, one, STYLES[index % len(STYLES)], markers)
    finally:
        painter.end()
    return image


def panel_rects(count: int, width: float, height: float, columns: int = 2) -> list[QRectF]:
    """Where each of ``count`` panels goes in a ``width`` × ``height`` area, row by row."""
    rows = max(1, math.ceil(count / columns))
    panel_w, panel_h = width / columns, height / rows
    gap = panel_w * 0.04  # keeps neighbouring panels' date labels apart
    return [
        QRectF((i % columns) * panel_w + gap / 2, (i // columns) * panel_h, panel_w - gap, panel_h)
        for i in range(count)
    ]


@dataclass(frozen=True)
class PanelGeometry:
    """Where a panel drew its plot, and its axes' ranges (for hover and tests)."""

    plot: QRectF
    x_low: int  # date ordinals
    x_high: int
    y_low: float
    y_high: float

    def to_x(self, day: dt.date) -> float:
        span = self.x_high - self.x_low
        return self.plot.left() + (day.toordinal() - self.x_low) / span * self.plot.width()

    def to_y(self, value: float) -> float:
        span = self.y_high - self.y_low
        return self.plot.bottom() - (value - self.y_low) / span * self.plot.height()


def _x_range(points: Sequence[dt.date]) -> tuple[int, int]:
    first, last = min(points).toordinal(), max(points).toordinal()
    if first == last:
        return first - 15, last + 15
    pad = max(1, (last - first) // 20)
    return first - pad, last + pad


def _y_range(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    low = min(0.0, low)  # lab values are non-negative: start the axis at 0 for honest slopes
    if high == low:
        high = low + 1.0
    return low, high + (high - low) * 0.12


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    span = high - low
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


def date_labels(
    dates: Sequence[dt.date],
    to_x: Callable[[dt.date], float],
    metrics: QFontMetricsF,
    rect: QRectF,
    top: float,
) -> list[tuple[dt.date, QRectF]]:
    """Where the date labels go under a panel: the first and last date, and the middle one
    (five dates or more) only where it clears both — labels never overlap, so "2022-10-11" and
    "2024-05-21" are never printed into each other on a narrow panel. A last date that would
    overlap the first is left out (the points still show it; the flowsheet lists it)."""
    days = sorted(set(dates))
    if not days:
        return []
    order = [days[0]] if len(days) == 1 else [days[0], days[-1]]
    if len(days) >= 5:
        order.append(days[len(days) // 2])
    gap = metrics.horizontalAdvance(" ")
    placed: list[tuple[dt.date, QRectF]] = []
    for day in order:
        w = metrics.horizontalAdvance(day.isoformat())
        x = min(max(to_x(day) - w / 2, rect.left()), rect.right() - w)
        box = QRectF(x, top, w, metrics.height())
        if any(box.adjusted(-gap, 0, gap, 0).intersects(other) for _, other in placed):
            continue
        placed.append((day, box))
    return sorted(placed, key=lambda item: item[0])


def draw_panel(
    painter: QPainter,
    rect: QRectF,
    series: TrendSeries,
    style: tuple[str, Qt.PenStyle],
    markers: Sequence[TrendMarker] = (),
) -> PanelGeometry:
    """Draw one series with axes, ticks, title and unit inside ``rect``; returns where."""
    metrics = QFontMetricsF(painter.font())
    line_h = metrics.height()
    margin = line_h * 0.6
    title = f"{series.label} ({series.unit})" if series.unit else series.label
    painter.setPen(QPen(QColor("black")))
    painter.drawText(
        QRectF(rect.left() + margin, rect.top() + margin * 0.5, rect.width() - 2 * margin, line_h),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width() - 2 * margin),
    )
    values = [p.value for p in series.points]
    y_low, y_high = _y_range(values)
    ticks = _ticks(y_low, y_high)
    label_w = max(metrics.horizontalAdvance(fmt(t)) for t in ticks) + margin * 0.5
    value_w = metrics.horizontalAdvance(fmt(shown_value(max(values)))) + margin
    plot = QRectF(
        rect.left() + margin + label_w,
        rect.top() + margin * 0.5 + line_h * 1.4,
        rect.width() - 2 * margin - label_w - value_w,
        rect.height() - margin * 1.5 - line_h * 2.8,
    )
    x_low, x_high = _x_range([p.date for p in series.points])
    geometry = PanelGeometry(plot, x_low, x_high, y_low, y_high)
    to_x, to_y = geometry.to_x, geometry.to_y

    grid = QPen(QColor(190, 190, 190))
    grid.setWidthF(max(1.0, line_h / 16))
    axis = QPen(QColor("black"))
    axis.setWidthF(max(1.0, line_h / 10))
    for tick in ticks:
        y = to_y(tick)
        painter.setPen(grid)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(axis)
        painter.drawText(
            QRectF(rect.left() + margin * 0.5, y - line_h / 2, label_w, line_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            fmt(tick),
        )
    # Therapy starts inside this panel's dates: dotted grey lines, tagged at the top.
    first_day, last_day = min(p.date for p in series.points), max(p.date for p in series.points)
    dotted = QPen(QColor(90, 90, 90))
    dotted.setWidthF(max(1.0, line_h / 12))
    dotted.setStyle(Qt.PenStyle.DotLine)
    for event in markers:
        if not first_day <= event.date <= last_day:
            continue
        x = to_x(event.date)
        painter.setPen(dotted)
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(axis)
        tag_w = metrics.horizontalAdvance(event.tag)
        painter.drawText(
            QRectF(x + line_h * 0.15, plot.top(), tag_w, line_h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            event.tag,
        )
    painter.setPen(axis)
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())

    for day, box in date_labels(
        [p.date for p in series.points], to_x, metrics, rect, plot.bottom() + line_h * 0.2
    ):
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), day.isoformat())

    marker, dash = style
    line = QPen(QColor("black"))
    line.setWidthF(max(1.5, line_h / 7))
    line.setStyle(dash)
    points = [QPointF(to_x(p.date), to_y(p.value)) for p in series.points]
    if len(points) > 1:
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.setPen(line)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    solid = QPen(QColor("black"))
    solid.setWidthF(max(1.0, line_h / 10))
    painter.setPen(solid)
    size = line_h * 0.32
    for point in points:
        draw_marker(painter, point, marker, size)
    # Value labels at the last point (the current value).
    last = series.points[-1]
    text = fmt(shown_value(last.value))
    w = metrics.horizontalAdvance(text)
    x = min(points[-1].x() + size * 1.2, rect.right() - w - margin * 0.2)
    y = max(points[-1].y() - line_h, plot.top() - line_h * 0.5)
    painter.drawText(QRectF(x, y, w, line_h), int(Qt.AlignmentFlag.AlignLeft), text)
    return geometry


def draw_marker(painter: QPainter, at: QPointF, kind: str, size: float) -> None:
    """A marker shape centred on ``at``; filled black except the open ones."""
    painter.setBrush(QColor("black") if not kind.endswith("_open") else QColor("white"))
    x, y = at.x(), at.y()
    if kind.startswith("circle"):
        painter.drawEllipse(at, size, size)
    elif kind == "square":
        painter.drawRect(QRectF(x - size, y - size, 2 * size, 2 * size))
    elif kind == "triangle":
        path = QPainterPath(QPointF(x, y - size * 1.2))
        path.lineTo(QPointF(x + size * 1.1, y + size * 0.8))
        path.lineTo(QPointF(x - size * 1.1, y + size * 0.8))
        path.closeSubpath()
        painter.drawPath(path)
    elif kind == "diamond":
        path = QPainterPath(QPointF(x, y - size * 1.3))
        path.lineTo(QPointF(x + size * 1.1, y))
        path.lineTo(QPointF(x, y + size * 1.3))
        path.lineTo(QPointF(x - size * 1.1, y))
        path.closeSubpath()
        painter.drawPath(path)
    else:  # cross
        painter.drawLine(QPointF(x - size, y - size), QPointF(x + size, y + size))
        painter.drawLine(QPointF(x - size, y + size), QPointF(x + size, y - size))
    painter.setBrush(Qt.BrushStyle.NoBrush)
