"""The bundled reference text is the PDQ text, and its headings are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from myeloma_desk.reference.pdq import PDQ_FILE, build_blocks, find_headings, load, read_text

REPO = Path(__file__).resolve().parents[3]
# The shared material sits beside the checkout (../shared), here and in CI.
SHARED = REPO.parent / "shared" / "source" / PDQ_FILE


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/source is not beside this checkout")
def test_bundled_text_is_pdq_byte_for_byte() -> None:
    shipped = _normalise(read_text()).encode("utf-8")
    original = _normalise(SHARED.read_bytes().decode("utf-8")).encode("utf-8")
    assert shipped == original


def test_all_sections_of_on_this_page_are_headings() -> None:
    doc = load()
    top = [h.title for h in doc.headings if h.level == 1]
    assert top[0] == "General Information About Plasma Cell Neoplasms"
    assert "Treatment of Relapsed or Refractory Multiple Myeloma" in top
    assert top[-1] == "About This PDQ Summary"
    assert len(top) == 13


def test_subsections_come_from_in_this_section_lists() -> None:
    doc = load()
    staging = next(h for h in doc.headings if h.title.startswith("Stage Information"))
    assert [h.title for h in doc.children(staging)] == [
        "Multiple Myeloma",
        "International staging system",
        "Genetic factors and risk groups",
        "References",
    ]


def test_reference_brackets_are_joined_for_display() -> None:
    lines = ["Impaired renal function worsens prognosis.[", "1", ",", "2", "]", "Next paragraph."]
    blocks = build_blocks(lines, find_headings(lines))
    assert [b.text for b in blocks] == [
        "Impaired renal function worsens prognosis.[1,2]",
        "Next paragraph.",
    ]


def test_display_blocks_keep_every_word() -> None:
    """Joining fragments must not drop text: every word of the body is still shown."""
    doc = load()
    shown = " ".join(b.text for b in doc.blocks).split()
    body_start = doc.headings[0].line
    words = " ".join(doc.lines[body_start:]).split()
    # Words the viewer deliberately hides: the "In This Section" lists and the patient link.
    missing = set(words) - set(" ".join(shown).replace("[", " [ ").replace("]", " ] ").split())
    missing -= {"Go", "Patient", "Version", "In", "This", "Section"}
    joined = " ".join(shown)
    assert all(word in joined for word in missing)


def test_one_home_for_the_pdq_text_and_date() -> None:
    """Issue 13: the PDQ file, its date and its parsing live in reference/pdq.py only."""
    import re

    from myeloma_desk.evidence import PDQ_DATE as evidence_date
    from myeloma_desk.reference import pdq
    from myeloma_desk.reports.build import PDQ_DATE as report_date

    assert evidence_date is pdq.PDQ_DATE and report_date is pdq.PDQ_DATE
    assert pdq.PDQ_FILE.endswith(f"{pdq.PDQ_DATE}.txt")
    package = REPO / "myeloma_desk"
    home = package / "reference" / "pdq.py"
    copies = []
    for path in package.rglob("*.py"):
        if path == home:
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"^\s*PDQ_(?:DATE|FILE)\s*=", source, re.M) or re.search(
            r"^def (?:read_raw|read_text|paragraphs|find_headings)\(", source, re.M
        ):
            copies.append(path.relative_to(REPO).as_posix())
    assert copies == []
    assert not (package / "evidence" / "pdqtext.py").exists()


def test_both_readings_come_from_the_same_text() -> None:
    from myeloma_desk.reference import pdq

    doc = load()
    paras = pdq.paragraphs()
    assert doc.raw == read_text() and paras
    # every top-level section of the reader's table of contents is a section of the paragraphs
    sections = {p.section for p in paras}
    assert [h.title for h in doc.headings if h.level == 1] == [
        t for t in pdq.TOP_SECTIONS if t in sections
    ]
