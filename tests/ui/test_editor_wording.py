"""The patient and therapy-lines editors say what is wrong with a field in a clinician's words
(its caption, the value typed and why), never pydantic's text ("Input should be a valid date or
datetime, month value is outside expected range of 1-12", "String should have at least 1
character")."""

from __future__ import annotations

import pytest

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from ui_helpers import patients_of

from myeloma_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.window_size(1300, 850)

PYDANTIC = ("Input should", "String should", "List should", "Value error", "datetime")


def _shown(label: object) -> str:
    text = label.text()  # type: ignore[attr-defined]
    assert text.startswith("⚠ ")
    assert not any(words in text for words in PYDANTIC), text
    return str(text).removeprefix("⚠ ")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024-13-01", "Birth date: 2024-13-01 is not a date (month 13)."),
        ("1950-02-30", "Birth date: 1950-02-30 is not a date (February 1950 has 28 days)."),
        ("2024-02-30", "Birth date: 2024-02-30 is not a date (February 2024 has 29 days)."),
        ("1 May 1950", "Birth date: 1 May 1950 is not a date (use YYYY-MM-DD)."),
    ],
)
def test_patient_editor_messages(window: MainWindow, typed: str, message: str) -> None:
    view = patients_of(window)
    view.new_patient()
    editor = view.editor
    editor.birth_date.setText(typed)
    editor.identifier.setText("x" * 101)
    assert editor.save() is None
    assert _shown(editor.messages["birth_date"]) == message
    assert _shown(editor.messages["name"]) == "Name is required."
    assert _shown(editor.messages["identifier"]) == (
        "Identifier (MRN): at most 100 characters (101 typed)."
    )


def test_therapy_lines_editor_messages(window: MainWindow) -> None:
    view = patients_of(window)
    view.new_patient()
    view.editor.name.setText("Lines, Wording")
    assert view.editor.save() is not None
    lines = view.patient_page.lines_editor
    lines.regimen.setCurrentText("VRd")
    lines.start.setText("2024-13-10")
    lines.end.setText("2024-02-30")
    assert not lines.add_line()
    assert _shown(lines.message) == (
        "Start: 2024-13-10 is not a date (month 13). "
        "End: 2024-02-30 is not a date (February 2024 has 29 days)."
    )
    lines.regimen.setCurrentText("")
    lines.start.setText("2024-01-10")
    lines.end.setText("2023-01-01")
    assert not lines.add_line()
    assert _shown(lines.message) == "Regimen is required."
    lines.regimen.setCurrentText("VRd")
    assert not lines.add_line()
    assert _shown(lines.message) == "End date is before start date."
