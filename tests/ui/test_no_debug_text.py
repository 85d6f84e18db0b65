"""Nothing a user sees in the display views holds debug text: no snake_case identifiers, no
internal ids ("myeloma-ref56", "nct03319667") in place of names, no "G/dL"/"Mg/24h" units
capitalised by a word filter, no ": None". Walks every visible label, button, text browser,
table cell and header, and choice, on the demo patient's page and trends, a follow-up visit
with every rule's explanation, and the Regimens, Evidence, Reference and Calculators sections."""

from __future__ import annotations

import re

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QTextBrowser,
    QWidget,
)

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.visit_form import NEW_VISIT_KEY

BAD = (
    re.compile(r"\b[a-z0-9][a-z0-9]*(?:_[a-z0-9]+)+\b"),  # snake_case, "10_mg_daily" too
    re.compile(r"myeloma-ref\d+|\bnct\d{8}\b"),  # database ids instead of names
    re.compile(r"\bG/dL\b|\bMg/24h\b|\bMg/L\b|: None\b"),
    # development notes: where the data came from in the repository, work still to do
    re.compile(r"shared reference file|\.\./shared/|\bTODO\b|\bFIXME\b"),
    re.compile(r"\(see [a-z0-9]+(?:-[a-z0-9]+)+\)"),  # a record's key: "(see lenalidomide-renal)"
    re.compile(r"\b(?:pdq-errata|levels-of-evidence)\.md\b"),  # evidence notes' file pointers
)


def _texts(root: QWidget) -> list[str]:
    out: list[str] = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root):
            continue
        if isinstance(w, QLabel) and w.textFormat() == Qt.TextFormat.RichText:
            shown = QTextDocument()  # what the label shows (link targets are not visible)
            shown.setHtml(w.text())
            out.append(shown.toPlainText())
        elif isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QTextBrowser):
            out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:
                columns = 1
            for c in range(columns):
                out.append(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
            for r in range(min(model.rowCount(QModelIndex()), 300)):
                for c in range(columns):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.index(r, c).data(role)
                        if value is not None:
                            out.append(str(value))
    return out


def _bad(where: str, root: QWidget, found: dict[str, str]) -> None:
    for text in _texts(root):
        for pattern in BAD:
            for match in pattern.finditer(text or ""):
                found.setdefault(f"{where}: {match.group(0)}", text[:160])


@pytest.mark.window_size(1280, 800)
def test_no_debug_text_in_the_display_views(window: MainWindow, qtbot: QtBot) -> None:
    found: dict[str, str] = {}
    patients = window.show_section_key("patients")
    prepare = getattr(patients, "prepare_screenshot", None)
    if callable(prepare):
        prepare()  # loads the demo patients
    patients.open_first_patient()  # type: ignore[attr-defined]
    assert patients.patient_page.wait_for_course()  # type: ignore[attr-defined]
    _bad("patient page", patients, found)
    patients.show_trends()  # type: ignore[attr-defined]
    _bad("trends", patients, found)
    page = patients.patient_page  # type: ignore[attr-defined]
    page.tabs.setCurrentIndex(page.LINES_TAB)  # the lines table and form (built when shown)
    page.lines_editor.table.selectRow(0)
    _bad("therapy lines", patients, found)
    record = page.record
    assert record is not None and len(record.visits) > 3
    visit = page._edit_visit(record.visits[-1].date, new=False)
    visit.panel.show_not_applicable(True)
    for result in visit.panel.model.results():
        assert visit.panel.select_rule(result.rule)
        _bad(f"follow-up, {result.title}", visit, found)
    # A visit whose kidney function reduces the lenalidomide dose (CrCl about 39 and 18 mL/min
    # by Cockcroft–Gault): the dose reads as words, never as the rule's "10_mg_daily".
    assess = window.show_section_key("assess")
    for creatinine in (1.4, 3.0):
        assess.set_subject("", NEW_VISIT_KEY)  # type: ignore[attr-defined]
        assess.form.set_data(  # type: ignore[attr-defined]
            {
                "date": "2025-03-04",
                "age_years": 67,
                "sex": "female",
                "weight": {"value": 64, "unit": "kg"},
                "creatinine": {"value": creatinine, "unit": "mg/dL"},
            }
        )
        assess.update_assessment()  # type: ignore[attr-defined]
        dose = next(
            r
            for r in assess.panel.model.results()  # type: ignore[attr-defined]
            if r.rule == "lenalidomide_renal_dose"
        )
        assert dose.result in ("10_mg_daily", "15_mg_every_other_day")
        assert assess.panel.select_rule("lenalidomide_renal_dose")  # type: ignore[attr-defined]
        _bad(f"renal dose at creatinine {creatinine}", assess, found)
    for key in ("regimens", "evidence", "reference", "calculators"):
        section = window.show_section_key(key)
        ready = getattr(section, "ready", None)
        if callable(ready):
            qtbot.waitUntil(ready, timeout=15_000)
        _bad(key, section, found)
        if key == "evidence":  # the trials and levels tabs; search results name trials
            for tab in (1, 3):
                section.tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]
                _bad(f"evidence tab {tab}", section, found)
            section.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
            for query in ("lenalidomide", "bortezomib"):
                section.run_search("")  # type: ignore[attr-defined]  # no hits left over
                section.run_search(query)  # type: ignore[attr-defined]
                qtbot.waitUntil(lambda: section.hit_count() > 0, timeout=15_000)  # type: ignore[attr-defined]  # noqa: B023
                _bad(f"evidence search {query}", section, found)
    window.close()
    assert not found, "\n".join(f"{k}  ←  {v}" for k, v in sorted(found.items()))
