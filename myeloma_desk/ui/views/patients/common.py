"""Small widgets the Patients pages share: an inline message under a field, a table."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView

from myeloma_desk.ui.widgets.fields import error_colour

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
    view = QTableView()
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view
