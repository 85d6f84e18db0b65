"""One course model behind every screen: for every demo patient and every visit, the
timeline, the trends flowsheet, the assessment panel of the opened visit and the printed
report give the same IMWG response (with its confirmation), and a follow-up shows the
established diagnosis instead of re-deriving one from treated labs."""

from __future__ import annotations

import pytest

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.section import PatientsView

pytestmark = pytest.mark.window_size(1280, 800)


def test_every_screen_agrees_on_every_demo_visit(window: MainWindow) -> None:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    responses = follow_ups = 0
    for summary in view.store.list_patients():
        view.open_patient(summary.id)
        page = view.patient_page
        assert page.wait_for_course()
        assert page.record is not None
        course = page.record.course
        name = summary.name
        # the page header: the established diagnosis and the state now, from the course
        assert course.diagnosis.label in page.header.text(), name
        visits = {e.visit_date: e.text for e in page.timeline_model.events() if e.kind == "visit"}
        sheet = page.chart.flowsheet_model
        flowsheet = {
            sheet.index(r, 0).data(): sheet.index(r, 1).data() for r in range(sheet.rowCount())
        }
        source = course.diagnosis_visit
        for visit in course.visits:
            where = f"{name}, {visit.date}"
            form = page._edit_visit(visit.date, new=False)
            assert form is not None
            form.update_assessment()
            key = form.panel.key.text()
            report = page.report_doc(visit.date)
            follow_up = source is not None and visit.date > source.date
            if follow_up:
                follow_ups += 1
                assert "cannot be determined (possible" not in key.lower(), where
                assert "Established diagnosis: " + course.diagnosis.shown() in key, where
                assert "Diagnosis: cannot be determined" not in report.model_dump_json(), where
            if follow_up and visit.response is not None and visit.response.category:
                shown = visit.response.shown()
                assert f"Response {shown}" in visits[visit.date], where  # timeline
                assert f"Response: {shown}" in key, where  # assessment panel
                if visit.date.isoformat() in flowsheet:  # trends flowsheet
                    assert flowsheet[visit.date.isoformat()] == shown, where
                assert report.response.available, where  # printed report
                assert report.response.result.startswith(visit.response.category), where
                responses += 1
    assert follow_ups >= 9 and responses >= 5  # the demo patients' follow-ups (9 today)


def test_the_therapy_lines_table_numbers_lines_as_the_course_does(window: MainWindow) -> None:
    """The Therapy lines table numbers IMWG lines as the header and the timeline do: DEMO-0009's
    lenalidomide maintenance is part of line 1 ("1 (maintenance)"), so Isa-Pd is line 3 in the
    table as in "Now: Line 3 (Isa-Pd)" — not row 4."""
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    seen = False
    for summary in view.store.list_patients():
        view.open_patient(summary.id)
        page = view.patient_page
        assert page.wait_for_course()
        model = page.lines_editor.model
        numbers = [model.index(r, 0).data() for r in range(model.rowCount())]
        starts = {
            e.line_index: e.text.split(":")[0]
            for e in page.timeline_model.events()
            if e.kind in ("line start", "line")
        }
        for row, number in enumerate(numbers):
            assert starts[row] == f"Line {number}", (summary.name, row)
        if summary.identifier == "DEMO-0009":
            seen = True
            assert numbers == ["1", "1 (maintenance)", "2", "3"]
            assert "Now: Line 3 (Isa-Pd)" in page.header.text()
            assert model.index(3, 1).data().startswith("Isa-Pd")
    assert seen
