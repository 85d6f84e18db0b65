"""A page for a section that is not built yet: it says so plainly, with no fake content."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class NotBuiltPage(QWidget):
    """Plain statement that the section is not available in this version."""

    def __init__(self, title: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(f"This section is not built yet in this version of Myeloma Desk. {what}")
        body.setWordWrap(True)
        for label in (heading, body):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)
        self.setAccessibleName(f"{title}: not built yet")
