"""PDQ Tables 1–3 read back into rows and columns from the bundled (flattened) text."""

from __future__ import annotations

import re

from myeloma_desk.reference.pdq import Heading, PdqDocument, load
from myeloma_desk.reference.tables import parse_table, pdq_tables, table


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_three_tables_are_found_with_their_columns() -> None:
    tables = pdq_tables()
    assert [(t.number, t.title) for t in tables] == [
        (1, "Clinical Presentation of Plasma Cell Neoplasms"),
        (2, "The International Staging System (ISS) for Multiple Myeloma"),
        (3, "Risk Groups for Multiple Myeloma"),
    ]
    assert table(1).columns == (
        "Plasma Cell Neoplasm",
        "M Protein Type",
        "Pathology",
        "Clinical Presentation",
    )
    assert table(2).columns == ("Stage", "Criteria", "Median Survival (mo)")
    assert table(3).columns == (
        "Risk Group",
        "Cytogenetic Findings",
        "Disease Characteristics",
        "Median Survival (y)",
    )
    for t in tables:
        assert all(len(row) == len(t.columns) for row in t.rows)


def test_table_1_rows() -> None:
    t = table(1)
    assert [row[0].text for row in t.rows] == [
        "MGUS",
        "Isolated plasmacytoma of bone",
        "Extramedullary plasmacytoma",
        "Multiple myeloma",
    ]
    mgus = t.row("MGUS")
    # the cell's line break ("IgG …;" / "or" / "IgA …") joined, its reference kept
    assert mgus[1].text == "IgG kappa or lambda; or IgA kappa or lambda"
    assert mgus[2].text == "<10% plasma cells in bone marrow"
    assert mgus[3].text.endswith("(aside from the presence of an M protein) [2]")
    # as published (an erratum: "gamma" where lambda is expected) — never corrected here
    assert t.row("Multiple myeloma")[1].text == "IgG kappa or lambda; or IgA kappa or gamma"
    assert (
        t.footnote
        == "Ig = immunoglobulin; MGUS = monoclonal gammopathy of undetermined significance."
    )


def test_table_2_stages_with_their_thresholds_as_printed() -> None:
    t = table(2)
    assert [row[0].text for row in t.rows] == ["I", "II", "III"]
    assert t.row("I")[1].text == "Beta-2-microglobulin <3.5 mg/L and albumin ≥3.5 g/dL"
    assert t.row("I")[2].text == "Not reached"
    assert t.row("II")[1].text == "Not R-ISS I or III"
    assert t.row("II")[2].text == "83"
    stage3 = t.row("III")[1].text
    assert stage3.startswith("Beta-2-microglobulin ≥5.5 mg/L and either high LDH")
    assert stage3.endswith("translocation t(14;16))")
    assert t.row("III")[2].text == "43"
    # the italic words the export put on lines of their own are back in the sentence
    assert t.footnote.startswith("I-FISH = interphase fluorescence in situ hybridization; LDH")


def test_table_3_lists_belong_to_their_cells() -> None:
    t = table(3)
    assert [row[0].text for row in t.rows] == ["Good risk", "Intermediate risk", "High risk"]
    good = t.row("Good risk")
    assert good[1].text == "Has any of the following cytogenetic findings:"
    assert good[1].items == (
        "No adverse FISH or cytogenetics",
        "Hyperdiploidy",
        "t(11;14) by FISH",
        "t(6;14) by FISH",
    )
    assert good[3].text == "10–12 [15]"
    intermediate = t.row("Intermediate risk")
    assert intermediate[1].text.endswith("triplet or quadruplet regimens:[16]")
    assert intermediate[1].items == ("t(4;14)", "t(14;16)")
    assert intermediate[3].text == "5–10"
    high = t.row("High risk")
    assert "Biallelic del TP53 (ultra-high risk)" in high[1].items
    assert high[1].items[0] == "del 17p by FISH"
    assert high[1].items[-1] == "Plasma cell leukemia"
    assert high[3].text == "<5 for high-risk; <3 for ultra-high risk [15]"
    assert all(not cell.items for row in t.rows for cell in row[2:])


def test_nothing_is_added_dropped_or_reworded() -> None:
    """Every character of a table's lines is in the parsed table, in the text's order (cells
    row by row, a cell's list items after the rest of its row, as the export wrote them)."""
    doc = load()
    for t in pdq_tables():
        parsed = [*t.columns, t.footnote]
        for row in t.rows:
            parsed += [cell.text for cell in row]
            parsed += [item for cell in row for item in cell.items]
        source = "".join(doc.lines[t.first_line + 1 : t.end_line])
        assert _squash("".join(parsed)) == _squash(source), t.label


def test_a_table_whose_cells_do_not_fill_rows_is_left_as_text() -> None:
    lines = ("Table 9.  Odd", "A", "B", "X = x.", "one", "two", "three", "Next heading", "text")
    doc = PdqDocument("\n".join(lines), lines, (Heading("Next heading", 2, 7, "next"),), ())
    assert parse_table(doc, 0) is None  # 3 cells for 2 columns: not guessed
    whole = lines[:6] + lines[7:]
    doc = PdqDocument("\n".join(whole), whole, (Heading("Next heading", 2, 6, "next"),), ())
    parsed = parse_table(doc, 0)
    assert parsed is not None and parsed.rows[0][1].text == "two"
    assert parse_table(doc, 1) is None  # not a title line
