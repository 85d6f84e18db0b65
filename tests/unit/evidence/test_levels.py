"""Level-of-evidence codes: NCI's definitions, with their source, for tooltips and legends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from myeloma_desk.evidence import levels
from myeloma_desk.evidence.loader import load

REPO = Path(__file__).resolve().parents[3]
# ../shared beside the checkout (main) or beside the worktree folder.
_CANDIDATES = [p / "shared" / "reference" / "levels-of-evidence.md" for p in REPO.parents[:2]]
SHARED = next((p for p in _CANDIDATES if p.exists()), None)


def _shared_table() -> dict[str, str]:
    assert SHARED is not None
    rows = re.findall(r"^\| ([A-D]\d?) \| (.+?) \|$", SHARED.read_text(encoding="utf-8"), re.M)
    return dict(rows)


@pytest.mark.skipif(SHARED is None, reason="../shared/reference is not beside this checkout")
def test_definitions_are_the_shared_files_restatement_of_nci() -> None:
    table = _shared_table()
    assert len(table) == 11
    assert dict(levels.legend()) == table
    scheme = load().db.levels
    text = SHARED.read_text(encoding="utf-8") if SHARED else ""
    assert scheme.source_url in text and "08/03/2023" in text and scheme.revised == "2023-08-03"


def test_every_code_has_nci_meaning_and_counts_match_the_text() -> None:
    ev = load()
    codes = [lv.code for lv in ev.db.levels.levels]
    assert codes == ["A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D"]
    for lv in ev.db.levels.levels:
        assert lv.definition
        marked = [f for f in ev.db.findings if f.level_of_evidence == lv.code]
        assert len(marked) == lv.count_in_text, lv.code


def test_attribution_names_nci_the_url_and_the_revision() -> None:
    text = levels.attribution()
    assert "National Cancer Institute (NCI)" in text
    assert "https://www.cancer.gov/publications/pdq/levels-evidence/treatment" in text
    assert "revised 2023-08-03" in text


def test_tooltips() -> None:
    b1 = levels.describe("B1")
    assert b1.startswith("Level of evidence B1 (NCI): randomized trial")
    assert "progression-free survival" in b1
    assert "meta-analysis" in levels.describe("A2")
    assert "No level-of-evidence marker" in levels.describe(None)
    assert "not in NCI's scheme" in levels.describe("E9")


def test_the_wrong_letter_and_digit_note_is_gone() -> None:
    ev = load()
    scheme = ev.db.levels
    words = " ".join(
        [scheme.summary, scheme.verified, *(lv.definition or "" for lv in scheme.levels)]
    )
    assert "the letter is the design" not in words.lower()
    assert "the letter is a tier" in words.lower()


def test_codes_that_disagree_with_the_scheme_carry_an_erratum() -> None:
    """A meta-analysis printed A1 or B1 (NCI: A2 / B2) and the subgroup analysis printed B3 are
    annotated on the finding and in the top-level errata list; the printed code is kept."""
    ev = load()
    listed = {e.note: e for e in ev.db.errata}
    flagged = [
        f
        for f in ev.db.findings
        if f.level_of_evidence in ("A1", "B1") and "meta-analys" in (f.design or "")
    ]
    assert len(flagged) >= 7
    for f in flagged:
        nci = "A2" if f.level_of_evidence == "A1" else "B2"
        notes = [n for n in f.errata if f"is {nci}" in n and "kept as printed" in n]
        assert notes, f.id
        assert f.id in listed[notes[0]].findings
    subgroup = ev.findings["relapsed-016"]
    assert subgroup.level_of_evidence == "B3"
    assert any("subgroup analysis" in n for n in subgroup.errata)
