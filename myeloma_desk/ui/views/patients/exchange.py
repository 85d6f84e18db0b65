"""Import a patient from a file and export one, from the Patients screen and the patient page.

Import: the file (a FHIR R4 bundle or the app's own patient file) is read and validated as a
whole first (``exchange.importer.read_import``); a refused file is reported in words and
nothing is written; otherwise the user confirms a summary (who, how many visits and therapy
lines, what will not be imported) and the patient is written in one transaction
(``write_import``) to the store that is open, this computer's or the clinic server.

Export: FHIR R4 bundle or Myeloma Desk file, optionally de-identified (as
``myeloma-desk patients export --deidentify``), written where the user chooses, all or nothing
and owner-only (``store.db.write_private_text``: temporary file, ``os.replace``, mode 0600),
and recorded in the audit log (``store.record_export``) only once the file is on disk.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.exchange.errors import MAX_PROBLEMS_SHOWN, ImportRejected
from myeloma_desk.exchange.export import export_text
from myeloma_desk.exchange.fhir import FhirImport
from myeloma_desk.exchange.importer import read_import, write_import
from myeloma_desk.store import Store, StoreError
from myeloma_desk.store.db import write_private_text
from myeloma_desk.store.models import Patient, shown_visibly

FHIR, NATIVE = "fhir", "json"  # the CLI's --format values (and the audit log's purposes)
FORMAT_WORDS = {FHIR: "FHIR R4 bundle", NATIVE: "Myeloma Desk patient file"}
FILE_FILTER = "Patient files (*.json);;All files (*)"
MAX_SKIPPED_SHOWN = 10

# The FHIR resource types an import may skip, as a clinician calls them.
_RESOURCE_WORDS = {
    "Observation": "a result",
    "Condition": "a diagnosis",
    "MedicationStatement": "a medication statement",
    "Patient": "the patient",
}
_SKIPPED = re.compile(r"Entry (\d+)(?: \((\w+)\))?: not imported \((.*)\)", re.DOTALL)

# What the store or the file system may raise on a write: one message, never a traceback.
_WRITE_ERRORS: tuple[type[BaseException], ...] = (StoreError, OSError, sqlite3.Error)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _ask(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, ask: bool) -> bool:
    """A message box in plain text (a name from a file is never read as markup); with ``ask``
    a Yes/No question (No the default), True when the user answers Yes."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if ask:
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
    else:
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
    answer = box.exec()
    box.deleteLater()
    return bool(ask and answer == QMessageBox.StandardButton.Yes)


def _warn(parent: QWidget | None, title: str, text: str) -> None:
    _ask(parent, QMessageBox.Icon.Warning, title, text, ask=False)


# --- import ---------------------------------------------------------------------------------
def skipped_words(line: str) -> str:
    """One part of a FHIR file that is not imported, in words: "Entry 4 (Observation): not
    imported (entered in error)" reads "Entry 4 of the file, a result: entered in error"."""
    match = _SKIPPED.fullmatch(line)
    if match is None:
        return shown_visibly(line)
    entry, kind, reason = match.groups()
    what = _RESOURCE_WORDS.get(kind or "", "")
    return shown_visibly(f"Entry {entry} of the file{', ' + what if what else ''}: {reason}")


def refusal_text(name: str, error: ImportRejected) -> str:
    """Why a file was refused, one problem a line (the exchange layer words them)."""
    shown = error.problems[:MAX_PROBLEMS_SHOWN]
    lines = [f"{shown_visibly(name)} was not imported; nothing was written.", ""]
    lines += [f"• {_sentence(problem)}" for problem in shown]
    more = len(error.problems) - len(shown)
    if more > 0:
        lines.append(f"…and {_count(more, 'more problem')}.")
    return "\n".join(lines)


def import_summary(read: FhirImport, name: str) -> str:
    """What the import will add, for the user to confirm before anything is written."""
    bundle = read.bundle
    patient = bundle.patient
    who = shown_visibly(patient.name)
    if patient.identifier:
        who += f", identifier {shown_visibly(patient.identifier)}"
    if patient.birth_date is not None:
        who += f", born {patient.birth_date.isoformat()}"
    lines = [
        f"Import this patient from {shown_visibly(name)}?",
        "",
        who,
        "",
        f"{_count(len(bundle.visits), 'visit')} and "
        f"{_count(len(bundle.therapy_lines), 'therapy line')} will be added as a new patient.",
    ]
    if read.skipped:
        lines += ["", f"{_count(len(read.skipped), 'part')} of the file will not be imported:"]
        lines += [f"• {skipped_words(line)}" for line in read.skipped[:MAX_SKIPPED_SHOWN]]
        more = len(read.skipped) - MAX_SKIPPED_SHOWN
        if more > 0:
            lines.append(f"…and {more} more.")
    return "\n".join(lines)


