"""Import and export of a patient from the Patients screen and the patient page
(views/patients/exchange.py): the file is validated as a whole before anything is written, a
refused file writes nothing, an export is owner-only, logged once written, and imports back.

The files come from the demo patients (``demo_store``, read only). Qt's file dialogs and the
message boxes are replaced (monkeypatch): no real dialog is opened."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import OpenWindow, assert_mnemonics_unique, patients_of

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from myeloma_desk.store import Store
from myeloma_desk.store.models import Patient
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.exchange import (
    FHIR,
    NATIVE,
    ExportChoice,
    ExportDialog,
    export_document,
    skipped_words,
)

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@dataclass
class Boxes:
    """The message boxes the code under test showed (title, text), answered ``answer``."""

    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    shown: list[tuple[str, str]] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [text for _title, text in self.shown]


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    seen = Boxes()

    def execute(box: QMessageBox) -> int:
        seen.shown.append((box.windowTitle(), box.text()))
        buttons = box.standardButtons()
        if buttons & QMessageBox.StandardButton.Yes:
            return int(seen.answer.value)
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", execute)
    return seen


def _open_file(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    """The open-file dialog answers ``path`` (None: cancelled); returns the filters offered."""
    offered: list[str] = []

    def answer(*args: Any, **_kwargs: Any) -> tuple[str, str]:
        offered.append(str(args[3]) if len(args) > 3 else "")
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answer))
    return offered


def _save_file(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    """The save-file dialog answers ``path``; returns the proposed file names."""
    proposed: list[str] = []

    def answer(*args: Any, **_kwargs: Any) -> tuple[str, str]:
        proposed.append(str(args[2]))
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return proposed


def _richest(store: Store) -> Patient:
    """The demo patient with the most visits (and therapy lines)."""
    rows = store.list_patients()
    best = max(rows, key=lambda p: (len(store.visits(p.id)), len(store.therapy_lines(p.id))))
    return store.get_patient(best.id)


def _file_of(store: Store, folder: Path, choice: ExportChoice) -> tuple[Path, Patient]:
    patient = _richest(store)
    path = folder / f"{choice.format}.json"
    path.write_text(export_document(store, patient, choice), encoding="utf-8")
    return path, patient


# --- import ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [FHIR, NATIVE])
def test_import_confirms_then_writes_and_opens_the_patient(
    window: MainWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    kind: str,
) -> None:
    path, source = _file_of(demo_store, tmp_path, ExportChoice(kind))
    filters = _open_file(monkeypatch, path)
    view = patients_of(window)
    assert view.model.total == 0
    view.import_button.click()
    assert filters and "*.json" in filters[0]
    # one confirmation naming who and how much, in words
    assert len(boxes.shown) == 1
    title, text = boxes.shown[0]
    assert title == "Import a patient"
    visits = len(demo_store.visits(source.id))
    lines = len(demo_store.therapy_lines(source.id))
    assert visits > 1 and lines > 0
    assert source.name in text and str(source.identifier) in text
    assert f"{visits} visits and {lines} therapy line" in text
    assert path.name in text
    assert not SNAKE.search(text), text
    # written, listed, opened
    store = view.store
    assert store.count_patients() == 1
    imported = store.find_by_identifier(str(source.identifier))
    assert imported is not None and imported.name == source.name
    assert [v.date for v in store.visits(imported.id)] == [
        v.date for v in demo_store.visits(source.id)
    ]
    assert len(store.therapy_lines(imported.id)) == lines
    assert view.model.total == 1
    assert view.stack.currentIndex() == view.PATIENT
    assert view.patient_page.record is not None
    assert view.patient_page.record.patient_id == imported.id
    assert window.context.current_patient_id == imported.id


def test_import_answered_no_writes_nothing(
    window: MainWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    path, _source = _file_of(demo_store, tmp_path, ExportChoice(NATIVE))
    _open_file(monkeypatch, path)
    boxes.answer = QMessageBox.StandardButton.No
    view = patients_of(window)
    view.import_button.click()
    assert len(boxes.shown) == 1
    assert view.store.count_patients() == 0
    assert view.stack.currentIndex() == view.LIST


def test_import_cancelled_in_the_file_dialog_asks_nothing(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    _open_file(monkeypatch, None)
    view = patients_of(window)
    view.import_button.click()
    assert boxes.shown == []
    assert view.store.count_patients() == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not imported; nothing was written"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (
            json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}).encode(),
            "exactly one Patient",
        ),
        (
            json.dumps({"format": "myeloma-desk-patient", "version": 7, "bundle": {}}).encode(),
            "version 7",
        ),
    ],
)
def test_a_refused_file_is_told_in_words_and_writes_nothing(
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    content: bytes,
    words: str,
) -> None:
    view = patients_of(window)
    view.load_demo()
    before = view.store.count_patients()
    path = tmp_path / "referral.json"
    path.write_bytes(content)
    _open_file(monkeypatch, path)
    view.import_button.click()
    assert len(boxes.shown) == 1  # the refusal only: no confirmation is asked
    title, text = boxes.shown[0]
    assert title == "Patient not imported"
    assert text.startswith("referral.json was not imported; nothing was written.")
    assert words in text
    assert "Traceback" not in text and not SNAKE.search(text), text
    assert view.store.count_patients() == before
    assert view.stack.currentIndex() == view.LIST


def test_a_patient_the_store_already_holds_is_refused_with_nothing_written(
    window: MainWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    """The same file twice: the second write clashes with the identifier (one transaction)."""
    path, source = _file_of(demo_store, tmp_path, ExportChoice(NATIVE))
    _open_file(monkeypatch, path)
    view = patients_of(window)
    view.import_button.click()
    assert view.store.count_patients() == 1
    view.show_list()
    view.import_button.click()
    assert len(boxes.shown) == 3  # confirmation, confirmation, refusal
    title, text = boxes.shown[2]
    assert title == "Patient not imported" and "nothing was written" in text
    assert str(source.identifier) in text
    assert view.store.count_patients() == 1


def test_the_import_summary_names_what_is_skipped_in_words(
    window: MainWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    """A FHIR result entered in error is not imported; the summary says so without FHIR's
    resource names."""
    patient = _richest(demo_store)
    data = json.loads(export_document(demo_store, patient, ExportChoice(FHIR)))
    entries = data["entry"]
    index = next(i for i, e in enumerate(entries) if e["resource"]["resourceType"] == "Observation")
    entries[index]["resource"]["status"] = "entered-in-error"
    path = tmp_path / "with-error.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _open_file(monkeypatch, path)
    boxes.answer = QMessageBox.StandardButton.No
    patients_of(window).import_button.click()
    text = boxes.texts()[0]
    assert "1 part of the file will not be imported:" in text
    assert f"• Entry {index + 1} of the file, a result: entered in error" in text
    assert "Observation" not in text


def test_skipped_words() -> None:
    assert (
        skipped_words("Entry 4 (MedicationStatement): not imported (not taken)")
        == "Entry 4 of the file, a medication statement: not taken"
    )
    assert skipped_words("Entry 2: not imported (x)") == "Entry 2 of the file: x"
    assert skipped_words("something else") == "something else"


def test_import_is_disabled_when_the_store_failed_its_check(window: MainWindow) -> None:
    view = patients_of(window)
    assert view.import_button.isEnabled()
    view._on_store_checked("database disk image is malformed")
    assert not view.import_button.isEnabled()


# --- export ---------------------------------------------------------------------------------
def _choose(monkeypatch: pytest.MonkeyPatch, choice: ExportChoice | None) -> None:
    """The export dialog answers ``choice`` by its own controls (None: cancelled)."""

    def execute(dialog: ExportDialog) -> int:
        if choice is None:
            return int(QDialog.DialogCode.Rejected.value)
        (dialog.fhir if choice.format == FHIR else dialog.native).setChecked(True)
        dialog.deidentified.setChecked(choice.deidentified)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(ExportDialog, "exec", execute)


def _exports(store: Store, patient_id: int) -> list[str]:
    return [
        str(e.detail.get("purpose")) for e in store.audit_events(patient_id) if e.action == "export"
    ]


def _open_page(window: MainWindow) -> Any:
    view = patients_of(window)
    view.load_demo()
    view.open_first_patient()
    page = view.patient_page
    assert page.record is not None
    return view, page


def _export_from_page(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, choice: ExportChoice, target: Path
) -> tuple[Store, Patient, str, Any]:
    """The first demo patient's page, *Export…* with ``choice`` to ``target``: the store, the
    patient, the file name the save dialog proposed and the page."""
    view, page = _open_page(window)
    patient = view.store.get_patient(page.record.patient_id)
    _choose(monkeypatch, choice)
    proposed = _save_file(monkeypatch, target)
    page.export_button.click()
    return view.store, patient, proposed[0], page


def _import_in_a_fresh_window(
    open_window: OpenWindow, home: Path, monkeypatch: pytest.MonkeyPatch, path: Path
) -> tuple[Store, Patient]:
    """*Import…* of ``path`` in a window on an empty store: that store and the new patient."""
    view = patients_of(open_window(home=home))
    assert view.store.count_patients() == 0
    _open_file(monkeypatch, path)
    view.import_button.click()
    assert view.store.count_patients() == 1
    record = view.patient_page.record
    assert record is not None
    return view.store, view.store.get_patient(record.patient_id)


@pytest.mark.parametrize("kind", [FHIR, NATIVE])
def test_export_round_trip_owner_only_and_logged(
    window: MainWindow,
    open_window: OpenWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    kind: str,
) -> None:
    target = tmp_path / "out" / "exported"
    target.parent.mkdir()
    store, patient, proposed, page = _export_from_page(
        window, monkeypatch, ExportChoice(kind), target
    )
    written = target.with_name("exported.json")  # the extension is added
    assert written.is_file()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["exported.json"]  # no temporary file
    assert str(patient.identifier) in Path(proposed).name
    assert boxes.shown == []
    assert str(written) in page.status.text()
    assert _exports(store, patient.id) == [kind]
    # into a fresh store, from its own Patients screen: the same patient and visits
    other, imported = _import_in_a_fresh_window(
        open_window, tmp_path / "other", monkeypatch, written
    )
    assert imported.name == patient.name
    assert imported.identifier == patient.identifier
    assert imported.birth_date == patient.birth_date
    mine, theirs = store.visits(patient.id), other.visits(imported.id)
    assert [v.date for v in theirs] == [v.date for v in mine] and mine
    if kind == NATIVE:  # lossless: every value as entered
        assert [v.snapshot for v in theirs] == [v.snapshot for v in mine]
    assert len(other.therapy_lines(imported.id)) == len(store.therapy_lines(patient.id))


@pytest.mark.parametrize("kind", [FHIR, NATIVE])
def test_a_deidentified_export_holds_no_name_identifier_or_birth_date(
    window: MainWindow,
    open_window: OpenWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    kind: str,
) -> None:
    target = tmp_path / "shared.json"
    store, patient, proposed, page = _export_from_page(
        window, monkeypatch, ExportChoice(kind, deidentified=True), target
    )
    assert patient.birth_date is not None and patient.identifier
    text = target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for part in [patient.name, *patient.name.replace(",", " ").split(), patient.identifier]:
        assert part not in text, part
    assert patient.birth_date.isoformat() not in text
    assert patient.identifier not in proposed and "DEMO" not in proposed
    assert "de-identified" in page.status.text()
    assert _exports(store, patient.id) == [f"{kind} deidentified"]
    other, imported = _import_in_a_fresh_window(
        open_window, tmp_path / "other", monkeypatch, target
    )
    assert imported.identifier is None and imported.name.startswith("Patient ")
    assert imported.birth_date is not None and imported.birth_date != patient.birth_date
    shift = imported.birth_date - patient.birth_date
    # one offset for every date: intervals kept
    assert [v.date - shift for v in other.visits(imported.id)] == [
        v.date for v in store.visits(patient.id)
    ]


def test_export_cancelled_writes_and_logs_nothing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    view, page = _open_page(window)
    target = tmp_path / "never.json"
    _save_file(monkeypatch, target)
    _choose(monkeypatch, None)
    page.export_button.click()
    _choose(monkeypatch, ExportChoice(FHIR))
    _save_file(monkeypatch, None)
    page.export_button.click()
    assert not target.exists()
    assert _exports(view.store, page.record.patient_id) == []
    assert boxes.shown == []


def test_an_export_that_cannot_be_written_says_so_and_is_not_logged(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    view, page = _open_page(window)
    _choose(monkeypatch, ExportChoice(NATIVE))
    target = tmp_path / "no-such-folder" / "x.json"
    _save_file(monkeypatch, target)
    page.export_button.click()
    assert len(boxes.shown) == 1
    title, text = boxes.shown[0]
    assert title == "Patient not exported"
    assert "No file was written" in text and "Traceback" not in text
    assert not target.parent.exists()
    assert _exports(view.store, page.record.patient_id) == []


def test_the_export_dialog_offers_both_formats_and_the_deidentified_choice(
    qtbot: Any,
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = ExportDialog("Doe, <b>Jane</b>", parent)
    assert dialog.choice() == ExportChoice(FHIR, False)
    dialog.native.setChecked(True)
    dialog.deidentified.setChecked(True)
    assert dialog.choice() == ExportChoice(NATIVE, True)
    assert dialog.choice().purpose == "json deidentified"  # as the CLI logs it
    for control in (dialog.fhir, dialog.native, dialog.deidentified):
        assert control.accessibleName()
    dialog.show()
    assert_mnemonics_unique(dialog, "export dialog")
    dialog.close()


def test_the_new_buttons_have_unique_alt_letters(window: MainWindow) -> None:
    view, page = _open_page(window)
    view.show_list()
    assert assert_mnemonics_unique(view, "list")["i"] == "&Import…"
    view.open_first_patient()
    assert assert_mnemonics_unique(window, "page")["x"] == "E&xport…"
    assert view.import_button.accessibleName() and page.export_button.accessibleName()


# --- the clinic server ----------------------------------------------------------------------
@pytest.fixture
def cato(server_site: Any) -> Iterator[Store]:
    """Another clinician's own connection to the clinic server."""
    store = Store.open_server(server_site.target("cato"))
    yield store
    store.close()


