"""Errata of the PDQ text for a paragraph of it (where a table or sentence is shown or found).

    from myeloma_desk.evidence.errata import paragraph_errata
    notes = [e.note for e in paragraph_errata(paragraph.index)]

A table erratum (``Erratum.table``, e.g. Table 2 titled ISS but printing R-ISS) covers every
paragraph of that table: from its title line to the next heading. Any other erratum covers the
paragraph that holds its quoted sentence. Pure Python (no Qt).
"""

from __future__ import annotations

import re
from functools import lru_cache

from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.schema import Erratum
from myeloma_desk.reference import pdq


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=1)
def _by_paragraph() -> dict[int, tuple[Erratum, ...]]:
    return _index(load())


def _index(ev: Evidence) -> dict[int, tuple[Erratum, ...]]:
    paras = pdq.paragraphs()
    body = [
        (p, _squash(p.text)) for p in paras if p.kind == "body"
    ]  # squashed once, not per erratum
    out: dict[int, list[Erratum]] = {}
    for erratum in ev.db.errata:
        quote = _squash(erratum.quote.text)
        hits = [p for p, text in body if quote and quote in text]
        if erratum.table and hits:
            first = hits[0]
            span = [first]
            for p in paras[first.index + 1 :]:
                if p.kind == "heading" or p.path != first.path or p.section != first.section:
                    break
                span.append(p)
            hits = span
        for p in hits:
            out.setdefault(p.index, []).append(erratum)
    return {k: tuple(v) for k, v in out.items()}


def paragraph_errata(index: int, evidence: Evidence | None = None) -> tuple[Erratum, ...]:
    """The errata that concern PDQ paragraph ``index`` (empty when none)."""
    table = _by_paragraph() if evidence is None else _index(evidence)
    return table.get(index, ())


def table_errata(title_prefix: str, evidence: Evidence | None = None) -> tuple[Erratum, ...]:
    """The errata of a PDQ table by its title ("Table 2" ...)."""
    ev = evidence or load()
    return tuple(e for e in ev.db.errata if e.table and e.table == title_prefix)
