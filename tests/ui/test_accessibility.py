"""Keyboard and screen-reader basics in every section: every input and view has an accessible
name, every section has a shortcut, and Tab moves through the visit form's fields in order."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.sections import SECTIONS
from myeloma_desk.ui.views.visit_form import AssessView

NAMED = (
    QLineEdit,
    QComboBox,
    QCheckBox,
    QPlainTextEdit,
    QPushButton,
    QAbstractItemView,
    QTextBrowser,
)


def _inside_combo(widget: QWidget) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parent()
    return False


def _unnamed(page: QWidget) -> list[str]:
    missing = []
    for kind in NAMED:
        for widget in page.findChildren(kind):
            if isinstance(widget, QHeaderView) or _inside_combo(widget):
                continue  # parts of a table, or a combo box's own editor/popup: named by it
            if not widget.accessibleName() and not (
                isinstance(widget, QPushButton | QCheckBox) and widget.text()
            ):
                missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_input_and_view_is_named(window: MainWindow, qtbot: QtBot) -> None:
    for key in window.section_keys():
        page = window.show_section_key(key)
        assert page.accessibleName(), key
        assert not _unnamed(page), (key, _unnamed(page))
    window.close()


def test_every_section_has_a_distinct_shortcut() -> None:
    shortcuts = [spec.shortcut for spec in SECTIONS]
    assert all(shortcuts) and len(set(shortcuts)) == len(shortcuts)


def test_tab_walks_the_visit_form_in_field_order(qtbot: QtBot) -> None:
    view = AssessView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.form.tabs is not None
    view.form.tabs.setCurrentIndex(1)  # Labs
    first = view.form.editor("serum_m_protein")
    first.focus_input()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first.edit)  # type: ignore[attr-defined]
    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().accessibleName())
    # value, then its unit, then the next field (heavy chain), light chain, urine value
    assert seen == [
        "Serum M-protein unit",
        "M-protein heavy chain",
        "M-protein light chain",
        "Urine M-protein value",
    ]