def _server_window(open_window: OpenWindow, home: Path, server_site: Any, user: str) -> Any:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.settings import Settings, save_settings

    save_settings(AppPaths.resolve(str(home)), Settings(server_store=server_site.target(user)))
    window = open_window(home=home)
    view = patients_of(window)
    assert view.store.server and view.store.user == user
    return window, view


def test_import_and_export_on_the_clinic_server(
    open_window: OpenWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    cato: Store,
    server_site: Any,
) -> None:
    """Import writes to the server that is open (another clinician sees the patient), and an
    export from it is logged in the server's audit log."""
    path, source = _file_of(demo_store, tmp_path, ExportChoice(NATIVE))
    window, view = _server_window(open_window, tmp_path / "home", server_site, "cleo")
    _open_file(monkeypatch, path)
    view.import_button.click()
    assert [title for title, _text in boxes.shown] == ["Import a patient"]
    seen = cato.find_by_identifier(str(source.identifier))
    assert seen is not None and seen.name == source.name
    assert [v.snapshot for v in cato.visits(seen.id)] == [
        v.snapshot for v in demo_store.visits(source.id)
    ]
    page = view.patient_page
    assert page.record is not None and page.record.patient_id == seen.id
    _choose(monkeypatch, ExportChoice(FHIR, deidentified=True))
    target = tmp_path / "from-server.json"
    _save_file(monkeypatch, target)
    page.export_button.click()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert str(source.identifier) not in target.read_text(encoding="utf-8")
    assert _exports(cato, seen.id) == ["fhir deidentified"]
    assert open_window.reporter(window).shown == []


def test_a_reader_on_the_clinic_server_cannot_import(
    open_window: OpenWindow,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    cato: Store,
    server_site: Any,
) -> None:
    path, _source = _file_of(demo_store, tmp_path, ExportChoice(NATIVE))
    window, view = _server_window(open_window, tmp_path / "home", server_site, "remy")
    _open_file(monkeypatch, path)
    view.import_button.click()
    assert [title for title, _text in boxes.shown] == ["Import a patient", "Patient not imported"]
    text = boxes.shown[1][1]
    assert "nothing was written" in text and "Traceback" not in text
    assert cato.count_patients() == 0
    assert view.stack.currentIndex() == view.LIST
    assert open_window.reporter(window).shown == []


def test_the_status_line_shows_a_chosen_path_as_typed_not_as_markup(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    from PySide6.QtCore import Qt

    target = tmp_path / "<b>bold &amp; more.json"
    *_, page = _export_from_page(window, monkeypatch, ExportChoice(FHIR), target)
    assert target.exists()
    assert page.status.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bold &amp; more.json" in page.status.text()
