"""The patient page builds the course (the engine for every visit) off the GUI thread: it says
it is loading and never shows an earlier course meanwhile; a result for a patient no longer
shown, or from before a visit was saved, is dropped; closing the window while a course is
being built leaves no thread warnings."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from PySide6.QtCore import QThreadPool

from myeloma_desk.ui.app import create_window
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patient_record import PatientRecord
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

LOADING = "Reading the assessment…"


class Gate:
    """Holds the page's real course build of a chosen patient until released (the build still
    runs on the worker thread exactly as in the app; only its start waits)."""

    def __init__(self) -> None:
        self.held: set[int] = set()
        self.release = threading.Event()
        self.threads: list[str] = []
        self.built: list[int] = []

    def wrap(self, patient_id: int, build: Callable[[], Any]) -> Callable[[], Any]:
        hold = patient_id in self.held
        self.held.discard(patient_id)  # only the next build of that patient waits

        def run() -> Any:
            self.threads.append(threading.current_thread().name)
            if hold:
                assert self.release.wait(20), "the test never released the build"
            course = build()
            self.built.append(patient_id)
            return course

        return run


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    real = PatientRecord.course_job

    def course_job(record: PatientRecord) -> tuple[int, Callable[[], Any]]:
        version, build = real(record)
        return version, held.wrap(record.patient_id, build)

    monkeypatch.setattr(PatientRecord, "course_job", course_job)
    yield held
    held.release.set()  # never leave a pool thread waiting
    QThreadPool.globalInstance().waitForDone(20000)


def _demo(window: MainWindow) -> tuple[PatientsView, dict[str, int]]:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    ids = {s.identifier or "": s.id for s in view.store.list_patients()}
    return view, ids


def _visit_texts(view: PatientsView) -> list[str]:
    return [e.text for e in view.patient_page.timeline_model.events() if e.kind == "visit"]


def test_switching_patients_while_a_course_is_built_shows_the_new_patient_only(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    view, ids = _demo(window)
    page = view.patient_page
    relapsed, newly = ids["DEMO-0009"], ids["DEMO-0003"]
    shown: list[int] = []
    page.course_shown.connect(shown.append)
    gate.held.add(relapsed)
    view.open_patient(relapsed)
    # The GUI thread is free while the relapsed patient's course is held in the worker: the
    # page shows who it is, the visit dates, and that it is loading — no results yet.
    assert page.is_loading and page.loading.isVisibleTo(page)
    header = page.header.text()
    assert "DEMO Ivanova" in header
    assert "Diagnosis: reading…" in header and "Now: reading…" in header
    assert "myeloma" not in header and "Line" not in header
    texts = _visit_texts(view)
    assert len(texts) == 9 and set(texts) == {LOADING}
    assert page.chart.data.is_empty() and "Reading the course" in page.chart.describe()
    assert not page.diagnosis_offer.isVisibleTo(page)
    qtbot.wait(50)
    assert page.is_loading and shown == []  # still held, and the page still answers

    view.open_patient(newly)  # the clinician moves on before it is ready
    assert page.wait_for_course()
    assert shown == [newly]
    assert "DEMO Chen" in page.header.text() and "DEMO Ivanova" not in page.header.text()
    newly_texts = _visit_texts(view)
    assert len(newly_texts) == 2 and LOADING not in newly_texts

    gate.release.set()  # the relapsed patient's course comes back late: dropped
    qtbot.waitUntil(lambda: relapsed in gate.built, timeout=20000)
    qtbot.wait(100)
    assert page.worker.pending() == 0
    assert shown == [newly]
    assert page.record is not None and page.record.patient_id == newly
    assert page.record.course.patient.id == newly
    assert "DEMO Chen" in page.header.text() and "DEMO Ivanova" not in page.header.text()
    assert _visit_texts(view) == newly_texts
    assert all(name != threading.main_thread().name for name in gate.threads)


def test_saving_a_visit_refreshes_and_an_older_result_is_dropped(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    view, ids = _demo(window)
    page = view.patient_page
    patient = ids["DEMO-0004"]  # newly diagnosed, one visit
    view.open_patient(patient)
    assert page.wait_for_course()
    assert len(_visit_texts(view)) == 1
    gate.held.add(patient)
    page.refresh()  # e.g. after a line was edited: this build is held
    assess = page.new_visit(dt.date(2024, 12, 2))
    assert isinstance(assess, AssessView)
    editor = assess.form.editor("hemoglobin")
    assert isinstance(editor, QuantityEditor)
    editor.edit.setText("10.9")
    assert assess.save()  # the save refreshes the page: a new build, not held
    assert page.wait_for_course()
    texts = _visit_texts(view)
    assert len(texts) == 2 and LOADING not in texts
    assert page.status.text() == "Visit of 2024-12-02 saved."
    gate.release.set()  # the build from before the save finishes last
    qtbot.waitUntil(lambda: gate.built.count(patient) >= 3, timeout=20000)
    qtbot.wait(100)
    assert _visit_texts(view) == texts  # not replaced by the one-visit course
    assert page.record is not None and len(page.record.course.visits) == 2


def test_selected_visit_stays_selected_when_the_course_arrives(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    # A visit chosen while the page is loading is still the one chosen (and printed) after.
    view, ids = _demo(window)
    page = view.patient_page
    gate.held.add(ids["DEMO-0009"])
    view.open_patient(ids["DEMO-0009"])
    events = page.timeline_model.events()
    row = next(i for i, e in enumerate(events) if e.visit_date == dt.date(2022, 10, 11))
    page.timeline.selectRow(row)
    gate.release.set()
    assert page.wait_for_course()
    assert page.report_date() == dt.date(2022, 10, 11)
    assert LOADING not in page.timeline.currentIndex().siblingAtColumn(2).data()


def test_closing_while_a_course_is_built_leaves_no_thread_warnings(
    qtbot: QtBot, tmp_path: Path, gate: Gate, qtlog: Any
) -> None:
    win, reporter = create_window(str(tmp_path))
    reporter.show_dialogs = False
    win.show()
    view, ids = _demo(win)
    gate.held.add(ids["DEMO-0009"])
    view.open_patient(ids["DEMO-0009"])
    page = view.patient_page
    assert page.is_loading
    win.close()
    win.deleteLater()
    qtbot.wait(50)
    gate.release.set()
    assert QThreadPool.globalInstance().waitForDone(20000)
    qtbot.wait(100)
    warnings = [r.message for r in qtlog.records if "QThread" in r.message or "thread" in r.message]
    assert warnings == []


def test_visit_form_opened_while_loading_waits_for_the_worker_course(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    # The clinician opens a follow-up before the course has come back: the form says it is
    # reading the course, the GUI thread never builds it, and the worker's course is used.
    view, ids = _demo(window)
    page = view.patient_page
    relapsed = ids["DEMO-0009"]
    gate.held.add(relapsed)
    view.open_patient(relapsed)
    assert page.is_loading
    form = page._edit_visit(dt.date(2024, 5, 21), new=False)
    assert isinstance(form, AssessView)
    assert page.record is not None and page.record.built_course is None  # not built here
    assert form.panel.course_pending()
    assert "Reading the patient's course" in form.panel.key.text()
    assert not form.options_button.isEnabled()
    assert form.open_options() is None
    assert "Reading the patient's course" in form.status.text()
    with pytest.raises(ValueError, match="Reading the patient's course"):
        form.report_doc()  # printed through the course: it waits for it too
    form.update_assessment()  # typing meanwhile: still nothing built on the GUI thread
    assert page.record.built_course is None

    gate.release.set()
    assert page.wait_for_course()
    assert gate.built.count(relapsed) == 1  # built once, in the worker
    assert all(name != threading.main_thread().name for name in gate.threads)
    assert not form.panel.course_pending()
    assert form.panel.current_course() is page.record.built_course
    assert form.options_button.isEnabled()
    key = form.panel.key.text()
    assert "Reading" not in key and "Response:" in key
    assert form.panel.model.carried_date("diagnosis") is not None  # from the diagnosis visit


def test_visit_form_keeps_its_patient_course_when_the_page_moves_on(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    # The form was opened while the relapsed patient was loading, then another patient is
    # opened: the page's job for the first is superseded, yet the form gets its course.
    view, ids = _demo(window)
    page = view.patient_page
    relapsed, newly = ids["DEMO-0009"], ids["DEMO-0003"]
    gate.held.add(relapsed)
    view.open_patient(relapsed)
    form = page._edit_visit(dt.date(2024, 5, 21), new=False)
    assert isinstance(form, AssessView) and form.panel.course_pending()
    view.open_patient(newly)
    assert page.wait_for_course()
    qtbot.waitUntil(lambda: not form.panel.course_pending(), timeout=20000)
    course = form.panel.current_course()
    assert course is not None and course.patient.id == relapsed
    assert "DEMO Chen" in page.header.text()
    assert "Response:" in form.panel.key.text()


def test_printing_while_loading_waits_for_the_worker_course(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    """Print preview, PDF and the course report asked for before the course came back wait for
    the worker's course (events keep running); the engine never runs on the GUI thread."""
    from PySide6.QtCore import QTimer

    view, ids = _demo(window)
    page = view.patient_page
    relapsed = ids["DEMO-0009"]
    gate.held.add(relapsed)
    view.open_patient(relapsed)
    assert page.is_loading
    QTimer.singleShot(300, gate.release.set)  # the worker answers while the print waits
    doc = page.report_doc()
    assert not page.is_loading
    assert gate.built.count(relapsed) == 1  # built once, in the worker
    assert all(name != threading.main_thread().name for name in gate.threads)
    assert doc.header.identifier == "DEMO-0009"
    assert doc.diagnosis.startswith("Active multiple myeloma")  # established, from the course
    course = page.course_doc()
    assert course.header.identifier == "DEMO-0009"
    assert gate.built.count(relapsed) == 1  # the course report reused it


