"""The conflict dialog: someone else saved a record after this copy was opened.

On a clinic server two workstations may edit the same visit or patient record. The store
refuses a save based on an older version (:class:`~myeloma_desk.store.errors.StaleRecordError`,
nothing overwritten); this dialog shows both versions side by side — the one being saved and
the one saved meanwhile, by whom and when — with the fields that differ marked, and lets the
clinician choose explicitly: save theirs as the new version, take the other version into the
form, or copy their own text to the clipboard. Closing it keeps editing; nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.display import (
    choice_words,
    field_label,
    field_unit,
    mid_sentence,
    part_label,
    words,
)
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.store import Store
from myeloma_desk.store.errors import StaleRecordError
from myeloma_desk.store.models import Visit
from myeloma_desk.store.snapshot_builder import own_values

KEEP_MINE = "mine"  # save what I typed as the new version (explicitly)
TAKE_THEIRS = "theirs"  # drop my changes, continue from the version saved meanwhile
COPY_MINE = "copy"  # put my text on the clipboard, change nothing
CANCEL = "cancel"  # back to editing; nothing saved


def value_text(value: Any, name: str = "") -> str:
    """One field's JSON value as a clinician reads it ("0.8 g/dL", "yes", "IgG"); the fields
    of a record (``name`` its path) by their words in the display vocabulary."""
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        if "value" in value and set(value) <= {"value", "unit"}:
            unit = value.get("unit")
            number = value["value"]
            shown = f"{number:g}" if isinstance(number, float) else str(number)
            return f"{shown} {unit}" if unit and unit != "count" else shown
        return "; ".join(
            f"{part_label(f'{name}.{k}') if name else mid_sentence(words(str(k)))}: "
            f"{value_text(v, f'{name}.{k}' if name else '')}"
            for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) if value else "none"
    if isinstance(value, int | float):
        return f"{value:g} {field_unit(name)}".strip()
    text = str(value)
    return choice_words(text) if "_" in text and " " not in text else text


def record_lines(values: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """``values`` one field a line ("Serum M-protein: 0.8 g/dL"), fields that differ from
    ``other`` marked with "≠" at the start."""
    lines = []
    for name in sorted(set(values) | set(other), key=field_label):
        mark = "≠ " if values.get(name) != other.get(name) else "   "
        lines.append(f"{mark}{field_label(name)}: {value_text(values.get(name), name)}")
    return lines


def saved_when(stamp: str | None) -> str:
    """An ISO time stamp (UTC) as "2026-12-03 13:45 UTC"; the text itself if it is not one."""
    if not stamp:
        return "at an unknown time"
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


class ConflictDialog(QDialog):
    """Both versions of a record and the three explicit ways on (see the module docstring)."""

    def __init__(
        self,
        error: StaleRecordError,
        mine: Mapping[str, Any],
        theirs: Mapping[str, Any] | None,
        theirs_saved_at: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice = CANCEL
        self.setWindowTitle("Saved meanwhile by someone else")
        self.setAccessibleName("Conflicting versions")
        who = error.by or "another workstation"
        when = saved_when(theirs_saved_at)
        theirs = theirs or {}
        layout = QVBoxLayout(self)
        what = html.escape(error.what[:1].upper() + error.what[1:])
        self.explanation = QLabel(
            f"<p><b>{what} was saved by {html.escape(who)} on {html.escape(when)}</b>, after "
            f"you opened it (you started from version {error.expected}; the saved record is "
            f"now version {error.found}).</p><p>Nothing has been overwritten. Fields marked ≠ "
            "differ. Choose which version to keep.</p>"
        )
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.mine_plain = "\n".join(
            f"{field_label(name)}: {value_text(value, name)}"
            for name, value in sorted(mine.items(), key=lambda item: field_label(item[0]))
        )
        self.mine_text = "\n".join(record_lines(mine, theirs))
        self.theirs_text = "\n".join(record_lines(theirs, mine))
        sides = QHBoxLayout()
        self.mine_view = self._side(sides, "Your version (not saved)", self.mine_text)
        self.theirs_view = self._side(
            sides, f"Saved by {who} on {when} (version {error.found})", self.theirs_text
        )
        layout.addLayout(sides, 1)
        buttons = QHBoxLayout()
        self.keep_button = QPushButton("&Save mine as the new version")
        self.keep_button.setAccessibleName("Save my version, replacing theirs")
        self.take_button = QPushButton("&Take their version")
        self.take_button.setAccessibleName("Discard my changes and continue from their version")
        self.copy_button = QPushButton("&Copy my text")
        self.copy_button.setAccessibleName("Copy my version to the clipboard")
        self.cancel_button = QPushButton("&Back to editing")
        self.cancel_button.setAccessibleName("Back to editing; nothing is saved")
        for button in (self.copy_button, self.take_button, self.keep_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.cancel_button.setDefault(True)  # Enter never overwrites anyone's work
        self.keep_button.clicked.connect(lambda: self._choose(KEEP_MINE))
        self.take_button.clicked.connect(lambda: self._choose(TAKE_THEIRS))
        self.copy_button.clicked.connect(self.copy_mine)
        self.cancel_button.clicked.connect(lambda: self._choose(CANCEL))
        self.resize(900, 520)

    @staticmethod
    def _side(row: QHBoxLayout, title: str, text: str) -> QPlainTextEdit:
        column = QVBoxLayout()
        caption = QLabel(f"<b>{html.escape(title)}</b>")
        column.addWidget(caption)
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        view.setAccessibleName(title)
        caption.setBuddy(view)
        column.addWidget(view, 1)
        row.addLayout(column, 1)
        return view

    def copy_mine(self) -> None:
        """Put the clinician's own version on the clipboard; the dialog closes, nothing saved."""
        QGuiApplication.clipboard().setText(self.mine_plain)
        self._choose(COPY_MINE)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == CANCEL:
            self.reject()
        else:
            self.accept()


