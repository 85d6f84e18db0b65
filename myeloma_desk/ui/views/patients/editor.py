"""New or edit patient: identity fields with their messages under them (no dialog).

On a clinic server that cannot be reached, a save is held (views/server_wait.py): the typed
details are kept as a draft of this patient (kind "patient", with the version they were read
at) and saved as soon as the server answers again, against that version — someone else's save
meanwhile opens the conflict dialog. The draft can be discarded; a draft left over (the editor
was left, or the app closed) is offered back when the editor opens that patient again.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.vocabulary import DIAGNOSES as ALL_DIAGNOSES
from myeloma_desk.domain.vocabulary import diagnosis_label
from myeloma_desk.store import Store, StoreError
from myeloma_desk.store.errors import StaleRecordError
from myeloma_desk.store.models import Patient, PatientFields
from myeloma_desk.store.server import ServerUnavailableError
from myeloma_desk.ui.views.conflict import Loaded, settle
from myeloma_desk.ui.views.patients.common import message_label, problem_text, show_message
from myeloma_desk.ui.widgets.draft_row import DraftRow

if TYPE_CHECKING:
    from myeloma_desk.ui.views.drafts import Draft, DraftStore

DIAGNOSES = list(ALL_DIAGNOSES)
HELD_WHAT = "Your edit of the patient details"
HELD_RECORD = "The patient details"  # a save whose commit is uncertain (views/server_wait.py)


class _EnterSaves(QObject):
    def __init__(self, editor: PatientEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return False
        self.editor.save()
        return True


class PatientEditor(QWidget):
    """New or edit patient: identity fields with their messages under them (no dialog)."""

    saved = Signal(int)  # patient id
    cancelled = Signal()

    def __init__(
        self, store: Store, parent: QWidget | None = None, drafts: DraftStore | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.drafts = drafts
        self.patient_id: int | None = None
        self.patient: Patient | None = None  # as last read
        self.loaded = Loaded(0)
        self._held = False  # a save waits for the server (views/server_wait.py)
        # a new patient's save whose commit was uncertain: it may be on the server already
        self._maybe_created = False
        self._from_draft = False  # the form holds a draft's details (held or restored)
        self.setAccessibleName("Patient details")
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        self.draft_row = DraftRow(
            "Draft of the patient details",
            [
                ("&Restore draft", "Restore the draft of the patient details"),
                ("Discard dra&ft", "Discard the draft of the patient details"),
            ],
        )
        self.draft_text = self.draft_row.text
        self.restore_button, self.discard_button = self.draft_row.buttons
        layout.addWidget(self.draft_row)
        self.offered: Draft | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        form = QFormLayout()
        self.name = QLineEdit()
        self.identifier = QLineEdit()
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("YYYY-MM-DD")
        self.sex = QComboBox()
        self.sex.addItems(["— not recorded —", "Female", "Male"])
        self.diagnosis = QComboBox()
        self.diagnosis.addItems(["— not recorded —", *(diagnosis_label(d) for d in DIAGNOSES)])
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.messages: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}  # each field's caption, for its messages
        for key, label, widget in (
            ("name", "&Name", self.name),
            ("identifier", "&Identifier (MRN)", self.identifier),
            ("birth_date", "&Birth date", self.birth_date),
            ("sex", "&Sex", self.sex),
            ("diagnosis", "&Working diagnosis", self.diagnosis),
            ("notes", "N&otes", self.notes),
        ):
            self.labels[key] = label.replace("&", "")
            widget.setAccessibleName(label.replace("&", ""))
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            message = message_label()
            box.addWidget(message)
            self.messages[key] = message
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, holder)
        layout.addLayout(form)
        self.general = message_label()
        layout.addWidget(self.general)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Sa&ve patient")
        self.save_button.setAccessibleName("Save patient")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Canc&el")
        self.cancel_button.setAccessibleName("Cancel editing")
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        # Enter in a field saves, as the default button of a dialog would (the notes keep
        # Enter for new lines); on a combo box it saves unless its list is open.
        self._enter = _EnterSaves(self)
        for widget in (self.name, self.identifier, self.birth_date, self.sex, self.diagnosis):
            widget.installEventFilter(self._enter)
        self.cancel_button.clicked.connect(self.cancel)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel)
        self.restore_button.clicked.connect(self.restore_draft)
        self.discard_button.clicked.connect(self.discard_draft)

    # --- held while the server is away (views/server_wait.py) -------------------------------
    @property
    def draft_key(self) -> str:
        return f"patient-{self.patient_id}" if self.patient_id is not None else "patient-new"

    def has_unsaved_changes(self) -> bool:
        """Whether a held save still waits for the server (ServerWait asks)."""
        return self._held

    def save_draft(self) -> None:
        """Write the typed details to this patient's draft (with the version they were read
        at), while a save is held."""
        if self.drafts is None or not self._held:
            return
        label = self.name.text().strip() or "a new patient"
        pid = str(self.patient_id) if self.patient_id is not None else None
        self.drafts.save(
            self.draft_key,
            self._raw(),
            f"{label}, details",
            pid,
            kind="patient",
            version=self.loaded.version,
        )

    def _stop_waiting(self) -> None:
        from myeloma_desk.ui.views.server_wait import ServerWait

        self._held = False
        wait = self.findChild(ServerWait)
        if isinstance(wait, ServerWait):
            wait.stop()

    def _hold(self, error: ServerUnavailableError) -> None:
        """The server is away: keep the details as a draft and save them when it is back."""
        if self.drafts is None:
            show_message(
                self.general,
                f"{error} Your changes stay in this form: save again when the server answers.",
            )
            return
        from myeloma_desk.ui.views.server_wait import held_message, hold_until_back, uncertain

        self._held = self._from_draft = True
        self._maybe_created = self._maybe_created or (uncertain(error) and self.patient_id is None)
        hold_until_back(self, getattr(self.store.database, "reachable", lambda: False))
        show_message(self.general, held_message(error, self, HELD_WHAT, HELD_RECORD))
        kept = self.drafts.load(self.draft_key)
        self._show_draft(kept, held=True, maybe_saved=uncertain(error))

    def _show_draft(
        self, draft: Draft | None, held: bool = False, maybe_saved: bool = False
    ) -> None:
        """The draft row: the held edit (Discard), or a draft left over (Restore, Discard)."""
        self.offered = draft
        if draft is None and not held:
            self.draft_row.setVisible(False)
            return
        if held:
            where = "kept as a draft on this computer" if draft else "in this form only"
            state = "perhaps saved already" if maybe_saved else "not saved yet"
            self.draft_text.setText(
                f"<b>Draft, {state}:</b> these details are {where} until the clinic "
                "server answers again."
            )
        else:
            assert draft is not None
            self.draft_text.setText(
                f"An unsaved draft of these details from {html.escape(draft.saved_at)} UTC is "
                "kept on this computer (it was not saved to the server)."
            )
        self.restore_button.setVisible(not held)
        self.draft_row.setVisible(True)

    def restore_draft(self) -> None:
        """Put the offered draft in the form, based on the version it was read at (a save
        after someone else's then opens the conflict dialog)."""
        draft = self.offered
        if draft is None:
            return
        self._set_raw(draft.data)
        self.loaded = Loaded(draft.version or 0)
        self._from_draft = True
        self.draft_row.setVisible(False)
        self.status.setText("Draft restored: save to keep it.")

    def discard_draft(self) -> None:
        """Drop the draft (and a held save); the form shows the details as last read."""
        self._stop_waiting()
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self._from_draft = False
        self._fill(self.patient)
        self.loaded = Loaded(self.patient.version if self.patient else 0)
        self.draft_row.setVisible(False)
        self._clear_messages()
        self.status.setText("Draft discarded: the details are as last read.")

    def cancel(self) -> None:
        """Leave the editor: a held save stops waiting, its draft stays (offered back)."""
        self._stop_waiting()
        self.cancelled.emit()

    # --- editing ----------------------------------------------------------------------------
    def edit(self, patient: Patient | None) -> None:
        """Start editing ``patient`` (None: a new patient); a draft of theirs is offered."""
        self._stop_waiting()
        self._from_draft = False
        self._maybe_created = False
        self.patient = patient
        self.patient_id = patient.id if patient else None
        self.loaded = Loaded(patient.version if patient else 0)  # for the conflict check
        self.heading.setText("<h3>Edit patient</h3>" if patient else "<h3>New patient</h3>")
        self._fill(patient)
        self._clear_messages()
        self.status.clear()
        draft = self.drafts.load(self.draft_key) if self.drafts is not None else None
        self._show_draft(draft if draft is not None and draft.kind == "patient" else None)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill(self, patient: Patient | None) -> None:
        self.name.setText(patient.name if patient else "")
        self.identifier.setText((patient.identifier or "") if patient else "")
        birth = patient.birth_date if patient else None
        self.birth_date.setText(birth.isoformat() if birth else "")
        sex = patient.sex if patient else None
        self.sex.setCurrentIndex({"female": 1, "male": 2}.get(sex or "", 0))
        diagnosis = patient.diagnosis if patient else None
        self.diagnosis.setCurrentIndex(DIAGNOSES.index(diagnosis) + 1 if diagnosis else 0)
        self.notes.setPlainText(patient.notes if patient else "")

    def _clear_messages(self) -> None:
        for label in (*self.messages.values(), self.general):
            show_message(label, None)

    def _raw(self) -> dict[str, Any]:
        """The fields as typed (what a draft keeps)."""
        return {
            "name": self.name.text(),
            "identifier": self.identifier.text().strip() or None,
            "birth_date": self.birth_date.text().strip() or None,
            "sex": [None, "female", "male"][self.sex.currentIndex()],
            "diagnosis": ([None, *DIAGNOSES])[self.diagnosis.currentIndex()],
            "notes": self.notes.toPlainText(),
        }

    def _set_raw(self, raw: dict[str, Any]) -> None:
        """Put a draft's fields back as typed (unknown values read as not recorded)."""
        self.name.setText(str(raw.get("name") or ""))
        self.identifier.setText(str(raw.get("identifier") or ""))
        self.birth_date.setText(str(raw.get("birth_date") or ""))
        self.sex.setCurrentIndex({"female": 1, "male": 2}.get(str(raw.get("sex")), 0))
        diagnosis = raw.get("diagnosis")
        self.diagnosis.setCurrentIndex(
            DIAGNOSES.index(diagnosis) + 1 if diagnosis in DIAGNOSES else 0
        )
        self.notes.setPlainText(str(raw.get("notes") or ""))

    def fields(self) -> PatientFields | None:
        """The typed fields, or None with each message shown on its field."""
        self._clear_messages()
        raw = self._raw()
        try:
            return PatientFields.model_validate(raw)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                key = str(item["loc"][0]) if item["loc"] else ""
                text = problem_text(item, self.labels.get(key, "Patient"))
                show_message(self.messages.get(key, self.general), text)
            return None

    def save(self) -> int | None:
        fields = self.fields()
        if fields is None:
            return None
        patient: Patient | None
        try:
            if self.patient_id is None:
                patient = self._created_meanwhile(fields) or self.store.create_patient(fields)
                self._maybe_created = False
                self.loaded = Loaded(patient.version)
            else:
                patient = self._update(self.patient_id, fields)
        except ServerUnavailableError as error:
            self._hold(error)
            return None
        except StoreError as error:
            target = self.messages["identifier"] if "identifier" in str(error) else self.general
            show_message(target, str(error))
            return None
        if patient is None:
            # a conflict: the dialog's message is shown; a held save stops asking (the draft
            # stays until the clinician saves or discards it)
            self._stop_waiting()
            return None
        self._saved_draft_goes()
        self.saved.emit(patient.id)
        return patient.id

    def _created_meanwhile(self, fields: PatientFields) -> Patient | None:
        """After an uncertain commit of a new patient (no version to check it by): the
        patient the server holds with exactly these details, if that save was written, so
        that saving again never makes a second copy."""
        if not self._maybe_created:
            return None
        same = [
            row
            for row in self.store.list_patients()
            if (row.name, row.identifier, row.birth_date, row.sex, row.diagnosis)
            == (fields.name, fields.identifier, fields.birth_date, fields.sex, fields.diagnosis)
        ]
        if not same:
            return None
        patient = self.store.get_patient(max(row.id for row in same))
        return patient if patient.notes == fields.notes else None

    def _take_theirs(self, theirs: Patient) -> None:
        """Their version replaces the form; a draft of the edit goes."""
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self.edit(theirs)

    def _saved_draft_goes(self) -> None:
        """The details the draft kept are saved: the draft goes, the wait stops."""
        if self._from_draft and self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self._stop_waiting()
        self._from_draft = False
        self.draft_row.setVisible(False)

    def _update(self, pid: int, fields: PatientFields) -> Patient | None:
        """Save the edit based on the version it started from; when someone saved the
        patient meanwhile, the conflict dialog shows both (None: not saved, message shown)."""
        try:
            patient = self.store.update_patient(pid, fields, expected_version=self.loaded.version)
        except StaleRecordError as stale:
            theirs = stale.theirs if isinstance(stale.theirs, Patient) else None
            saved: list[Patient] = []

            def save_again(version: int) -> None:
                saved.append(self.store.update_patient(pid, fields, expected_version=version))

            message = settle(
                stale,
                fields.model_dump(mode="json"),
                theirs.fields().model_dump(mode="json") if theirs else None,
                theirs.updated_at if theirs else None,
                save_again,
                lambda: self._take_theirs(theirs or self.store.get_patient(pid)),
                self,
            )
            if message is not None:
                show_message(self.general, f"Not saved: {message}.")
                return None
            patient = saved[-1]
        self.loaded = Loaded(patient.version)
        return patient
