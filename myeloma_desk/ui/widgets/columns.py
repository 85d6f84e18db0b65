"""Table columns that fit the viewport: each column as wide as its title and the cells loaded
so far need; when that is wider than the table, the widest of the ``wide`` text columns give up
width first (one common cap; never below their title) and their cells are elided, with the
whole text as tooltip. Nothing scrolls sideways, and the last column (a patient's status) is
never cut; only a table narrower than all the titles together scrolls (its scroll bar then
appears)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView, QToolTip

# room for the cell's margins and the sort indicator beside a title (pixels, scaled by Qt)
_CELL_PAD = 14
_TITLE_PAD = 28
_ROWS = 200  # the cells measured: a first page of the list; later pages do not resize
_SETTLE_MS = 150


def capped(natural: dict[int, int], floors: dict[int, int], budget: int) -> dict[int, int]:
    """The widths of the ``wide`` columns when together they need more than ``budget``: the
    widest give way first — one common cap, as high as the budget allows, so a column whose
    text is shorter than the cap keeps it whole ("DEMO Brennan, Thomas" stays whole while
    only the longest diagnosis is elided) — and none goes below its floor (its title)."""
    widths = dict(natural)
    free = dict(natural)  # the columns the cap applies to (not held at their floor)
    while free:
        room = budget - sum(w for c, w in widths.items() if c not in free)
        cap = _cap(list(free.values()), room)
        held = {c for c in free if floors.get(c, 0) > cap}
        for c in free:
            widths[c] = max(floors.get(c, 0), min(free[c], cap))
        if not held:
            break
        for c in held:
            free.pop(c)
    return widths


def _cap(widths: list[int], room: int) -> int:
    """The largest cap with sum(min(w, cap)) ≤ room."""
    remaining = room
    ordered = sorted(widths)
    for index, width in enumerate(ordered):
        count = len(ordered) - index
        if width * count > remaining:
            return max(0, remaining // count)
        remaining -= width
    return ordered[-1] if ordered else 0


class FitColumns(QObject):
    """Keep ``table``'s columns inside its viewport (see the module docstring)."""

    def __init__(self, table: QTableView, wide: Sequence[int]) -> None:
        super().__init__(table)
        self.table = table
        self.wide = tuple(wide)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.rowsInserted):
            signal.connect(lambda *_: self._timer.start(0))
        # cells filled in one by one (the course columns as each patient is summarised): one
        # fit per burst, not one per row
        model.dataChanged.connect(lambda *_: self._timer.start(_SETTLE_MS))
        self.fit()

    def natural(self) -> list[int]:
        """Each column's width for its title and the cells loaded (the first rows)."""
        model = self.table.model()
        metrics = self.table.fontMetrics()
        bold = self.table.horizontalHeader().fontMetrics()
        rows = min(model.rowCount(), _ROWS)
        widths = []
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = bold.horizontalAdvance(title) + _TITLE_PAD
            for row in range(rows):
                text = model.index(row, column).data()
                if text:
                    width = max(width, metrics.horizontalAdvance(str(text)) + _CELL_PAD)
            widths.append(width)
        return widths

    def fit(self) -> None:
        model = self.table.model()
        header = self.table.horizontalHeader()
        widths = self.natural()
        room = self.table.viewport().width()
        if room <= 0 or not widths:
            return
        excess = sum(widths) - room
        if excess > 0:
            bold = header.fontMetrics()
            floors = {
                c: bold.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                + _TITLE_PAD
                for c in self.wide
            }
            budget = room - sum(w for c, w in enumerate(widths) if c not in self.wide)
            for c, width in capped({c: widths[c] for c in self.wide}, floors, budget).items():
                widths[c] = width
        else:  # room to spare: the wide columns share it
            extra = -excess // max(1, len(self.wide))
            for c in self.wide:
                widths[c] += extra
        for column, width in enumerate(widths):
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport:
            if event.type() == QEvent.Type.Resize:
                self._timer.start(0)
            elif event.type() == QEvent.Type.ToolTip and self._elided_tip(event):
                return True
        return super().eventFilter(watched, event)

    def _elided_tip(self, event: QEvent) -> bool:
        """The whole text of a cell cut by its column (unless the model has a tooltip)."""
        pos = event.pos()  # type: ignore[attr-defined]
        index = self.table.indexAt(pos)
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False
        text = str(index.data() or "")
        width = self.table.columnWidth(index.column())
        if not text or self.table.fontMetrics().horizontalAdvance(text) + _CELL_PAD <= width:
            return False
        QToolTip.showText(event.globalPos(), text, self.table.viewport())  # type: ignore[attr-defined]
        return True

    def cut_text(self, row: int, column: int) -> bool:
        """Whether the cell's text is elided (tests)."""
        text = str(self.table.model().index(row, column).data() or "")
        width = self.table.columnWidth(column)
        return self.table.fontMetrics().horizontalAdvance(text) + _CELL_PAD > width
