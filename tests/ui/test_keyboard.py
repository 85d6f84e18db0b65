"""A keyboard-only pass: new patient, a diagnosis visit typed and saved, the working diagnosis
confirmed, without the mouse (mnemonics, Enter, Tab, arrows and the section shortcuts)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from ui_helpers import OpenWindow, assert_mnemonics_unique, demo_patient_page

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView


@pytest.fixture
def window(open_window: OpenWindow, qtbot: QtBot) -> MainWindow:
    """The main window, active and exposed, so that it has the keyboard focus."""
    win = open_window()
    win.activateWindow()
    qtbot.waitExposed(win)
    return win


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot: QtBot, name: str, limit: int = 60) -> QWidget:
    """Press Tab until the field called ``name`` has the focus."""
    for _ in range(limit):
        if focused().accessibleName() == name:
            return focused()
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {name!r} (stopped at {focused().accessibleName()!r})")


def type_into(qtbot: QtBot, name: str, text: str) -> None:
    qtbot.keyClicks(tab_to(qtbot, name), text)


def test_first_tab_stop_of_the_visit_form_is_a_field_or_the_group_bar(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = window.show_section_key("assess")
    assert isinstance(view, AssessView)
    view.form.focus_field("date")
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is view.form.tabs.tabBar()  # not the tab widget, a scroll area or an arrow
    press(qtbot, Qt.Key.Key_Tab)
    assert focused().accessibleName() == "Visit date"


def test_keyboard_only_diagnosis_visit(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.table.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # New patient
    assert view.stack.currentIndex() == view.EDITOR
    assert focused() is view.editor.name
    qtbot.keyClicks(focused(), "Keys, Kay")
    type_into(qtbot, "Birth date", "1958-06-01")
    sex = tab_to(qtbot, "Sex")
    assert isinstance(sex, QComboBox)
    press(qtbot, Qt.Key.Key_Down)  # Female
    press(qtbot, Qt.Key.Key_Return)  # Enter on a combo box saves the patient
    assert view.stack.currentIndex() == view.PATIENT
    page = view.patient_page
    assert page.record is not None and page.record.patient.sex == "female"

    assert focused() is page.new_visit_button  # where the keyboard lands on a new patient
    press(qtbot, Qt.Key.Key_Space)
    assess = window.current_page()
    assert isinstance(assess, AssessView)
    assert focused().accessibleName() == "Visit date"
    date = assess.form.editor("date")
    date.edit.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(focused(), "2025-01-10")
    press(qtbot, Qt.Key.Key_Backtab)  # to the group bar, then → to "Labs"
    press(qtbot, Qt.Key.Key_Right)
    for name, text in (
        ("Serum M-protein value", "3.2"),
        ("Free kappa value", "420"),
        ("Free lambda value", "8"),
        ("Creatinine value", "1.1"),
        ("Calcium value", "9.5"),
        ("Hemoglobin value", "9.1"),
    ):
        type_into(qtbot, name, text)
        press(qtbot, Qt.Key.Key_Return)  # Enter moves on to the next field
    press(qtbot, Qt.Key.Key_Backtab)
    bar = assess.form.tabs.tabBar()
    while focused() is not bar:
        press(qtbot, Qt.Key.Key_Backtab)
    press(qtbot, Qt.Key.Key_Right)  # Marrow
    type_into(qtbot, "Clonal BMPC value", "40")
    while focused() is not bar:
        press(qtbot, Qt.Key.Key_Backtab)
    press(qtbot, Qt.Key.Key_Right)  # Imaging
    type_into(qtbot, "Osteolytic lesions value", "2")
    assess.update_assessment()
    diagnosis = assess.result("diagnosis")
    assert diagnosis is not None and diagnosis.status == "determined", assess.form.read().problems
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # save the visit
    assert "Saved" in assess.status.text()

    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # the Patients section
    assert window.current_page() is view
    assert page.wait_for_course()  # the course is built off the GUI thread
    # Processing events lets the offscreen platform deactivate the window (it has no window
    # manager); a keyboard user's window stays active, so activate it again.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert page.diagnosis_offer.isVisibleTo(page)
    tab_to(qtbot, "Confirm the assessed diagnosis as the working diagnosis")
    press(qtbot, Qt.Key.Key_Space)
    assert page.record.patient.diagnosis == diagnosis.result


def test_mnemonics_are_unique_on_every_patient_screen(window: MainWindow) -> None:
    """Alt+letter must reach one control: no two visible buttons or labels share a letter."""
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    screens = {
        "list": view.show_list,
        "editor": view.new_patient,
        "page": view.open_first_patient,
    }
    for screen, show in screens.items():
        show()
        letters = assert_mnemonics_unique(view, screen)
        if screen != "list":
            assert letters, screen


def test_mnemonics_are_unique_on_the_patient_page_with_each_tab_shown(
    window: MainWindow,
) -> None:
    """Every Alt+letter the patient page shows reaches one control, on each tab, with every
    banner the page can show at once (the diagnosis offer, the server's read-only notice and
    the therapy lines' draft row with both its buttons): buttons, tabs, labels with buddies,
    group boxes and check boxes of the whole window."""
    page = demo_patient_page(window)
    assert page.wait_for_course()
    page.diagnosis_offer.setVisible(True)
    page.offline.setVisible(True)
    lines = page.lines_editor
    lines.draft_row.setVisible(True)
    lines.save_kept_button.setVisible(True)
    seen: dict[str, dict[str, str]] = {}
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        name = page.tabs.tabText(index).replace("&", "")
        seen[name] = assert_mnemonics_unique(window, name)
    # the walk saw the page's own controls, each tab's and the banners' (not an empty window)
    every_tab = {"← &Back to list", "Arc&hive", "&Timeline", "T&rends", "Therapy &lines"}
    every_tab |= {"Use as &working diagnosis", "Tr&y again"}
    for name, letters in seen.items():
        assert every_tab <= set(letters.values()), name
    lines_tab = set(seen["Therapy lines"].values())
    assert {"Reg&imen", "&Start", "E&nd", "&Add line", "Save the &kept lines"} <= lines_tab
    assert not {"Reg&imen", "&Add line"} & set(seen["Timeline"].values())


@pytest.mark.parametrize("section", ["regimens", "evidence", "reference", "calculators"])
def test_mnemonics_are_unique_in_the_display_sections(
    window: MainWindow, qtbot: QtBot, section: str
) -> None:
    """Alt+letter reaches one control in Regimens, Evidence, Reference and Calculators too."""
    page = window.show_section_key(section)
    ready = getattr(page, "ready", None)
    if callable(ready):
        qtbot.waitUntil(ready, timeout=10_000)
    letters = assert_mnemonics_unique(page, section)
    assert letters, section  # every section's own controls have mnemonics
