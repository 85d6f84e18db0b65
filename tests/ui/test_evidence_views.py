"""Regimens and Evidence sections over the bundled evidence database."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

pytest.importorskip("myeloma_desk.evidence.loader", reason="the evidence database is not built")

from ui_helpers import OpenWindow, section_ready

from myeloma_desk.evidence.loader import load
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.models.evidence import (
    RecordFilterProxy,
    RecordRole,
    finding_model,
    regimen_model,
    regimen_rows,
    trial_model,
)
from myeloma_desk.ui.views.evidence_view import EvidenceView
from myeloma_desk.ui.views.regimens_view import RegimensView

pytestmark = pytest.mark.window_size(1300, 850)


def test_evidence_models_pass_qtmodeltester(qtmodeltester: ModelTester) -> None:
    ev = load()
    regimens = regimen_model()
    regimens.set_records(regimen_rows(ev))
    for model in (regimens, finding_model(ev), trial_model(ev)):
        qtmodeltester.check(model)
        proxy = RecordFilterProxy()
        proxy.setSourceModel(model)
        proxy.set_text("dara")
        qtmodeltester.check(proxy)


def _shown(view: RegimensView) -> set[str]:
    return {
        view.proxy.index(r, 0).data(RecordRole).regimen.abbreviation
        for r in range(view.proxy.rowCount())
    }


def test_regimen_filters(window: MainWindow, qtbot: QtBot) -> None:
    view = section_ready(window, qtbot, "regimens", RegimensView)
    total = view.model.rowCount()
    assert total == len(load().db.regimens)
    view.renal.setChecked(True)
    renal = _shown(view)
    assert {"VRd", "CyBorD", "Rd"} <= renal
    assert all(
        view.model.record(r).regimen.renal_notes
        or view.model.record(r).regimen.abbreviation not in renal
        for r in range(total)
    )
    view.renal.setChecked(False)
    view.drug_class.setCurrentIndex(view.drug_class.findText("Anti-CD38 antibody"))
    anti_cd38 = _shown(view)
    assert anti_cd38 and all(
        any(d in ("daratumumab", "isatuximab") for d in view.model.record(r).regimen.components)
        for r in range(total)
        if view.model.record(r).regimen.abbreviation in anti_cd38
    )
    view.drug_class.setCurrentIndex(0)
    view.setting.setCurrentIndex(view.setting.findText("Relapsed or refractory"))
    relapsed = _shown(view)
    assert "Kd" in relapsed and "VRd" not in relapsed
    view.setting.setCurrentIndex(0)
    view.transplant.setCurrentIndex(view.transplant.findText("ineligible"))
    assert "Rd" in _shown(view)
    view.transplant.setCurrentIndex(0)
    view.component.setCurrentIndex(view.component.findText("carfilzomib"))
    assert "Kd" in _shown(view) and all(
        "carfilzomib" in view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())
    )
    view.component.setCurrentIndex(0)
    view.level.setCurrentIndex(view.level.findText("A1"))
    assert all(
        "A1" in view.proxy.index(r, 0).data(RecordRole).levels for r in range(view.proxy.rowCount())
    )
    view.level.setCurrentIndex(0)
    view.search.setText("pomalidomide")
    view.apply_filters()
    assert _shown(view) and all(
        "pomalidomide" in view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())
    )
    assert view.count.text().endswith(f"of {total} regimens shown")


def test_regimen_detail_has_components_dosing_trials_references(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = section_ready(window, qtbot, "regimens", RegimensView)
    assert view.select_regimen("vrd")
    text = view.detail.toPlainText()
    assert "bortezomib (Proteasome inhibitor" in text
    assert "Definition" in text and "VRd: bortezomib + lenalidomide + dexamethasone" in text
    assert "Dosing and renal notes" in text and "creatinine clearance" in text.lower()
    assert "References" in text


def test_evidence_findings_trials_levels(window: MainWindow, qtbot: QtBot) -> None:
    view = section_ready(window, qtbot, "evidence", EvidenceView)
    ev = load()
    assert view.finding_proxy.rowCount() == len(ev.db.findings)
    view.finding_level.setCurrentIndex(view.finding_level.findText("A1"))
    a1 = [f for f in ev.db.findings if f.level_of_evidence == "A1"]
    assert view.finding_proxy.rowCount() == len(a1)
    view.findings.selectRow(0)
    shown = view.finding_proxy.index(0, 0).data(RecordRole)
    text = view.finding_detail.toPlainText()
    assert "Level of evidence A1" in text
    assert shown.sentences[-1][:60] in text.replace("\n", " ")  # the sentence, verbatim
    trial = next(t for t in ev.db.trials if t.name)
    assert view.select_trial(trial.id)
    assert view.tabs.currentIndex() == 1
    assert (trial.name or "") in view.trial_detail.toPlainText()
    levels = view.levels.toPlainText()
    assert ev.db.levels.title in levels and "A1" in levels


def test_evidence_search_runs_in_background(window: MainWindow, qtbot: QtBot) -> None:
    view = section_ready(window, qtbot, "evidence", EvidenceView)
    view.tabs.setCurrentIndex(2)
    view.query.setText("daratumumab")
    qtbot.waitUntil(lambda: view.hit_count() > 0, timeout=5000)
    assert "daratumumab" in view.hits.item(0).text().lower()
    view.query.setText("zzzz-no-such-term")
    qtbot.waitUntil(lambda: view.hit_count() == 0, timeout=5000)


def test_source_link_from_calculator_opens_evidence(window: MainWindow, qtbot: QtBot) -> None:
    calculators = window.show_section_key("calculators")
    calc = calculators.open("iss")  # type: ignore[attr-defined]
    assert calc.panel.evidence_links
    calc.panel.open_link("evidence:source%3AGreipp%202005%20J%20Clin%20Oncol")
    view = window.current_page()
    assert isinstance(view, EvidenceView)
    qtbot.waitUntil(view.ready, timeout=10_000)
    qtbot.waitUntil(lambda: "Greipp" in view.hit_detail.toPlainText(), timeout=5000)
    assert view.tabs.currentIndex() == 2


def test_regimens_without_patient_visits_say_so(window: MainWindow, qtbot: QtBot) -> None:
    pytest.importorskip("myeloma_desk.store.repository")
    patients = window.show_section_key("patients")
    patients.new_patient()  # type: ignore[attr-defined]
    patients.editor.name.setText("Novisits, Nora")  # type: ignore[attr-defined]
    patient_id = patients.editor.save()  # type: ignore[attr-defined]
    view = section_ready(window, qtbot, "regimens", RegimensView)
    assert not view.show_patient_options(patient_id)
    assert "No visit is recorded yet" in view.options.toPlainText()
    view.clear_options()
    assert not view.options_box.isVisibleTo(view)


def test_context_caches_the_database(window: MainWindow, qtbot: QtBot) -> None:
    section_ready(window, qtbot, "regimens", RegimensView)
    context: AppContext = window.context
    assert context.evidence is load()


def test_options_for_the_visit_being_typed(window: MainWindow, qtbot: QtBot) -> None:
    from myeloma_desk.ui.views.visit_form import AssessView

    assess = window.show_section_key("assess")
    assert isinstance(assess, AssessView)
    assess.form.set_data(
        {
            "date": "2025-03-01",
            "age_years": 82,
            "serum_m_protein": {"value": 3.4, "unit": "g/dL"},
            "m_protein_heavy_chain": "IgG",
            "bone_marrow_plasma_cells_percent": 40,
            "hemoglobin": {"value": 8.9, "unit": "g/dL"},
        }
    )
    regimens = assess.open_options()
    assert isinstance(regimens, RegimensView) and window.current_page() is regimens
    qtbot.waitUntil(regimens.ready, timeout=10_000)
    assert regimens.options_box.isVisibleTo(regimens)
    assert "Options described in the PDQ" in regimens.options.toPlainText()
    assert "Options for this visit" in regimens.options_title.text()


def test_opening_regimens_does_not_widen_the_window(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1280, 800)
    qtbot.wait(20)
    before = window.width()
    view = section_ready(window, qtbot, "regimens", RegimensView)
    qtbot.wait(20)
    assert window.width() == before == 1280
    # The section fits beside the section list, and no cell is wider than its cap: long
    # component lists wrap, the tooltip holds them whole.
    assert view.minimumSizeHint().width() <= 1280 - 200
    table = view.table
    assert table.wordWrap()
    assert all(table.columnWidth(c) <= 260 for c in range(table.model().columnCount() - 1))
    index = table.model().index(0, 1)
    from PySide6.QtCore import Qt

    assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data()


def _column(view: EvidenceView, title: str) -> int:
    model = view.finding_proxy
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return titles.index(title)


def test_findings_show_kind_landmark_other_end_points_and_nci_level(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    """Issue 15: the browser shows each finding's kind, landmark, other end points and level
    with NCI's definition; at 1280×800 the findings table never scrolls sideways."""
    from myeloma_desk.evidence.kinds import KINDS, result_kind
    from myeloma_desk.evidence.levels import describe
    from myeloma_desk.ui.models.evidence import FINDING_COLUMNS

    win = open_window(size=(1280, 800))
    view = section_ready(win, qtbot, "evidence", EvidenceView)
    ev = load()
    qtbot.waitExposed(view.findings)
    proxy = view.finding_proxy
    assert (
        tuple(proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount()))
        == FINDING_COLUMNS
    )
    # the table fits its pane: no horizontal scroll bar, the sentence column elided instead
    bar = view.findings.horizontalScrollBar()
    assert bar.maximum() == 0 and not bar.isVisible()
    widths = sum(view.findings.columnWidth(c) for c in range(proxy.columnCount()))
    assert widths <= view.findings.viewport().width()

    level_col, kind_col = _column(view, "Level"), _column(view, "Kind")
    end_col, sentence_col = _column(view, "End point"), _column(view, "Finding (source sentence)")
    rows = {proxy.index(r, 0).data(RecordRole).id: r for r in range(proxy.rowCount())}
    kinds = set()
    for finding in ev.db.findings:
        row = rows[finding.id]
        trial = ev.trials.get(finding.trial or "")
        kind = proxy.index(row, kind_col).data()
        assert kind == result_kind(finding, trial) and kind in KINDS
        kinds.add(kind)
        tip = proxy.index(row, level_col).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(describe(finding.level_of_evidence))
        if finding.level_of_evidence:
            assert "(NCI)" in tip and "cancer.gov" in tip
        if finding.landmark:
            assert finding.landmark in proxy.index(row, end_col).data()
        full = proxy.index(row, sentence_col).data(Qt.ItemDataRole.ToolTipRole)
        assert full == " ".join(finding.sentences)  # the elided cell's whole text
    assert {"Comparative", "Single-arm", "Toxicity"} <= kinds

    # the details pane: kind, landmark, other end points and NCI's definition of the level
    finding = next(f for f in ev.db.findings if f.other_end_points and f.level_of_evidence)
    assert view.select_finding(finding.id)
    text = view.finding_detail.toPlainText()
    assert result_kind(finding, ev.trials.get(finding.trial or "")) in text
    assert "Other end points" in text
    for other in finding.other_end_points:
        assert other.endpoint in text
    assert describe(finding.level_of_evidence) in text.replace("\n", " ")
    with_landmark = next(f for f in ev.db.findings if f.landmark)
    assert view.select_finding(with_landmark.id)
    assert f"landmark: {with_landmark.landmark}" in view.finding_detail.toPlainText()
    win.close()