def import_patient(parent: QWidget | None, store: Store) -> Patient | None:
    """Ask for a file, validate all of it, confirm, then write it as one new patient.

    Returns the new patient, or None when the user cancelled or the file was refused (then
    nothing was written and the user was told why).
    """
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        "Import a patient (FHIR R4 bundle or Myeloma Desk file)",
        str(Path.home()),
        FILE_FILTER,
    )
    if not chosen:
        return None
    path = Path(chosen)
    title = "Patient not imported"
    try:
        read = read_import(path)  # the whole file is validated before anything is written
    except ImportRejected as error:
        _warn(parent, title, refusal_text(path.name, error))
        return None
    summary = import_summary(read, path.name)
    if not _ask(parent, QMessageBox.Icon.Question, "Import a patient", summary, ask=True):
        return None
    try:
        return write_import(store, read, path.name)
    except ImportRejected as error:  # e.g. the store already holds that identifier
        _warn(parent, title, refusal_text(path.name, error))
    except _WRITE_ERRORS as error:
        _warn(
            parent,
            title,
            f"{shown_visibly(path.name)} was not imported; nothing was written.\n\n"
            f"{_sentence(str(error))}",
        )
    return None


# --- export ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportChoice:
    """What to export: ``FHIR`` or ``NATIVE``, and whether de-identified."""

    format: str = FHIR
    deidentified: bool = False

    @property
    def purpose(self) -> str:
        """The audit log's purpose, as the CLI records it ("fhir deidentified")."""
        return f"{self.format}{' deidentified' if self.deidentified else ''}"

    @property
    def words(self) -> str:
        return FORMAT_WORDS[self.format] + (", de-identified" if self.deidentified else "")


class ExportDialog(QDialog):
    """The format (FHIR R4 bundle or Myeloma Desk file) and the de-identified choice."""

    def __init__(self, patient_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the patient")
        self.setAccessibleName("Export the patient")
        layout = QVBoxLayout(self)
        heading = QLabel(f"Export {shown_visibly(patient_name)} to a file as:")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.fhir = QRadioButton("&FHIR R4 bundle (for other clinical systems)")
        self.fhir.setAccessibleName("FHIR R4 bundle")
        self.native = QRadioButton(
            "&Myeloma Desk patient file (complete, for another Myeloma Desk workstation)"
        )
        self.native.setAccessibleName("Myeloma Desk patient file")
        self.fhir.setChecked(True)
        layout.addWidget(self.fhir)
        layout.addWidget(self.native)
        self.deidentified = QCheckBox("&De-identified")
        self.deidentified.setAccessibleName("De-identified export")
        layout.addWidget(self.deidentified)
        note = QLabel(
            "De-identified: the name, identifiers and notes are removed and every date is "
            "moved by one random offset (1 to 365 days, earlier or later), so intervals and "
            "ages are kept. A rare diagnosis with an age can still point at a person: review "
            "the file before sharing."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Choose the file…")
        ok.setAccessibleName("Choose where to save the export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> ExportChoice:
        return ExportChoice(
            FHIR if self.fhir.isChecked() else NATIVE, self.deidentified.isChecked()
        )


def ask_export_choice(parent: QWidget | None, patient_name: str) -> ExportChoice | None:
    """The export dialog; None when cancelled."""
    dialog = ExportDialog(patient_name, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()


def export_document(store: Store, patient: Patient, choice: ExportChoice) -> str:
    """The export file's text (read from the store without logging: logged once written)."""
    bundle = store.export_bundle(patient.id, purpose=choice.purpose, log=False)
    return export_text(
        bundle,
        fhir=choice.format == FHIR,
        deidentified=choice.deidentified,
        patient_id=patient.uid,
    )


def default_file_name(patient: Patient, choice: ExportChoice) -> str:
    """A file name for the save dialog; a de-identified export's name says nothing of who."""
    kind = "fhir" if choice.format == FHIR else "patient"
    who = "deidentified" if choice.deidentified else (patient.identifier or f"patient-{patient.id}")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"myeloma-desk-{who}-{kind}") + ".json"


def export_patient(
    parent: QWidget | None, store: Store, patient_id: int, choice: ExportChoice | None = None
) -> str | None:
    """Ask what and where, write the export and log it; returns a line for the status bar,
    or None when the user cancelled. A failure is told in a message box; no file is left."""
    title = "Patient not exported"
    try:
        patient = store.get_patient(patient_id)
    except _WRITE_ERRORS as error:
        _warn(parent, title, _sentence(str(error)))
        return None
    if choice is None:
        choice = ask_export_choice(parent, patient.name)
        if choice is None:
            return None
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        f"Export the patient as a {choice.words}",
        str(Path.home() / default_file_name(patient, choice)),
        FILE_FILTER,
    )
    if not chosen:
        return None
    target = Path(chosen)
    if not target.suffix:
        target = target.with_name(target.name + ".json")
    try:
        text = export_document(store, patient, choice)
    except _WRITE_ERRORS as error:
        _warn(parent, title, f"{_sentence(str(error))} No file was written.")
        return None
    try:
        write_private_text(target, text)  # temporary file, os.replace, mode 0600
    except OSError as error:
        reason = error.strerror or str(error)
        _warn(parent, title, f"{target} could not be written: {reason}. No file was written.")
        return None
    try:
        store.record_export(patient.id, choice.purpose)  # only once the file is complete
    except _WRITE_ERRORS as error:
        # An export the audit log does not show must not stay on disk.
        with contextlib.suppress(OSError):
            target.unlink()
        _warn(
            parent,
            title,
            f"The export could not be recorded in the audit log, so the file was removed. "
            f"{_sentence(str(error))}",
        )
        return None
    return f"Exported as a {choice.words} to {target}."
