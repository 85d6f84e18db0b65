"""The assessment panel: its model (checked with qtmodeltester), explanations and links."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from myeloma_desk.domain.display import words
from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.results import PDQ, Criterion, RuleResult
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.ui.models.assessment import AssessmentModel, ResultRole, result_text
from myeloma_desk.ui.widgets.assessment_panel import AssessmentPanel, explanation_html
from myeloma_desk.ui.widgets.links import parse_href, source_href


def _iss(b2m: float | None, albumin: float | None) -> RuleResult:
    data: dict[str, object] = {}
    if b2m is not None:
        data["beta2_microglobulin"] = {"value": b2m, "unit": "mg/L"}
    if albumin is not None:
        data["albumin"] = {"value": albumin, "unit": "g/dL"}
    return assess(parse_snapshot(data), rule_ids=["iss"]).results[0]


def _fake(rule: str, status: str, result: object = None) -> RuleResult:
    return RuleResult.model_validate(
        {"rule": rule, "title": rule.upper(), "status": status, "result": result}
    )


def test_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = AssessmentModel([_iss(4.0, None), _iss(None, None), _fake("x", "not_applicable")])
    qtmodeltester.check(model)
    model.set_results([_iss(2.0, 4.0)])  # fewer rows: reset
    qtmodeltester.check(model)
    model.set_results([_iss(6.0, 4.0)])  # same rules: cells change
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Stage and risk"  # the group heading
    assert model.index(1, 1).data() == "III"
    model.set_show_not_applicable(True)
    qtmodeltester.check(model)


def test_model_columns_show_result_status_and_missing() -> None:
    model = AssessmentModel([_iss(4.0, None), _iss(None, None)], grouped=False)
    assert [model.index(0, c).data() for c in range(4)] == [
        "International Staging System (ISS)",
        "II",
        "Determined",
        "Albumin",
    ]
    assert model.index(1, 1).data() == "—"
    assert model.index(1, 2).data() == "Cannot be determined"
    assert model.index(1, 3).data() == "β2-microglobulin, Albumin"
    assert isinstance(model.index(0, 0).data(ResultRole), RuleResult)


def test_result_text_units_and_words() -> None:
    assert result_text(_fake("egfr_ckd_epi_2021", "determined", 58.3)) == "58.3 mL/min/1.73m²"
    assert result_text(_fake("diagnosis", "determined", "non_igm_mgus")) == "Non-IgM MGUS"
    assert result_text(_fake("myeloma_defining_events", "determined", [])) == "none"
    assert result_text(_fake("r", "not_applicable")) == "n/a"
    assert result_text(_fake("response_imwg", "determined", "VGPR")) == "VGPR"
    assert words("VGPR") == "VGPR" and words("t(4;14)") == "t(4;14)"


def test_explanation_lists_criteria_missing_and_sources() -> None:
    text = explanation_html(_iss(3.0, None))
    assert "✓ met: β2-microglobulin &lt; 3.5 mg/L (stage I) — 3 mg/L" in text
    assert "? unknown: albumin ≥ 3.5 g/dL (stage I)" in text
    assert 'href="field:albumin"' in text
    assert "Greipp PR, San Miguel J" in text  # full citation
    assert 'href="reference:international-staging-system"' in text
    # without the evidence database a non-PDQ source is not a link
    assert "evidence:" not in text
    assert "evidence:" in explanation_html(_iss(3.0, None), evidence_links=True)


def test_links_parse_and_route() -> None:
    assert source_href(PDQ.label, "iss", False) == "reference:international-staging-system"
    assert source_href(PDQ.label, "unknown_rule", False) == "reference:"
    assert source_href("Greipp 2005 J Clin Oncol", "iss", False) is None
    href = source_href("Greipp 2005 J Clin Oncol", "iss", True)
    assert href is not None
    assert parse_href(href) == ("evidence", "source:Greipp 2005 J Clin Oncol")
    assert parse_href("http://example.org") is None


def test_panel_keeps_selection_and_emits_links(qtbot: QtBot) -> None:
    panel = AssessmentPanel("Test")
    qtbot.addWidget(panel)
    two = [_iss(4.0, None), _fake("other", "not_applicable")]
    panel.set_results(two)
    assert panel.current_result() is not None and panel.current_result().rule == "iss"
    assert panel.select_rule("other")
    panel.set_results([_iss(6.0, None), _fake("other", "not_applicable")])
    assert panel.current_result().rule == "other"  # kept across a live update
    assert "Not applicable" in panel.detail.toPlainText()
    panel.select_rule("iss")
    assert "III" in panel.detail.toPlainText()
    with qtbot.waitSignal(panel.navigate_requested) as blocker:
        panel.open_link("reference:international-staging-system")
    assert blocker.args == ["reference", "international-staging-system"]
    with qtbot.waitSignal(panel.field_requested) as blocker:
        panel.open_link("field:albumin")
    assert blocker.args == ["albumin"]


def test_criterion_marks_are_not_colour_only() -> None:
    result = RuleResult(
        rule="r",
        title="R",
        status="determined",
        result="x",
        criteria=[Criterion(name="a", met=True), Criterion(name="b", met=False)],
    )
    text = explanation_html(result)
    assert "✓ met: a" in text and "✗ not met: b" in text