def test_trial_details_name_regimens_by_abbreviation(window: MainWindow, qtbot: QtBot) -> None:
    view = section_ready(window, qtbot, "evidence", EvidenceView)
    maia = load().trials["nct02252172"]
    assert view.select_trial(maia.id)
    text = view.trial_detail.toPlainText()
    assert "supports: DRd" in text and "comparator (the arm it went against): Rd" in text
    assert "drd" not in text.split()


def test_regimen_and_trial_tables_fit_at_1280x800(qtbot: QtBot, open_window: OpenWindow) -> None:
    """No sideways scrolling in the Regimens table or the Trials table at 1280×800; the
    regimen columns not shown (classes, renal, transplant) still answer the text filter."""
    win = open_window(size=(1280, 800))
    regimens = section_ready(win, qtbot, "regimens", RegimensView)
    qtbot.waitExposed(regimens.table)
    table = regimens.table
    assert table.horizontalScrollBar().maximum() == 0
    shown = [c for c in range(regimens.model.columnCount()) if not table.isColumnHidden(c)]
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
    titles = regimens.model.column_titles()
    assert [titles[c] for c in shown] == ["Regimen", "Components", "Settings", "Levels of evidence"]
    regimens.search.setText("proteasome inhibitor")  # a drug class: a hidden column
    regimens.apply_filters()
    found = _shown(regimens)
    assert {"VRd", "Kd", "IRd"} <= found and "DRd" not in found
    regimens.search.clear()
    regimens.apply_filters()
    assert "Transplant eligibility" in regimens.detail.toPlainText()  # what the table leaves out

    evidence = section_ready(win, qtbot, "evidence", EvidenceView)
    evidence.tabs.setCurrentIndex(1)
    qtbot.waitExposed(evidence.trials)
    trials = evidence.trials
    assert trials.horizontalScrollBar().maximum() == 0
    columns = range(evidence.trial_proxy.columnCount())
    assert sum(trials.columnWidth(c) for c in columns) <= trials.viewport().width()
    win.close()


