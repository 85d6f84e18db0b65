"""Small helpers the UI tests share (the fixtures that use them are in conftest.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TypeVar

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, open_store
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.ui.app import ErrorReporter, create_window
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.page import PatientPage
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

Section = TypeVar("Section", bound=QWidget)


class OpenWindow:
    """The ``open_window`` fixture: ``open_window(home=tmp_path, size=None, show=True)`` opens
    the app's main window on the data folder ``home``, its error dialogs reported instead of
    shown (``open_window.reporter(window)`` is what they reported); ``close_all()`` closes
    every window it opened."""

    def __init__(self, qtbot: QtBot, home: Path) -> None:
        self._qtbot = qtbot
        self._home = home
        self._opened: list[tuple[MainWindow, ErrorReporter]] = []

    def __call__(
        self, home: Path | None = None, size: tuple[int, int] | None = None, show: bool = True
    ) -> MainWindow:
        win, reporter = create_window(str(home or self._home))
        reporter.show_dialogs = False
        self._qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
        if show:
            win.show()
        self._opened.append((win, reporter))
        return win

    def reporter(self, window: MainWindow) -> ErrorReporter:
        return next(r for w, r in self._opened if w is window)

    def close_all(self) -> None:
        for win, _ in self._opened:
            win.close()


def patients_of(window: MainWindow) -> PatientsView:
    """The window's Patients section (the store opened, not the "store unavailable" page)."""
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    return view


def new_visit(view: PatientsView, day: dt.date) -> AssessView:
    """A new visit of the open patient on ``day``, in the visit form."""
    assess = view.patient_page.new_visit(day)
    assert isinstance(assess, AssessView)
    return assess


def demo_patient_page(window: MainWindow) -> PatientPage:
    """The demo patients loaded into the window's store and the first one's page opened."""
    view = patients_of(window)
    view.load_demo()
    view.open_first_patient()
    return view.patient_page


def type_value(view: AssessView, path: str, text: str, unit: str | None = None) -> None:
    """Type ``text`` into the visit form's measured field ``path`` (choosing ``unit`` first
    when given), as a user does."""
    editor = view.form.editor(path)
    assert isinstance(editor, QuantityEditor)
    if unit:
        editor.unit.setCurrentIndex(editor.unit.findText(unit))
    editor.edit.setText(text)


def damaged_store_with_a_backup(home: Path, patients: int = 30) -> AppPaths:
    """A store on ``home`` with ``patients`` patients and a good backup of them, then every
    database page after the first scribbled over (the next open fails its integrity check)."""
    paths = AppPaths.resolve(home).ensure()
    with open_store(paths) as store:
        for n in range(patients):
            store.create_patient(PatientFields(name=f"Patient {n}", identifier=f"MRN-{n}"))
        store.backup()
    db_path = paths.data / DB_NAME
    raw = bytearray(db_path.read_bytes())
    for offset in range(4096 + 100, len(raw), 997):
        raw[offset : offset + 40] = b"\xde\xad\xbe\xef" * 10
    db_path.write_bytes(bytes(raw))
    return paths


def section_ready(window: MainWindow, qtbot: QtBot, key: str, kind: type[Section]) -> Section:
    """The window's section ``key`` (a ``kind``), once it has loaded what it shows
    (``ready()``: the evidence database for Regimens and Evidence)."""
    view = window.show_section_key(key)
    assert isinstance(view, kind)
    qtbot.waitUntil(view.ready, timeout=10_000)  # type: ignore[attr-defined]
    return view


def mnemonics(screen: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every Alt+letter on what ``screen`` shows: buttons (push, tool, check
    and radio), plain-text labels (with a buddy, or showing an underlined letter), group boxes
    and the tabs of every visible tab bar. Widgets hidden on ``screen`` (another tab's page, a
    hidden banner) are left out, as they are for Alt."""
    found: list[tuple[str, str]] = []
    for widget in screen.findChildren(QWidget):
        if not widget.isVisibleTo(screen):
            continue
        if isinstance(widget, QTabBar):
            texts = [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
        elif isinstance(widget, QLabel):
            rich = widget.textFormat() == Qt.TextFormat.RichText or (
                widget.textFormat() == Qt.TextFormat.AutoText
                and QtGuiNamespace.mightBeRichText(widget.text())
            )
            texts = [] if rich else [widget.text()]  # in rich text "&" starts an entity
        elif isinstance(widget, QAbstractButton):
            texts = [widget.text()]
        elif isinstance(widget, QGroupBox):
            texts = [widget.title()]
        else:
            continue
        for text in texts:
            match = re.search(r"&([^&])", text.replace("&&", ""))
            if match:
                found.append((match.group(1).lower(), text))
    return found


def assert_mnemonics_unique(screen: QWidget, where: str = "") -> dict[str, str]:
    """No Alt+letter on ``screen`` reaches two controls; returns letter -> text."""
    letters: dict[str, str] = {}
    for letter, text in mnemonics(screen):
        assert letter not in letters, f"{where}: Alt+{letter} on {letters[letter]!r} and {text!r}"
        letters[letter] = text
    return letters