def test_the_trends_and_lines_tabs_are_built_when_first_shown(
    window: MainWindow, qtbot: QtBot, gate: Gate
) -> None:
    """The page opens on the timeline without building the Trends and Therapy lines tabs (and
    loads the evidence database only once the course is on screen); shown later, each holds
    what it would have held: the course's trends, or "reading" while the course is still built; the
    record's lines, read-only when the record is."""
    from myeloma_desk.ui.models.trends import trend_data_for

    view, ids = _demo(window)
    page = view.patient_page
    relapsed, newly = ids["DEMO-0009"], ids["DEMO-0003"]
    gate.held.add(relapsed)
    view.open_patient(relapsed)
    assert page._chart is None and page._lines_editor is None
    assert not page._evidence_requested
    page.tabs.setCurrentIndex(page.TRENDS_TAB)  # shown while the course is being read
    chart = page.chart
    assert page.tabs.currentWidget() is chart and page.tabs.tabText(page.TRENDS_TAB) == "T&rends"
    assert chart.data.is_empty() and "Reading the course" in chart.describe()
    gate.release.set()
    assert page.wait_for_course()
    record = page.record
    assert record is not None and record.built_course is not None
    expected = trend_data_for(record.built_course)
    assert chart.data.dates() == expected.dates() and chart.data.responses == expected.responses
    assert chart.flowsheet_model.rowCount() == len(expected.dates())
    assert page._lines_editor is None  # still not asked for
    # the evidence database is asked for once the course is on screen (before any print)
    assert page._evidence_requested
    qtbot.waitUntil(lambda: page.context.evidence is not None, timeout=20_000)

    view.open_patient(newly)  # the next patient, on the timeline: the built chart follows
    assert page.tabs.currentIndex() == 0
    assert page.wait_for_course()
    assert page.record is not None and page.record.patient_id == newly
    assert (
        chart is page.chart and chart.data.responses == trend_data_for(page.record.course).responses
    )
    page.tabs.setCurrentIndex(page.LINES_TAB)
    editor = page.lines_editor
    assert page.tabs.currentWidget() is editor
    assert page.tabs.tabText(page.LINES_TAB) == "Therapy &lines"
    assert editor.model.lines() == page.record.lines and editor.isEnabled()
    assert editor.choices  # the regimen picker offers the database's regimens
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "&Timeline",
        "T&rends",
        "Therapy &lines",
    ]


