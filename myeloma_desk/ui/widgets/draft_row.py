"""The row an editor shows above its fields while it holds or offers a draft (an edit kept on
this computer while the clinic server cannot be reached, views/server_wait.py): what the
draft is, and the editor's buttons for it (restore or save it, discard it)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class DraftRow(QFrame):
    """A framed row: the draft's description and one button per (text, accessible name);
    hidden until the editor has a draft to show."""

    def __init__(self, name: str, buttons: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(name)
        row = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        row.addWidget(self.text, 1)
        self.buttons: list[QPushButton] = []
        for text, accessible in buttons:
            button = QPushButton(text)
            button.setAccessibleName(accessible)
            row.addWidget(button)
            self.buttons.append(button)
        self.setVisible(False)
