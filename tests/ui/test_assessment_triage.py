"""Assessment panel triage: groups, not-applicable collapsed, the key result large, nothing cut
off, and at a follow-up the response first with the diagnosis carried from the diagnosis visit
(read from the course model, never recomputed from treated labs)."""

from __future__ import annotations

import pytest
from builders import stored_records
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from myeloma_desk.course import Course, build_course
from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.store import Store
from myeloma_desk.ui.models.assessment import (
    GROUP_OF,
    GROUPS,
    SHORT_RESULT,
    RowKindRole,
    short_text,
)
from myeloma_desk.ui.widgets.assessment_panel import AssessmentPanel


@pytest.fixture(scope="module")
def relapsed(demo_store: Store) -> Course:
    return build_course(*stored_records(demo_store, "DEMO-0009"))


def _rows(panel: AssessmentPanel) -> list[tuple[str, str, str]]:
    model = panel.model
    return [
        (
            model.index(r, 0).data(RowKindRole),
            model.index(r, 0).data() or "",
            model.index(r, 2).data() or "",
        )
        for r in range(model.rowCount())
    ]


def test_every_engine_rule_has_a_group() -> None:
    assert {r.id for r in rules()} <= set(GROUP_OF)
    assert [name for name, _ in GROUPS] == [
        "Diagnosis",
        "Stage and risk",
        "Response and course",
        "Kidney and dosing",
        "Fitness and thrombosis",
        "Eligibility",
    ]


def test_groups_in_order_and_not_applicable_collapsed(qtbot: QtBot) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    results = assess(
        parse_snapshot({"age_years": 70, "creatinine": {"value": 1.1, "unit": "mg/dL"}})
    )
    panel.set_results(results.results)
    rows = _rows(panel)
    headings = [text for kind, text, _ in rows if kind == "group"]
    order = [name for name, _ in GROUPS]
    assert headings == sorted(headings, key=order.index)
    assert headings[0] == "Diagnosis"
    # No not-applicable result is a row until expanded; one row says how many there are.
    not_applicable = [r for r in results.results if r.status == "not_applicable"]
    assert not_applicable, "the scenario must have rules that do not apply"
    shown = [text for kind, text, status in rows if kind == "result"]
    assert all(r.title not in shown for r in not_applicable)
    collapsed = [text for kind, text, _ in rows if kind == "collapsed"]
    assert collapsed == [f"▸ Not applicable: {len(not_applicable)} rules (show)"]
    row = next(i for i, r in enumerate(rows) if r[0] == "collapsed")
    panel._on_click(panel.model.index(row, 0))  # a click on the row expands it
    expanded = [text for kind, text, _ in _rows(panel) if kind == "result"]
    assert all(r.title in expanded for r in not_applicable)
    # Group headings span the table and cannot be selected.
    heading_row = next(i for i, r in enumerate(_rows(panel)) if r[0] == "group")
    assert panel.table.columnSpan(heading_row, 0) == panel.model.columnCount()
    assert not panel.model.flags(panel.model.index(heading_row, 0)) & (Qt.ItemFlag.ItemIsSelectable)
    # The first selected row is a result, never a heading.
    assert panel.current_result() is not None


def test_selecting_a_collapsed_rule_expands_it(qtbot: QtBot) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    results = assess(parse_snapshot({"age_years": 70})).results
    rule = next(r.rule for r in results if r.status == "not_applicable")
    panel.set_results(results)
    assert panel.model.row_of(rule) == -1
    assert panel.select_rule(rule)
    assert panel.current_result() is not None and panel.current_result().rule == rule