def test_a_print_asked_for_while_the_evidence_loads_waits_for_that_load(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evidence database is loaded in the background once the course is on screen; a
    report asked for meanwhile waits for that load (events running) and prints the options
    from it — the database is not loaded a second time on the GUI thread."""
    from myeloma_desk.ui.views import evidence_loading

    real = evidence_loading.load_evidence
    loads: list[str] = []
    release = threading.Event()

    def slow_load() -> Any:
        loads.append(threading.current_thread().name)
        assert release.wait(20)
        return real()

    monkeypatch.setattr(evidence_loading, "load_evidence", slow_load)
    view, ids = _demo(window)
    page = view.patient_page
    if page.context.evidence is not None:  # loaded by an earlier section: nothing to wait for
        page.context.evidence = None
    view.open_patient(ids["DEMO-0009"])
    assert page.wait_for_course()
    qtbot.waitUntil(lambda: bool(loads), timeout=10_000)
    assert page.evidence_worker.pending() == 1 and page.context.evidence is None
    threading.Timer(0.2, release.set).start()
    doc = page.report_doc()
    assert page.context.evidence is not None and page.evidence_worker.pending() == 0
    assert len(loads) == 1 and loads[0] != threading.main_thread().name
    assert doc.options  # the options the PDQ describes, from the database loaded in the worker
    assert page.status.text() == ""