def ask_conflict(
    error: StaleRecordError,
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any] | None,
    theirs_saved_at: str | None,
    parent: QWidget | None = None,
) -> str:
    """Show the dialog and return the choice (KEEP_MINE, TAKE_THEIRS, COPY_MINE or CANCEL).

    Tests replace this function where the choice is not what they test (as ``ask_discard``)."""
    dialog = ConflictDialog(error, mine, theirs, theirs_saved_at, parent)
    dialog.exec()
    return dialog.choice


# --- what a form does with a conflict (the visit form and the patient editor) -------------------


@dataclass
class Loaded:
    """The version of the record a form was opened from (0: a record not saved yet).

    The form passes it with its save; the store refuses the save when someone saved in between
    (``StaleRecordError``). ``day`` is the visit date it was opened for (None for a patient)."""

    version: int
    day: dt.date | None = None


def settle(
    error: StaleRecordError,
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any] | None,
    theirs_saved_at: str | None,
    save_again: Callable[[int], object],
    take_theirs: Callable[[], None],
    parent: QWidget | None = None,
    ask: Callable[..., str] | None = None,
) -> str | None:
    """Ask what to do with a stale save and do it; returns None when the clinician's version
    was saved, else the message the form shows (nothing of theirs was changed).

    ``save_again(version)`` saves the clinician's version based on the stored ``version``
    (it may raise ``StaleRecordError`` again when a third save came in between: the dialog is
    then shown again with that version); ``take_theirs()`` puts the stored version in the form.
    """
    who = error.by or "another workstation"
    while True:
        choice = (ask or ask_conflict)(error, mine, theirs, theirs_saved_at, parent)
        if choice == KEEP_MINE:
            try:
                save_again(error.found)
            except StaleRecordError as again:
                error = again
                continue
            return None
        if choice == TAKE_THEIRS:
            take_theirs()
            return f"you took the version saved by {who}; your changes were not saved"
        if choice == COPY_MINE:
            return (
                f"{error.what} was saved by {who} meanwhile; your version is on the clipboard "
                "and still in the form"
            )
        return f"{error.what} was saved by {who} meanwhile; nothing was overwritten"


def settle_visit(
    store: Store,
    patient_id: int,
    day: dt.date,
    snapshot: Snapshot,
    mine: Mapping[str, Any],
    error: StaleRecordError,
    loaded: Loaded,
    show_theirs: Callable[[dict[str, Any]], None],
    parent: QWidget | None = None,
) -> str | None:
    """A visit save refused as stale: the dialog, then the clinician's choice (see settle)."""
    theirs = error.theirs if isinstance(error.theirs, Visit) else None
    theirs_data = own_values(theirs) if theirs is not None else None

    def save_again(version: int) -> None:
        saved = store.save_visit(patient_id, day, snapshot, expected_version=version)
        loaded.version, loaded.day = saved.version, day

    def take_theirs() -> None:
        loaded.version, loaded.day = error.found, day
        show_theirs(theirs_data or {"date": day.isoformat()})

    return settle(
        error,
        mine,
        theirs_data,
        theirs.updated_at if theirs is not None else None,
        save_again,
        take_theirs,
        parent,
    )
