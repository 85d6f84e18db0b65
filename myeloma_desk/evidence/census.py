"""Rules that find, in a PDQ text, what the evidence database must structure (the census).

The census tests (tests/unit/evidence) and the edition-diff tool (tools/extract_evidence.py)
use these rules, so "what counts as a result sentence" has one home. Each rule reads the text
itself, never a typed list of sentences:

* :func:`result_sentences` — sentences of the treatment sections that report a study result: a
  level-of-evidence marker, an effect measure (HR, OR, RR), a percentage set against an arm,
  group or patients, or a median survival / progression figure;
* :func:`hr_ci_triples` — every "HR, x; NN% CI, a–b" of the body prose;
* :func:`dose_sentences` — sentences of the treatment sections that state a dose (an amount of
  drug, not a laboratory value), schedule, duration, route, dose change or supportive-care
  measure;
* :func:`named_combinations` — drug combinations the text names in words ("carfilzomib plus
  lenalidomide and dexamethasone"), each as the set of its canonical drug names.

Pure Python (no Qt); works on any edition parsed with :func:`pdq.parse`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from myeloma_desk.domain.drugs import DRUGS
from myeloma_desk.reference import pdq
from myeloma_desk.reference.pdq import Paragraph

# Treatment sections (the overview of treatment options onwards): the general and staging
# sections report epidemiology and prognosis, not treatment results.
TREATMENT_SECTIONS = pdq.BODY_SECTIONS[2:]

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
    paras: Iterable[Paragraph], sections: tuple[str, ...] = pdq.BODY_SECTIONS
) -> list[TextSentence]:
    """Every sentence of the body paragraphs (no headings, no reference lists) of ``sections``."""
    out: list[TextSentence] = []
    for p in paras:
        if p.kind == "body" and p.section in sections:
            out.extend(TextSentence(s, p.section, p.path, p.index) for s in pdq.sentences(p.text))
    return out


def is_result(sentence: str) -> bool:
    """Whether a sentence reports a study result (by the rule in the module docstring)."""
    return bool(MARKER.search(sentence) or RESULT.search(sentence))


def result_sentences(paras: Iterable[Paragraph]) -> list[TextSentence]:
    """The result sentences of the treatment sections, in text order."""
    return [s for s in body_sentences(paras, TREATMENT_SECTIONS) if is_result(s.text)]


def prose(paras: Iterable[Paragraph]) -> str:
    """The body prose of the body sections, one paragraph per line."""
    return "\n".join(p.text for p in paras if p.kind == "body" and p.section in pdq.BODY_SECTIONS)


def hr_ci_triples(paras: Iterable[Paragraph]) -> set[tuple[str, str, str, str]]:
    """Distinct (HR, CI level, low, high) of every "HR, x; NN% CI, a–b" in the body prose."""
    return {(m.group(1), m.group(2), m.group(3), m.group(4)) for m in HR_CI.finditer(prose(paras))}


# ---------------------------------------------------------------------------------------------
# doses, schedules, routes and supportive care

DOSE = re.compile(
    # an amount of drug (mg, mg/m2, mg/kg, g, µg) or of radiation (Gy)
    r"\b\d+(?:\.\d+)?\s?(?:mg|µg|mcg|g)(?:/(?:m2|m²|kg))?\b(?!/(?:dL|L)\b)(?! per 24)"
    r"|\b\d+(?:\.\d+)?\s?c?Gy\b"
    # a schedule or a duration
    r"|\b(?:every|each) (?:\d+|other|one|two|three|four)(?:[ –-]\w+)?\s(?:days?|weeks?|months?)\b"
    r"|\bevery (?:day|week|month)\b|\bdays? \d+(?:[–-]\d+)?(?:, \d+(?:[–-]\d+)?)*,? and \d+"
    r"|\b(?:once|twice) (?:daily|weekly|a day|a week|a month)\b|\b(?:weekly|monthly|daily)\b"
    r"|\bfor (?:\d+(?:\.\d+)?|one|two|three)(?: to \d+)? (?:years?|months?|cycles)\b"
    r"|\buntil (?:disease )?progression\b"
    # a route
    r"|(?i:\bsubcutaneous(?:ly)?\b|\bintravenous(?:ly)?\b|\bby mouth\b|\borally\b)"
    r"|\bgiven (?:by )?IV\b"
    # a dose change
    r"|\b[Dd]ose (?:reduction|modification|adjust)|\b[Ll]ower doses?\b|\bdosage reductions?\b"
    r"|\bpreferred (?:in the presence of|for patients with) [^.]*renal"
    # supportive care
    r"|(?i:\bprophyla(?:xis|ctic)\b|\bthromboprophylaxis\b|\banticoagula|\baspirin\b"
    r"|\b(?:IgG|immunoglobulin) replacement\b|\bplasma(?:pheresis| exchange)\b|\bvaccinat)"
)
# A milligram amount of a body fluid is a laboratory value, not a dose ("a 24-hour urine
# monoclonal protein of less than 100 mg").
LAB_AMOUNT = re.compile(r"\b(?:urine|serum)\b[^.]{0,40}\b\d+(?:\.\d+)?\s?(?:mg|g)\b")


def is_dose_statement(sentence: str) -> bool:
    """Whether a sentence states a dose, schedule, duration, route or supportive-care measure."""
    hits = list(DOSE.finditer(sentence))
    if not hits:
        return False
    lab = [m.span() for m in LAB_AMOUNT.finditer(sentence)]
    return any(not any(a <= h.start() < b for a, b in lab) for h in hits)


def dose_sentences(paras: Iterable[Paragraph]) -> list[TextSentence]:
    """The dose, schedule, route and supportive-care sentences of the treatment sections."""
    return [s for s in body_sentences(paras, TREATMENT_SECTIONS) if is_dose_statement(s.text)]


# ---------------------------------------------------------------------------------------------
# combinations named in words

# Names the PDQ writes for a drug besides its canonical name (the canonical name follows).
_DRUG_WORDS: dict[str, str] = {d.name: d.name for d in DRUGS}
_DRUG_WORDS.update(
    {
        "cilta-cel": "ciltacabtagene autoleucel",
        "ide-cel": "idecabtagene vicleucel",
        "zoledronate": "zoledronic acid",
        "pegylated liposomal doxorubicin": "doxorubicin",
    }
)
_DRUG = (
    "(?:(?:high|low)-dose |oral )?(?:"
    + "|".join(re.escape(n) for n in sorted(_DRUG_WORDS, key=len, reverse=True))
    + ")"
)
_JOIN = r"(?:,? and |, |,? plus | with | combined with | in combination with )"
_CHAIN = re.compile(rf"(?i)\b{_DRUG}(?:{_JOIN}{_DRUG})+\b")
_SPLIT_JOIN = re.compile(r"(?i),? and |, |,? plus | with | combined with | in combination with ")
_EXPLICIT = re.compile(r"(?i),? plus | combined with | in combination with | with ")


@dataclass(frozen=True)
class NamedCombination:
    """A combination of drugs written in words, with the sentence it is in."""

    phrase: str
    components: frozenset[str]
    sentence: TextSentence


def _canonical(word: str) -> str:
    word = re.sub(r"(?i)^(?:(?:high|low)-dose |oral )", "", word.strip()).lower()
    return _DRUG_WORDS.get(word, word)


def named_combinations(paras: Iterable[Paragraph]) -> list[NamedCombination]:
    """Every combination of two or more drugs the treatment sections name in words.

    A chain of drug names joined by "plus", "combined with", "in combination with" or "with" is
    a combination; a chain joined only by commas and "and" is one when it ends on the
    corticosteroid of a regimen backbone (dexamethasone, prednisone) — otherwise it is a list
    of agents ("daratumumab and isatuximab", "teclistamab and elranatamab"). "compared A with
    B" names two arms, so "with" after "compared" separates instead of joining.
    """
    out: list[NamedCombination] = []
    for sent in body_sentences(paras, TREATMENT_SECTIONS):
        for m in _CHAIN.finditer(sent.text):
            compared = re.search(r"(?i)\bcompar\w*\b[^.;]*$", sent.text[: m.start()])
            parts = re.split(r"(?i) with ", m.group(0)) if compared else [m.group(0)]
            for part in parts:
                words = [w for w in _SPLIT_JOIN.split(part) if w.strip()]
                comps = frozenset(_canonical(w) for w in words)
                if len(comps) < 2:
                    continue
                explicit = bool(_EXPLICIT.search(part))
                steroid = bool(re.search(r"(?i)(?:dexamethasone|prednisone)$", part))
                if explicit or steroid:
                    out.append(NamedCombination(part, comps, sent))
    return out
