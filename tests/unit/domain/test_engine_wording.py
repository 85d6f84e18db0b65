"""Every rule's explanation reads as a clinician writes (issue: wording): walked over the
golden corpus (tests/unit/domain/golden_corpus.py: every test-data snapshot and demo visit and a
fifth of the rest on every run, the whole corpus with ``-m slow``), every status, every text a
user sees — title, result, criteria, missing inputs, reasons, assumptions, notes and every other
text of a result's detail — as the Assess panel and ``assess --format text`` show it
(identifiers in words, ``display.inline_words``). None holds a file name, a data-model word
("snapshot", "history entry"), an identifier or field path, a web address or a record id, or a
verification log ("verified … with the search tool"); a result that is a sentence starts with a
capital."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from golden_corpus import read_inputs

from myeloma_desk.domain.display import choice_words, inline_words
from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.results import SOURCES, RuleResult
from myeloma_desk.domain.snapshot import Fish, parse_snapshot

# FISH codes that are not the papers' words ("del17p" for del(17p), "gain1q" for 1q gain).
_FISH_CODES = [f.value for f in Fish if choice_words(f.value).lower() != f.value.lower()]

REFUSED = {
    "a file name": re.compile(r"\w\.(?:md|py|yaml|yml|json|txt)\b"),
    "a data-model word": re.compile(
        r"\bsnapshots?\b|\bhistory\b(?! of\b)|\bhistory entr", re.IGNORECASE
    ),
    "an identifier": re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b"),
    "a FISH code": re.compile(r"\b(?:" + "|".join(map(re.escape, _FISH_CODES)) + r")\b"),
    "a field path": re.compile(r"\b[a-z]+\.[a-z]+(?:_[a-z]+)*\b(?! ?[A-Z0-9])"),
    "a web address": re.compile(
        r"https?://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|net|gov|edu|io)\b|\bPMC\d+", re.IGNORECASE
    ),
    "a verification log": re.compile(
        r"verified\b.*\bsearch tool|\bsearch tool\b|\bverified \d{4}-\d{2}-\d{2}", re.IGNORECASE
    ),
    "a development note": re.compile(
        r"\bTODO\b|\bFIXME\b|\.\./shared|pdq-errata|criteria-summ|\bthe engine\b"
        r"|\brule: (?:cannot determine|determined|not applicable)"
    ),
}
# Detail values that are codes of the interchange format (shown through the display vocabulary,
# never as they are): a single identifier, a date, a number.
_CODE = re.compile(r"[A-Za-z0-9_.+:/\-−≥≤<>%()]*")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def shown_texts(result: RuleResult) -> Iterator[tuple[str, str]]:
    """(where, text) of every text of ``result`` a user reads, as it is shown."""
    yield "title", result.title
    for where, texts in (
        ("result", _strings(result.result)),
        ("criterion", (part for c in result.criteria for part in (c.name, c.value or ""))),
        ("detail", _strings(result.detail)),
    ):
        for text in texts:
            if text and not _CODE.fullmatch(text):
                yield where, inline_words(text)
    for label in result.sources:
        source = SOURCES.get(label)
        yield "source", label
        if source is not None:
            yield "source", source.citation
            if source.note:
                yield "source", source.note


def problems(result: RuleResult) -> list[str]:
    found = []
    for where, text in shown_texts(result):
        for what, pattern in REFUSED.items():
            match = pattern.search(text)
            if match:
                where_found = f"{result.rule} ({result.status}), {where}"
                found.append(f"{where_found}: {what} {match[0]!r} in {text[:140]!r}")
    if isinstance(result.result, str | list):
        for text in [result.result] if isinstance(result.result, str) else result.result:
            if " " in text and text[:1].islower():
                found.append(f"{result.rule}, result: a sentence starts lower case: {text[:80]!r}")
    return found


def _walk(every: int) -> tuple[set[str], dict[str, str]]:
    statuses: set[str] = set()
    found: dict[str, str] = {}
    for i, (case, data) in enumerate(read_inputs()):
        if i % every and not case.startswith(("data/", "demo/", "bench_engine2/")):
            continue
        for result in assess(parse_snapshot(data)).results:
            statuses.add(result.status)
            for problem in problems(result):
                found.setdefault(problem.split(" in ")[0], f"{case}: {problem}")
    return statuses, found


def test_the_patterns_refuse_what_they_are_for() -> None:
    """Each refused kind of text is caught, and clinical wording passes."""
    bad = [
        "see pdq-errata.md",
        "as summarised in criteria-summary.md",
        "no earlier snapshot in history",
        "the first history entry",
        "applies to amyloidosis.biopsy_proven",
        "Points verified 2026-11-26 with the search tool",
        "a summary (cancertherapyadvisor.com)",
        "the abstract (PMC7214253)",
        "the engine cannot judge attribution",
        "(diagnosis rule: cannot determine)",
        "gain1q, del13 → 2 points",
    ]
    for text in bad:
        assert any(p.search(inline_words(text)) for p in REFUSED.values()), text
    good = [
        "history of VTE (+5)",
        "No earlier visit is recorded; response is judged against an earlier visit.",
        "Line 1 (VRd → lenalidomide maintenance), progression-free 38.7 months",
        "-5 kg is negative; a measured value cannot be below zero",
        "CrCl 38.9 mL/min (Cockcroft–Gault), on 2025-03-04",
        "Leukemia. 2020;34(1):224-233.",
        "present: del(17p), 1q gain, biallelic del(1p32), del(13q); hyperdiploidy",
    ]
    for text in good:
        assert not any(p.search(text) for p in REFUSED.values()), text


def test_every_rule_result_on_the_corpus_reads_as_a_clinician_writes() -> None:
    statuses, found = _walk(every=5)
    assert statuses == {"determined", "cannot_determine", "not_applicable"}
    assert not found, "\n".join(list(found.values())[:30])


@pytest.mark.slow
def test_every_rule_result_on_the_whole_corpus_reads_as_a_clinician_writes() -> None:
    _, found = _walk(every=1)
    assert not found, "\n".join(list(found.values())[:30])
