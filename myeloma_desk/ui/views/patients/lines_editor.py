"""The therapy lines of a patient: the lines table and a form for the selected line.

On a clinic server that cannot be reached, a change of the lines is held
(views/server_wait.py): the lines as changed are kept as the patient's draft (kind "lines",
with the lines as read, which the save is checked against) and shown in the table, and they
are saved as soon as the server answers again — unless someone changed the lines meanwhile:
then nothing is overwritten, the lines as saved now are shown, and the clinician chooses to
save the kept lines over them or to discard them. A draft left over is offered back when the
patient is opened again.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

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
from myeloma_desk.store.server import ServerUnavailableError
from myeloma_desk.ui.models.timeline import TherapyLinesModel
from myeloma_desk.ui.views.patient_record import PatientRecord
from myeloma_desk.ui.views.patients.common import (
    RESPONSES,
    message_label,
    problem_text,
    show_message,
    table_view,
)
from myeloma_desk.ui.widgets.draft_row import DraftRow

if TYPE_CHECKING:
    from myeloma_desk.evidence.loader import Evidence
    from myeloma_desk.ui.views.drafts import Draft, DraftStore

HELD_WHAT = "Your change of the therapy lines"
# The form's captions of a line's fields, for their messages ("Start: 2024-13-01 is not a date").
LINE_FIELD_LABELS = {
    "regimen": "Regimen",
    "drugs": "Drugs",
    "start": "Start",
    "end": "End",
    "best_response": "Best response",
    "refractory": "Refractory",
}
HELD_RECORD = "The change of the therapy lines"  # a save whose commit is uncertain


def _lines_of(raw: Any) -> list[TherapyLine]:
    return [TherapyLine.model_validate(item) for item in raw]


def _dumped(lines: list[TherapyLine]) -> list[dict[str, Any]]:
    return [line.model_dump(mode="json") for line in lines]


def _regimens(lines: list[TherapyLine]) -> str:
    return ", ".join(line.regimen or "a line" for line in lines) or "no lines"


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

    def __init__(self, parent: QWidget | None = None, drafts: DraftStore | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Therapy lines")
        self.record: PatientRecord | None = None
        self.drafts = drafts
        self._held: list[TherapyLine] | None = None  # waiting for the server to be saved
        self._read: list[TherapyLine] | None = None  # the lines the held change started from
        self.offered: Draft | None = None
        self._replace_saved = False  # the clinician saw the conflict: save over the lines now
        layout = QVBoxLayout(self)
        self.draft_row = DraftRow(
            "Draft of the therapy lines",
            [
                ("Save the &kept lines", "Save the therapy lines kept as a draft"),
                ("Discard draft", "Discard the draft of the therapy lines"),
            ],
        )
        self.draft_text = self.draft_row.text
        self.save_kept_button, self.discard_button = self.draft_row.buttons
        layout.addWidget(self.draft_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
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
        # Alt+letters are unique on the patient page with this tab open (tests/ui/test_keyboard.py);
        # its buttons and tabs leave no letter of "Drugs" (filled in from the regimen) or "Best
        # response": both are reached with Tab from the field before them.
        for label, widget in (
            ("Reg&imen", self.regimen),
            ("Drugs", self.drugs),
            ("&Start", self.start),
            ("E&nd", self.end),
            ("Best response", self.best),
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
        self.save_kept_button.clicked.connect(self.save_kept)
        self.discard_button.clicked.connect(self.discard_draft)
        self._editing = (
            self.table,
            self.regimen,
            self.drugs,
            self.start,
            self.end,
            self.best,
            self.refractory,
            self.add_button,
            self.update_button,
            self.remove_button,
            self.save_kept_button,
        )

    def set_read_only(self, read_only: bool) -> None:
        """While the server cannot be reached nothing here can be changed; the draft can
        still be discarded."""
        for widget in self._editing:
            widget.setEnabled(not read_only)

    def show_saved(self, lines: list[TherapyLine]) -> None:
        """The lines as read again; a held change stays shown until it is saved."""
        if self._held is None and self.model.lines() != lines:
            self.model.set_lines(lines)

    def set_record(self, record: PatientRecord) -> None:
        same = self.record is not None and self.record.patient_id == record.patient_id
        self.record = record
        if same and self._held is not None:
            return  # still this patient's held change (shown in the table)
        self._stop_waiting()
        self._read = None
        self._replace_saved = False
        self.status.clear()
        self.model.set_lines(record.lines)
        draft = self.drafts.load(self.draft_key) if self.drafts is not None else None
        self._offer(draft if draft is not None and draft.kind == "lines" else None)

    # --- held while the server is away (views/server_wait.py) -------------------------------
    @property
    def draft_key(self) -> str:
        pid = self.record.patient_id if self.record is not None else "none"
        return f"patient-{pid}-lines"

    def has_unsaved_changes(self) -> bool:
        """Whether a held change still waits for the server (ServerWait asks)."""
        return self._held is not None

    def save_draft(self) -> None:
        """Write the held lines (and the lines they started from) to the patient's draft."""
        if self.drafts is None or self.record is None or self._held is None:
            return
        self.drafts.save(
            self.draft_key,
            {"lines": _dumped(self._held), "read": _dumped(self._read or [])},
            f"{self.record.patient.name}, therapy lines",
            str(self.record.patient_id),
            kind="lines",
        )

    def _stop_waiting(self) -> None:
        from myeloma_desk.ui.views.server_wait import ServerWait

        self._held = None
        wait = self.findChild(ServerWait)
        if isinstance(wait, ServerWait):
            wait.stop()

    def _hold(self, error: ServerUnavailableError, lines: list[TherapyLine]) -> bool:
        """The server is away: show the changed lines as a draft, save them when it is back."""
        if self.drafts is None or self.record is None:
            show_message(self.message, str(error))
            return False
        from myeloma_desk.ui.views.server_wait import held_message, hold_until_back, uncertain

        if self._held is None:
            self._read = list(self.record.lines)  # the change is checked against these
        self._held = lines
        self.model.set_lines(lines)
        reachable = getattr(self.record.store.database, "reachable", lambda: False)
        hold_until_back(self, reachable)
        show_message(self.message, held_message(error, self, HELD_WHAT, HELD_RECORD))
        kept = self.drafts.load(self.draft_key) is not None
        where = "kept as a draft on this computer" if kept else "in this form only"
        state = "perhaps saved already" if uncertain(error) else "not saved yet"
        self.draft_text.setText(
            f"<b>Draft, {state}:</b> these lines ({html.escape(_regimens(lines))}) are "
            f"{where} until the clinic server answers again."
        )
        self.save_kept_button.setVisible(False)
        self.draft_row.setVisible(True)
        self.changed.emit()  # the page reads the record again: it shows it read-only
        return False

    def save(self) -> bool:
        """Save the held lines, checked against the lines they started from (ServerWait)."""
        if self.record is None or self._held is None:
            return False
        return self._save_kept(self._held, self._read)

    def _save_kept(self, lines: list[TherapyLine], read: list[TherapyLine] | None) -> bool:
        record = self.record
        assert record is not None
        try:
            record.store.set_therapy_lines(record.patient_id, lines, expected=read)
        except ServerUnavailableError:
            return False  # still away: asked again later
        except ConflictError as error:
            # someone changed the lines meanwhile: nothing overwritten, the draft stays
            self._stop_waiting()
            self._replace_saved = True
            show_message(
                self.message,
                f"{error} Your change is still kept as a draft: save the kept lines to "
                "replace the lines as saved now, or discard the draft.",
            )
            self._reload_shown()
            if self.drafts is not None:
                self._offer(self.drafts.load(self.draft_key))
            return False
        except (StoreError, ValueError) as error:
            show_message(self.message, str(error))
            return False
        self._stop_waiting()
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self._read = None
        self._replace_saved = False
        self.draft_row.setVisible(False)
        show_message(self.message, None)
        self._reload_shown()
        return True

    def _reload_shown(self) -> None:
        assert self.record is not None
        try:
            self.record.reload()
        except StoreError:
            return
        self.model.set_lines(self.record.lines)
        self.changed.emit()

    def _offer(self, draft: Draft | None) -> None:
        """A kept draft of the lines: the lines it holds, Save the kept lines, Discard."""
        self.offered = draft
        if draft is None:
            self.draft_row.setVisible(False)
            return
        try:
            lines = _lines_of(draft.data.get("lines", []))
        except ValidationError:
            self.draft_row.setVisible(False)
            return
        self.draft_text.setText(
            f"Therapy lines kept as a draft on this computer from {html.escape(draft.saved_at)} "
            f"UTC, not saved to the server: {html.escape(_regimens(lines))}."
        )
        self.save_kept_button.setVisible(True)
        self.draft_row.setVisible(True)

    def save_kept(self) -> bool:
        """Save the offered draft's lines: checked against the lines it started from, or —
        once the clinician has seen that the lines were changed meanwhile — over the lines as
        saved now (an explicit choice)."""
        draft = self.offered
        if draft is None or self.record is None:
            return False
        try:
            lines = _lines_of(draft.data.get("lines", []))
            read = _lines_of(draft.data.get("read", []))
        except ValidationError as error:
            show_message(self.message, f"The kept lines cannot be read: {error}")
            return False
        try:
            self.record.reload()
        except StoreError as error:
            show_message(self.message, str(error))
            return False
        expected = list(self.record.lines) if self._replace_saved else read
        saved = self._save_kept(lines, expected)
        if saved:
            self.status.setText("The kept lines were saved.")
        return saved

    def discard_draft(self) -> None:
        """Drop the draft (and a held change); the table shows the lines as last read."""
        self._stop_waiting()
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self._read = None
        self._replace_saved = False
        self.offered = None
        self.draft_row.setVisible(False)
        show_message(self.message, None)
        if self.record is not None:
            self.model.set_lines(self.record.lines)
        self.status.setText("Draft discarded: the lines are as last read.")

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
                problem_text(item, LINE_FIELD_LABELS.get(".".join(map(str, item["loc"])), "Line"))
                for item in error.errors(include_url=False)
            ]
            show_message(self.message, " ".join(problems))  # each a sentence
            return None
        show_message(self.message, None)
        return line

    def _write(self, lines: list[TherapyLine], select: TherapyLine | None = None) -> bool:
        if self.record is None:
            return False
        ordered = sorted(lines, key=lambda ln: (ln.start is None, ln.start or dt.date.max))
        if self._held is not None:
            return self._hold_again(ordered)
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
        except ServerUnavailableError as error:
            return self._hold(error, ordered)
        except (StoreError, ValueError) as error:
            show_message(self.message, str(error))
            return False
        self.record.reload()
        self.model.set_lines(self.record.lines)
        if select is not None and select in self.record.lines:
            self.table.selectRow(self.record.lines.index(select))
        self.changed.emit()
        return True

    def _hold_again(self, lines: list[TherapyLine]) -> bool:
        """A further change while one is held: it joins the held change (one draft, checked
        against the lines first read)."""
        self._held = lines
        self.model.set_lines(lines)
        self.save_draft()
        return False

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
