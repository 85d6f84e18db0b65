"""The one base for the app's read-only table models: rows from a list, titled columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt


class ColumnsTableModel(QAbstractTableModel):
    """Row count from :meth:`_count`, column titles from ``COLUMNS`` (or :meth:`column_titles`)."""

    COLUMNS: tuple[str, ...] = ()

    def column_titles(self) -> tuple[str, ...]:
        """The column headers; subclasses with per-instance columns override this."""
        return self.COLUMNS

    def _count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.column_titles())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        titles = self.column_titles()
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(titles)
        ):
            return titles[section]
        return None
