"""Start-up (issue 18): the window is shown before the patient store is opened.

The Patients section first says "Opening the patient store…"; the store is opened, checked in
the background and listed just after the window's first paint. Asking for the section builds it
at once. A locked, encrypted or damaged store still gets its page and banners.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import damaged_store_with_a_backup

from PySide6.QtCore import Qt

from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Section, load_settings, save_settings
from myeloma_desk.store import PatientFields, open_store
from myeloma_desk.ui.app import ErrorReporter, create_window
from myeloma_desk.ui.main_window import MainWindow, OpeningPage
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.patients.unavailable import StoreUnavailablePage


def _stored(home: Path, names: tuple[str, ...] = ("Berg, Ann",)) -> None:
    with open_store(AppPaths.resolve(home).ensure()) as store:
        for n, name in enumerate(names):
            store.create_patient(PatientFields(name=name, identifier=f"MRN-{n}"))


def _shown(qtbot: QtBot, home: Path) -> tuple[MainWindow, ErrorReporter]:
    window, reporter = create_window(str(home))
    reporter.show_dialogs = False
    qtbot.addWidget(window)
    window.show()
    return window, reporter


def test_the_window_says_the_store_is_opening_then_lists(qtbot: QtBot, tmp_path: Path) -> None:
    _stored(tmp_path, ("Berg, Ann", "Okafor, Chidi"))
    window, reporter = _shown(qtbot, tmp_path)
    # before the first paint: the window shows the opening state; no store is open
    opening = window.current_page()
    assert isinstance(opening, OpeningPage) and window.opening()
    assert "Opening the patient store…" in opening.label.text()
    assert opening.accessibleName() == "Patients: Opening the patient store…"
    assert window.context.store is None
    assert window.existing_page("patients") is None

    qtbot.waitUntil(lambda: isinstance(window.current_page(), PatientsView), timeout=20_000)
    view = window.current_page()
    assert isinstance(view, PatientsView) and not window.opening()
    assert window.existing_page("patients") is view
    assert view.model.matched == 2 and view.count.text() == "2 of 2 patients shown"
    assert window.context.store is view.store
    qtbot.waitUntil(lambda: not view.store.check_pending, timeout=20_000)  # checked after
    assert view.store.check_problem is None
    assert reporter.shown == []
    window.close()


def test_asking_for_the_section_opens_the_store_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    _stored(tmp_path)
    window, _ = _shown(qtbot, tmp_path)
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView) and window.current_page() is view
    assert not window.opening()
    qtbot.wait(100)  # the paint and what waited for it: the page is not built again
    assert window.current_page() is view and window.existing_page("patients") is view
    window.close()


def test_another_section_first_is_not_held_up(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = _shown(qtbot, tmp_path)
    reference = window.show_section_key("reference")
    qtbot.wait(100)
    assert window.current_page() is reference
    # the opening section is built after the first paint, behind the one shown
    assert isinstance(window.existing_page("patients"), PatientsView)
    window.close()


def test_the_reference_date_and_idle_lock_follow_the_first_paint(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, _ = _shown(qtbot, tmp_path)
    assert not window.started()
    qtbot.waitUntil(window.started, timeout=20_000)
    assert not window.opening()
    assert window.statusBar().currentMessage() == "Reference text: PDQ, updated 2025-04-25"
    idle = window.context.idle_lock
    assert idle is not None
    idle.timer.start(60_000)
    qtbot.wait(50)
    before = idle.timer.remainingTime()
    qtbot.keyClick(window.nav, "a")  # input restarts the countdown (the filter is installed)
    assert idle.timer.remainingTime() > before
    window.close()


def test_closing_before_the_first_paint_opens_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    _stored(tmp_path)
    window, reporter = _shown(qtbot, tmp_path)
    window.close()
    qtbot.wait(100)
    assert window.context.store is None and window.existing_page("patients") is None
    assert reporter.shown == []


def test_a_damaged_store_gets_its_page_after_the_first_paint(qtbot: QtBot, tmp_path: Path) -> None:
    damaged_store_with_a_backup(tmp_path)
    window, _ = _shown(qtbot, tmp_path)
    assert isinstance(window.current_page(), OpeningPage)
    qtbot.waitUntil(lambda: not window.opening(), timeout=20_000)
    page = window.current_page()
    assert isinstance(page, StoreUnavailablePage)
    assert page.backup is not None and "integrity check" in page.label.text()
    page.restore()
    restored = window.current_page()
    assert isinstance(restored, PatientsView)
    assert restored.store.find_by_identifier("MRN-29") is not None
    window.close()


def test_an_encrypted_store_asks_for_its_passphrase_after_the_first_paint(
    qtbot: QtBot, tmp_path: Path
) -> None:
    pytest.importorskip("sqlcipher3", reason="encryption extra (sqlcipher3-binary) not installed")
    store = open_store(AppPaths.resolve(tmp_path).ensure())
    store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN-1"))
    store.change_passphrase("correct horse battery staple")
    store.close()

    window, _ = _shown(qtbot, tmp_path)
    qtbot.waitUntil(lambda: not window.opening(), timeout=20_000)
    page = window.current_page()
    assert isinstance(page, StoreUnavailablePage) and page.passphrase is not None
    page.passphrase.setText("correct horse battery staple")
    page.unlock()
    view = window.current_page()
    assert isinstance(view, PatientsView) and view.model.matched == 1
    window.close()


def test_a_page_that_fails_to_build_is_reported_and_can_be_retried(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section whose page raises after the first paint: the error goes to the error reporter
    (log and dialog), the window says so in words, the rest of the start-up still runs, and
    the section's shortcut tries again."""
    from myeloma_desk.ui import main_window

    calls = {"n": 0}
    real = main_window.SECTIONS[0].factory

    def flaky(context: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("disk went away")
        return real(context)  # type: ignore[arg-type]

    sections = (replace(main_window.SECTIONS[0], factory=flaky), *main_window.SECTIONS[1:])
    monkeypatch.setattr(main_window, "SECTIONS", sections)
    window, reporter = _shown(qtbot, tmp_path)
    monkeypatch.setattr(sys, "excepthook", reporter)
    qtbot.waitUntil(window.started, timeout=20_000)
    assert len(reporter.shown) == 1 and "RuntimeError: disk went away" in reporter.shown[0]
    opening = window.current_page()
    assert isinstance(opening, OpeningPage)
    assert "Patients could not be opened" in opening.label.text()
    assert "Press Ctrl+1 to try again." in opening.label.text()
    assert opening.accessibleName() == "Patients: could not be opened"
    assert window.statusBar().currentMessage().startswith("Reference text: PDQ")
    qtbot.keyClick(window, "1", Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_page(), PatientsView) and calls["n"] == 2
    window.close()


FIRST_PAINT = """
import sys
from PySide6.QtWidgets import QApplication
from myeloma_desk.ui.app import create_window
app = QApplication(sys.argv)
window, _ = create_window(sys.argv[1])
window.show()
app.processEvents()
heavy = ("pydantic", "yaml", "myeloma_desk.store", "myeloma_desk.domain.snapshot",
         "myeloma_desk.domain.engine", "myeloma_desk.evidence", "myeloma_desk.reports",
         "myeloma_desk.exchange", "myeloma_desk.reference.pdq")
print("painted" if window._painted else "not painted", window.started())
print(sorted(m for m in heavy if m in sys.modules))
while not window.started():
    app.processEvents()
print(type(window.current_page()).__name__)
window.close()
"""


@pytest.mark.parametrize(
    ("section", "page"),
    [("patients", "PatientsView"), ("assess", "AssessView"), ("reference", "ReferenceView")],
)
def test_nothing_heavy_is_imported_before_the_first_paint(
    tmp_path: Path, section: Section, page: str
) -> None:
    """Whatever section was used last: the store (and with it pydantic and the snapshot model),
    the engine, yaml, the evidence code, reports and exchange are imported after the window is
    painted, when the section needs them."""
    _stored(tmp_path)
    paths = AppPaths.resolve(tmp_path)
    save_settings(paths, replace(load_settings(paths), last_section=section))
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    ).stdout.splitlines()
    assert out[-3:] == ["painted False", "[]", page]
