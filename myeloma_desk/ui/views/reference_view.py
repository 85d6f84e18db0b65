"""Reference section: the full PDQ summary with its table of contents and find-in-text.

The PDQ's Tables 1–3 are shown as tables (``reference/tables.py`` reads their rows and
columns back from the flattened text; Qt lays them out as QTextTables), each with the known
errata of the PDQ text beside it (the evidence database's table errata, when it is in this
build). A table the parser cannot read into whole rows is shown as published.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

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

from myeloma_desk.reference.pdq import PDQ_CREDIT, PDQ_TITLE, Heading, PdqDocument, load
from myeloma_desk.reference.tables import PdqTable, TableCell, pdq_tables
from myeloma_desk.ui.widgets.text import reader_note

AnchorRole = Qt.ItemDataRole.UserRole + 1

_CSS = """
body { line-height: 140%; }
h1 { font-size: 150%; margin-top: 18px; margin-bottom: 6px; }
h2 { font-size: 120%; margin-top: 14px; margin-bottom: 4px; }
p { margin-top: 0px; margin-bottom: 8px; }
table.pdq { margin-top: 4px; margin-bottom: 4px; border-color: gray; }
th { text-align: left; }
p.erratum { margin-left: 12px; }
"""


def table_errata() -> dict[int, list[str]]:
    """The known errata of each PDQ table (by number), from the evidence database; empty
    when the database is not in this build."""
    try:
        from myeloma_desk.evidence.errata import table_errata as of_table
    except ImportError:
        return {}
    return {t.number: [reader_note(e.note) for e in of_table(t.label)] for t in pdq_tables()}


def _cell_html(cell: TableCell, tag: str = "td") -> str:
    items = "".join(f"<li>{html.escape(item)}</li>" for item in cell.items)
    return (
        f'<{tag} valign="top">{html.escape(cell.text)}'
        + (f"<ul>{items}</ul>" if items else "")
        + f"</{tag}>"
    )


def table_html(table: PdqTable, errata: Sequence[str] = ()) -> str:
    """One PDQ table as an HTML table (a QTextTable in the browser), its footnote and the
    errata of the PDQ text beside it."""
    head = "".join(_cell_html(TableCell(c), "th") for c in table.columns)
    body = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in table.rows)
    notes = "".join(
        '<p class="erratum">⚠ <b>Erratum in the PDQ text</b> (noted by Myeloma Desk; the '
        f"table above is as published): {html.escape(note)}</p>"
        for note in errata
    )
    return (
        f'<p><a name="{table.anchor}"></a><b>{html.escape(table.label)}. '
        f"{html.escape(table.title)}</b></p>"
        '<table class="pdq" border="1" cellspacing="0" cellpadding="4" width="100%">'
        f"<tr>{head}</tr>{body}</table>"
        f"<p><small>{html.escape(table.footnote)}</small></p>{notes}"
    )


def document_html(doc: PdqDocument, errata: Mapping[int, Sequence[str]] | None = None) -> str:
    """The summary as simple HTML: escaped paragraphs, headings with anchors, and the PDQ
    tables as tables (the flattened cells of a parsed table are replaced by it)."""
    tables = {f"{t.label}. {t.title}": t for t in pdq_tables()}
    parts = [f"<h1>{html.escape(PDQ_TITLE)}</h1>"]
    in_table = False
    for block in doc.blocks:
        text = html.escape(block.text)
        if block.heading is not None:
            in_table = False
            tag = "h1" if block.heading.level == 1 else "h2"
            parts.append(f'<{tag}><a name="{block.heading.anchor}"></a>{text}</{tag}>')
        elif block.text in tables:
            table = tables[block.text]
            parts.append(table_html(table, (errata or {}).get(table.number, ())))
            in_table = True  # its flattened cells follow, up to the next heading
        elif not in_table:
            parts.append(f"<p>{text}</p>")
    return "\n".join(parts)


def _heading_of(doc: PdqDocument, line: int) -> Heading | None:
    before = [h for h in doc.headings if h.line < line]
    return before[-1] if before else None


def toc_model(doc: PdqDocument) -> QStandardItemModel:
    """A tree of the summary's headings (two levels) with each PDQ table under the heading it
    is in; AnchorRole holds each anchor."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Contents"])
    root = model.invisibleRootItem()
    tables_under: dict[str, list[PdqTable]] = {}
    for table in pdq_tables():
        heading = _heading_of(doc, table.first_line)
        if heading is not None:
            tables_under.setdefault(heading.anchor, []).append(table)

    def entry(title: str, anchor: str) -> QStandardItem:
        item = QStandardItem(title)
        item.setData(anchor, AnchorRole)
        item.setEditable(False)
        item.setToolTip(title)
        for table in tables_under.get(anchor, []):
            sub = QStandardItem(f"{table.label}. {table.title}")
            sub.setData(table.anchor, AnchorRole)
            sub.setEditable(False)
            sub.setToolTip(sub.text())
            item.appendRow(sub)
        return item

    for heading in doc.headings:
        if heading.level != 1:
            continue
        item = entry(heading.title, heading.anchor)
        for child in doc.children(heading):
            item.appendRow(entry(child.title, child.anchor))
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
        self.previous.setText("Pre&vious")
        self.previous.setAccessibleName("Previous match")
        self.next = QToolButton()
        self.next.setText("&Next")
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
        self.errata = table_errata()
        self.browser.setHtml(document_html(self.doc, self.errata))
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

    def prepare_screenshot(self) -> None:
        self.go_to("pdq-table-2")

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
