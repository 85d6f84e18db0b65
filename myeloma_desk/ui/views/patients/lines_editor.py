"""The therapy lines of a patient: the lines table and a form for the selected line."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import ValidationError

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.store import StoreError
from myeloma_desk.store.errors import ConflictError
from myeloma_desk.ui.models.timeline import TherapyLinesModel
from myeloma_desk.ui.views.patient_record import PatientRecord
from myeloma_desk.ui.views.patients.common import (
    RESPONSES,
    message_label,
    show_message,
    table_view,
)

if TYPE_CHECKING:
    from myeloma_desk.evidence.loader import Evidence


def regimen_choices(evidence: Evidence) -> list[tuple[str, list[str]]]:
    """Regimens of the evidence database as (abbreviation, components), sorted."""
    return sorted(
        ((r.abbreviation, list(r.components)) for r in evidence.db.regimens),
        key=lambda item: item[0].casefold(),
    )


class TherapyLinesEditor(QWidget):
    """The lines table and a form for the selected line: regimen (from the evidence
    database), drugs, dates, best response and refractory."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Therapy lines")
        self.record: PatientRecord | None = None
        layout = QVBoxLayout(self)
        self.model = TherapyLinesModel(parent=self)
        self.table = table_view("Lines of therapy")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.choices: list[tuple[str, list[str]]] = []
        self.regimen = QComboBox()
        self.regimen.setEditable(True)  # a regimen the database lacks can still be typed
        self.regimen.addItem("")
        self.regimen.setAccessibleName("Regimen")
        self.drugs = QLineEdit()
        self.drugs.setAccessibleName("Drugs, comma-separated")
        self.start = QLineEdit()
        self.start.setPlaceholderText("YYYY-MM-DD")
        self.start.setAccessibleName("Start date")
        self.end = QLineEdit()
        self.end.setPlaceholderText("YYYY-MM-DD, empty if ongoing")
        self.end.setAccessibleName("End date")
        self.best = QComboBox()
        self.best.addItems(["— not recorded —", *RESPONSES])
        self.best.setAccessibleName("Best response")
        self.refractory = QComboBox()
        self.refractory.addItems(["— not recorded —", "Yes", "No"])
        self.refractory.setAccessibleName("Refractory")
        for label, widget in (
            ("Re&gimen", self.regimen),
            ("Dr&ugs", self.drugs),
            ("S&tart", self.start),
            ("&End", self.end),
            ("Best &response", self.best),
            ("Re&fractory (progression on or ≤ 60 days after)", self.refractory),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add line")
        self.update_button = QPushButton("&Update line")
        self.remove_button = QPushButton("Re&move line")
        for button in (self.add_button, self.update_button, self.remove_button):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.regimen.currentTextChanged.connect(self._fill_drugs)
        self.table.selectionModel().currentRowChanged.connect(self._load_row)
        self.add_button.clicked.connect(self.add_line)
        self.update_button.clicked.connect(self.update_line)
        self.remove_button.clicked.connect(self.remove_line)

    def set_record(self, record: PatientRecord) -> None:
        self.record = record
        self.model.set_lines(record.lines)

    def set_evidence(self, evidence: Evidence) -> None:
        """Offer the evidence database's regimens in the picker (loaded in the background)."""
        self.choices = regimen_choices(evidence)
        typed = self.regimen.currentText()
        self.regimen.blockSignals(True)
        self.regimen.clear()
        self.regimen.addItem("")
        self.regimen.addItems([abbr for abbr, _ in self.choices])
        self.regimen.setCurrentText(typed)
        self.regimen.blockSignals(False)

    def _fill_drugs(self, text: str) -> None:
        for abbreviation, components in self.choices:
            if abbreviation == text:
                self.drugs.setText(", ".join(components))
                return

    def _load_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        line = self.model.lines()[current.row()]
        self.regimen.setCurrentText(line.regimen)
        self.drugs.setText(", ".join(line.drugs))
        self.start.setText(line.start.isoformat() if line.start else "")
        self.end.setText(line.end.isoformat() if line.end else "")
        self.best.setCurrentIndex(
            RESPONSES.index(line.best_response) + 1 if line.best_response else 0
        )
        self.refractory.setCurrentIndex({None: 0, True: 1, False: 2}[line.refractory])

    def line_from_form(self) -> TherapyLine | None:
        raw = {
            "regimen": self.regimen.currentText().strip(),
            "drugs": [d.strip() for d in self.drugs.text().split(",") if d.strip()],
            "start": self.start.text().strip() or None,
            "end": self.end.text().strip() or None,
            "best_response": ([None, *RESPONSES])[self.best.currentIndex()],
            "refractory": [None, True, False][self.refractory.currentIndex()],
        }
        try:
            line = TherapyLine.model_validate(raw)
        except ValidationError as error:
            problems = [
                f"{'.'.join(str(p) for p in item['loc']) or 'line'}: "
                f"{str(item['msg']).removeprefix('Value error, ')}"
                for item in error.errors(include_url=False)
            ]
            show_message(self.message, "; ".join(problems))
            return None
        show_message(self.message, None)
        return line

    def _write(self, lines: list[TherapyLine], select: TherapyLine | None = None) -> bool:
        if self.record is None:
            return False
        ordered = sorted(lines, key=lambda ln: (ln.start is None, ln.start or dt.date.max))
        try:
            # based on the lines as read: someone else's change meanwhile is not overwritten
            self.record.store.set_therapy_lines(
                self.record.patient_id, ordered, expected=self.record.lines
            )
        except ConflictError as error:
            show_message(self.message, str(error))
            try:
                self.record.reload()
            except StoreError:
                return False
            self.model.set_lines(self.record.lines)
            self.changed.emit()
            return False
        except (StoreError, ValueError) as error:
            show_message(self.message, str(error))
            return False
        self.record.reload()
        self.model.set_lines(self.record.lines)
        if select is not None and select in self.record.lines:
            self.table.selectRow(self.record.lines.index(select))
        self.changed.emit()
        return True

    def add_line(self) -> bool:
        line = self.line_from_form()
        return line is not None and self._write([*self.model.lines(), line], select=line)

    def update_line(self) -> bool:
        row = self.table.currentIndex().row()
        line = self.line_from_form()
        if row < 0 or line is None:
            if row < 0:
                show_message(self.message, "select the line to update first")
            return False
        lines = self.model.lines()
        lines[row] = line
        return self._write(lines, select=line)

    def remove_line(self) -> bool:
        row = self.table.currentIndex().row()
        if row < 0:
            show_message(self.message, "select the line to remove first")
            return False
        lines = self.model.lines()
        del lines[row]
        return self._write(lines)
