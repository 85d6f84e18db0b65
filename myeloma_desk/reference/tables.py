"""The PDQ's tables (Table 1 clinical presentation, Table 2 staging, Table 3 risk groups) read
back into rows and columns from the bundled text.

The web export flattened each table one cell per line: the title ("Table 2.  …"), one line per
column header, the abbreviation footnote ("LDH = lactate dehydrogenase; …", its italic words on
lines of their own), then the cells row by row. Inside a cell the export also split
reference brackets ("[", "15", "]") and line breaks (a blank line, then "or", then a blank
line); a cell that introduces a list ("Has any of the following cytogenetic findings:") has its
items after the rest of its row. This module undoes exactly those splits — it never adds,
drops or rewords text: every word of a parsed table is in the table's lines (tested).

A table ends at the next heading of the summary (``reference.pdq``). If a table's cells do not
fill whole rows, :func:`pdq_tables` leaves that table out rather than guessing, and the
Reference shows its text as published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from myeloma_desk.reference.pdq import PdqDocument, load

_TITLE = re.compile(r"^Table (\d+)\.\s+(.+)$")
# A fragment of a reference bracket split over lines: "15", "-", ",", "]" (or "] more text").
_REF_PIECE = re.compile(r"^(\d+|[-–,])$")
# A cell that introduces a list of items: ends with ":" (perhaps followed by its reference).
_INTRODUCES_LIST = re.compile(r":(\[\d+(?:[-–,]\d+)*\])?$")
# An italic gene name the export put on a line of its own ("Biallelic del" / "TP53").
_GENE = re.compile(r"^(?=.*\d)(?=.*[A-Z])[A-Z0-9-]{2,10}$")


@dataclass(frozen=True)
class TableCell:
    """One cell: its text and, when it introduces a list, the list's items."""

    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class PdqTable:
    """A PDQ table as rows and columns, with where it is in the text."""

    number: int
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    footnote: str
    first_line: int  # index of the title line in the bundled text
    end_line: int  # index of the first line after the table

    @property
    def label(self) -> str:
        """E.g. "Table 2"."""
        return f"Table {self.number}"

    @property
    def anchor(self) -> str:
        return f"pdq-table-{self.number}"

    def row(self, first_cell: str) -> tuple[TableCell, ...]:
        """The row whose first cell reads ``first_cell`` (KeyError if none)."""
        for row in self.rows:
            if row[0].text == first_cell:
                return row
        raise KeyError(first_cell)


def _norm(line: str) -> str:
    return " ".join(line.split())


def _join_pieces(lines: list[str]) -> list[str]:
    """Logical lines: reference brackets and blank-line breaks inside a cell joined back."""
    out: list[str] = []
    glue_next = False  # a blank line was seen: the next line continues the cell
    for raw in lines:
        line = _norm(raw)
        if not line:
            glue_next = bool(out)
            continue
        in_bracket = bool(out) and out[-1].count("[") > out[-1].count("]")
        if (in_bracket and _REF_PIECE.match(line)) or (out and line.startswith("]")):
            out[-1] += line
        elif out and glue_next:
            out[-1] += " " + line
        else:
            out.append(line)
        glue_next = False
    return out


def _items(lines: list[str]) -> tuple[str, ...]:
    """List items, with an italic gene name or a parenthesis split off joined back."""
    items: list[str] = []
    for line in lines:
        if items and (_GENE.match(line) or line.startswith("(")):
            items[-1] += " " + line
        else:
            items.append(line)
    return tuple(items)


def _rows(logical: list[str], width: int) -> list[tuple[TableCell, ...]] | None:
    """Cells row by row; the items of a list-introducing cell follow the rest of its row and
    run until the next row, which begins where a line is again followed by such a cell."""
    rows: list[tuple[TableCell, ...]] = []
    i = 0
    while i < len(logical):
        cells = logical[i : i + width]
        if len(cells) < width:
            return None
        i += width
        listing = [c for c, text in enumerate(cells) if _INTRODUCES_LIST.search(text)]
        items: list[str] = []
        if listing:
            column = listing[0]
            while i < len(logical):
                nxt = i + column
                if nxt < len(logical) and _INTRODUCES_LIST.search(logical[nxt]) and column > 0:
                    break
                items.append(logical[i])
                i += 1
        row = [TableCell(text) for text in cells]
        if listing:
            row[listing[0]] = TableCell(cells[listing[0]], _items(items))
        rows.append(tuple(row))
    return rows


def parse_table(doc: PdqDocument, title_line: int) -> PdqTable | None:
    """The table whose title is at ``title_line`` (None when its cells do not fill rows)."""
    lines = doc.lines
    match = _TITLE.match(_norm(lines[title_line]))
    if match is None:
        return None
    end = next((h.line for h in doc.headings if h.line > title_line), len(lines))
    i = title_line + 1
    columns: list[str] = []
    while i < end and " = " not in lines[i]:
        if _norm(lines[i]):
            columns.append(_norm(lines[i]))
        i += 1
    footnote_parts: list[str] = []
    while i < end:
        part = _norm(lines[i])
        i += 1
        if part:
            footnote_parts.append(part)
        if part.endswith("."):
            break
    if not columns or not footnote_parts:
        return None
    rows = _rows(_join_pieces(list(lines[i:end])), len(columns))
    if not rows:
        return None
    return PdqTable(
        number=int(match.group(1)),
        title=match.group(2),
        columns=tuple(columns),
        rows=tuple(rows),
        footnote=" ".join(footnote_parts),
        first_line=title_line,
        end_line=end,
    )


@lru_cache(maxsize=1)
def pdq_tables() -> tuple[PdqTable, ...]:
    """Every table of the bundled summary that parses into whole rows, in text order."""
    doc = load()
    found: list[PdqTable] = []
    for index, line in enumerate(doc.lines):
        if _TITLE.match(_norm(line)):
            table = parse_table(doc, index)
            if table is not None:
                found.append(table)
    return tuple(found)


def table(number: int) -> PdqTable:
    """PDQ Table ``number`` (KeyError if the text has no such table)."""
    for candidate in pdq_tables():
        if candidate.number == number:
            return candidate
    raise KeyError(f"Table {number}")