def test_a_finding_without_a_level_reads_not_graded(window: MainWindow, qtbot: QtBot) -> None:
    """A finding the PDQ reports without a level marker is "not graded" in the table (never
    "none", which reads as a level called none), its tooltip and details say the PDQ gives no
    level, the Level filter finds exactly those findings, and its quote names the PDQ section
    by its title, not the database's key."""
    from myeloma_desk.evidence.levels import describe
    from myeloma_desk.ui.models.evidence import NOT_GRADED

    view = section_ready(window, qtbot, "evidence", EvidenceView)
    ev = load()
    proxy = view.finding_proxy
    ungraded = [f for f in ev.db.findings if f.level_of_evidence is None]
    assert ungraded
    rows = {proxy.index(r, 0).data(RecordRole).id: r for r in range(proxy.rowCount())}
    for finding in ungraded:
        cell = proxy.index(rows[finding.id], 0)
        assert cell.data() == NOT_GRADED
        assert cell.data(Qt.ItemDataRole.ToolTipRole) == describe(None)
        assert "without" in describe(None)
    view.finding_level.setCurrentIndex(view.finding_level.findText("Not graded"))
    shown = {proxy.index(r, 0).data(RecordRole).id for r in range(proxy.rowCount())}
    assert shown == {f.id for f in ungraded}
    view.finding_level.setCurrentIndex(0)
    assert proxy.rowCount() == len(ev.db.findings)
    finding = ungraded[0]
    assert view.select_finding(finding.id)
    text = view.finding_detail.toPlainText()
    assert "not graded (the PDQ gives no level for this finding)" in text
    section = next(s for s in ev.db.sections if s.id == finding.section)
    assert f"PDQ, {section.title}" in text
    assert f"PDQ, {finding.section} ›" not in text
    cited = next(f for f in ev.db.findings if f.references)
    assert view.select_finding(cited.id)
    html = view.finding_detail.toHtml()
    assert "<ol" not in html  # no list index beside the reference's own number
    number = cited.references[0]
    assert f"[{number}] {ev.references[(cited.section, number)].citation}" in (
        view.finding_detail.toPlainText().replace("\n", " ")
    )
    # the regimen table says the same for a regimen none of whose findings has a level
    regimens = section_ready(window, qtbot, "regimens", RegimensView)
    levels = {regimens.proxy.index(r, 4).data() for r in range(regimens.proxy.rowCount())}
    assert NOT_GRADED in levels and "none marked" not in levels


