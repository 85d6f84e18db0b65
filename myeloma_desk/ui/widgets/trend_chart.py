"""The patient's Trends tab as a flowsheet: the chart (drawn by reports/chart.py, the one trend
painter for screen and print) with hover values, and under it the table of every value by date
with the line of therapy and the IMWG response at each follow-up (from the course model)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.units import fmt
from myeloma_desk.reports.chart import STYLES, PanelGeometry, draw_panel, panel_rects
from myeloma_desk.ui.models.trends import FlowsheetModel, TrendData

EMPTY = "No dated values to chart yet."
LOADING = "Reading the course of this patient…"
THERAPY_COLUMN = 2  # Date, IMWG response, Therapy, then one column per series
THERAPY_WIDTH = 230  # px; longer therapy text wraps (the row's tooltip holds it too)


class ChartCanvas(QWidget):
    """The small multiples; hovering near a point shows every value of that date."""

    COLUMNS = 2
    HOVER_PX = 14  # how close (in x) the pointer must be to a date to show its values

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = TrendData([])
        self.empty_text = EMPTY  # shown when there is nothing to chart
        self.geometries: list[PanelGeometry] = []
        self.setAccessibleName("Trends chart")
        self.setMinimumSize(400, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable by Tab; description is read
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(800, 420)

    def set_data(self, data: TrendData, empty_text: str = EMPTY) -> None:
        self.data = data
        self.empty_text = empty_text
        self.geometries = []
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.fillRect(self.rect(), QColor("white"))  # the printed chart's paper
            series = [s for s in self.data.series if s.points]
            if not series:
                painter.setPen(QColor("black"))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
                self.geometries = []
                return
            rects = panel_rects(len(series), self.width(), self.height(), self.COLUMNS)
            self.geometries = [
                draw_panel(painter, rect, one, STYLES[i % len(STYLES)], self.data.markers)
                for i, (one, rect) in enumerate(zip(series, rects, strict=True))
            ]
        finally:
            painter.end()

    def hover_text(self, pos: QPoint) -> str:
        """The values of the date nearest ``pos`` in the panel under it ("" if none near)."""
        series = [s for s in self.data.series if s.points]
        for one, geometry in zip(series, self.geometries, strict=False):
            plot = geometry.plot.adjusted(-self.HOVER_PX, -self.HOVER_PX, 0, self.HOVER_PX)
            if not plot.contains(pos.toPointF()):
                continue
            nearest = min(one.points, key=lambda p: abs(geometry.to_x(p.date) - pos.x()))
            if abs(geometry.to_x(nearest.date) - pos.x()) <= self.HOVER_PX:
                return self.data.describe_day(nearest.date)
        return ""

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        text = self.hover_text(event.position().toPoint())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)


class TrendChart(QWidget):
    """The Trends tab: chart above, flowsheet (values by date) below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = TrendData([])
        self._fit_pending = False  # the flowsheet's rows to be sized when it is shown
        self.setAccessibleName("Trends")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = ChartCanvas()
        self.flowsheet_model = FlowsheetModel(self)
        self.flowsheet = QTableView()
        self.flowsheet.setObjectName("flowsheet")
        self.flowsheet.setAccessibleName("Values by date, with the line of therapy and response")
        self.flowsheet.setModel(self.flowsheet_model)
        self.flowsheet.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flowsheet.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.flowsheet.setTabKeyNavigation(False)
        self.flowsheet.verticalHeader().setVisible(False)
        self.flowsheet.setWordWrap(True)
        self.flowsheet.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.flowsheet.horizontalHeader().setStretchLastSection(False)
        # The therapy column wraps at a capped width, so the values beside it stay in view.
        self.flowsheet.horizontalHeader().setSectionResizeMode(
            THERAPY_COLUMN, QHeaderView.ResizeMode.Interactive
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.canvas)
        splitter.addWidget(self.flowsheet)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)

    def sizeHint(self) -> QSize:
        return QSize(800, 620)

    def set_data(self, data: TrendData, empty_text: str = EMPTY) -> None:
        self.data = data
        self.canvas.set_data(data, empty_text)
        self.flowsheet_model.set_data(data)
        # Sizing the flowsheet's wrapped rows measures every cell (tens of ms for a long
        # course): done when the Trends tab is on screen, not while the patient page opens
        # with the timeline in front.
        self._fit_pending = True
        if self.isVisible():
            self._fit_flowsheet()
        self.setAccessibleDescription(self.describe())
        self.canvas.setAccessibleDescription(self.describe())

    def _fit_flowsheet(self) -> None:
        self._fit_pending = False
        self.flowsheet.resizeColumnToContents(THERAPY_COLUMN)
        if self.flowsheet.columnWidth(THERAPY_COLUMN) > THERAPY_WIDTH:
            self.flowsheet.setColumnWidth(THERAPY_COLUMN, THERAPY_WIDTH)
        self.flowsheet.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        if self._fit_pending:
            self._fit_flowsheet()
        super().showEvent(event)

    def set_loading(self) -> None:
        """Nothing charted while the patient's course is being built (never the previous
        patient's values, never "no values" before they are known)."""
        self.set_data(TrendData([]), LOADING)

    def describe(self) -> str:
        """A text version of the chart (screen readers, tests)."""
        if self.data.is_empty():
            return self.canvas.empty_text
        parts = []
        for s in self.data.series:
            if s.points:
                values = ", ".join(
                    f"{p.date.isoformat()} {fmt(round(p.value, 3), s.unit)}" for p in s.points
                )
                parts.append(f"{s.label}: {values}")
        if self.data.responses:
            parts.append(
                "IMWG response: "
                + ", ".join(f"{d.isoformat()} {c}" for d, c in sorted(self.data.responses.items()))
            )
        return ". ".join(parts)
