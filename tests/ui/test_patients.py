"""The Patients section over the real store: list, new/edit/archive, demo offer, patient page,
visits saved through the visit form, therapy lines and the end-to-end clinic workflow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pdf_text import page_texts
from pytestqt.qtbot import QtBot

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from ui_helpers import OpenWindow, new_visit, patients_of, type_value

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

pytestmark = pytest.mark.window_size(1300, 850)


def test_empty_store_offers_demo_patients(window: MainWindow) -> None:
    view = patients_of(window)
    assert view.model.rowCount() == 0
    assert view.demo_banner.isVisibleTo(view)
    added = view.load_demo()
    assert added and view.model.rowCount() == len(added)
    assert not view.demo_banner.isVisibleTo(view)
    assert view.load_demo() == []  # idempotent


def test_new_patient_messages_on_fields_then_saved(window: MainWindow) -> None:
    view = patients_of(window)
    view.new_patient()
    assert view.stack.currentIndex() == view.EDITOR
    editor = view.editor
    editor.birth_date.setText("1950-02-30")
    assert editor.save() is None  # name missing, date impossible
    assert not editor.messages["name"].isHidden()
    assert not editor.messages["birth_date"].isHidden()
    editor.name.setText("Testperson, Ada")
    editor.identifier.setText("T-0001")
    editor.birth_date.setText("1950-02-03")
    editor.sex.setCurrentIndex(1)
    patient_id = editor.save()
    assert patient_id is not None
    assert view.stack.currentIndex() == view.PATIENT
    assert "Testperson, Ada" in view.patient_page.header.text()
    # a second patient with the same identifier is refused, with the message on the field
    view.new_patient()
    editor.name.setText("Other, Person")
    editor.identifier.setText("T-0001")
    assert editor.save() is None
    assert not editor.messages["identifier"].isHidden()


def test_filter_archive_and_unarchive(window: MainWindow, qtbot: QtBot) -> None:
    view = patients_of(window)
    view.load_demo()
    total = view.model.rowCount()
    first = view.model.patient(0)
    view.open_patient(first.id)
    view.patient_page.toggle_archived()
    view.show_list()
    view._apply_filter()
    assert view.model.matched == total - 1
    view.show_archived.setChecked(True)
    assert view.model.matched == total
    view.search.setText(first.name.split(",")[0])
    qtbot.waitUntil(lambda: view.model.matched >= 1 and view.model.matched < total)
    assert view.count.text().endswith(f"of {total} patients shown")


def test_timeline_trends_and_lines_of_a_demo_patient(window: MainWindow) -> None:
    view = patients_of(window)
    view.load_demo()
    view.open_first_patient()
    page = view.patient_page
    assert page.wait_for_course()
    record = page.record
    assert record is not None and len(record.visits) >= 2
    kinds = {e.kind for e in page.timeline_model.events()}
    assert "visit" in kinds
    dates = [e.date for e in page.timeline_model.events() if e.date is not None]
    assert dates == sorted(dates)
    assert not page.chart.data.is_empty()
    assert "Serum M-protein" in page.chart.describe() or "FLC" in page.chart.describe()
    assert page.lines_editor.model.rowCount() == len(record.lines)


def test_therapy_line_editor(window: MainWindow) -> None:
    view = patients_of(window)
    view.new_patient()
    view.editor.name.setText("Lines, Test")
    patient_id = view.editor.save()
    assert patient_id is not None
    lines = view.patient_page.lines_editor
    lines.regimen.setCurrentText("VRd")
    lines.drugs.setText("bortezomib, lenalidomide, dexamethasone")
    lines.start.setText("2024-01-10")
    lines.end.setText("2023-01-01")  # before the start
    assert not lines.add_line()
    assert "before start" in lines.message.text()
    lines.end.setText("2024-07-01")
    lines.best.setCurrentIndex(lines.best.findText("VGPR"))
    lines.refractory.setCurrentIndex(2)
    assert lines.add_line()
    stored = view.store.therapy_lines(patient_id)
    assert [s.line.regimen for s in stored] == ["VRd"]
    assert stored[0].line.best_response == "VGPR" and stored[0].line.refractory is False
    lines.table.selectRow(0)
    lines.refractory.setCurrentIndex(1)
    assert lines.update_line()
    assert view.store.therapy_lines(patient_id)[0].line.refractory is True
    kinds = [e.kind for e in view.patient_page.timeline_model.events()]
    assert kinds == ["line start", "line end"]
    assert lines.remove_line()
    assert view.store.therapy_lines(patient_id) == []


def test_end_to_end_clinic_workflow(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, open_window: OpenWindow
) -> None:
    """Create a patient, enter a visit, see stage with reasons, save, reopen, enter a
    follow-up and see the response, open the regimen browser from the patient."""
    view = patients_of(window)
    view.new_patient()
    view.editor.name.setText("Endtoend, Eve")
    view.editor.birth_date.setText("1958-06-01")
    view.editor.sex.setCurrentIndex(1)
    patient_id = view.editor.save()
    assert patient_id is not None

    assess = view.patient_page.new_visit(dt.date(2025, 1, 10))
    assert isinstance(assess, AssessView) and window.current_page() is assess
    assert assess.save_button.isEnabled()
    values = {
        "serum_m_protein": "3.2",
        "free_kappa": "420",
        "free_lambda": "8",
        "beta2_microglobulin": "5.8",
        "albumin": "3.0",
        "creatinine": "1.1",
        "hemoglobin": "9.1",
        "calcium": "9.5",
        "bone_marrow_plasma_cells_percent": "40",
        "lytic_lesions": "2",
    }
    for path, text in values.items():
        type_value(assess, path, text)
    assess.form.editor("m_protein_light_chain").set_raw("kappa")
    assess.update_assessment()
    iss = assess.result("iss")
    assert iss is not None and (iss.status, iss.result) == ("determined", "III")
    assess.panel.select_rule("iss")
    assert "✓ met: β2-microglobulin ≥ 5.5 mg/L (stage III) — 5.8 mg/L" in (
        assess.panel.detail.toPlainText()
    )
    diagnosis = assess.result("diagnosis")
    if diagnosis is not None:  # engine I: the diagnosis with its reasons
        assert diagnosis.result == "active_multiple_myeloma"
        assert diagnosis.criteria
    assert assess.result("crcl_cockcroft_gault") is None or (
        assess.result("crcl_cockcroft_gault").missing == ["weight"]
    )  # age and sex come from the patient record
    assert assess.save()
    assert not (tmp_path / "data" / "drafts" / f"visit-patient-{patient_id}.json").exists()

    # reopen: the window goes away and comes back over the same data folder
    window.close()
    again = open_window()
    view = patients_of(again)
    view.open_patient(patient_id)
    assert view.patient_page.wait_for_course()
    assert [e.kind for e in view.patient_page.timeline_model.events()] == ["visit"]
    assert "ISS III" in view.patient_page.timeline_model.events()[0].text

    follow = new_visit(view, dt.date(2025, 4, 10))
    for path, text in {
        "serum_m_protein": "0.2",
        "free_kappa": "30",
        "free_lambda": "9",
        "urine_m_protein_24h": "50",
    }.items():
        type_value(follow, path, text)
    follow.form.editor("serum_immunofixation").set_raw("positive")
    follow.update_assessment()
    response = follow.result("response_imwg")
    assert response is not None and response.status == "determined"
    assert response.result == "VGPR"  # ≥ 90% fall of serum M-protein, urine < 100 mg/24 h
    assert follow.save()
    assert view.patient_page.wait_for_course()
    events = view.patient_page.timeline_model.events()
    assert [e.kind for e in events] == ["visit", "visit"]
    # The timeline reads the course too: response is to therapy, and no line is recorded, so
    # the follow-up says so instead of a response (the visit form's live panel still shows
    # the rule's own VGPR above).
    assert events[1].text == "Not on therapy"
    # The Trends tab reads each response from the course model (response to therapy: with no
    # line of therapy recorded the course marks none).
    course = view.patient_page.record.course
    assert view.patient_page.chart.data.responses == {
        v.date: v.response.shown() for v in course.visits if v.response and v.response.category
    }
    assert view.patient_page.chart.flowsheet_model.rowCount() == 2

    _print_preview_document(view, tmp_path)

    regimens = view.patient_page.open_regimens()
    assert again.current_page() is regimens
    if hasattr(regimens, "ready"):  # the evidence database is in this build
        qtbot.waitUntil(regimens.ready, timeout=10_000)
        assert regimens.options_box.isVisibleTo(regimens)
        assert "Options for Endtoend, Eve" in regimens.options_title.text()
        assert "Options described in the PDQ" in regimens.options.toPlainText()
    again.close()


def _print_preview_document(view: PatientsView, tmp_path: Path) -> None:
    """Build the report of the latest visit and run the preview's paint callback on a PDF
    printer (the dialog itself is built but never opened in tests)."""
    page = view.patient_page
    try:
        import myeloma_desk.reports.render_qt  # noqa: F401
    except ImportError:
        page.print_preview()
        assert "not available" in page.status.text()
        return
    from PySide6.QtPrintSupport import QPrinter

    doc = page.report_doc()
    assert doc.header.patient_name == "Endtoend, Eve"
    assert doc.header.visit_date == dt.date(2025, 4, 10)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "preview.pdf"
    printer.setOutputFileName(str(target))
    assert page.paint_preview(printer, doc) >= 1
    assert target.stat().st_size > 1000
    page.show_dialogs = False
    dialog = page.print_preview()
    assert dialog is not None and not dialog.isVisible()
    dialog.deleteLater()


def test_patient_draft_is_restored_to_that_patient(open_window: OpenWindow) -> None:
    win = open_window(show=False)
    view = patients_of(win)
    view.new_patient()
    view.editor.name.setText("Drafty, Dora")
    patient_id = view.editor.save()
    assess = view.patient_page.new_visit(dt.date(2025, 2, 2))
    type_value(assess, "albumin", "3.3")
    assess.save_draft()
    win.close()  # as if the app had stopped before the visit was saved

    again = open_window(show=False)
    patients = patients_of(again)  # the first page says a draft is waiting
    assert patients.draft_banner.isVisibleTo(patients)
    assert "Drafty, Dora" in patients.draft_text.text()
    patients.draft_button.click()
    assess = again.current_page()
    assert isinstance(assess, AssessView)
    assert assess.banner.isVisibleTo(assess) and "Drafty, Dora" in assess.banner.text.text()
    assess.banner.restore.click()
    assert again.current_page() is assess
    assert assess.patient_id == str(patient_id) and assess.save_button.isEnabled()
    editor = assess.form.editor("albumin")
    assert isinstance(editor, QuantityEditor) and editor.edit.text() == "3.3"
    assert assess.form_date() == dt.date(2025, 2, 2)
    assert assess.save()
    again.close()


def test_save_report_as_pdf_from_the_patient_page(window: MainWindow, tmp_path: Path) -> None:
    """Save as PDF writes the visit's report (owner-only) and logs a print audit event."""
    import stat

    from pypdf import PdfReader

    view = patients_of(window)
    view.load_demo()
    view.open_first_patient()
    page = view.patient_page
    assert page.record is not None
    page.show_dialogs = False
    saved = page.save_pdf(str(tmp_path / "visit-report"))  # ".pdf" is added
    assert saved is not None
    target, pages = saved
    assert target.name == "visit-report.pdf"
    assert len(PdfReader(target).pages) == pages >= 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Saved" in page.status.text()
    events = page.record.store.audit_events(page.record.patient_id)
    prints = [e for e in events if e.action == "print"]
    assert prints and prints[-1].detail["format"] == "pdf"
    assert prints[-1].detail["pages"] == pages


def test_save_report_as_pdf_from_the_visit_form(window: MainWindow, tmp_path: Path) -> None:

    view = window.show_section_key("assess")
    assert isinstance(view, AssessView)
    type_value(view, "beta2_microglobulin", "6.1", "mg/L")
    type_value(view, "albumin", "30", "g/L")
    saved = view.save_pdf(str(tmp_path / "calc.pdf"))
    assert saved is not None
    text = " ".join(page_texts(saved[0]))
    assert "International Staging System" in text
    assert "Calculator report" in text  # no patient: a calculator-only report
