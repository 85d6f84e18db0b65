"""One path for every page that prints (widgets/report_actions.py): the patient page's visit
and course reports and the visit form's report are built, saved as PDF and reported on the
status line the same way; a stored patient's PDF goes into the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("myeloma_desk.reports.render_qt", reason="no report renderer in this build")
pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from ui_helpers import OpenWindow, demo_patient_page, patients_of

from myeloma_desk.ui.views.visit_form import AssessView


def _pages(text: str) -> int:
    # "Saved /tmp/…/visit.pdf (2 pages)."
    assert text.startswith("Saved ") and text.endswith(").")
    return int(text.rsplit("(", 1)[1].split(" ")[0])


def test_every_pdf_action_reports_where_and_how_many_pages(
    open_window: OpenWindow, tmp_path: Path
) -> None:
    win = open_window(tmp_path / "home", show=False)
    page = demo_patient_page(win)
    assert page.wait_for_course() and page.record is not None
    page.show_dialogs = False

    visit = page.save_pdf(str(tmp_path / "visit"))  # the suffix is added
    assert visit is not None and visit[0] == tmp_path / "visit.pdf" and visit[0].exists()
    assert str(visit[0]) in page.status.text() and _pages(page.status.text()) == visit[1]
    course = page.save_course_pdf(str(tmp_path / "course.pdf"))
    assert course is not None and course[0].exists()
    assert _pages(page.status.text()) == course[1]
    prints = [
        e.detail
        for e in page.record.store.audit_events(page.record.patient_id)
        if e.action == "print"
    ]
    assert {"format": "pdf", "visit": page.report_date().isoformat(), "pages": visit[1]} in prints
    assert {"report": "course", "format": "pdf", "pages": course[1]} in prints

    typed = page.new_visit(dt.date(2025, 1, 2))
    assert isinstance(typed, AssessView)
    form = typed.save_pdf(str(tmp_path / "typed.pdf"))
    assert form is not None and form[0].exists()
    assert _pages(typed.status.text()) == form[1]
    win.close()


def test_nothing_to_report_is_said_on_the_status_line(
    open_window: OpenWindow, tmp_path: Path
) -> None:
    win = open_window(tmp_path / "home", show=False)
    view = patients_of(win)
    view.new_patient()
    view.editor.name.setText("Empty, Emma")
    patient = view.editor.save()
    assert patient is not None
    page = view.patient_page
    page.show_dialogs = False
    assert page.save_pdf(str(tmp_path / "none.pdf")) is None
    assert page.status.text() == "No visit to report yet: enter a visit first."
    assert page.print_course() is None
    assert page.status.text() == "No course to report yet: enter a visit first."
    assert not (tmp_path / "none.pdf").exists()
    win.close()