def test_key_result_at_the_diagnosis_visit(qtbot: QtBot, relapsed: Course) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    visit = relapsed.diagnosis_visit
    assert visit is not None
    panel.set_course(relapsed)
    panel.set_results(visit.assessment.results, visit.date)
    key = panel.key.text()
    assert "Active multiple myeloma" in key
    stage = visit.assessment.get("r_iss")
    if stage.status == "determined":
        assert f"R-ISS {stage.result}" in key
    assert _rows(panel)[0][1] == "Diagnosis"
    # At the diagnosis visit nothing is carried: the visit's own status is shown.
    assert not any("From the visit" in status for _k, _t, status in _rows(panel))


def test_follow_up_leads_with_response_and_carries_the_diagnosis(
    qtbot: QtBot, relapsed: Course
) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    dx = relapsed.diagnosis_visit
    latest = relapsed.latest
    assert dx is not None and latest is not None and latest.date > dx.date
    panel.set_course(relapsed)
    panel.set_results(latest.assessment.results, latest.date)
    rows = _rows(panel)
    headings = [text for kind, text, _ in rows if kind == "group"]
    assert headings[0] == "Response and course"
    assert headings[-1] == "Diagnosis (from the diagnosis visit)"
    assert headings.index("Kidney and dosing") < headings.index(
        "Stage and risk (from the diagnosis visit)"
    )
    # The diagnosis row is the diagnosis visit's, dated; not the follow-up's re-derivation.
    row = panel.model.row_of("diagnosis")
    assert panel.model.index(row, 1).data() == "Active multiple myeloma"
    assert panel.model.index(row, 2).data() == f"From the visit of {dx.date.isoformat()}"
    assert panel.select_rule("diagnosis")
    assert "not recomputed" in panel.detail.toPlainText()
    # The key result is the response with its confirmation, and the established diagnosis.
    key = panel.key.text()
    assert latest.response is not None
    assert f"Response: {latest.response.shown()}" in key
    assert relapsed.diagnosis.shown() in key
    # Without a course (no patient) nothing is carried.
    panel.set_course(None)
    assert _rows(panel)[0][1] == "Diagnosis"


def test_a_callable_course_follows_the_current_record(qtbot: QtBot, relapsed: Course) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    holder: list[Course | None] = [relapsed]
    panel.set_course(lambda: holder[0])
    latest = relapsed.latest
    assert latest is not None
    panel.set_results(latest.assessment.results, latest.date)
    assert panel.model.follow_up
    holder[0] = None
    panel.set_results(latest.assessment.results, latest.date)
    assert not panel.model.follow_up


def test_no_rule_name_is_cut_off_at_1280x800(qtbot: QtBot) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    panel.resize(520, 700)  # the panel's share of the visit form at 1280×800
    panel.show()
    qtbot.waitExposed(panel)
    results = assess(parse_snapshot({"age_years": 70})).results
    panel.set_results(results)
    panel.show_not_applicable(True)
    qtbot.wait(20)  # the deferred row sizing after layout
    table = panel.table
    assert table.wordWrap() and not table.isColumnHidden(0) and not table.isColumnHidden(1)
    line = table.fontMetrics().height()
    wrapped = 0
    for row in range(panel.model.rowCount()):
        if panel.model.index(row, 0).data(RowKindRole) != "result":
            continue
        # Every row is as tall as its wrapped text needs (nothing elided by the view).
        assert table.rowHeight(row) >= table.sizeHintForRow(row)
        wrapped += table.rowHeight(row) > 1.5 * line
        for column in (0, 1):
            text = panel.model.index(row, column).data()
            tip = panel.model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            # A long result is cut at a word with "…"; its tooltip holds it whole.
            assert tip == text or (text.endswith(" …") and tip.startswith(text[:-2]))
    assert wrapped > 0  # long names wrap onto a second line instead of being cut off


def test_long_results_are_cut_with_the_whole_in_the_tooltip() -> None:
    text = "line 1 (VRd), progression-free 38.7 months, " * 5
    cut = short_text(text)
    assert cut.endswith(" …") and len(cut) <= SHORT_RESULT + 2
    assert text.startswith(cut[:-2])
    assert short_text("PR") == "PR"