def test_search_matches_are_bold_and_citations_stay_as_printed() -> None:
    """The search index brackets the words it matched, as the PDQ brackets its citations: a
    match is shown bold without brackets ("[Bortezomib]" would read as a citation), a
    citation ("[65]") stays as printed."""
    from myeloma_desk.ui.views.evidence_view import snippet_html, snippet_parts, snippet_text

    snippet = " … 64] [Bortezomib] is also preferred for patients with [renal] impairment.[65]"
    assert snippet_parts(snippet, "bortezomib renal") == [
        (" … 64] ", False),
        ("Bortezomib", True),
        (" is also preferred for patients with ", False),
        ("renal", True),
        (" impairment.[65]", False),
    ]
    assert snippet_text(snippet, "bortezomib renal") == (
        " … 64] Bortezomib is also preferred for patients with renal impairment.[65]"
    )
    html = snippet_html("[Lenalidomide] <b>x</b> [12]", "lenalidomide")
    assert html == "<b>Lenalidomide</b> &lt;b&gt;x&lt;/b&gt; [12]"  # the text itself escaped
    assert snippet_parts("[12] and [13]", "lenalidomide") == [("[12] and [13]", False)]


def test_notes_on_the_pdq_text_leave_out_the_project_files(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A note's pointer to the curators' files ("(pdq-errata.md)", "(levels-of-evidence.md)")
    is not shown: every finding's and trial's details and every regimen's notes read without
    it, and what the note says is kept."""
    from myeloma_desk.ui.widgets.text import reader_note

    assert reader_note("PDQ typo: 'melanoma' should read 'myeloma' (pdq-errata.md).") == (
        "PDQ typo: 'melanoma' should read 'myeloma'."
    )
    assert reader_note("placed in the relapsed section (pdq-errata.md: FIRST, E4A03).") == (
        "placed in the relapsed section (FIRST, E4A03)."
    )
    assert reader_note("is A2 (levels-of-evidence.md). The code") == "is A2. The code"
    view = section_ready(window, qtbot, "evidence", EvidenceView)
    ev = load()
    noted = [f for f in ev.db.findings if any(".md" in n for n in f.errata)]
    assert noted  # the database has such notes today
    for finding in noted:
        assert view.select_finding(finding.id)
        text = view.finding_detail.toPlainText()
        assert "Note on the PDQ text" in text and ".md" not in text, finding.id
    for trial in (t for t in ev.db.trials if any(".md" in n for n in t.errata)):
        assert view.select_trial(trial.id)
        assert ".md" not in view.trial_detail.toPlainText(), trial.id
    regimens = section_ready(window, qtbot, "regimens", RegimensView)
    for row in range(regimens.proxy.rowCount()):
        regimens.table.selectRow(row)
        assert ".md" not in regimens.detail.toPlainText()
