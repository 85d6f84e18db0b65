"""The bundled PDQ summary, the one home of its text: file, date, title, credit and parsing.

The file under resources/reference/ is the PDQ text exactly as published (a test compares it
with ../shared/source byte for byte after normalising line ends). This module only *reads* it,
two ways:

* for the reader — :func:`load`: the headings the summary itself lists ("On This Page" and each
  "In This Section") and display blocks, with the fragments the web export split over lines
  (reference brackets such as "[\\n12\\n]") joined;
* for the evidence database — :func:`paragraphs` (the bundled edition) or :func:`parse` (any
  edition): the text re-flowed into running paragraphs, each with its section path, plus
  :func:`sentences`, :func:`cites` and the comparison form :func:`normalise` used by the
  provenance tests.

Pure Python; the text is read with importlib.resources. The reference layer sits below the
evidence layer (pyproject import-linter contract), so the evidence code reads the text here.
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


# ---------------------------------------------------------------------------------------------
# re-flowed paragraphs (the evidence database's reading)

# Top-level sections of the summary, in order, as the "On This Page" list names them.
TOP_SECTIONS: tuple[str, ...] = (
    "General Information About Plasma Cell Neoplasms",
    "Stage Information for Plasma Cell Neoplasms",
    "Treatment Option Overview for Plasma Cell Neoplasms",
    "Treatment of Amyloidosis Associated With Plasma Cell Neoplasms",
    "Treatment of Monoclonal Gammopathy of Undetermined Significance",
    "Treatment of Waldenström Macroglobulinemia (Lymphoplasmacytic Lymphoma)",
    "Treatment of Isolated Plasmacytoma of Bone",
    "Treatment of Extramedullary Plasmacytoma",
    "Treatment of Multiple Myeloma",
    "Treatment of Relapsed or Refractory Multiple Myeloma",
    "Key References for Plasma Cell Neoplasms (Including Multiple Myeloma)",
    "Latest Updates to This Summary (04/25/2025)",
    "About This PDQ Summary",
)
BODY_SECTIONS = TOP_SECTIONS[:10]
KEY_REFERENCES_SECTION = TOP_SECTIONS[10]

_OPENERS = ("[", "(", ",", ";", "-", "–", "+", "/")
_CLOSERS = ("]", ")", ",", ".", ";", ":", "-", "–", "<", ">", "=", "≤", "≥", "%", "+", "/")
_END_PUNCT = (".", ":", "?", "!", ";")
_CONTINUES = frozenset(
    {"a", "an", "the", "of", "with", "for", "to", "by", "and", "or", "in", "on", "at", "from"}
)
_EVIDENCE_HEADING = re.compile(r"^(Evidence \(.*\)|Selinexor \(evidence\)):\s*$")


@dataclass(frozen=True)
class Paragraph:
    """One re-flowed paragraph (or heading / list item) of the PDQ text."""

    index: int
    section: str
    path: tuple[str, ...]
    text: str
    kind: str  # "heading", "body" or "reference" (a line of a section's reference list)
    line: int  # 1-based line of the bundled file where the paragraph starts


def tidy(text: str) -> str:
    """Collapse whitespace and write citation brackets without inner spaces."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\[\s+", "[", text)
    text = re.sub(r"\s+\]", "]", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    text = re.sub(r"\s+([,;:])", r"\1", text)
    text = re.sub(r"\s+\.(?!\d)", ".", text)

    # Citation brackets: "[58 - 62]" -> "[58-62]", "[11 , 12]" -> "[11,12]".
    def _cite(match: re.Match[str]) -> str:
        return "[" + re.sub(r"\s+", "", match.group(1)) + "]"

    return re.sub(r"\[(\d[\d\s,\-–]*)\]", _cite, text)


def normalise(text: str) -> str:
    """Comparison form: :func:`tidy`, then no space after ``[``/``(`` or before ``]``/``)``."""
    return tidy(text)


def _joins(prev: str, nxt: str, after: str | None) -> bool:
    """Whether the line break between ``prev`` and ``nxt`` is an inline break (not a paragraph)."""
    if not prev or not nxt:
        return False
    if prev.endswith(_OPENERS) or nxt.startswith(_CLOSERS):
        return True
    if prev == "P" or nxt == "P":
        return True
    if nxt.startswith("[") and not prev.endswith(_END_PUNCT):
        return True
    if nxt[0].islower() and not prev.endswith(_END_PUNCT):
        return True
    # A sentence cannot end on an article or preposition: "with a" / "BRAF" / "V600E ...".
    if prev.rsplit(" ", 1)[-1] in _CONTINUES:
        return True
    if prev[0].isdigit() and len(prev) <= 4 and nxt.startswith(("]", ",", "-")):
        return True
    # An inline element on its own line ("GRIFFIN", "in situ", a link text) that the running
    # sentence continues after: join when the line after it continues in lower case.
    return bool(
        after is not None
        and not prev.endswith(_END_PUNCT)
        and len(nxt.split()) <= 8
        and not nxt.endswith(_END_PUNCT)
        and after[:1]
        and (after[0].islower() or after.startswith(_CLOSERS))
    )


@lru_cache(maxsize=1)
def paragraphs() -> tuple[Paragraph, ...]:
    """The bundled text re-flowed into paragraphs, each with its section path."""
    return parse(read_text())


def parse(raw: str) -> tuple[Paragraph, ...]:
    """Any edition of the PDQ page as text re-flowed into paragraphs (see :func:`paragraphs`)."""
    lines = raw.split("\n")
    stripped = [ln.strip() for ln in lines]
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(stripped):
        if not line:
            continue
        if current:
            after = None
            for j in range(i + 1, len(stripped)):
                if stripped[j]:
                    after = stripped[j]
                    break
            inline_word = (
                len(current) >= 2
                and current[-2].rsplit(" ", 1)[-1] in _CONTINUES
                and len(current[-1].split()) <= 3
                and not current[-1].endswith(_END_PUNCT)
            )
            if inline_word or _joins(current[-1], line, after):
                current.append(line)
                continue
            blocks.append((start, tidy(" ".join(current))))
        current = [line]
        start = i + 1
    if current:
        blocks.append((start, tidy(" ".join(current))))

    # Section detection: the first "On This Page" list is a table of contents; each top-level
    # section starts at its title line (after that list), and its own "In This Section" list
    # names its headings. "References" starts the section's numbered reference list.
    toc_end = next(i for i, (_, t) in enumerate(blocks) if t == "About This PDQ Summary") + 1
    out: list[Paragraph] = []
    section = ""
    headings: set[str] = set()
    path: list[str] = []
    in_toc = False
    in_refs = False

    def add(text: str, kind: str, line_no: int) -> None:
        out.append(Paragraph(len(out), section, (section, *path), text, kind, line_no))

    for k, (line_no, text) in enumerate(blocks):
        if k < toc_end:
            continue
        if text in TOP_SECTIONS and (
            not section or TOP_SECTIONS.index(text) > TOP_SECTIONS.index(section)
        ):
            section, headings, path, in_toc, in_refs = text, set(), [], False, False
            add(text, "heading", line_no)
            continue
        if text == "In This Section":
            in_toc = True
            continue
        if in_toc:
            if text == "Go to Patient Version":
                in_toc = False
                continue
            if text not in headings and not text.endswith(_END_PUNCT) and len(text.split()) < 20:
                headings.add(text)
                continue
            in_toc = False
        if text == "References" and section in BODY_SECTIONS:
            path, in_refs = ["References"], True
            add(text, "heading", line_no)
            continue
        if in_refs:
            add(text, "reference", line_no)
            continue
        if _EVIDENCE_HEADING.match(text):
            path = [*path[:1], text]
            add(text, "heading", line_no)
        elif text in headings:
            path = [text]
            add(text, "heading", line_no)
        else:
            add(text, "body", line_no)
    return tuple(out)


@lru_cache(maxsize=1)
def normalised_text() -> str:
    """The whole re-flowed text in comparison form, paragraphs joined by newlines."""
    return "\n".join(normalise(p.text) for p in paragraphs())


def contains(sentence: str) -> bool:
    """Whether ``sentence`` (whitespace-normalised) occurs verbatim in the PDQ text."""
    return normalise(sentence) in normalised_text()


# Sentence boundary: terminal punctuation, optional citation/marker brackets, space, capital.
_BOUNDARY = re.compile(r"(?<=[.?!])((?:\[[^\]]*\])*)\s+(?=[A-Z(\[])|(?<=\])\s+(?=[A-Z])")
_ABBREVIATION_END = re.compile(r"(?:\bU\.S|\bvs|\be\.g|\bi\.e|\bal|\bDr|\bNo)\.$")
_CITE = re.compile(r"\[(\d[\d,\-–]*)\]")


def sentences(text: str) -> list[str]:
    """Split a re-flowed paragraph into sentences, keeping trailing citation brackets."""
    out: list[str] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if not m.group(1) and _ABBREVIATION_END.search(text[: m.start()]):
            continue  # an abbreviation ("vs.", "e.g."), not the end of a sentence
        end = m.start() + len(m.group(1) or "")
        piece = text[pos:end].strip()
        if piece:
            out.append(piece)
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append(rest)
    return out


def cites(text: str) -> list[int]:
    """Reference numbers cited in ``text`` ("[58-62]" expands to 58..62)."""
    out: list[int] = []
    for m in _CITE.finditer(text):
        for part in m.group(1).split(","):
            bits = re.split(r"[\-–]", part)
            if len(bits) == 2 and bits[0] and bits[1]:
                out.extend(range(int(bits[0]), int(bits[1]) + 1))
            elif bits[0]:
                out.append(int(bits[0]))
    return sorted(set(out))
