"""The bundled PDQ text, re-flowed into paragraphs with their section path.

The bundled file is the PDQ page as text: inline elements (citations, italic words, the "P" of
P values, links) sit on lines of their own, so "[\\n56\\n]" is citation 56 and "P\\n< .001" is
"P < .001". :func:`paragraphs` joins those fragments back into running text and keeps real
line breaks (headings, list items, paragraphs). :func:`normalise` is the comparison form used
by the provenance tests: whitespace collapsed and citation brackets written without spaces.

Pure Python; the text is read with importlib.resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PDQ_FILE = "pdq-plasma-cell-neoplasms-hp-2025-04-25.txt"

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


def read_raw() -> str:
    """The bundled PDQ text exactly as shipped."""
    ref = resources.files("myeloma_desk.resources").joinpath("reference", PDQ_FILE)
    return ref.read_text(encoding="utf-8")


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
    return parse(read_raw())


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
