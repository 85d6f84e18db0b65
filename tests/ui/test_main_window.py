"""The main window: every section, the Reference contents and find, settings and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import OpenWindow

from myeloma_desk.settings import load_settings
from myeloma_desk.ui.app import create_window
from myeloma_desk.ui.main_window import MainWindow, OpeningPage
from myeloma_desk.ui.sections import SECTIONS
from myeloma_desk.ui.views.reference_view import AnchorRole, ReferenceView


def test_every_section_opens(window: MainWindow) -> None:
    titles = [spec.title for spec in SECTIONS]
    assert titles == ["Patients", "Assess", "Regimens", "Evidence", "Reference", "Calculators"]
    for index in range(len(SECTIONS)):
        page = window.show_section(index)
        assert window.current_page() is page
        assert page.accessibleName()


def test_reference_toc_navigates_to_heading(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_section_key("reference")
    assert isinstance(view, ReferenceView)
    model = view.toc_model
    top = [model.item(r).text() for r in range(model.rowCount())]
    assert "Treatment of Multiple Myeloma" in top
    row = top.index("Stage Information for Plasma Cell Neoplasms")
    parent = model.index(row, 0)
    child = model.index(1, 0, parent)  # "International staging system"
    assert child.data() == "International staging system"
    view.resize(1000, 700)
    qtbot.waitExposed(view)
    view.toc.clicked.emit(child)
    qtbot.waitUntil(lambda: view.heading_at_top() == "International staging system")
    assert child.data(AnchorRole)


def test_reference_find_counts_and_cycles(window: MainWindow) -> None:
    view = window.show_section_key("reference")
    assert isinstance(view, ReferenceView)
    view.find_bar.edit.setText("ELOQUENT-3")
    plain = view.browser.document().toPlainText().lower()
    expected = plain.count("eloquent-3")
    assert expected >= 2
    assert view.find_bar.count.text() == f"1 of {expected}"
    view.find_bar.next.click()
    assert view.find_bar.count.text() == f"2 of {expected}"
    assert view.browser.textCursor().selectedText().lower() == "eloquent-3"
    view.find_bar.previous.click()
    assert view.find_bar.count.text() == f"1 of {expected}"
    view.find_bar.previous.click()  # wraps to the last match
    assert view.find_bar.count.text() == f"{expected} of {expected}"
    view.find_bar.edit.setText("no such phrase anywhere")
    assert view.find_bar.count.text() == "No matches"


def test_reference_shows_text_and_credit(window: MainWindow) -> None:
    view = window.show_section_key("reference")
    assert isinstance(view, ReferenceView)
    text = view.browser.document().toPlainText()
    assert "Estimated new cases and deaths from multiple myeloma" in text
    assert "[1]" in text  # reference brackets joined for reading
    credit = view.findChild(type(view.find_bar.count), "pdqCredit")
    assert credit is not None
    assert "originally published by the National Cancer Institute" in credit.text()
    assert "2025-04-25" in credit.text()


def test_unbuilt_sections_say_so(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from myeloma_desk.ui import sections

    monkeypatch.setattr(sections, "evidence_available", lambda: False)
    win, _ = create_window(str(tmp_path))
    qtbot.addWidget(win)
    for key in ("regimens", "evidence"):
        page = win.show_section_key(key)
        assert "not built yet" in page.accessibleName()


def test_last_section_persists(qtbot: QtBot, tmp_path: Path) -> None:
    win, _ = create_window(str(tmp_path))
    qtbot.addWidget(win)
    win.show_section_key("reference")
    win.close()
    settings = load_settings(win.context.paths)
    assert settings.last_section == "reference"
    again, _ = create_window(str(tmp_path))
    qtbot.addWidget(again)
    again.show()
    opening = again.current_page()  # the last section used, built after the first paint
    assert isinstance(opening, OpeningPage) and opening.accessibleName() == (
        "Reference: Loading the PDQ text…"
    )
    qtbot.waitUntil(again.started, timeout=20_000)
    assert again.current_page() is again.existing_page("reference")
    assert isinstance(again.current_page(), ReferenceView)


def test_uncaught_exception_is_logged_and_reported(window: MainWindow, tmp_path: Path) -> None:
    import sys

    from myeloma_desk.logs import LOG_FILE

    reporter = sys.excepthook
    assert callable(reporter)
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as error:
        from myeloma_desk.ui.app import ErrorReporter

        handler = ErrorReporter(window.context.paths, window)
        handler.show_dialogs = False
        handler(RuntimeError, error, error.__traceback__)
    assert "RuntimeError: boom in a slot" in handler.shown[0]
    log_text = (window.context.paths.logs / LOG_FILE).read_text(encoding="utf-8")
    assert "Traceback" in log_text and "boom in a slot" in log_text
    assert window.isVisible()  # the user's place is kept


def test_first_start_sizes_to_the_screen_and_later_starts_keep_it(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    win = open_window(show=False)
    screen = win.screen()
    assert screen is not None
    area = screen.availableGeometry()
    expected_width = max(min(area.width(), 960), int(area.width() * 0.9))
    assert win.width() == expected_width  # not a fixed 1200 × 800 whatever the screen
    assert win.height() == max(min(area.height(), 640), int(area.height() * 0.9))
    win.show()
    chosen = (area.width() * 2 // 3, area.height() * 2 // 3)
    win.resize(*chosen)
    qtbot.wait(10)
    assert win.height() == chosen[1] != int(area.height() * 0.9)
    win.close()
    again = open_window(show=False)
    assert again.height() == chosen[1]  # the size chosen is kept
    assert again.width() <= area.width()  # and the window stays on the screen
