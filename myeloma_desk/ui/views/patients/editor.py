"""New or edit patient: identity fields with their messages under them (no dialog)."""

from __future__ import annotations

from typing import Any

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
from myeloma_desk.ui.views.patients.common import message_label, show_message

DIAGNOSES = list(ALL_DIAGNOSES)


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

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id: int | None = None
        self.loaded = Loaded(0)
        self.setAccessibleName("Patient details")
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
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
        for key, label, widget in (
            ("name", "&Name", self.name),
            ("identifier", "&Identifier (MRN)", self.identifier),
            ("birth_date", "&Birth date", self.birth_date),
            ("sex", "&Sex", self.sex),
            ("diagnosis", "&Working diagnosis", self.diagnosis),
            ("notes", "N&otes", self.notes),
        ):
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
        self.cancel_button.clicked.connect(self.cancelled)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)

    def edit(self, patient: Patient | None) -> None:
        """Start editing ``patient`` (None: a new patient)."""
        self.patient_id = patient.id if patient else None
        self.loaded = Loaded(patient.version if patient else 0)  # for the conflict check
        self.heading.setText("<h3>Edit patient</h3>" if patient else "<h3>New patient</h3>")
        self.name.setText(patient.name if patient else "")
        self.identifier.setText((patient.identifier or "") if patient else "")
        birth = patient.birth_date if patient else None
        self.birth_date.setText(birth.isoformat() if birth else "")
        sex = patient.sex if patient else None
        self.sex.setCurrentIndex({"female": 1, "male": 2}.get(sex or "", 0))
        diagnosis = patient.diagnosis if patient else None
        self.diagnosis.setCurrentIndex(DIAGNOSES.index(diagnosis) + 1 if diagnosis else 0)
        self.notes.setPlainText(patient.notes if patient else "")
        self._clear_messages()
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_messages(self) -> None:
        for label in (*self.messages.values(), self.general):
            show_message(label, None)

    def fields(self) -> PatientFields | None:
        """The typed fields, or None with each message shown on its field."""
        self._clear_messages()
        raw: dict[str, Any] = {
            "name": self.name.text(),
            "identifier": self.identifier.text().strip() or None,
            "birth_date": self.birth_date.text().strip() or None,
            "sex": [None, "female", "male"][self.sex.currentIndex()],
            "diagnosis": ([None, *DIAGNOSES])[self.diagnosis.currentIndex()],
            "notes": self.notes.toPlainText(),
        }
        try:
            return PatientFields.model_validate(raw)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                key = str(item["loc"][0]) if item["loc"] else ""
                text = str(item["msg"]).removeprefix("Value error, ")
                show_message(self.messages.get(key, self.general), text)
            return None

    def save(self) -> int | None:
        fields = self.fields()
        if fields is None:
            return None
        patient: Patient | None
        try:
            if self.patient_id is None:
                patient = self.store.create_patient(fields)
                self.loaded = Loaded(patient.version)
            else:
                patient = self._update(self.patient_id, fields)
        except ServerUnavailableError as error:
            show_message(
                self.general,
                f"{error} Your changes stay in this form: save again when the server answers.",
            )
            return None
        except StoreError as error:
            target = self.messages["identifier"] if "identifier" in str(error) else self.general
            show_message(target, str(error))
            return None
        if patient is None:
            return None  # a conflict: the dialog's message is shown
        self.saved.emit(patient.id)
        return patient.id

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
                lambda: self.edit(theirs or self.store.get_patient(pid)),
                self,
            )
            if message is not None:
                show_message(self.general, f"Not saved: {message}.")
                return None
            patient = saved[-1]
        self.loaded = Loaded(patient.version)
        return patient
