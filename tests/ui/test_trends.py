"""The Trends tab as a flowsheet: series from the one trend pipeline, drawn by the one painter
(reports/chart.py) for screen and print, the values table, hover values, and each follow-up's
IMWG response from the course model (re-baselined at each new line)."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import stored_records
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt

import myeloma_desk.ui.widgets.trend_chart as trend_chart_module
from myeloma_desk.course import Course, build_course
from myeloma_desk.reports import chart as report_chart
from myeloma_desk.store import Store
from myeloma_desk.ui.models.trends import trend_data_for
from myeloma_desk.ui.widgets.trend_chart import TrendChart

D = dt.date


def test_one_painter_for_screen_and_print() -> None:
    assert trend_chart_module.draw_panel is report_chart.draw_panel
    assert trend_chart_module.panel_rects is report_chart.panel_rects
    assert not hasattr(trend_chart_module, "_nice_ticks")  # no copied tick code


@pytest.fixture(scope="module")
def relapsed(demo_store: Store) -> Course:
    return build_course(*stored_records(demo_store, "DEMO-0009"))


def test_flowsheet_responses_come_from_the_course(qtbot: QtBot, relapsed: Course) -> None:
    data = trend_data_for(relapsed)
    for visit in relapsed.visits:
        if visit.response is not None and visit.response.category is not None:
            assert data.responses[visit.date] == visit.response.shown()
    # On the third line (Isa-Pd, from 2023-09-26) the response is measured from that line's
    # baseline: the old chart, measuring from the first line's nadir, called this PD.
    assert data.responses[D(2024, 1, 16)].startswith("PR")
    assert data.phases[D(2024, 1, 16)] == "Line 3 (Isa-Pd)"
    # Line markers are the IMWG lines: lenalidomide maintenance belongs to line 1.
    assert [m.tag for m in data.markers] == ["L1", "L2", "L3"]


def test_flowsheet_table_values_units_and_hover(qtbot: QtBot, relapsed: Course) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 700)
    data = trend_data_for(relapsed)
    chart.set_data(data)
    model = chart.flowsheet_model
    titles = list(model.column_titles())
    assert titles[:3] == ["Date", "IMWG response", "Therapy"]
    assert "Serum M-protein (g/dL)" in titles
    column = titles.index("Serum M-protein (g/dL)")
    horizontal = Qt.Orientation.Horizontal
    assert model.headerData(column, horizontal) == "Serum M-protein\n(g/dL)"
    accessible = Qt.ItemDataRole.AccessibleTextRole
    assert model.headerData(column, horizontal, accessible) == "Serum M-protein (g/dL)"
    assert model.rowCount() == len(data.dates())
    column = titles.index("Serum M-protein (g/dL)")
    day = D(2024, 1, 16)
    row = data.dates().index(day)
    expected = next(
        p.value
        for s in data.series
        if s.key == "serum_m_protein"
        for p in s.points
        if p.date == day
    )
    assert model.index(row, column).data() == f"{round(expected, 3):g}"
    assert model.index(row, 1).data() == data.responses[day]
    assert model.index(row, 2).data() == "Line 3 (Isa-Pd)"
    tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("2024-01-16") and "IMWG response: PR" in tip and "g/dL" in tip
    # A value not recorded on a date is a dash, never a zero.
    creat = titles.index("Creatinine (mg/dL)")
    blanks = [model.index(r, creat).data() for r in range(model.rowCount())]
    assert "—" in blanks
    # Hovering on the chart over a point shows the values of that date.
    chart.show()
    qtbot.waitExposed(chart)
    chart.canvas.grab()  # paints, which records where each panel drew
    geometry = chart.canvas.geometries[0]
    x, y = geometry.to_x(day), geometry.to_y(expected)
    text = chart.canvas.hover_text(QPoint(round(x), round(y)))
    assert text.startswith("2024-01-16") and "Serum M-protein" in text
    assert chart.canvas.hover_text(QPoint(1, 1)) == ""


def test_chart_paints_and_describes(qtbot: QtBot, relapsed: Course) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(800, 620)
    assert "No dated values" in chart.describe()
    chart.set_data(trend_data_for(relapsed))
    chart.show()
    qtbot.waitExposed(chart)
    image = chart.canvas.grab().toImage()
    assert not image.isNull()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 3  # something was drawn beyond the background
    text = chart.accessibleDescription()
    serum = relapsed.trends.get("serum_m_protein")
    assert serum is not None
    first = serum.points[0]
    assert f"Serum M-protein: {first.date.isoformat()} {first.value:g} g/dL" in text
    assert "IMWG response: " in text and "2024-01-16 PR (unconfirmed)" in text


def test_trends_tab_reads_the_course_pipeline(relapsed: Course) -> None:
    data = trend_data_for(relapsed)
    assert tuple(data.series) == relapsed.trends.series  # the one pipeline, not a copy
    assert tuple(data.markers) == relapsed.trends.markers


def test_long_therapy_text_wraps_and_the_values_stay_in_view(
    qtbot: QtBot, relapsed: Course
) -> None:
    # "Line 1, between induction and maintenance (VRd → lenalidomide maintenance)" wraps in a
    # capped column at 1280×800 instead of pushing the values out of the table's view.
    from myeloma_desk.ui.widgets.trend_chart import THERAPY_COLUMN, THERAPY_WIDTH

    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(1040, 600)
    data = trend_data_for(relapsed)
    chart.set_data(data)
    chart.show()
    qtbot.waitExposed(chart)
    table = chart.flowsheet
    model = chart.flowsheet_model
    assert table.columnWidth(THERAPY_COLUMN) <= THERAPY_WIDTH
    row = data.dates().index(D(2019, 12, 10))
    assert model.index(row, THERAPY_COLUMN).data().startswith("Line 1, between induction and")
    assert table.rowHeight(row) > table.rowHeight(0)  # wrapped onto more lines
    tip = model.index(row, THERAPY_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "Therapy: Line 1, between induction and maintenance" in tip
    # Every column fits the table's width: no value is scrolled out of view.
    total = sum(table.columnWidth(c) for c in range(model.columnCount()))
    assert total <= table.viewport().width()
