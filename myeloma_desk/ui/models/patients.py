"""The patient list: a Qt table model over the store's patient index, fetched page by page.

The model never holds every patient. Its row count grows as the view scrolls (Qt's
``canFetchMore``/``fetchMore``: one page of :data:`PAGE_SIZE` rows at a time); how many patients
match comes from the database (``PatientIndex.count``), and filtering and sorting are queries
over the whole store (``store/patient_index.py``), not over the rows loaded so far. Loading,
filtering or sorting 50,000 patients costs one count and one page (benchmarks/bench_startup.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from myeloma_desk.domain.display import line_words, response_words, result_label, words
from myeloma_desk.store.patient_index import ListedPatient, ListQuery, PatientIndex
from myeloma_desk.ui.models.base import ColumnsTableModel

PatientRole = Qt.ItemDataRole.UserRole + 1

PAGE_SIZE = 200

# Column titles and the store's sort key of each, in display order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"),
    ("Identifier", "identifier"),
    ("Birth date", "birth_date"),
    ("Sex", "sex"),
    ("Diagnosis", "diagnosis"),
    ("Current line", "current_line"),
    ("Last response", "last_response"),
    ("Last visit", "last_visit"),
    ("Visits", "visit_count"),
    ("Status", "status"),
)
COURSE_COLUMNS = (5, 6)
NOT_SUMMARISED = "Not summarised yet: the course is being built (or open the patient)."


def display(row: ListedPatient, column: int) -> str:
    """The text of one cell, as a clinician reads it."""
    if column == 0:
        return row.name
    if column == 1:
        return row.identifier or ""
    if column == 2:
        return row.birth_date.isoformat() if row.birth_date else ""
    if column == 3:
        return words(row.sex) if row.sex else ""
    if column == 4:
        return result_label(row.diagnosis) if row.diagnosis else ""
    if column == 5:
        course = row.course
        if course is None:
            return ""
        return line_words(course.state, course.line, course.phase, course.prior_lines)
    if column == 6:
        course = row.course
        if course is None or course.response is None:
            return ""
        return response_words(course.response, course.confirmed)
    if column == 7:
        return row.last_visit.isoformat() if row.last_visit else "no visits"
    if column == 8:
        return str(row.visit_count)
    return "Archived" if row.archived else "Active"


class PatientListModel(ColumnsTableModel):
    """Read-only, lazily fetched table of the patients a :class:`ListQuery` matches."""

    COLUMNS = tuple(title for title, _ in COLUMNS)

    def __init__(
        self,
        index: PatientIndex | None = None,
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._index = index
        self.page_size = page_size
        self.query = ListQuery()
        self._rows: list[ListedPatient] = []
        self._matched = 0
        self._total = 0
        self.pages_fetched = 0  # pages read from the store since the last reset (tests read it)
        self._announcing = False
        if index is not None:
            self.set_query(self.query)

    # --- what is shown ------------------------------------------------------------------------
    def set_index(self, index: PatientIndex | None) -> None:
        """Show the patients of another store (or none)."""
        self._index = index
        self.set_query(self.query)

    def set_query(self, query: ListQuery, keep: int = 0) -> None:
        """Show ``query``'s patients from the first row (``keep``: rows to load at once)."""
        self.beginResetModel()
        self.query = query
        self._rows = []
        self.pages_fetched = 0
        index = self._index
        self._matched = self._total = 0
        if index is not None:
            # One page with its count (one query when words are typed), and the store's total.
            self._rows, self._matched = index.counted_page(query, 0, max(keep, self.page_size))
            self._total = index.total()
            self.pages_fetched = 1
        # No fetching while the reset is being announced: a listener that asks for more rows
        # in its modelReset handler would see rows inserted inside the reset (views fetch on
        # their next layout pass anyway).
        self._announcing = True
        try:
            self.endResetModel()
        finally:
            self._announcing = False

    def set_filter(self, text: str, include_archived: bool) -> None:
        """Filter by words typed (each must start a word of the name, the identifier or the
        diagnosis) and by the archived flag; the order stays."""
        wanted = replace(self.query, text=text, include_archived=include_archived)
        if wanted != self.query:
            self.set_query(wanted)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the whole store by ``column`` (a query; nothing is sorted in Python)."""
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        wanted = replace(self.query, sort=COLUMNS[column][1], descending=descending)
        if wanted != self.query:
            self.set_query(wanted)

    def refresh(self) -> None:
        """Read the store again (after a save elsewhere), keeping as many rows loaded."""
        self.set_query(self.query, keep=len(self._rows))

    def update_patient(self, patient_id: int) -> int:
        """Re-read one loaded patient's row in place (after an edit or a saved visit); returns
        its row number, or -1 if it is not loaded. A new patient needs :meth:`refresh`."""
        number = self.row_of(patient_id)
        if number < 0 or self._index is None:
            return -1
        row = self._index.get(patient_id)
        if row is None or (row.archived and not self.query.include_archived):
            self.refresh()  # gone from this list (archived, or no longer in the store)
            return self.row_of(patient_id)
        self._rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(COLUMNS) - 1))
        return number

    # --- counts -------------------------------------------------------------------------------
    @property
    def matched(self) -> int:
        """Patients the query matches in the store (loaded or not)."""
        return self._matched

    @property
    def total(self) -> int:
        """Patients in the store, archived ones included."""
        return self._total

    def loaded(self) -> int:
        return len(self._rows)

    # --- lazy fetching ------------------------------------------------------------------------
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self._announcing and len(self._rows) < self._matched

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if parent.isValid() or self._index is None or self._announcing:
            return
        start = len(self._rows)
        wanted = min(self.page_size, self._matched - start)
        if wanted <= 0:
            return
        rows = self._index.page(self.query, start, wanted)
        self.pages_fetched += 1
        if len(rows) < wanted:  # patients were archived or the store changed meanwhile
            self._matched = start + len(rows)
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # --- rows ---------------------------------------------------------------------------------
    def row_of(self, patient_id: int) -> int:
        """The row of a loaded patient, or -1."""
        for number, row in enumerate(self._rows):
            if row.id == patient_id:
                return number
        return -1

    def patient(self, row: int) -> ListedPatient:
        return self._rows[row]

    def rows(self) -> list[ListedPatient]:
        """The rows loaded so far (a copy)."""
        return list(self._rows)

    def _count(self) -> int:
        return len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return display(row, column)
        if role == PatientRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column in COURSE_COLUMNS:
            if row.course is None and row.visit_count:
                return NOT_SUMMARISED
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 8:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
