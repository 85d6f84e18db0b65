"""Reference › the PDQ's Tables 1–3 laid out as tables (QTextTables), with the errata of the
PDQ text beside Tables 2 and 3, reachable from the contents."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QTextTable

from myeloma_desk.reference.tables import pdq_tables
from myeloma_desk.ui.views.reference_view import AnchorRole, ReferenceView


def _tables(view: ReferenceView) -> list[QTextTable]:
    frames = view.browser.document().rootFrame().childFrames()
    return [f for f in frames if isinstance(f, QTextTable)]


def _cell(grid: QTextTable, row: int, column: int) -> str:
    cell = grid.cellAt(row, column)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), cursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


@pytest.fixture
def view(qtbot: QtBot) -> ReferenceView:
    reference = ReferenceView()
    qtbot.addWidget(reference)
    reference.resize(1100, 700)
    reference.show()
    qtbot.waitExposed(reference)
    return reference


def test_tables_are_laid_out_as_tables(view: ReferenceView) -> None:
    grids = _tables(view)
    assert [(g.rows(), g.columns()) for g in grids] == [(5, 4), (4, 3), (4, 4)]
    table1, table2, table3 = grids
    assert _cell(table1, 0, 1) == "M Protein Type"
    assert _cell(table1, 1, 0) == "MGUS"
    assert _cell(table2, 0, 2) == "Median Survival (mo)"
    assert _cell(table2, 1, 1) == "Beta-2-microglobulin <3.5 mg/L and albumin ≥3.5 g/dL"
    assert _cell(table2, 2, 1) == "Not R-ISS I or III"
    assert _cell(table2, 3, 2) == "43"
    good = _cell(table3, 1, 1)
    assert good.startswith("Has any of the following cytogenetic findings:")
    assert "Hyperdiploidy" in good and "t(11;14) by FISH" in good
    assert _cell(table3, 3, 3) == "<5 for high-risk; <3 for ultra-high risk [15]"


def test_flattened_cells_are_replaced_not_repeated(view: ReferenceView) -> None:
    plain = view.browser.document().toPlainText()
    assert plain.count("Median Survival (mo)") == 1
    assert plain.count("Solitary lesion of bone; <10% plasma cells in marrow") == 1
    assert plain.count("These patients often have IgA lambda monoclonal gammopathies") == 1
    # the text around the tables is still there
    assert "An International Staging System (ISS) was derived" in plain
    assert "Genetic factors and risk groups" in plain
    assert "Newer clinical investigations are stratifying patients" in plain


def test_errata_are_shown_beside_tables_2_and_3(view: ReferenceView) -> None:
    pytest.importorskip("myeloma_desk.evidence.errata")
    plain = view.browser.document().toPlainText()
    start = plain.index("Table 2. The International")
    after_2 = plain[start : plain.index("Genetic factors and risk groups", start)]
    assert "Erratum in the PDQ text" in after_2
    assert "its rows are the Revised ISS (R-ISS)" in after_2
    after_3 = plain[plain.index("Table 3. Risk Groups") :]
    after_3 = after_3[: after_3.index("References")]
    assert "t(4;14) and t(14;16) under both Intermediate risk" in after_3
    assert "pdq-errata.md" not in plain  # the project's file name is not for the reader
    assert set(view.errata) == {t.number for t in pdq_tables()}
    assert view.errata[2] and view.errata[3]


def test_contents_lead_to_each_table(view: ReferenceView, qtbot: QtBot) -> None:
    model = view.toc_model
    found: dict[str, object] = {}

    def walk(parent: object) -> None:
        for row in range(model.rowCount(parent)):  # type: ignore[arg-type]
            index = model.index(row, 0, parent)  # type: ignore[arg-type]
            if str(index.data()).startswith("Table "):
                found[str(index.data())] = index
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    assert sorted(found) == [
        "Table 1. Clinical Presentation of Plasma Cell Neoplasms",
        "Table 2. The International Staging System (ISS) for Multiple Myeloma",
        "Table 3. Risk Groups for Multiple Myeloma",
    ]
    index = found["Table 2. The International Staging System (ISS) for Multiple Myeloma"]
    assert index.parent().data() == "International staging system"  # type: ignore[attr-defined]
    assert index.data(AnchorRole) == "pdq-table-2"  # type: ignore[attr-defined]
    view.toc.clicked.emit(index)
    qtbot.waitUntil(lambda: view.heading_at_top().startswith("Table 2."))
