"""At 1280×800 nothing a clinician needs is hidden: the patient list's columns fit the table
(the status column is never cut; a long name, diagnosis or line is elided with its whole text
as tooltip) and every group of the visit form is reachable without scroll arrows."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QTabWidget, QToolButton, QToolTip

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import VISIT_GROUPS, AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

pytestmark = pytest.mark.window_size(1280, 800)


def _patients(window: MainWindow, qtbot: QtBot) -> PatientsView:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    qtbot.waitUntil(view.summaries_settled, timeout=30_000)
    QApplication.processEvents()
    view.columns.fit()
    return view


def test_patient_list_columns_fit_the_table_at_1280x800(window: MainWindow, qtbot: QtBot) -> None:
    view = _patients(window, qtbot)
    table = view.table
    header = table.horizontalHeader()
    assert table.width() < 1280
    # every column inside the viewport: nothing scrolls sideways, Status is whole
    assert header.length() <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    last = view.model.columnCount() - 1
    assert view.model.headerData(last, header.orientation()) == "Status"
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= (
        table.viewport().width()
    )
    for row in range(view.model.rowCount()):
        for column in (2, 3, 7, 8, 9):  # dates, sex, visits, status: never elided
            assert not view.columns.cut_text(row, column), (row, column)
    for column in range(view.model.columnCount()):  # no title is cut
        title = str(view.model.headerData(column, header.orientation()))
        assert header.fontMetrics().horizontalAdvance(title) < header.sectionSize(column)
    # the widest text columns give way first, to one common cap: a column with a cut cell is
    # never narrower than one whose cells are all whole, so the demo names stay whole while
    # the longest diagnosis is elided
    rows = range(view.model.rowCount())
    cut = {c for c in view.columns.wide if any(view.columns.cut_text(r, c) for r in rows)}
    whole = set(view.columns.wide) - cut
    assert len({table.columnWidth(c) for c in cut}) <= 1
    if cut:
        cap = table.columnWidth(next(iter(cut)))
        assert all(table.columnWidth(c) <= cap for c in whole)
    assert 0 in whole  # every demo name whole at 1280×800


def test_the_widest_columns_give_way_first() -> None:
    from myeloma_desk.ui.widgets.columns import capped

    # the patient list at 1280×800 (offscreen fonts): only the diagnosis column is cut
    natural = {0: 160, 1: 86, 4: 195, 5: 156, 6: 118}
    floors = {0: 70, 1: 85, 4: 100, 5: 110, 6: 115}
    assert capped(natural, floors, 693) == {0: 160, 1: 86, 4: 173, 5: 156, 6: 118}
    # exactly: the two longest share the cut, the short ones keep their text
    assert capped({0: 160, 4: 195, 6: 118}, {}, 433) == {0: 157, 4: 157, 6: 118}
    assert capped({0: 160, 4: 195, 6: 118}, {}, 473) == {0: 160, 4: 195, 6: 118}
    # a floor (the column's title) is kept; the others share what is left
    assert capped({0: 300, 1: 300}, {0: 50, 1: 200}, 300) == {0: 100, 1: 200}
    # narrower than every title: each at its title (the table then scrolls)
    assert capped({0: 300, 1: 300}, {0: 120, 1: 200}, 100) == {0: 120, 1: 200}


def test_an_elided_cell_has_its_whole_text_as_tooltip(window: MainWindow, qtbot: QtBot) -> None:
    view = _patients(window, qtbot)
    table = view.table
    table.setColumnWidth(4, 60)  # the diagnosis column made narrow by hand
    row = next(r for r in range(view.model.rowCount()) if view.columns.cut_text(r, 4))
    text = view.model.index(row, 4).data()
    rect = table.visualRect(view.model.index(row, 4))
    pos = rect.center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, table.viewport().mapToGlobal(pos))
    QApplication.sendEvent(table.viewport(), event)
    assert QToolTip.text() == text


def _tabs_in_sight(tabs: QTabWidget) -> None:
    bar = tabs.tabBar()
    assert not any(b.isVisible() for b in bar.findChildren(QToolButton))  # no scroll arrows
    assert bar.width() <= tabs.width()
    for index in range(tabs.count()):
        rect = bar.tabRect(index)
        assert rect.left() >= 0 and rect.right() <= bar.width(), tabs.tabText(index)


def test_every_visit_form_group_is_in_sight_at_1280x800(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_section_key("assess")
    assert isinstance(view, AssessView)
    QApplication.processEvents()
    tabs = view.form.tabs
    assert tabs is not None and tabs.count() == len(VISIT_GROUPS)
    _tabs_in_sight(tabs)
    bar = tabs.tabBar()
    for index in range(tabs.count()):  # every title whole, not elided
        text = tabs.tabText(index).replace("&&", "&")
        assert bar.fontMetrics().horizontalAdvance(text) < bar.tabRect(index).width(), text
    # the full group names are the tooltips and the pages' accessible names
    full = [title.replace("&&", "&") for title, _ in VISIT_GROUPS]
    assert [tabs.tabToolTip(i) for i in range(tabs.count())] == full
    assert "Symptoms & fitness" in full and tabs.tabText(full.index("Symptoms & fitness")) == (
        "Fitness"
    )
    assert [tabs.widget(i).widget().accessibleName() for i in range(tabs.count())] == full
    # Alt-free keyboard path: the group bar's arrow keys reach the last group
    bar.setFocus()
    for _ in range(tabs.count()):
        qtbot.keyClick(bar, Qt.Key.Key_Right)
    assert tabs.currentIndex() == tabs.count() - 1


def test_groups_stay_in_sight_with_messages_on_their_tabs(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_section_key("assess")
    assert isinstance(view, AssessView)
    form = view.form
    # a bad value in four groups: each tab carries its warning count and stays in sight
    for path in ("weight", "creatinine", "bone_marrow_plasma_cells_percent", "nt_probnp"):
        editor = form.editor(path)
        assert isinstance(editor, QuantityEditor), path
        editor.edit.setText("-5")
    view.update_assessment()
    QApplication.processEvents()
    tabs = form.tabs
    assert tabs is not None
    warned = [i for i in range(tabs.count()) if "⚠" in tabs.tabText(i)]
    assert len(warned) >= 3, [tabs.tabText(i) for i in range(tabs.count())]
    _tabs_in_sight(tabs)
    assert "need attention" in tabs.tabToolTip(warned[0])


def test_a_message_on_a_field_elides_no_group_title(qtbot: QtBot) -> None:
    """The visit form is never narrower than its group bar with a warning count on two
    groups ("Visit ⚠1", "Labs ⚠1"): at that narrowest, every title is still whole (a single
    count used to elide them all at 1280×800 under X: "Visit …", "La…", "Marr…")."""
    from myeloma_desk.ui.views.visit_form import VISIT_TAB_TITLES
    from myeloma_desk.ui.widgets.fields import SnapshotForm

    form = SnapshotForm(VISIT_GROUPS, tabs=True, tab_titles=VISIT_TAB_TITLES)
    qtbot.addWidget(form)
    tabs = form.tabs
    assert tabs is not None
    form.resize(form.minimumSizeHint().width(), 700)  # as narrow as the form may become
    form.show()
    qtbot.waitExposed(form)
    bar = tabs.tabBar()
    for path in ("weight", "creatinine"):  # the Visit and Labs groups
        editor = form.editor(path)
        assert isinstance(editor, QuantityEditor)
        editor.edit.setText("-5")
        form.read()
        QApplication.processEvents()
        _tabs_in_sight(tabs)
        for index in range(tabs.count()):
            text = tabs.tabText(index).replace("&&", "&")
            assert bar.fontMetrics().horizontalAdvance(text) < bar.tabRect(index).width(), text
    assert [i for i in range(tabs.count()) if "⚠" in tabs.tabText(i)] == [0, 1]
    # whatever the fonts: the bar is never allowed narrower than its titles with the counts
    assert tabs.minimumWidth() >= sum(bar.tabSizeHint(i).width() for i in range(tabs.count()))


def test_a_list_narrower_than_its_titles_scrolls_instead_of_cutting(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = _patients(window, qtbot)
    window.resize(640, 800)  # narrower than every title together: nothing may be hidden
    QApplication.processEvents()
    view.columns.fit()
    QApplication.processEvents()
    header = view.table.horizontalHeader()
    assert header.length() > view.table.viewport().width()  # the titles need more room
    assert view.table.horizontalScrollBar().maximum() > 0  # so the table scrolls to them
    for column in range(view.model.columnCount()):
        title = str(view.model.headerData(column, header.orientation()))
        assert header.fontMetrics().horizontalAdvance(title) < header.sectionSize(column)


def test_the_findings_level_column_reads_whole_at_1280x800(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The Level column is as wide as its longest label ("not graded" for a finding the PDQ
    gives no level), and the findings table still never scrolls sideways."""
    from PySide6.QtWidgets import QStyle

    from myeloma_desk.evidence.loader import load
    from myeloma_desk.ui.models.evidence import NOT_GRADED
    from myeloma_desk.ui.views.evidence_view import EvidenceView

    view = window.show_section_key("evidence")
    assert isinstance(view, EvidenceView)
    qtbot.waitUntil(view.ready, timeout=15_000)
    qtbot.waitExposed(view.findings)
    QApplication.processEvents()
    table, proxy = view.findings, view.finding_proxy
    # every code of NCI's scheme and "not graded", whether or not a finding carries it now
    labels = [lv.code for lv in load().db.levels.levels] + [NOT_GRADED]
    shown = {str(proxy.index(r, 0).data()) for r in range(proxy.rowCount())}
    assert NOT_GRADED in shown and "none" not in shown
    assert shown <= set(labels)
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    metrics = table.fontMetrics()
    width = table.columnWidth(0)
    for label in labels:
        assert metrics.horizontalAdvance(label) + margin <= width, (label, width)
    header = table.horizontalHeader()
    assert header.fontMetrics().horizontalAdvance("Level") < header.sectionSize(0)
    assert table.horizontalScrollBar().maximum() == 0
    assert header.length() <= table.viewport().width()
