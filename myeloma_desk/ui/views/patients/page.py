"""One patient's page: header, timeline, trends and therapy lines, and what to do next
(a new visit or an earlier one in the Assess section's visit form, regimen options, print)."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.display import words
from myeloma_desk.domain.snapshot import SnapshotError, parse_snapshot
from myeloma_desk.domain.vocabulary import diagnosis_label
from myeloma_desk.store import StoreError
from myeloma_desk.store.errors import StaleRecordError
from myeloma_desk.store.server import ServerUnavailableError
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.models.timeline import (
    EventRole,
    TimelineEvent,
    TimelineModel,
    timeline_events,
    visit_summary,
)
from myeloma_desk.ui.models.trends import TrendData, trend_data_for
from myeloma_desk.ui.views.conflict import Loaded, settle_visit
from myeloma_desk.ui.views.patient_record import DERIVED, PatientRecord
from myeloma_desk.ui.views.patients.common import table_view
from myeloma_desk.ui.widgets.fields import FormState
from myeloma_desk.ui.widgets.report_actions import (
    open_preview,
    paint_report,
    report_or_message,
    save_pdf_to_status,
)
from myeloma_desk.ui.workers import Worker

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from myeloma_desk.course import Course
    from myeloma_desk.evidence.loader import Evidence
    from myeloma_desk.reports.build import ReportDoc
    from myeloma_desk.reports.course_report import CourseReportDoc
    from myeloma_desk.ui.views.patients.exchange import ExportChoice
    from myeloma_desk.ui.views.patients.lines_editor import TherapyLinesEditor
    from myeloma_desk.ui.views.visit_form import AssessView
    from myeloma_desk.ui.widgets.trend_chart import TrendChart


class PatientPage(QWidget):
    """One patient: header, timeline, trends and therapy lines, and what to do next."""

    back_requested = Signal()
    edit_requested = Signal(int)
    archived_changed = Signal(int)
    course_shown = Signal(int)  # patient id: the page now shows that patient's course

    TRENDS_TAB, LINES_TAB = 1, 2  # built when first shown (or first asked for)
    COURSE_JOB = "course"  # the worker key of the page's course build
    FORM_COURSE_JOB = "form-course"  # the course of a visit form's patient no longer shown

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.record: PatientRecord | None = None
        self.show_dialogs = True  # tests build the preview but never open it
        self._preview: QPrintPreviewDialog | None = (
            None  # the open preview dialog, kept alive while shown
        )
        self.setAccessibleName("Patient page")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton("← &Back to list")
        self.back_button.setAccessibleName("Back to the patient list")
        self.header = QLabel()
        self.header.setAccessibleName("Patient")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.back_button)
        top.addWidget(self.header, 1)
        layout.addLayout(top)
        actions = QHBoxLayout()
        self.new_visit_button = QPushButton("New &visit")
        self.open_visit_button = QPushButton("&Open visit")
        self.edit_button = QPushButton("&Edit patient")
        self.archive_button = QPushButton("Arc&hive")
        self.regimens_button = QPushButton("Re&gimen options")
        self.print_button = QPushButton("&Print preview…")
        self.pdf_button = QPushButton("Save as P&DF…")
        self.pdf_button.setAccessibleName("Save this visit's report as a PDF")
        # The course report (the whole course on one or two pages): print preview or PDF.
        self.course_button = QPushButton("&Course report")
        self.course_button.setAccessibleName("Course report: print or save as PDF")
        course_menu = QMenu(self.course_button)
        self.print_course_action = course_menu.addAction("Print course…")
        self.course_pdf_action = course_menu.addAction("Save course as PDF…")
        self.course_button.setMenu(course_menu)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setAccessibleName(
            "Export this patient as a FHIR R4 bundle or a Myeloma Desk file"
        )
        for button in (
            self.new_visit_button,
            self.open_visit_button,
            self.edit_button,
            self.archive_button,
            self.regimens_button,
            self.print_button,
        ):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            actions.addWidget(button)
        actions.addWidget(self.pdf_button)
        actions.addWidget(self.course_button)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.diagnosis_offer = QFrame()
        self.diagnosis_offer.setFrameShape(QFrame.Shape.StyledPanel)
        self.diagnosis_offer.setAccessibleName("Diagnosis from the assessment")
        offer_row = QHBoxLayout(self.diagnosis_offer)
        self.diagnosis_text = QLabel()
        self.diagnosis_text.setWordWrap(True)
        offer_row.addWidget(self.diagnosis_text, 1)
        self.confirm_diagnosis_button = QPushButton("Use as &working diagnosis")
        self.confirm_diagnosis_button.setAccessibleName(
            "Confirm the assessed diagnosis as the working diagnosis"
        )
        offer_row.addWidget(self.confirm_diagnosis_button)
        self.diagnosis_offer.setVisible(False)
        self.offered_diagnosis: str | None = None
        layout.addWidget(self.diagnosis_offer)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Patient record")
        self.timeline_model = TimelineModel(parent=self)
        self.timeline = table_view("Timeline of visits and lines of therapy")
        self.timeline.setModel(self.timeline_model)
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # The Trends and Therapy lines tabs are built when first shown (or first asked for):
        # the page opens on the timeline, and building, importing and laying out the chart,
        # flowsheet and lines form up front slowed its first opening. Until then they hold
        # what they will show (`_trends`, the record, whether the record can be edited).
        self._chart: TrendChart | None = None
        self._lines_editor: TherapyLinesEditor | None = None
        self._trends: TrendData | None = None  # None: the course is still being read
        self._editable = True
        self.tabs.addTab(self.timeline, "&Timeline")
        self.tabs.addTab(QWidget(), "T&rends")
        self.tabs.addTab(QWidget(), "Therapy &lines")
        layout.addWidget(self.tabs, 1)
        # While the course is built in the background (the engine runs for every visit).
        self.loading = QLabel()
        self.loading.setAccessibleName("Patient page loading")
        self.loading.setWordWrap(True)
        self.loading.setVisible(False)
        layout.addWidget(self.loading)
        self.status = QLabel()
        self.status.setAccessibleName("Patient page status")
        # Plain text: it shows paths the user chose and error texts, never markup.
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        # The clinic server cannot be reached: the record as last read, read-only, marked.
        self.offline = QFrame()
        self.offline.setFrameShape(QFrame.Shape.StyledPanel)
        self.offline.setAccessibleName("Read-only: the clinic server cannot be reached")
        offline_row = QHBoxLayout(self.offline)
        self.offline_text = QLabel()
        self.offline_text.setWordWrap(True)
        offline_row.addWidget(self.offline_text, 1)
        self.offline_retry = QPushButton("Tr&y again")
        self.offline_retry.setAccessibleName("Read the record from the clinic server again")
        self.offline_retry.clicked.connect(self.refresh)
        offline_row.addWidget(self.offline_retry)
        layout.insertWidget(1, self.offline)
        self.offline.setVisible(False)
        self._read_at: dt.datetime | None = None

        self.back_button.clicked.connect(self.back_requested)
        self.new_visit_button.clicked.connect(self.new_visit)
        self.open_visit_button.clicked.connect(self.open_selected_visit)
        self.timeline.activated.connect(lambda _i: self.open_selected_visit())
        self.edit_button.clicked.connect(
            lambda: self.record and self.edit_requested.emit(self.record.patient_id)
        )
        self.archive_button.clicked.connect(self.toggle_archived)
        self.regimens_button.clicked.connect(self.open_regimens)
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.print_course_action.triggered.connect(self.print_course)
        self.course_pdf_action.triggered.connect(lambda: self.save_course_pdf())
        self.export_button.clicked.connect(lambda: self.export_patient())
        self.confirm_diagnosis_button.clicked.connect(self.confirm_diagnosis)
        self.worker = Worker(self)  # the course builds
        self.worker.failed.connect(self._course_failed)
        self.evidence_worker = Worker(self)  # the evidence database's load, on its own
        self._generation = 0  # one per refresh: a course result of an older one is dropped
        self._waiting = False  # a course job is under way for the record shown
        # the visit form opened from this page and the record whose visit it edits
        self._form_view: AssessView | None = None
        self._form_record: PatientRecord | None = None
        # the evidence database (the regimen picker's choices, the report's options): loaded
        # in the worker once the first course is on screen (or the Therapy lines tab opened
        # before that) — never while the page first opens, when its load (~0.4 s) would hold
        # the interpreter from the page's layout; loaded before a print is asked for, so the
        # report does not load it on the GUI thread
        self._evidence_requested = False
        self.tabs.currentChanged.connect(self._tab_shown)

    def _tab_shown(self, index: int) -> None:
        if index == self.TRENDS_TAB:
            self.chart  # noqa: B018 - built on first show
        elif index == self.LINES_TAB:
            self.lines_editor  # noqa: B018 - built on first show

    def _put_tab(self, index: int, widget: QWidget) -> None:
        """Put ``widget`` in place of the placeholder of tab ``index``, same title, same tab
        in front."""
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        title = self.tabs.tabText(index)
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()

    @property
    def chart(self) -> TrendChart:
        """The Trends tab (chart and flowsheet), built on first use with what it shows."""
        chart = self._chart
        if chart is None:
            from myeloma_desk.ui.widgets.trend_chart import TrendChart

            chart = self._chart = TrendChart()
            self._show_trends()
            self._put_tab(self.TRENDS_TAB, chart)
        return chart

    @property
    def lines_editor(self) -> TherapyLinesEditor:
        """The Therapy lines tab (table and form), built on first use with the record."""
        editor = self._lines_editor
        if editor is None:
            from myeloma_desk.ui.views.drafts import DraftStore
            from myeloma_desk.ui.views.patients.lines_editor import TherapyLinesEditor

            # a change held while the clinic server is away is kept as a draft (server_wait.py)
            drafts = DraftStore.for_context(self.context)
            editor = self._lines_editor = TherapyLinesEditor(drafts=drafts)
            editor.changed.connect(self.refresh)
            if self.record is not None:
                editor.set_record(self.record)
            editor.set_read_only(not self._editable)  # its draft can still be discarded
            self._put_tab(self.LINES_TAB, editor)
            if self._evidence_requested and self.context.evidence is not None:
                editor.set_evidence(self.context.evidence)  # loaded already
            self._request_evidence()  # else the editor gets it when it comes
        return editor

    def _show_trends(self) -> None:
        """The trends of the course shown, or that it is being read (when the tab is built)."""
        chart = self._chart
        if chart is None:
            return
        if self._trends is None:
            chart.set_loading()
        else:
            chart.set_data(self._trends)

    def _request_evidence(self) -> None:
        """Load the evidence database for the regimen picker (once; not at start-up, so the
        patient list opens without importing it)."""
        if self._evidence_requested:
            return
        self._evidence_requested = True
        try:
            from myeloma_desk.ui.views.evidence_loading import with_evidence
        except ImportError:  # no evidence database in this build: regimens are typed freely
            return
        with_evidence(self.context, self.evidence_worker, self._evidence_ready)

    def _evidence_ready(self, evidence: Evidence) -> None:
        if self._lines_editor is not None:
            self._lines_editor.set_evidence(evidence)

    def focus_first(self) -> None:
        """Keyboard focus on opening: the timeline if there are visits, else "New visit"."""
        has_visits = self.record is not None and bool(self.record.visits)
        target: QWidget = self.timeline if has_visits else self.new_visit_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def navigate(self, key: str, target: str = "") -> QWidget | None:
        return self.context.navigate(key, target)

    def show_patient(self, record: PatientRecord) -> None:
        if self.record is None or self.record.patient_id != record.patient_id:
            self.status.clear()  # "Visit of … saved" belonged to the previous patient
            self.timeline.clearSelection()
            self.tabs.setCurrentIndex(0)
        form_record = self._form_record
        if form_record is not None and form_record is not record:
            # the visit form still edits a visit of the record shown before: if its course
            # was being built by the page (a job now superseded), build it on its own
            self._build_form_course(form_record)
        self.record = record
        if self._lines_editor is not None:
            self._lines_editor.set_record(record)
        self.refresh()

    @property
    def is_loading(self) -> bool:
        """Whether the page is still waiting for the patient's course."""
        return self._waiting

    def wait_for_course(self, msecs: int = 20000) -> bool:
        """Process events until the course job has come back (tests, screenshots, a print
        that needs it); False if it has not within ``msecs``."""
        deadline = time.monotonic() + msecs / 1000
        while self._waiting and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            QThread.msleep(2)
        return not self._waiting

    def refresh(self) -> None:
        """Read the patient's records again and build the course off the GUI thread.

        The records are read here (the store is used by one thread); the course (the engine
        for every visit) is built in the worker. Meanwhile the page shows the patient and the
        dates of the visits, says it is loading, and shows nothing of an earlier course. A
        result that arrives after another patient was opened, or after a visit was saved
        (a newer refresh), is dropped."""
        record = self.record
        if record is None:
            return
        try:
            record.reload()
        except ServerUnavailableError as error:
            self._show_offline(error)  # the record and course as last read stay on screen
            return
        self._read_at = dt.datetime.now(dt.UTC)
        self._show_offline(None)
        self._generation += 1
        generation = self._generation
        self._show_identity(record, None)
        self.archive_button.setText("Unarc&hive" if record.patient.archived else "Arc&hive")
        self._offer_diagnosis(None)
        pending = [(v.date, "Reading the assessment…") for v in record.visits]
        self._set_timeline(timeline_events(pending, record.lines))
        self._trends = None
        self._show_trends()
        editor = self._lines_editor
        if editor is not None:
            editor.show_saved(record.lines)  # a held change stays shown until it is saved
        self.loading.setText(
            f"Reading the course of {record.patient.name}: the assessment of "
            f"{len(record.visits)} visit{'s' if len(record.visits) != 1 else ''}…"
        )
        self.loading.setVisible(True)
        self._waiting = True
        version, build = record.course_job()
        self.worker.submit(
            build,
            partial(self._course_ready, generation, record, version),
            key=self.COURSE_JOB,
        )

    def _course_ready(
        self, generation: int, record: PatientRecord, version: int, course: Course
    ) -> None:
        if generation != self._generation or record is not self.record:
            # another patient, or the same one after a save: a newer job is coming; the visit
            # form may still edit this record's visit (kept if the records are unchanged)
            if record is self._form_record and record.adopt_course(version, course):
                self._course_to_form(record)
            return
        if not record.adopt_course(version, course):
            return
        self._course_to_form(record)
        self._show_course(record, course)
        self.loading.clear()
        self.loading.setVisible(False)
        self._waiting = False
        self._request_evidence()  # now the page is on screen and the worker free
        self.course_shown.emit(record.patient_id)

    # --- the course of the visit form's patient -----------------------------------------------
    def _build_form_course(self, record: PatientRecord) -> None:
        """Build ``record``'s course in the worker for the visit form (if it is not built)."""
        if record.built_course is not None:
            return
        version, build = record.course_job()
        self.worker.submit(
            build, partial(self._form_course_ready, record, version), key=self.FORM_COURSE_JOB
        )

    def _form_course_ready(self, record: PatientRecord, version: int, course: Course) -> None:
        if record.adopt_course(version, course):
            self._course_to_form(record)

    def _course_to_form(self, record: PatientRecord) -> None:
        """The course of the visit form's patient is built: the form's results follow it."""
        view = self._form_view
        if view is not None and record is self._form_record:
            view.course_ready()

    def _course_failed(self, key: str, message: str) -> None:
        if key in (self.COURSE_JOB, self.FORM_COURSE_JOB) and self._form_view is not None:
            record = self._form_record
            if record is not None and record.built_course is None:
                self._form_view.course_unavailable(message)
        if key != self.COURSE_JOB:
            return
        self.loading.setText(
            "The course of this patient could not be assessed; the visits are listed without "
            f"their results. ({message})"
        )
        self.loading.setVisible(True)
        self._waiting = False
        self._request_evidence()

    def _show_identity(self, record: PatientRecord, course: Course | None) -> None:
        p = record.patient
        bits = [
            f"<b>{html.escape(p.name)}</b>",
            html.escape(p.identifier or "no identifier"),
            f"born {p.birth_date.isoformat()}" if p.birth_date else "birth date not recorded",
            words(p.sex) if p.sex else "sex not recorded",
        ]
        if p.archived:
            bits.append("<b>archived</b>")
        if course is None:
            # as many lines as the course will fill, so the page does not jump when it arrives
            self.header.setText(" · ".join(bits) + "<br/>Diagnosis: reading…<br/>Now: reading…")
            return
        self.header.setText(
            " · ".join(bits)
            + f"<br/>Diagnosis: {html.escape(course.diagnosis.shown())}"
            + (f"<br/>Now: {html.escape(course.state.text)}" if course.state.text else "")
        )

    def _show_course(self, record: PatientRecord, course: Course) -> None:
        """The header, timeline, diagnosis offer and trends from the course model."""
        self._show_identity(record, course)
        visits = [(v.date, visit_summary(course, v)) for v in course.visits]
        established = course.diagnosis
        offer = (
            (established.value, established.date)
            if established.source == "engine" and established.value and established.date
            else None
        )
        self._offer_diagnosis(offer)
        self._set_timeline(timeline_events(visits, record.lines))
        self._trends = trend_data_for(course)
        self._show_trends()

    def _set_timeline(self, events: list[TimelineEvent]) -> None:
        """Replace the timeline's events, keeping the selected visit or line selected."""
        index = self.timeline.currentIndex()
        selected = self.timeline.selectionModel().hasSelection()
        chosen = index.data(EventRole) if index.isValid() and selected else None
        self.timeline_model.set_events(events)
        if not isinstance(chosen, TimelineEvent):
            return
        for row, event in enumerate(events):
            same_visit = chosen.visit_date is not None and event.visit_date == chosen.visit_date
            same_line = (
                chosen.visit_date is None
                and event.kind == chosen.kind
                and event.line_index == chosen.line_index
            )
            if same_visit or same_line:
                self.timeline.selectRow(row)
                return

    def _show_offline(self, error: ServerUnavailableError | None) -> None:
        """While the server cannot be reached the page keeps the record as last read, marked
        read-only, with every way of changing it disabled until it answers again."""
        self.offline.setVisible(error is not None)
        self._editable = error is None
        for widget in (
            self.new_visit_button,
            self.open_visit_button,
            self.edit_button,
            self.archive_button,
            self.confirm_diagnosis_button,
        ):
            widget.setEnabled(self._editable)
        if self._lines_editor is not None:
            self._lines_editor.set_read_only(not self._editable)  # the draft can be discarded
        if error is None:
            return
        when = f"{self._read_at:%Y-%m-%d %H:%M} UTC" if self._read_at else "earlier"
        self.offline_text.setText(
            "<b>Read-only: the clinic server cannot be reached.</b> This is the record as "
            f"last read at {html.escape(when)}; it cannot be changed until the server answers "
            f"again. ({html.escape(error.problem)})"
        )

    # --- working diagnosis ----------------------------------------------------------------
    def _offer_diagnosis(self, assessed: tuple[str, dt.date] | None) -> None:
        """Offer the engine's diagnosis as the working diagnosis; the clinician confirms."""
        record = self.record
        current = record.patient.diagnosis if record is not None else None
        self.offered_diagnosis = None
        if assessed is not None and assessed[0] != current:
            diagnosis, day = assessed
            self.offered_diagnosis = diagnosis
            now = diagnosis_label(current) if current else "not recorded"
            self.diagnosis_text.setText(
                f"The assessment of the visit of {day.isoformat()} gives "
                f"<b>{html.escape(diagnosis_label(diagnosis))}</b>; the working diagnosis is "
                f"{html.escape(now)}. Confirm it if it is your diagnosis."
            )
        self.diagnosis_offer.setVisible(self.offered_diagnosis is not None)

    def confirm_diagnosis(self) -> bool:
        """Record the offered diagnosis as the patient's working diagnosis."""
        record = self.record
        diagnosis = self.offered_diagnosis
        if record is None or diagnosis is None:
            return False
        fields = record.patient.fields().model_copy(update={"diagnosis": diagnosis})
        try:
            # based on the record shown: a change saved meanwhile elsewhere is not overwritten
            record.store.update_patient(
                record.patient_id, fields, expected_version=record.patient.version
            )
        except StoreError as error:
            self.status.setText(str(error))
            return False
        self.refresh()
        self.status.setText(f"Working diagnosis set to {diagnosis_label(diagnosis)}.")
        self.archived_changed.emit(record.patient_id)  # the list row shows the diagnosis
        return True

    # --- visits -----------------------------------------------------------------------------
    def new_visit(self, day: dt.date | None = None) -> AssessView | None:
        """Open the visit form for a new visit of this patient (dated today by default)."""
        return self._edit_visit(day or dt.date.today(), new=True)

    def open_selected_visit(self) -> AssessView | None:
        index = self.timeline.currentIndex()
        event = index.data(EventRole) if index.isValid() else None
        if event is None or event.visit_date is None:
            self.status.setText("Select a visit in the timeline to open it.")
            return None
        return self._edit_visit(event.visit_date, new=False)

    def _edit_visit(self, day: dt.date, new: bool) -> AssessView | None:
        record = self.record
        if record is None:
            return None
        view = self.context.visit_form()
        if view is None:
            return None
        data = {"date": day.isoformat()} if new else record.visit_data(day)
        known = record.visit(day)  # the version the save is based on (conflict check)
        loaded = Loaded(known.version if known is not None else 0, day)
        view.set_subject(
            f"{record.patient.name}, {'new visit' if new else 'visit of ' + day.isoformat()}",
            f"visit-patient-{record.patient_id}",
            data=data,
            patient_id=str(record.patient_id),
            save_handler=partial(self._save_visit_of, record, loaded, view),
            base_provider=record.base_for,
            # the course as built in the worker (None while it is being built: the form says
            # so and follows it when it comes, never building it on the GUI thread)
            course=lambda: record.built_course,
        )
        self._form_view, self._form_record = view, record
        if not (self._waiting and record is self.record):
            self._build_form_course(record)  # not being built by the page (e.g. it failed)
        view.form.focus_field("date")  # the keyboard starts at the first field
        return view

    def _save_visit_of(
        self, record: PatientRecord, loaded: Loaded, view: AssessView, state: FormState
    ) -> str | None:
        return self.save_visit(state, record, loaded, view)

    def save_visit(
        self,
        state: FormState,
        record: PatientRecord | None = None,
        loaded: Loaded | None = None,
        view: AssessView | None = None,
    ) -> str | None:
        """Save handler of the visit form: the form's own values, dated, to the store.

        ``record`` is the patient whose visit the form was opened for: the visit is saved to
        them even if another patient has been opened since. With ``loaded`` (the version the
        form was opened from) a save after someone else's opens the conflict dialog
        (views/conflict.py): nothing is overwritten without the clinician choosing so.
        """
        record = record or self.record
        if record is None:
            return "no patient is open"
        own = {k: v for k, v in state.own.items() if k not in DERIVED}
        day_text = own.get("date")
        if not day_text:
            return "enter the date of the visit"
        try:
            snapshot = parse_snapshot(own)
            day = dt.date.fromisoformat(str(day_text))
            if day > dt.date.today():
                return (
                    f"The visit date {day.isoformat()} is in the future: enter the date the "
                    "visit took place."
                )
            expected = None
            if loaded is not None:
                known = record.visit(day)
                cached = known.version if known is not None else 0
                expected = loaded.version if day == loaded.day else cached
            saved = record.store.save_visit(record.patient_id, day, snapshot, expected)
            if loaded is not None:
                loaded.version, loaded.day = saved.version, day
        except StaleRecordError as stale:
            if loaded is None:  # pragma: no cover - no version passed, no conflict raised
                return str(stale)
            try:
                message = settle_visit(
                    record.store,
                    record.patient_id,
                    day,
                    snapshot,
                    own,
                    stale,
                    loaded,
                    view.load_saved if view is not None else lambda _data: None,
                    self,
                )
            except StoreError as error:  # e.g. the server went away while the dialog was open
                return str(error)
            if record is self.record:
                self.refresh()  # reloads (or shows the record as last read)
            if message is not None:
                return message
        except ServerUnavailableError as error:
            if view is None:
                return str(error)
            # kept as a local draft and saved when the server is back (views/server_wait.py)
            from myeloma_desk.ui.views.server_wait import held_message, hold_until_back

            database = record.store.database
            hold_until_back(view, getattr(database, "reachable", lambda: False))
            if record is self.record:
                self._show_offline(error)
            return held_message(error, view)
        except (SnapshotError, StoreError, ValueError) as error:
            return str(error)
        if record is self.record:
            self.refresh()
            self.status.setText(f"Visit of {day.isoformat()} saved.")
        else:
            record.reload()
            if record is self._form_record:
                self._build_form_course(record)
        self.context.signals.patients_changed.emit()
        return None

    # --- other actions ----------------------------------------------------------------------
    def export_patient(self, choice: ExportChoice | None = None) -> str | None:
        """Export this patient to a file (views/patients/exchange.py); the outcome in the
        status line."""
        from myeloma_desk.ui.views.patients.exchange import export_patient

        record = self.record
        if record is None:
            return None
        done = export_patient(self, record.store, record.patient_id, choice)
        if done is not None:
            self.status.setText(done)
        return done

    def toggle_archived(self) -> None:
        record = self.record
        if record is None:
            return
        record.store.archive_patient(record.patient_id, not record.patient.archived)
        self.refresh()
        self.archived_changed.emit(record.patient_id)

    def open_regimens(self) -> QWidget | None:
        record = self.record
        if record is None:
            return None
        return self.navigate("regimens", f"patient:{record.patient_id}")

    def report_date(self) -> dt.date | None:
        """The visit to report: the one selected in the timeline, else the latest."""
        record = self.record
        if record is None or not record.visits:
            return None
        index = self.timeline.currentIndex()
        event = index.data(EventRole) if index.isValid() else None
        if isinstance(event, TimelineEvent) and event.visit_date is not None:
            return event.visit_date
        return record.visits[-1].date

    def report_doc(self, day: dt.date | None = None, detail: bool = False) -> ReportDoc:
        """The report document of a visit (pure data from reports.build; no dialog)."""
        from myeloma_desk.reports.build import assessment_report

        record = self.record
        day = day or self.report_date()
        if record is None or day is None:
            raise ValueError("No visit to report yet: enter a visit first.")
        settings = self.context.settings
        return assessment_report(
            record.snapshot_for(day),
            visit_date=day,
            report_date=dt.date.today(),
            clinician=settings.clinician,
            institution=settings.institution,
            page_size=settings.page_size,
            course=self._course_for_print(record),  # the diagnosis, staging, trends
            evidence=self._evidence_for_print(),  # the options the PDQ describes
            detail=detail,
        )

    def _evidence_for_print(self) -> Evidence | None:
        """The evidence database for a report's options: when its load is under way in the
        worker (it starts once the course is on screen), waited for with events running,
        rather than loaded a second time on the GUI thread."""
        if self.context.evidence is None and self.evidence_worker.pending():
            self.status.setText("Waiting for the evidence database before printing…")
            deadline = time.monotonic() + 20
            while self.evidence_worker.pending() and time.monotonic() < deadline:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
                QThread.msleep(2)
            self.status.clear()
        return self.context.evidence

    def _course_for_print(self, record: PatientRecord) -> Course:
        """The course a report prints: the worker's, waited for (events keep running) when
        a print is asked for while the page is still loading, so the engine never runs on the
        GUI thread for it; built here only if the worker did not answer in time."""
        if self._waiting and record is self.record:
            self.status.setText("Waiting for the patient's course before printing…")
            self.wait_for_course()
            self.status.clear()
        return record.built_course or record.course

    def paint_preview(self, printer: QPrinter, doc: ReportDoc) -> int:
        """The preview's paint callback: draws ``doc`` on the preview's printer."""
        return paint_report(printer, doc)

    def print_preview(self) -> QPrintPreviewDialog | None:
        """Open the print preview of the selected (or latest) visit."""
        doc = report_or_message(self.report_doc, self.status)
        if doc is None:
            return None
        day = doc.header.visit_date
        self._preview = open_preview(
            self, doc, show=self.show_dialogs, rebuild=lambda detail: self.report_doc(day, detail)
        )
        self._record_print("preview", doc)
        return self._preview

    def save_pdf(self, path: str | None = None) -> tuple[Path, int] | None:
        """Save the selected (or latest) visit's report as a PDF (asks where unless ``path``)."""
        return self._save_as_pdf(self.report_doc, path)

    def course_doc(self) -> CourseReportDoc:
        """The course report of the patient (pure data from reports.course_report)."""
        from myeloma_desk.reports.course_report import course_report

        record = self.record
        if record is None or not record.visits:
            raise ValueError("No course to report yet: enter a visit first.")
        settings = self.context.settings
        return course_report(
            self._course_for_print(record),
            report_date=dt.date.today(),
            clinician=settings.clinician,
            institution=settings.institution,
            page_size=settings.page_size,
        )

    def print_course(self) -> QPrintPreviewDialog | None:
        """Open the print preview of the course report (print or PDF from there)."""
        doc = report_or_message(self.course_doc, self.status)
        if doc is None:
            return None
        self._preview = open_preview(self, doc, show=self.show_dialogs)
        self._record_print("preview", doc)
        return self._preview

    def save_course_pdf(self, path: str | None = None) -> tuple[Path, int] | None:
        """Save the course report as a PDF (asks where unless ``path`` is given)."""
        return self._save_as_pdf(self.course_doc, path)

    def _save_as_pdf(
        self, build: Callable[[], ReportDoc | CourseReportDoc], path: str | None
    ) -> tuple[Path, int] | None:
        """Build a report, save it as a PDF (status says where or why not) and log the print."""
        doc = report_or_message(build, self.status)
        if doc is None:
            return None
        saved = save_pdf_to_status(self, doc, self.status, path)
        if saved is not None:
            self._record_print("pdf", doc, saved[1])
        return saved

    def _record_print(
        self, kind: str, doc: ReportDoc | CourseReportDoc, pages: int | None = None
    ) -> None:
        """A report of stored data leaving the screen goes into the audit log."""
        if self.record is None:
            return
        visit = getattr(doc.header, "visit_date", None)
        detail: dict[str, object] = {"format": kind, "visit": visit.isoformat() if visit else None}
        if doc.header.course_to is not None:
            detail = {"report": "course", "format": kind}
        if pages is not None:
            detail["pages"] = pages
        self.record.store.record_event("print", self.record.patient_id, detail)
