"""The app's read-only tables (patient list, timeline, lines, regimens, findings, trials): one
row selected at a time, no editing, no row numbers, and Tab leaves the table (the arrow keys
move inside it)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView


def read_only_table(name: str, model: QAbstractItemModel | None = None) -> QTableView:
    view = QTableView()
    view.setAccessibleName(name)
    if model is not None:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    return view
