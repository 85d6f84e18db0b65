"""Errata: Table 2 / Table 3 annotated where shown or found; every record note is listed."""

from __future__ import annotations

import pytest

from myeloma_desk.evidence.errata import paragraph_errata, table_errata
from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.search import search
from myeloma_desk.reference import pdq


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return load()


def _paragraph(text: str) -> pdq.Paragraph:
    hits = [p for p in pdq.paragraphs() if p.kind == "body" and p.text.startswith(text)]
    assert len(hits) == 1, text
    return hits[0]


def test_table_2_rows_carry_the_iss_rss_note() -> None:
    title = _paragraph("Table 2. The International Staging System (ISS)")
    row = _paragraph("Not R-ISS I or III")
    assert row.index > title.index
    for p in (title, row):
        notes = [e.note for e in paragraph_errata(p.index)]
        assert any("R-ISS" in n and "Table 2" in n for n in notes), p.text
    assert table_errata("Table 2")


def test_table_3_rows_carry_the_t_4_14_note() -> None:
    row = _paragraph("5–10 t(4;14) t(14;16)")
    notes = [e.note for e in paragraph_errata(row.index)]
    assert any("t(4;14)" in n and "Table 3" in n for n in notes)


def test_paragraphs_outside_the_tables_have_no_table_note() -> None:
    after = _paragraph("Newer clinical investigations are stratifying patients")
    assert not any(e.table == "Table 2" for e in paragraph_errata(after.index))


def test_search_shows_the_note_on_a_table_hit() -> None:
    hits = [h for h in search("Not R-ISS I or III", limit=10, kinds=("pdq",))]
    assert hits
    assert any("R-ISS" in n for h in hits for n in h.notes)


def test_every_record_note_is_in_the_top_level_list(ev: Evidence) -> None:
    listed = {e.note for e in ev.db.errata}
    for f in ev.db.findings:
        for note in f.errata:
            assert note in listed, (f.id, note)
    for t in ev.db.trials:
        for note in t.errata:
            assert note in listed, (t.id, note)
    for e in ev.db.errata:
        if not e.table:
            assert e.findings or e.trials or e.quote.text, e.id
