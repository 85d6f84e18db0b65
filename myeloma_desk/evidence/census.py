"""Rules that find, in a PDQ text, what the evidence database must structure (the census).

The census tests (tests/unit/evidence) and the edition-diff tool (tools/extract_evidence.py)
use these rules, so "what counts as a result sentence" has one home. Each rule reads the text
itself, never a typed list of sentences:

* :func:`result_sentences` — sentences of the treatment sections that report a study result: a
  level-of-evidence marker, an effect measure (HR, OR, RR), a percentage set against an arm,
  group or patients, or a median survival / progression figure;
* :func:`hr_ci_triples` — every "HR, x; NN% CI, a–b" of the body prose.

Pure Python (no Qt); works on any edition parsed with :func:`pdqtext.parse`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from myeloma_desk.evidence import pdqtext
from myeloma_desk.evidence.pdqtext import Paragraph

# Treatment sections (the overview of treatment options onwards): the general and staging
# sections report epidemiology and prognosis, not treatment results.
TREATMENT_SECTIONS = pdqtext.BODY_SECTIONS[2:]

MARKER = re.compile(r"\[Level of evidence ([A-D]\d)(?: [^\]]*)?\]")
RESULT = re.compile(
    r"\b(HR|OR|RR|hazard ratio|odds ratio|relative risk)\b"
    r"|\d+(?:\.\d+)?%[^.]*\b(versus|vs\.|compared|group|arm|patients)\b"
    r"|\bmedian (PFS|OS|overall survival|progression-free survival|time to progression)\b[^.]*\d"
)
HR_CI = re.compile(r"\bHR,\s*([\d.]+);\s*([\d.]+%)\s*CI,\s*([\d.]+)\s*[‒–−-]\s*([\d.]+)")


@dataclass(frozen=True)
class TextSentence:
    """A sentence of the text with the paragraph it sits in."""

    text: str
    section: str  # the top-level section title
    path: tuple[str, ...]
    paragraph: int  # Paragraph.index


def squash(text: str) -> str:
    """Comparison form: every whitespace removed (the PDQ page breaks lines inside words)."""
    return re.sub(r"\s+", "", text)


def body_sentences(
    paras: Iterable[Paragraph], sections: tuple[str, ...] = pdqtext.BODY_SECTIONS
) -> list[TextSentence]:
    """Every sentence of the body paragraphs (no headings, no reference lists) of ``sections``."""
    out: list[TextSentence] = []
    for p in paras:
        if p.kind == "body" and p.section in sections:
            out.extend(
                TextSentence(s, p.section, p.path, p.index) for s in pdqtext.sentences(p.text)
            )
    return out


def is_result(sentence: str) -> bool:
    """Whether a sentence reports a study result (by the rule in the module docstring)."""
    return bool(MARKER.search(sentence) or RESULT.search(sentence))


def result_sentences(paras: Iterable[Paragraph]) -> list[TextSentence]:
    """The result sentences of the treatment sections, in text order."""
    return [s for s in body_sentences(paras, TREATMENT_SECTIONS) if is_result(s.text)]


def prose(paras: Iterable[Paragraph]) -> str:
    """The body prose of the body sections, one paragraph per line."""
    return "\n".join(
        p.text for p in paras if p.kind == "body" and p.section in pdqtext.BODY_SECTIONS
    )


def hr_ci_triples(paras: Iterable[Paragraph]) -> set[tuple[str, str, str, str]]:
    """Distinct (HR, CI level, low, high) of every "HR, x; NN% CI, a–b" in the body prose."""
    return {(m.group(1), m.group(2), m.group(3), m.group(4)) for m in HR_CI.finditer(prose(paras))}
