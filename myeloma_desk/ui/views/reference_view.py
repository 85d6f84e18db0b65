"""Reference section: the full PDQ summary with its table of contents and find-in-text."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.reference.pdq import PDQ_CREDIT, PDQ_TITLE, PdqDocument, load

AnchorRole = Qt.ItemDataRole.UserRole + 1

_CSS = """
body { line-height: 140%; }
h1 { font-size: 150%; margin-top: 18px; margin-bottom: 6px; }
h2 { font-size: 120%; margin-top: 14px; margin-bottom: 4px; }
p { margin-top: 0px; margin-bottom: 8px; }
"""


def document_html(doc: PdqDocument) -> str:
    """The summary as simple HTML: escaped paragraphs, headings with anchors."""
    parts = [f"<h1>{html.escape(PDQ_TITLE)}</h1>"]
    for block in doc.blocks:
        text = html.escape(block.text)
        if block.heading is not None:
            tag = "h1" if block.heading.level == 1 else "h2"
            parts.append(f'<{tag}><a name="{block.heading.anchor}"></a>{text}</{tag}>')
        else:
            parts.append(f"<p>{text}</p>")
    return "\n".join(parts)


def toc_model(doc: PdqDocument) -> QStandardItemModel:
    """A two-level tree of the summary's headings; AnchorRole holds each anchor."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Contents"])
    root = model.invisibleRootItem()
    for heading in doc.headings:
        if heading.level != 1:
            continue
        item = QStandardItem(heading.title)
        item.setData(heading.anchor, AnchorRole)
        item.setEditable(False)
        for child in doc.children(heading):
            sub = QStandardItem(child.title)
            sub.setData(child.anchor, AnchorRole)
            sub.setEditable(False)
            item.appendRow(sub)
        root.appendRow(item)
    return model


class FindBar(QWidget):
    """Find-in-text: query, previous/next and the match count."""

    find_requested = Signal(str, bool)  # text, backwards

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in the reference text (Ctrl+F)")
        self.edit.setAccessibleName("Find in reference text")
        self.edit.setClearButtonEnabled(True)
        self.previous = QToolButton()
        self.previous.setText("Previous")
        self.previous.setAccessibleName("Previous match")
        self.next = QToolButton()
        self.next.setText("Next")
        self.next.setAccessibleName("Next match")
        self.count = QLabel("")
        self.count.setAccessibleName("Match count")
        self.count.setMinimumWidth(110)
        for widget in (self.edit, self.previous, self.next, self.count):
            layout.addWidget(widget)
        self.edit.returnPressed.connect(lambda: self.find_requested.emit(self.edit.text(), False))
        self.next.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), False))
        self.previous.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), True))
        self.edit.textChanged.connect(lambda text: self.find_requested.emit(text, False))


class ReferenceView(QWidget):
    """The whole PDQ text, navigable by its headings, with find."""

    def __init__(self, font_points: int = 11, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reference")
        self.setAccessibleName("Reference: PDQ summary")
        self.doc = load()
        layout = QVBoxLayout(self)

        credit = QLabel(html.escape(PDQ_CREDIT))
        credit.setWordWrap(True)
        credit.setObjectName("pdqCredit")
        credit.setAccessibleName("PDQ credit")
        credit.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(credit)

        self.find_bar = FindBar()
        layout.addWidget(self.find_bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.toc = QTreeView()
        self.toc.setAccessibleName("Table of contents")
        self.toc.setHeaderHidden(True)
        self.toc_model = toc_model(self.doc)
        self.toc.setModel(self.toc_model)
        self.toc.expandAll()
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Reference text")
        self.browser.setOpenLinks(False)  # no link ever leaves the app
        self.browser.setOpenExternalLinks(False)
        document = self.browser.document()
        document.setDefaultStyleSheet(_CSS)
        document.setDocumentMargin(16)
        font = self.browser.font()
        font.setPointSize(font_points)
        self.browser.setFont(font)
        self.browser.setHtml(document_html(self.doc))
        splitter.addWidget(self.toc)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 840])
        layout.addWidget(splitter, 1)

        self.toc.clicked.connect(self._go_to_index)
        self.toc.activated.connect(self._go_to_index)
        self.find_bar.find_requested.connect(self.find_text)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_find)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindNext), self, self.find_next)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindPrevious), self, self.find_previous)
        self.match_count = 0
        self.current_match = 0

    def _focus_find(self) -> None:
        self.find_bar.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_bar.edit.selectAll()

    def _go_to_index(self, index: QModelIndex) -> None:
        anchor = index.data(AnchorRole)
        if anchor:
            self.go_to(str(anchor))

    def go_to(self, anchor: str) -> None:
        """Scroll the text so the heading with ``anchor`` is at the top."""
        self.browser.scrollToAnchor(anchor)

    def heading_at_top(self) -> str:
        """The text of the block at the top of the visible area (for tests and status)."""
        cursor = self.browser.cursorForPosition(self.browser.viewport().rect().topLeft())
        return cursor.block().text()

    def find_next(self) -> None:
        self.find_text(self.find_bar.edit.text(), False)

    def find_previous(self) -> None:
        self.find_text(self.find_bar.edit.text(), True)

    def find_text(self, text: str, backwards: bool) -> bool:
        """Select the next (or previous) match, wrapping around; update the count label."""
        if not text.strip():
            self.match_count = self.current_match = 0
            self.find_bar.count.setText("")
            cursor = self.browser.textCursor()
            cursor.clearSelection()
            self.browser.setTextCursor(cursor)
            return False
        document = self.browser.document()
        plain = document.toPlainText()
        self.match_count = plain.lower().count(text.lower())
        flags = QTextDocument.FindFlag(0)
        if backwards:
            flags |= QTextDocument.FindFlag.FindBackward
        found = self.browser.find(text, flags)
        if not found and self.match_count:
            cursor = self.browser.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backwards else QTextCursor.MoveOperation.Start
            )
            self.browser.setTextCursor(cursor)
            found = self.browser.find(text, flags)
        if found:
            start = self.browser.textCursor().selectionStart()
            self.current_match = plain[:start].lower().count(text.lower()) + 1
            self.find_bar.count.setText(f"{self.current_match} of {self.match_count}")
        else:
            self.current_match = 0
            self.find_bar.count.setText("No matches")
        return found
