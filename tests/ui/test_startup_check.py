"""The start-up integrity check in the background: the window is usable at once, a failure
shows a banner, nothing is saved, and recovery offers the newest good backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot
from ui_helpers import OpenWindow

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, open_store
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.patients.unavailable import StoreUnavailablePage

NOTE = "clinical note " * 300


def _store(home: Path) -> None:
    with open_store(AppPaths.resolve(home).ensure()) as store:
        pid = store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN-1")).id
        for _ in range(40):
            store.add_note(pid, NOTE)
        store.backup()  # a good backup to recover from


def _damage_notes(db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in connection.execute("SELECT pageno FROM dbstat WHERE name = 'notes'")]
    connection.close()
    raw = bytearray(db_path.read_bytes())
    for page in pages[1:]:
        raw[(page - 1) * size : page * size] = b"\xde\xad\xbe\xef" * (size // 4)
    db_path.write_bytes(bytes(raw))


def test_sound_store_is_checked_then_backed_up_in_the_background(
    open_window: OpenWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    _store(tmp_path)
    with open_store(AppPaths.resolve(tmp_path)) as store:  # a change since the last backup
        store.create_patient(PatientFields(name="Okafor, Chidi"))
        before = set(store.backups())
    window = open_window()
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    assert view.model.matched == 2  # listed while the check runs
    qtbot.waitUntil(lambda: not view.store.check_pending, timeout=20_000)
    assert view.store.check_problem is None and not view.check_banner.isVisibleTo(view)
    qtbot.waitUntil(lambda: set(view.store.backups()) - before != set(), timeout=20_000)
    view.store.create_patient(PatientFields(name="Third, Tess"))  # writes go ahead
    window.close()


def test_damage_found_after_the_window_opened(
    open_window: OpenWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    _store(tmp_path)
    _damage_notes(AppPaths.resolve(tmp_path).data / DB_NAME)
    window = open_window()
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)  # the window opens; the list reads
    assert view.model.matched == 1
    qtbot.waitUntil(lambda: view.check_banner.isVisibleTo(view), timeout=20_000)
    assert "failed its start-up integrity check" in view.check_text.text()
    backups_before = view.store.backups()
    # nothing is saved: the editor says why, in words
    view.new_patient()
    view.editor.name.setText("Okafor, Chidi")
    assert view.editor.save() is None
    assert "start-up integrity check" in view.editor.general.text()
    assert view.store.backups() == backups_before  # no start-up backup of a damaged file
    # recovery: the store is opened again with the check, moved aside, the backup offered
    view.recover_button.click()
    page = window.current_page()
    assert isinstance(page, StoreUnavailablePage)
    assert page.backup is not None
    page.restore()
    restored = window.current_page()
    assert isinstance(restored, PatientsView)
    assert restored.store.find_by_identifier("MRN-1") is not None
    window.close()
