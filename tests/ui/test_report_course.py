"""The course report: the whole course on one or two pages from the course model (lines with
dates, best confirmed response, PFS and time to next treatment with censoring, staging at
diagnosis, the trend chart across lines), from the patient page (the command line's
``report --course``: tests/cli/test_report_cli.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from builders import stored_records
from pdf_text import page_texts
from ui_helpers import OpenWindow, demo_patient_page

from myeloma_desk.course import build_course
from myeloma_desk.domain.events import Interval
from myeloma_desk.reports.course_report import (
    CourseReportDoc,
    course_html,
    course_report,
    interval_words,
)


def _course(home: Path, identifier: str) -> Any:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store

    with open_store(AppPaths.resolve(str(home)), None, backup_on_open=False) as store:
        return build_course(*stored_records(store, identifier))


def test_interval_words_say_censoring() -> None:
    start, end = dt.date(2024, 1, 1), dt.date(2025, 1, 1)
    assert interval_words(Interval(start, end, False, "progression (confirmed)")) == "12 months"
    censored = Interval(start, end, True, "censored at the last assessment in the line")
    assert interval_words(censored) == "≥ 12 months (censored)"
    assert interval_words(Interval(start, None, None, "no assessment")) == "not assessable"
    assert interval_words(None) == "not assessable"


def test_course_report_reads_the_course(demo_home: Path) -> None:
    course = _course(demo_home, "DEMO-0009")
    doc = course_report(course, report_date=dt.date(2026, 1, 2))
    assert isinstance(doc, CourseReportDoc)
    assert doc.diagnosis == course.diagnosis.shown()
    assert doc.state == course.state.text
    assert [r.number for r in doc.lines] == [lc.number for lc in course.lines]
    for row, lc in zip(doc.lines, course.lines, strict=True):
        assert row.regimen == lc.regimen  # maintenance inside its line ("VRd → …")
        assert row.start == lc.line.start.isoformat()
        assert row.pfs == interval_words(lc.times.pfs)
        assert row.ttnt == interval_words(lc.times.ttnt)
        if lc.best_confirmed:
            assert row.best_response.startswith(lc.best_confirmed + " (")
    assert "maintenance" in doc.lines[0].regimen
    assert doc.lines[-1].end == "ongoing" and doc.lines[-1].pfs.endswith("(censored)")
    assert doc.trends == list(course.trends.series)  # the whole course, across lines
    assert [m.tag for m in doc.trend_markers] == ["L1", "L2", "L3"]
    assert {s.rule for s in doc.staging} <= set(course.staging_at_diagnosis)
    assert doc.staging_date == course.diagnosis_visit.date.isoformat()
    assert doc.header.running_label.endswith(f"course to {course.latest.date.isoformat()}")
    html_text = course_html(doc)
    assert "Progression-free survival" in html_text and "Time to next treatment" in html_text


def test_patient_page_prints_the_course(open_window: OpenWindow, tmp_path: Path) -> None:

    from PySide6.QtPrintSupport import QPrinter

    win = open_window(tmp_path / "home", show=False)
    page = demo_patient_page(win)
    page.show_dialogs = False
    assert page.course_button.menu() is not None
    assert [a.text() for a in page.course_button.menu().actions()] == [
        "Print course…",
        "Save course as PDF…",
    ]
    page.print_course_action.trigger()
    dialog = page._preview
    assert dialog is not None and isinstance(dialog.doc, CourseReportDoc)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    dialog.paintRequested.emit(printer)
    first = page_texts(tmp_path / "preview.pdf")[0]
    assert "Course report" in first and "Lines of therapy" in first
    saved = page.save_course_pdf(str(tmp_path / "course.pdf"))
    assert saved is not None and saved[0].exists()
    assert page.record is not None
    events = page.record.store.audit_events(page.record.patient_id)
    details = [e.detail for e in events if e.action == "print"]
    assert {"report": "course", "format": "preview"} in details
    assert {"report": "course", "format": "pdf", "pages": saved[1]} in details
    dialog.deleteLater()
    win.close()


def test_course_report_prints_user_strings_literally(tmp_path: Path, qapp: object) -> None:
    """Name, clinician and institution with markup, quotes and a right-to-left override."""

    from myeloma_desk.domain.snapshot import parse_snapshot
    from myeloma_desk.reports.render_qt import render_pdf
    from myeloma_desk.reports.snapshot_course import course_of_snapshot

    snap = parse_snapshot(
        {
            "date": "2025-01-02",
            "patient": {"name": "<b>&\"' Evil\u202eDIMSIER", "identifier": "MRN-1"},
            "serum_m_protein": {"value": 1.0, "unit": "g/dL"},
            "history": [{"date": "2024-06-01", "serum_m_protein": {"value": 3, "unit": "g/dL"}}],
            "therapy_lines": [{"regimen": "VRd <i>", "start": "2024-06-10"}],
        }
    )
    doc = course_report(
        course_of_snapshot(snap), clinician="Dr <i>X</i>", institution="\u202eLatigsoh"
    )
    html_text = course_html(doc)
    assert "&lt;b&gt;&amp;&quot;&#x27; Evil[U+202E]DIMSIER" in html_text
    assert "VRd &lt;i&gt;" in html_text and "<i>" not in html_text
    out = tmp_path / "c.pdf"
    render_pdf(doc, out)
    text = " ".join(page_texts(out))
    assert "<b>&\"' Evil[U+202E]DIMSIER" in text and "[U+202E]Latigsoh" in text
    assert "\u202e" not in text and "ID MRN-1" in text
