"""The Patients section: the patient list (filter, sort), the inline patient editor and the
patient page, stacked; it tells the application which patient is current."""

from __future__ import annotations

import html
import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.store import StoreError
from myeloma_desk.store.demo import load_demo
from myeloma_desk.store.patient_index import CourseSummary
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.models.patients import PatientListModel, PatientRole
from myeloma_desk.ui.views.patient_record import PatientRecord
from myeloma_desk.ui.views.patients.common import table_view
from myeloma_desk.ui.views.patients.editor import PatientEditor
from myeloma_desk.ui.views.patients.store import recover_store, store_of
from myeloma_desk.ui.widgets.columns import FitColumns
from myeloma_desk.ui.workers import Worker

if TYPE_CHECKING:
    from myeloma_desk.ui.views.patients.page import PatientPage
    from myeloma_desk.ui.views.visit_form import AssessView

log = logging.getLogger(__name__)


class PatientsView(QWidget):
    """List → patient page → (visit form in Assess); new/edit in an inline editor."""

    LIST, EDITOR, PATIENT = range(3)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("patients")
        self.setAccessibleName("Patients")
        self.store = store_of(context)
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)

        # list page
        page = QWidget()
        box = QVBoxLayout(page)
        self.demo_banner = QFrame()
        self.demo_banner.setFrameShape(QFrame.Shape.StyledPanel)
        banner = QHBoxLayout(self.demo_banner)
        banner.addWidget(
            QLabel(
                "The patient store is empty. Load the demo patients (fictional, one per "
                "diagnosis category) to explore Myeloma Desk?"
            ),
            1,
        )
        self.demo_button = QPushButton("Load &demo patients")
        self.demo_button.setAccessibleName("Load the demo patients")
        banner.addWidget(self.demo_button)
        box.addWidget(self.demo_banner)
        self.draft_banner = QFrame()
        self.draft_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.draft_banner.setAccessibleName("Unsaved visit draft found")
        drafts_row = QHBoxLayout(self.draft_banner)
        self.draft_text = QLabel()
        self.draft_text.setWordWrap(True)
        drafts_row.addWidget(self.draft_text, 1)
        self.draft_button = QPushButton("Re&view draft")
        self.draft_button.setAccessibleName("Review the unsaved visit draft in Assess")
        drafts_row.addWidget(self.draft_button)
        self.unlock_drafts_button = QPushButton("Enter the &passphrase…")
        self.unlock_drafts_button.setAccessibleName(
            "Enter this computer's store passphrase to see the drafts kept for the clinic server"
        )
        drafts_row.addWidget(self.unlock_drafts_button)
        box.addWidget(self.draft_banner)
        self._offer_drafts()
        self.check_banner = QFrame()
        self.check_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.check_banner.setAccessibleName("The patient store failed its start-up check")
        check_row = QHBoxLayout(self.check_banner)
        self.check_text = QLabel()
        self.check_text.setWordWrap(True)
        check_row.addWidget(self.check_text, 1)
        self.recover_button = QPushButton("Re&cover from a backup")
        self.recover_button.setAccessibleName("Recover the patient store from a backup")
        check_row.addWidget(self.recover_button)
        box.addWidget(self.check_banner)
        self.check_banner.setVisible(False)
        # A damaged write-ahead log found at open: what could not be recovered, and where the
        # untouched copy is (store/local.py, record_wal_loss). Shown until the user closes it.
        self.recovery_banner = QFrame()
        self.recovery_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.recovery_banner.setAccessibleName("Changes could not be recovered")
        recovery_row = QHBoxLayout(self.recovery_banner)
        self.recovery_text = QLabel()
        self.recovery_text.setWordWrap(True)
        self.recovery_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        recovery_row.addWidget(self.recovery_text, 1)
        self.recovery_close = QPushButton("&Understood")
        self.recovery_close.setAccessibleName("Close the notice about changes not recovered")
        self.recovery_close.clicked.connect(lambda: self.recovery_banner.setVisible(False))
        recovery_row.addWidget(self.recovery_close)
        box.addWidget(self.recovery_banner)
        notice = self.store.recovery_notice
        self.recovery_text.setText(
            f"<b>Not every saved change could be recovered.</b> {html.escape(notice)}"
            if notice
            else ""
        )
        self.recovery_banner.setVisible(bool(notice))
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find by name, identifier or diagnosis (Ctrl+F)")
        self.search.setAccessibleName("Find patients")
        self.search.setClearButtonEnabled(True)
        self.show_archived = QCheckBox("Show a&rchived")
        self.show_archived.setAccessibleName("Show archived patients")
        self.new_button = QPushButton("&New patient")
        self.new_button.setAccessibleName("New patient")
        self.open_button = QPushButton("&Open")
        self.open_button.setAccessibleName("Open the selected patient")
        self.import_button = QPushButton("&Import…")
        self.import_button.setAccessibleName(
            "Import a patient from a FHIR R4 bundle or a Myeloma Desk file"
        )
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_archived)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        bar.addWidget(self.import_button)
        self.store_button = QPushButton("Patient s&tore…")
        self.store_button.setAccessibleName("Choose this computer's store or the clinic server")
        self.store_button.clicked.connect(self.choose_store)
        bar.addWidget(self.store_button)
        box.addLayout(bar)
        if self.store.server:  # which store the list is from, plainly
            server = html.escape(str(getattr(self.store.database, "where", "")))
            where = QLabel(
                f"Patients of the clinic server ({server}), "
                f"signed in as {html.escape(self.store.user or '?')}."
            )
            where.setAccessibleName("Clinic server in use")
            box.addWidget(where)
        self.index = self.store.patient_index()
        self.model = PatientListModel(parent=self)
        self.table = table_view("Patient list")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(24)
        # every column inside the table at 1280×800: long names, diagnoses and lines are
        # elided (whole text as tooltip) so the status column is never cut
        self.columns = FitColumns(self.table, wide=(0, 1, 4, 5, 6))
        box.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setAccessibleName("Number of patients shown")
        box.addWidget(self.count)
        self.stack.addWidget(page)

        from myeloma_desk.ui.views.drafts import DraftStore

        # edits held while the clinic server is away are kept as drafts (views/server_wait.py)
        self.editor = PatientEditor(self.store, drafts=DraftStore.for_context(self.context))
        self.stack.addWidget(self.editor)
        # The patient page (timeline, trends, lines, print) is built when a patient is first
        # opened: its modules are not imported before the first window is shown.
        self._patient_page: PatientPage | None = None
        self.stack.addWidget(QWidget())

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._filter_timer.start)
        self.show_archived.toggled.connect(self._apply_filter)
        self.new_button.clicked.connect(self.new_patient)
        self.open_button.clicked.connect(self.open_selected)
        self.import_button.clicked.connect(self.import_patient)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.demo_button.clicked.connect(self.load_demo)
        self.draft_button.clicked.connect(self._review_draft)
        self.unlock_drafts_button.clicked.connect(self._unlock_drafts)
        self.recover_button.clicked.connect(lambda: recover_store(self.context))
        context.signals.store_checked.connect(self._on_store_checked)
        self.editor.saved.connect(self._after_edit)
        self.editor.cancelled.connect(self._cancel_edit)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), page, self._focus_search)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), page, self.new_patient)
        self._return_to = self.LIST
        # Course columns of rows that have none (new, changed, or never summarised): built one
        # patient at a time off the GUI thread, then kept in the store (patient_index.py).
        self.summaries = Worker(self)
        self.summaries.failed.connect(self._summary_failed)
        self._summarise: list[int] = []
        self._summarising: int | None = None
        self._tried: set[tuple[int, str]] = set()
        self.model.modelReset.connect(self._queue_summaries)
        self.model.rowsInserted.connect(self._queue_summaries)
        self.model.dataChanged.connect(self._queue_summaries)
        context.signals.patients_changed.connect(self._reload_current)
        self.model.set_index(self.index)
        self.demo_banner.setVisible(self.model.total == 0)
        self._update_count()
        if self.store.check_problem is not None:
            self._on_store_checked(self.store.check_problem)

    def _offer_drafts(self) -> None:
        """Say so when a visit draft survived the last session (the Assess section restores)."""
        from myeloma_desk.ui.views.drafts import DraftStore

        store = DraftStore.for_context(self.context)
        drafts = store.all()
        locked = not drafts and store.has_locked_drafts()
        if drafts:
            newest = drafts[0]
            self.draft_text.setText(
                f"An unsaved visit draft ({html.escape(newest.label or 'a visit')}, "
                f"{html.escape(newest.saved_at)} UTC) was found: the app may have closed "
                "before it was saved."
            )
        elif locked:
            # drafts kept for the clinic server, encrypted with this computer's passphrase
            self.draft_text.setText(
                "Drafts kept on this computer while the clinic server could not be reached "
                "are encrypted with this computer's store passphrase: enter it to see them."
            )
        self.draft_button.setVisible(bool(drafts))
        self.unlock_drafts_button.setVisible(locked)
        self.draft_banner.setVisible(bool(drafts) or locked)

    def _unlock_drafts(self) -> None:
        """Ask for this computer's store passphrase and offer the server's drafts it opens."""
        from myeloma_desk.ui.views.draft_passphrase import ask_draft_passphrase
        from myeloma_desk.ui.views.drafts import DraftStore

        if ask_draft_passphrase(DraftStore.for_context(self.context), self):
            self._offer_drafts()

    @property
    def patient_page(self) -> PatientPage:
        """The patient page, created on first use (in the stack at index ``PATIENT``)."""
        page = self._patient_page
        if page is None:
            from myeloma_desk.ui.views.patients.page import PatientPage

            page = self._patient_page = PatientPage(self.context)
            placeholder = self.stack.widget(self.PATIENT)
            self.stack.insertWidget(self.PATIENT, page)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            page.back_requested.connect(self.show_list)
            page.edit_requested.connect(self.edit_patient)
            page.archived_changed.connect(self._reload_one)
        return page

    def _on_store_checked(self, problem: str | None) -> None:
        """The background integrity check finished: on damage, say so and offer recovery."""
        if problem is None:
            self._next_summary()  # course summaries are written only to a checked store
            return
        self.check_text.setText(
            "<b>The patient store failed its start-up integrity check</b> "
            f"({html.escape(problem)}). Nothing will be saved to it. Recover it from the "
            "newest good backup (the damaged file is kept in the corrupt folder)."
        )
        self.check_banner.setVisible(True)
        self.import_button.setEnabled(False)  # nothing is written to a damaged store

    def _review_draft(self) -> None:
        from myeloma_desk.ui.views.visit_form import AssessView

        self.draft_banner.setVisible(False)
        page = self.context.navigate("assess")
        if isinstance(page, AssessView) and page.banner.draft is None and page.drafts is not None:
            offered = page.drafts.all()  # e.g. readable only since the passphrase was entered
            page.banner.offer(offered[0] if offered else None)

    # --- list -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Query the store again: the count and the rows loaded so far (never every row)."""
        self.model.refresh()
        self.demo_banner.setVisible(self.model.total == 0)
        self._update_count()

    def _reload_current(self) -> None:
        """A visit or line was saved (perhaps from the Assess section): refresh the counts."""
        patient_id = self.context.current_patient_id
        if patient_id is None:
            self.reload()
            return
        try:
            self._reload_one(patient_id)
        except StoreError:
            self.reload()

    def _reload_one(self, patient_id: int) -> None:
        if self.model.update_patient(patient_id) < 0:
            self.model.refresh()
        self._update_count()

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.search.text(), self.show_archived.isChecked())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.matched, self.model.total
        self.count.setText(f"{shown} of {total} patients shown")

    # --- course columns -----------------------------------------------------------------------
    def _queue_summaries(self, *_args: object) -> None:
        """Queue the loaded rows whose course columns are missing or out of date."""
        queued = set(self._summarise)
        for row in self.model.rows():
            if row.course is None and row.visit_count and row.id not in queued:
                self._summarise.append(row.id)
                queued.add(row.id)
        self._next_summary()

    def _next_summary(self) -> None:
        store = self.store
        if self._summarising is not None or store.closed or store.check_pending:
            return
        if store.check_problem is not None:
            return
        while self._summarise:
            patient_id = self._summarise.pop(0)
            # Read on the GUI thread (the store is used by one thread at a time), the stamp
            # with the records it belongs to; only the course is built in the worker.
            stamp = self.index.stamp(patient_id)
            if stamp is None or (patient_id, stamp) in self._tried:
                continue
            self._tried.add((patient_id, stamp))
            try:
                record = PatientRecord(self.store, patient_id)
            except StoreError:
                continue
            self._summarising = patient_id
            self.summaries.submit(
                partial(course_summary_of, record),
                partial(self._summary_done, patient_id, stamp),
                key="summary",
            )
            return

    def _summary_done(self, patient_id: int, stamp: str, summary: CourseSummary) -> None:
        self._summarising = None
        try:
            recorded = not self.store.closed and self.index.record_course(
                patient_id, summary, stamp
            )
        except StoreError as error:
            # A reader's role may not write even the derived list columns, and a clinic
            # server may be away: the columns stay empty; nothing the user typed is involved.
            log.info("course summary not kept for the patient list: %s", error)
            self._summarise.clear()
            return
        if recorded:
            self.model.update_patient(patient_id)
        self._next_summary()

    def _summary_failed(self, _key: str, message: str) -> None:
        log.error("course summary for the patient list failed: %s", message)
        self._summarising = None
        self._next_summary()

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def load_demo(self) -> list[str]:
        added = load_demo(self.store)
        self.reload()
        return added

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = index.data(PatientRole)
        return int(row.id) if row is not None else None

    def show_list(self) -> None:
        self.stack.setCurrentIndex(self.LIST)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- editing ----------------------------------------------------------------------------
    def new_patient(self) -> None:
        self._return_to = self.LIST
        self.editor.edit(None)
        self.stack.setCurrentIndex(self.EDITOR)

    def import_patient(self) -> PatientPage | None:
        """Import one patient from a file (views/patients/exchange.py) and open them."""
        from myeloma_desk.ui.views.patients.exchange import import_patient

        patient = import_patient(self, self.store)
        if patient is None:
            return None
        self.reload()
        self.context.signals.patients_changed.emit()
        return self.open_patient(patient.id)

    def choose_store(self) -> None:
        """This computer's store or the clinic server (views/server_settings.py)."""
        from myeloma_desk.ui.views.server_settings import ask_store_setting

        ask_store_setting(self.context, self)

    def edit_patient(self, patient_id: int) -> None:
        self._return_to = self.PATIENT
        self.editor.edit(self.store.get_patient(patient_id))
        self.stack.setCurrentIndex(self.EDITOR)

    def _after_edit(self, patient_id: int) -> None:
        self.reload()
        self.open_patient(patient_id)

    def _cancel_edit(self) -> None:
        self.stack.setCurrentIndex(self._return_to)

    # --- patient page -----------------------------------------------------------------------
    def open_selected(self) -> PatientPage | None:
        patient_id = self.selected_id()
        return self.open_patient(patient_id) if patient_id is not None else None

    def open_patient(self, patient_id: int) -> PatientPage:
        self.patient_page.show_patient(PatientRecord(self.store, patient_id))
        self.context.set_current_patient(patient_id)
        self.stack.setCurrentIndex(self.PATIENT)
        self.patient_page.focus_first()
        row = self.model.row_of(patient_id)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        return self.patient_page

    def resume_visit(self, patient_id: int) -> AssessView | None:
        """Open ``patient_id`` and a new visit of theirs in the visit form (restoring a draft)."""
        try:
            page = self.open_patient(patient_id)
        except StoreError:  # the patient is gone: the draft is restored without a patient
            return None
        return page.new_visit()

    def go_to(self, target: str) -> None:
        """Section navigation: ``patient:<id>`` opens that patient."""
        kind, _, value = target.partition(":")
        if kind == "patient" and value.isdigit():
            self.open_patient(int(value))

    # --- screenshots ------------------------------------------------------------------------
    def prepare_screenshot(self) -> None:
        """Demo patients loaded and their course columns filled in (for the screenshots)."""
        import time

        from PySide6.QtWidgets import QApplication

        if self.model.total == 0:
            self.load_demo()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.summaries_settled():
            QApplication.processEvents()
            time.sleep(0.02)
        self.columns.fit()

    def summaries_settled(self) -> bool:
        """The start-up check is done and no course column is being built or waiting."""
        return not self.store.check_pending and self._summarising is None and not self._summarise

    def open_first_patient(self) -> None:
        """Open the demo patient with the most visits (for the screenshots)."""
        best, most = None, -1
        for row in self.store.list_patients():
            count = len(self.store.visit_dates(row.id))
            if count > most:
                best, most = row.id, count
        if best is not None:
            self.open_patient(best)

    def show_trends(self) -> None:
        self.patient_page.tabs.setCurrentWidget(self.patient_page.chart)


def course_summary_of(record: PatientRecord) -> CourseSummary:
    """The list's course columns of one patient (runs in a worker: builds the course)."""
    from myeloma_desk.course.summary import course_summary

    return course_summary(record.course)
