"""Small widgets the Patients pages share: an inline message under a field, a table."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableView

from myeloma_desk.ui.widgets.fields import error_colour
from myeloma_desk.ui.widgets.tables import read_only_table

RESPONSES = ["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"]


def message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str | None) -> None:
    if text:
        label.setText(f"⚠ {text}")
        label.setStyleSheet(f"color: {error_colour(label)};")
        label.setAccessibleName(text)
    label.setVisible(bool(text))


def table_view(name: str) -> QTableView:
    """A read-only table whose last column takes the rest of the width."""
    view = read_only_table(name)
    view.horizontalHeader().setStretchLastSection(True)
    return view
