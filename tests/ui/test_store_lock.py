"""Encrypted store in the window: unlock with the passphrase, idle lock, restore a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import OpenWindow, damaged_store_with_a_backup

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, open_store
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.patients.unavailable import StoreUnavailablePage

pytest.importorskip("sqlcipher3", reason="encryption extra (sqlcipher3-binary) not installed")

SECRET = "correct horse battery staple"


def encrypted_store(home: Path) -> None:
    store = open_store(AppPaths.resolve(home).ensure())
    store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN-1"))
    store.change_passphrase(SECRET)
    store.close()


def test_encrypted_store_asks_for_the_passphrase(open_window: OpenWindow, tmp_path: Path) -> None:
    encrypted_store(tmp_path)
    window = open_window()
    page = window.show_section_key("patients")
    assert isinstance(page, StoreUnavailablePage)
    assert page.passphrase is not None

    page.passphrase.setText("wrong")
    page.unlock()
    assert "not correct" in page.message.text()
    assert isinstance(window.current_page(), StoreUnavailablePage)  # nothing opened

    page.passphrase.setText(SECRET)
    page.unlock()
    unlocked = window.current_page()
    assert isinstance(unlocked, PatientsView)
    assert unlocked.store.encrypted


def test_idle_lock_closes_the_encrypted_store(open_window: OpenWindow, tmp_path: Path) -> None:
    encrypted_store(tmp_path)
    window = open_window()
    page = window.show_section_key("patients")
    assert isinstance(page, StoreUnavailablePage) and page.passphrase is not None
    page.passphrase.setText(SECRET)
    page.unlock()
    view = window.current_page()
    assert isinstance(view, PatientsView)

    idle = window.context.idle_lock
    assert idle.timer.interval() == window.context.settings.idle_lock_minutes * 60_000
    assert idle.lock() is True
    assert view.store.closed
    assert isinstance(window.current_page(), StoreUnavailablePage)


def test_input_restarts_the_countdown(open_window: OpenWindow, qtbot: QtBot) -> None:
    window = open_window()
    qtbot.waitUntil(window.started, timeout=20_000)  # input is watched from the first paint on
    idle = window.context.idle_lock
    idle.timer.start(60_000)
    qtbot.wait(50)
    before = idle.timer.remainingTime()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    assert idle.timer.remainingTime() > before


def test_unencrypted_store_is_not_locked(open_window: OpenWindow) -> None:
    window = open_window()
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    assert window.context.idle_lock.lock() is False
    assert not view.store.closed


def test_damaged_store_offers_the_newest_good_backup(
    open_window: OpenWindow, tmp_path: Path
) -> None:
    damaged_store_with_a_backup(tmp_path)

    window = open_window()
    page = window.show_section_key("patients")
    assert isinstance(page, StoreUnavailablePage)
    assert page.backup is not None and "integrity check" in page.label.text()
    page.restore()
    restored = window.current_page()
    assert isinstance(restored, PatientsView)
    assert restored.store.find_by_identifier("MRN-29") is not None


def test_startup_backup_is_taken_in_the_background(
    open_window: OpenWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    paths = AppPaths.resolve(tmp_path).ensure()
    store = open_store(paths)
    store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN-1"))
    before = set(store.backups())
    store.close()

    window = open_window()
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    worker = window.context.backup_worker
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=10_000)
    assert set(view.store.backups()) - before  # a new start-up backup
    assert not view.store.backup_due
