"""The bundled PDQ summary: its text, its headings (a table of contents) and its credit line.

The file under resources/reference/ is the PDQ text exactly as published (a test compares it
with ../shared/source byte for byte after normalising line ends). This module only *reads* it:
it finds the headings the summary itself lists ("On This Page" and each "In This Section") and
joins the fragments the web export split over lines (reference brackets such as "[\\n12\\n]")
into readable paragraphs for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

PDQ_FILE = "pdq-plasma-cell-neoplasms-hp-2025-04-25.txt"
PDQ_DATE = "2025-04-25"
PDQ_TITLE = (
    "Plasma Cell Neoplasms (Including Multiple Myeloma) Treatment (PDQ®)–"
    "Health Professional Version"
)
PDQ_URL = "https://www.cancer.gov/types/myeloma/hp/myeloma-treatment-pdq"
# The credit the summary asks for ("Reuse of NCI Information", at the end of the text).
PDQ_CREDIT = (
    "“Plasma Cell Neoplasms (Including Multiple Myeloma) Treatment (PDQ®)–Health Professional "
    "Version” was originally published by the National Cancer Institute "
    f"({PDQ_URL}). Updated {PDQ_DATE}. Presented in its entirety; it is not updated by "
    "Myeloma Desk, so check the original for newer versions."
)
PDQ_CITATION = (
    "PDQ® Adult Treatment Editorial Board. PDQ Plasma Cell Neoplasms (Including Multiple "
    f"Myeloma) Treatment. Bethesda, MD: National Cancer Institute. Updated 04/25/2025. {PDQ_URL}"
)

_ON_THIS_PAGE = "On This Page"
_IN_THIS_SECTION = "In This Section"
_SKIP = {"Go to Patient Version"}


@dataclass(frozen=True)
class Heading:
    """A heading of the summary: its title, level (1 section, 2 subsection) and line index."""

    title: str
    level: int
    line: int
    anchor: str


@dataclass(frozen=True)
class Block:
    """A display block: a heading or a paragraph (fragments joined)."""

    text: str
    heading: Heading | None = None


@dataclass(frozen=True)
class PdqDocument:
    """The summary as lines, headings and display blocks."""

    raw: str
    lines: tuple[str, ...]
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...] = field(repr=False)

    def children(self, section: Heading) -> list[Heading]:
        """Level-2 headings under a level-1 heading, in order."""
        result: list[Heading] = []
        started = False
        for heading in self.headings:
            if heading is section:
                started = True
                continue
            if started and heading.level == 1:
                break
            if started:
                result.append(heading)
        return result


def read_text() -> str:
    """The bundled PDQ text exactly as shipped."""
    path = resources.files("myeloma_desk.resources").joinpath("reference", PDQ_FILE)
    return path.read_text(encoding="utf-8")


def _slug(title: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _norm(line: str) -> str:
    return " ".join(line.split())


def find_headings(lines: list[str]) -> list[Heading]:
    """Headings from the summary's own lists: "On This Page" and each "In This Section"."""
    stripped = [_norm(x) for x in lines]
    try:
        start = stripped.index(_ON_THIS_PAGE) + 1
    except ValueError:
        return []
    sections: list[str] = []
    i = start
    while i < len(stripped) and stripped[i] and stripped[i] not in sections:
        sections.append(stripped[i])
        i += 1
    body_start = i
    # Locate each section heading in order after the table of contents.
    positions: list[int] = []
    cursor = body_start
    for title in sections:
        try:
            found = stripped.index(title, cursor)
        except ValueError:
            found = -1
        positions.append(found)
        if found >= 0:
            cursor = found + 1
    used: set[str] = set()
    headings: list[Heading] = []
    for n, (title, pos) in enumerate(zip(sections, positions, strict=True)):
        if pos < 0:
            continue
        end = next((p for p in positions[n + 1 :] if p > pos), len(stripped))
        headings.append(Heading(title, 1, pos, _slug(title, used)))
        # Subsections: the "In This Section" list right after the heading; each entry is a
        # heading when it appears again, alone on its line, later in the section.
        sub_titles: list[str] = []
        j = pos + 1
        if j < end and stripped[j] == _IN_THIS_SECTION:
            j += 1
            while j < end and stripped[j] in stripped[j + 1 : end] and stripped[j] not in _SKIP:
                sub_titles.append(stripped[j])
                j += 1
        sub_cursor = j
        for sub in sub_titles:
            try:
                found = stripped.index(sub, sub_cursor, end)
            except ValueError:
                continue
            headings.append(Heading(sub, 2, found, _slug(sub, used)))
            sub_cursor = found + 1
        # Each section's reference list is a heading too.
        for k in range(sub_cursor, end):
            if stripped[k] == "References":
                headings.append(Heading("References", 2, k, _slug(f"{title} references", used)))
                break
    headings.sort(key=lambda h: h.line)
    return headings


_FRAGMENT = re.compile(r"^(\d+|[-–,;.)\]]|\][.,;:)]?.*|[.,;:)].*)$")


def build_blocks(lines: list[str], headings: list[Heading]) -> list[Block]:
    """Display blocks: headings alone, paragraphs with split fragments joined."""
    by_line = {h.line: h for h in headings}
    toc_end = headings[0].line if headings else 0
    blocks: list[Block] = []
    current = ""
    in_toc_lists = set()
    for h in headings:  # hide the "In This Section" lists: the tree shows them
        if h.level == 1:
            k = h.line + 1
            if k < len(lines) and _norm(lines[k]) == _IN_THIS_SECTION:
                in_toc_lists.add(k)
                k += 1
                titles = {x.title for x in headings}
                while k < len(lines) and k not in by_line and _norm(lines[k]) in titles:
                    in_toc_lists.add(k)
                    k += 1

    def flush() -> None:
        nonlocal current
        if current.strip():
            blocks.append(Block(current.strip()))
        current = ""

    for index, raw in enumerate(lines):
        if index < toc_end and index not in by_line:
            # The title line is shown by the viewer's header; the "On This Page" list by the tree.
            continue
        if index in in_toc_lists or _norm(raw) in _SKIP:
            continue
        line = _norm(raw)
        heading = by_line.get(index)
        if heading is not None:
            flush()
            blocks.append(Block(heading.title, heading))
            continue
        if not line:
            continue
        open_bracket = current.count("[") > current.count("]")
        if current and (open_bracket or _FRAGMENT.match(line) or current.endswith(("[", "("))):
            joiner = "" if (open_bracket or line[0] in "]-–,;.)" or current.endswith("[")) else " "
            current += joiner + line
        elif current and line[0].islower() and not current.endswith((".", ":", "?", "!")):
            current += " " + line
        else:
            flush()
            current = line
    flush()
    return blocks


@lru_cache(maxsize=1)
def load() -> PdqDocument:
    """The bundled summary, parsed once."""
    raw = read_text()
    lines = raw.splitlines()
    headings = find_headings(lines)
    return PdqDocument(raw, tuple(lines), tuple(headings), tuple(build_blocks(lines, headings)))
