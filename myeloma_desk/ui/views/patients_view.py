"""The Patients section: the patient list (10,000 rows stay smooth), new/edit/archive, and a
patient page with the timeline, trends and therapy lines; visits are entered in the Assess
section's visit form and saved back here."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.snapshot import SnapshotError, TherapyLine, parse_snapshot
from myeloma_desk.domain.vocabulary import DIAGNOSES as ALL_DIAGNOSES
from myeloma_desk.store import Store, StoreError
from myeloma_desk.store.demo import load_demo
from myeloma_desk.store.models import Patient, PatientFields
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.models.assessment import humanize
from myeloma_desk.ui.models.patients import PatientFilterProxy, PatientRole, PatientTableModel
from myeloma_desk.ui.models.timeline import (
    EventRole,
    TherapyLinesModel,
    TimelineEvent,
    TimelineModel,
    summary_of,
    timeline_events,
)
from myeloma_desk.ui.models.trends import trend_data_for
from myeloma_desk.ui.views.patient_record import DERIVED, PatientRecord
from myeloma_desk.ui.widgets.fields import FormState, error_colour
from myeloma_desk.ui.widgets.report_actions import open_preview, reports_available, save_pdf
from myeloma_desk.ui.widgets.trend_chart import TrendChart
from myeloma_desk.ui.workers import Worker

log = logging.getLogger(__name__)

Navigate = Callable[[str, str], Any]
DIAGNOSES = list(ALL_DIAGNOSES)
RESPONSES = ["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"]
SUMMARY_RULES = ("diagnosis", "iss", "r_iss", "r2_iss", "response_imwg")


def store_of(context: AppContext, passphrase: str | None = None) -> Store:
    """The app's one open patient store (opened on first use, closed with the window).

    An encrypted store needs ``passphrase`` the first time (and again after the idle lock).
    """
    store = context.services.get("store")
    if isinstance(store, Store) and not store.closed:
        return store
    if context.services.get("store_closed"):
        raise StoreError("The window is closing; the patient store has been closed.")
    from myeloma_desk.store import open_store

    # The start-up backup of a large store takes a while: it runs in a worker thread on a
    # connection of its own (see _start_backup), so opening the window is not held up.
    opened = open_store(context.paths, passphrase, backup_on_open=False)
    _start_backup(context, opened)

    def close() -> None:
        context.services["store_closed"] = True
        opened.close()

    context.services["store"] = opened
    context.services.setdefault("on_close", []).append(close)
    return opened


def _start_backup(context: AppContext, store: Store) -> None:
    """Take the due start-up backup off the GUI thread; the outcome goes to the log."""
    if not store.backup_due:
        return
    from myeloma_desk.ui.workers import Worker

    worker = context.services.get("backup_worker")
    if not isinstance(worker, Worker):
        worker = Worker()
        context.services["backup_worker"] = worker
        context.services.setdefault("on_close", []).insert(0, lambda: worker.wait(60_000))
    worker.failed.connect(lambda _key, text: log.error("start-up backup failed: %s", text))
    worker.submit(store.backup_detached, lambda path: log.info("start-up backup %s", path))


def lock_store(context: AppContext) -> bool:
    """Idle lock: close an open *encrypted* store; True if it was locked.

    The passphrase is needed to open it again. An unencrypted store has nothing to lock: a
    closed file that opens without a secret protects nothing, so it stays open.
    """
    store = context.services.get("store")
    if not isinstance(store, Store) or store.closed or not store.encrypted:
        return False
    store.close()
    context.services.pop("store", None)
    return True


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _show_message(label: QLabel, text: str | None) -> None:
    if text:
        label.setText(f"⚠ {text}")
        label.setStyleSheet(f"color: {error_colour(label)};")
        label.setAccessibleName(text)
    label.setVisible(bool(text))


def _table(name: str) -> QTableView:
    view = QTableView()
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


# ----------------------------------------------------------------------------- patient editor


class PatientEditor(QWidget):
    """New or edit patient: identity fields with their messages under them (no dialog)."""

    saved = Signal(int)  # patient id
    cancelled = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id: int | None = None
        self.setAccessibleName("Patient details")
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.name = QLineEdit()
        self.identifier = QLineEdit()
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("YYYY-MM-DD")
        self.sex = QComboBox()
        self.sex.addItems(["— not recorded —", "Female", "Male"])
        self.diagnosis = QComboBox()
        self.diagnosis.addItems(["— not recorded —", *(humanize(d) for d in DIAGNOSES)])
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.messages: dict[str, QLabel] = {}
        for key, label, widget in (
            ("name", "&Name", self.name),
            ("identifier", "&Identifier (MRN)", self.identifier),
            ("birth_date", "&Birth date", self.birth_date),
            ("sex", "&Sex", self.sex),
            ("diagnosis", "&Working diagnosis", self.diagnosis),
            ("notes", "N&otes", self.notes),
        ):
            widget.setAccessibleName(label.replace("&", ""))
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            message = _message_label()
            box.addWidget(message)
            self.messages[key] = message
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, holder)
        layout.addLayout(form)
        self.general = _message_label()
        layout.addWidget(self.general)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save patient")
        self.save_button.setAccessibleName("Save patient")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel editing")
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)

    def edit(self, patient: Patient | None) -> None:
        """Start editing ``patient`` (None: a new patient)."""
        self.patient_id = patient.id if patient else None
        self.heading.setText("<h3>Edit patient</h3>" if patient else "<h3>New patient</h3>")
        self.name.setText(patient.name if patient else "")
        self.identifier.setText((patient.identifier or "") if patient else "")
        birth = patient.birth_date if patient else None
        self.birth_date.setText(birth.isoformat() if birth else "")
        sex = patient.sex if patient else None
        self.sex.setCurrentIndex({"female": 1, "male": 2}.get(sex or "", 0))
        diagnosis = patient.diagnosis if patient else None
        self.diagnosis.setCurrentIndex(DIAGNOSES.index(diagnosis) + 1 if diagnosis else 0)
        self.notes.setPlainText(patient.notes if patient else "")
        self._clear_messages()
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_messages(self) -> None:
        for label in (*self.messages.values(), self.general):
            _show_message(label, None)

    def fields(self) -> PatientFields | None:
        """The typed fields, or None with each message shown on its field."""
        self._clear_messages()
        raw: dict[str, Any] = {
            "name": self.name.text(),
            "identifier": self.identifier.text().strip() or None,
            "birth_date": self.birth_date.text().strip() or None,
            "sex": [None, "female", "male"][self.sex.currentIndex()],
            "diagnosis": ([None, *DIAGNOSES])[self.diagnosis.currentIndex()],
            "notes": self.notes.toPlainText(),
        }
        try:
            return PatientFields.model_validate(raw)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                key = str(item["loc"][0]) if item["loc"] else ""
                text = str(item["msg"]).removeprefix("Value error, ")
                _show_message(self.messages.get(key, self.general), text)
            return None

    def save(self) -> int | None:
        fields = self.fields()
        if fields is None:
            return None
        try:
            if self.patient_id is None:
                patient = self.store.create_patient(fields)
            else:
                patient = self.store.update_patient(self.patient_id, fields)
        except StoreError as error:
            target = self.messages["identifier"] if "identifier" in str(error) else self.general
            _show_message(target, str(error))
            return None
        self.saved.emit(patient.id)
        return patient.id


# ----------------------------------------------------------------------------- therapy lines


def regimen_choices(evidence: Any) -> list[tuple[str, list[str]]]:
    """Regimens of the evidence database as (abbreviation, components), sorted."""
    return sorted(
        ((r.abbreviation, list(r.components)) for r in evidence.db.regimens),
        key=lambda item: item[0].casefold(),
    )


class TherapyLinesEditor(QWidget):
    """The lines table and a form for the selected line: regimen (from the evidence
    database), drugs, dates, best response and refractory."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Therapy lines")
        self.record: PatientRecord | None = None
        layout = QVBoxLayout(self)
        self.model = TherapyLinesModel(parent=self)
        self.table = _table("Lines of therapy")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.choices: list[tuple[str, list[str]]] = []
        self.regimen = QComboBox()
        self.regimen.setEditable(True)  # a regimen the database lacks can still be typed
        self.regimen.addItem("")
        self.regimen.setAccessibleName("Regimen")
        self.drugs = QLineEdit()
        self.drugs.setAccessibleName("Drugs, comma-separated")
        self.start = QLineEdit()
        self.start.setPlaceholderText("YYYY-MM-DD")
        self.start.setAccessibleName("Start date")
        self.end = QLineEdit()
        self.end.setPlaceholderText("YYYY-MM-DD, empty if ongoing")
        self.end.setAccessibleName("End date")
        self.best = QComboBox()
        self.best.addItems(["— not recorded —", *RESPONSES])
        self.best.setAccessibleName("Best response")
        self.refractory = QComboBox()
        self.refractory.addItems(["— not recorded —", "Yes", "No"])
        self.refractory.setAccessibleName("Refractory")
        for label, widget in (
            ("Re&gimen", self.regimen),
            ("Dr&ugs", self.drugs),
            ("S&tart", self.start),
            ("&End", self.end),
            ("Best &response", self.best),
            ("Re&fractory (progression on or ≤ 60 days after)", self.refractory),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        layout.addLayout(form)
        self.message = _message_label()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add line")
        self.update_button = QPushButton("&Update line")
        self.remove_button = QPushButton("Re&move line")
        for button in (self.add_button, self.update_button, self.remove_button):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.regimen.currentTextChanged.connect(self._fill_drugs)
        self.table.selectionModel().currentRowChanged.connect(self._load_row)
        self.add_button.clicked.connect(self.add_line)
        self.update_button.clicked.connect(self.update_line)
        self.remove_button.clicked.connect(self.remove_line)

    def set_record(self, record: PatientRecord) -> None:
        self.record = record
        self.model.set_lines(record.lines)

    def set_evidence(self, evidence: Any) -> None:
        """Offer the evidence database's regimens in the picker (loaded in the background)."""
        self.choices = regimen_choices(evidence)
        typed = self.regimen.currentText()
        self.regimen.blockSignals(True)
        self.regimen.clear()
        self.regimen.addItem("")
        self.regimen.addItems([abbr for abbr, _ in self.choices])
        self.regimen.setCurrentText(typed)
        self.regimen.blockSignals(False)

    def _fill_drugs(self, text: str) -> None:
        for abbreviation, components in self.choices:
            if abbreviation == text:
                self.drugs.setText(", ".join(components))
                return

    def _load_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        line = self.model.lines()[current.row()]
        self.regimen.setCurrentText(line.regimen)
        self.drugs.setText(", ".join(line.drugs))
        self.start.setText(line.start.isoformat() if line.start else "")
        self.end.setText(line.end.isoformat() if line.end else "")
        self.best.setCurrentIndex(
            RESPONSES.index(line.best_response) + 1 if line.best_response else 0
        )
        self.refractory.setCurrentIndex({None: 0, True: 1, False: 2}[line.refractory])

    def line_from_form(self) -> TherapyLine | None:
        raw = {
            "regimen": self.regimen.currentText().strip(),
            "drugs": [d.strip() for d in self.drugs.text().split(",") if d.strip()],
            "start": self.start.text().strip() or None,
            "end": self.end.text().strip() or None,
            "best_response": ([None, *RESPONSES])[self.best.currentIndex()],
            "refractory": [None, True, False][self.refractory.currentIndex()],
        }
        try:
            line = TherapyLine.model_validate(raw)
        except ValidationError as error:
            problems = [
                f"{'.'.join(str(p) for p in item['loc']) or 'line'}: "
                f"{str(item['msg']).removeprefix('Value error, ')}"
                for item in error.errors(include_url=False)
            ]
            _show_message(self.message, "; ".join(problems))
            return None
        _show_message(self.message, None)
        return line

    def _write(self, lines: list[TherapyLine], select: TherapyLine | None = None) -> bool:
        if self.record is None:
            return False
        ordered = sorted(lines, key=lambda ln: (ln.start is None, ln.start or dt.date.max))
        try:
            self.record.store.set_therapy_lines(self.record.patient_id, ordered)
        except (StoreError, ValueError) as error:
            _show_message(self.message, str(error))
            return False
        self.record.reload()
        self.model.set_lines(self.record.lines)
        if select is not None and select in self.record.lines:
            self.table.selectRow(self.record.lines.index(select))
        self.changed.emit()
        return True

    def add_line(self) -> bool:
        line = self.line_from_form()
        return line is not None and self._write([*self.model.lines(), line], select=line)

    def update_line(self) -> bool:
        row = self.table.currentIndex().row()
        line = self.line_from_form()
        if row < 0 or line is None:
            if row < 0:
                _show_message(self.message, "select the line to update first")
            return False
        lines = self.model.lines()
        lines[row] = line
        return self._write(lines, select=line)

    def remove_line(self) -> bool:
        row = self.table.currentIndex().row()
        if row < 0:
            _show_message(self.message, "select the line to remove first")
            return False
        lines = self.model.lines()
        del lines[row]
        return self._write(lines)


# ----------------------------------------------------------------------------- patient page


class PatientPage(QWidget):
    """One patient: header, timeline, trends and therapy lines, and what to do next."""

    back_requested = Signal()
    edit_requested = Signal(int)
    archived_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.record: PatientRecord | None = None
        self.show_dialogs = True  # tests build the preview but never open it
        self._preview: Any = None  # the open preview dialog, kept alive while shown
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
        self.archive_button = QPushButton("&Archive")
        self.regimens_button = QPushButton("Re&gimen options")
        self.print_button = QPushButton("&Print preview…")
        self.pdf_button = QPushButton("Save as P&DF…")
        self.pdf_button.setAccessibleName("Save this visit's report as a PDF")
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
        actions.addStretch(1)
        layout.addLayout(actions)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Patient record")
        self.timeline_model = TimelineModel(parent=self)
        self.timeline = _table("Timeline of visits and lines of therapy")
        self.timeline.setModel(self.timeline_model)
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.chart = TrendChart()
        self.lines_editor = TherapyLinesEditor()
        self.tabs.addTab(self.timeline, "&Timeline")
        self.tabs.addTab(self.chart, "T&rends")
        self.tabs.addTab(self.lines_editor, "Therapy &lines")
        layout.addWidget(self.tabs, 1)
        self.status = QLabel()
        self.status.setAccessibleName("Patient page status")
        layout.addWidget(self.status)

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
        self.lines_editor.changed.connect(self.refresh)
        self.worker = Worker(self)
        try:
            from myeloma_desk.ui.views.evidence_common import with_evidence
        except ImportError:  # no evidence database in this build: regimens are typed freely
            pass
        else:
            with_evidence(context, self.worker, self.lines_editor.set_evidence)

    def navigate(self, key: str, target: str = "") -> Any:
        navigate = self.context.services.get("navigate")
        return navigate(key, target) if callable(navigate) else None

    def show_patient(self, record: PatientRecord) -> None:
        self.record = record
        self.lines_editor.set_record(record)
        self.refresh()

    def refresh(self) -> None:
        record = self.record
        if record is None:
            return
        record.reload()
        p = record.patient
        bits = [
            f"<b>{html.escape(p.name)}</b>",
            html.escape(p.identifier or "no identifier"),
            f"born {p.birth_date.isoformat()}" if p.birth_date else "birth date not recorded",
            humanize(p.sex) if p.sex else "sex not recorded",
            humanize(p.diagnosis) if p.diagnosis else "working diagnosis not recorded",
        ]
        if p.archived:
            bits.append("<b>archived</b>")
        self.header.setText(" · ".join(bits))
        self.archive_button.setText("Un&archive" if p.archived else "&Archive")
        known = {r.id for r in rules()}
        wanted = [r for r in SUMMARY_RULES if r in known]
        visits = []
        for visit in record.visits:
            results = assess(record.snapshot_for(visit.date), rule_ids=wanted).results
            visits.append((visit.date, summary_of(results)))
        self.timeline_model.set_events(timeline_events(visits, record.lines))
        self.chart.set_data(trend_data_for(record.course))
        if self.lines_editor.model.lines() != record.lines:
            self.lines_editor.model.set_lines(record.lines)

    # --- visits -----------------------------------------------------------------------------
    def _assess_view(self) -> Any:
        return self.navigate("assess")

    def new_visit(self, day: dt.date | None = None) -> Any:
        """Open the visit form for a new visit of this patient (dated today by default)."""
        return self._edit_visit(day or dt.date.today(), new=True)

    def open_selected_visit(self) -> Any:
        index = self.timeline.currentIndex()
        event = index.data(EventRole) if index.isValid() else None
        if event is None or event.visit_date is None:
            self.status.setText("Select a visit in the timeline to open it.")
            return None
        return self._edit_visit(event.visit_date, new=False)

    def _edit_visit(self, day: dt.date, new: bool) -> Any:
        record = self.record
        if record is None:
            return None
        view = self._assess_view()
        if view is None or not hasattr(view, "set_subject"):
            return None
        data = {"date": day.isoformat()} if new else record.visit_data(day)
        view.set_subject(
            f"{record.patient.name}, {'new visit' if new else 'visit of ' + day.isoformat()}",
            f"visit-patient-{record.patient_id}",
            data=data,
            patient_id=str(record.patient_id),
            save_handler=self.save_visit,
            base_provider=record.base_for,
            course=lambda: record.course,  # rebuilt after each save
        )
        return view

    def save_visit(self, state: FormState) -> str | None:
        """Save handler of the visit form: the form's own values, dated, to the store."""
        record = self.record
        if record is None:
            return "no patient is open"
        own = {k: v for k, v in state.own.items() if k not in DERIVED}
        day_text = own.get("date")
        if not day_text:
            return "enter the date of the visit"
        try:
            snapshot = parse_snapshot(own)
            day = dt.date.fromisoformat(str(day_text))
            record.store.save_visit(record.patient_id, day, snapshot)
        except (SnapshotError, StoreError, ValueError) as error:
            return str(error)
        self.refresh()
        self.status.setText(f"Visit of {day.isoformat()} saved.")
        return None

    # --- other actions ----------------------------------------------------------------------
    def toggle_archived(self) -> None:
        record = self.record
        if record is None:
            return
        record.store.archive_patient(record.patient_id, not record.patient.archived)
        self.refresh()
        self.archived_changed.emit(record.patient_id)

    def open_regimens(self) -> Any:
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

    def report_doc(self, day: dt.date | None = None) -> Any:
        """The report document of a visit (pure data from reports.build; no dialog)."""
        from myeloma_desk.reports.build import assessment_report

        record = self.record
        day = day or self.report_date()
        if record is None or day is None:
            raise ValueError("no visit to report: enter a visit first")
        settings = self.context.settings
        return assessment_report(
            record.snapshot_for(day),
            visit_date=day,
            report_date=dt.date.today(),
            clinician=settings.clinician,
            institution=settings.institution,
            page_size=settings.page_size,
            evidence=self.context.services.get("evidence"),
        )

    def paint_preview(self, printer: Any, doc: Any) -> int:
        """The preview's paint callback: draws ``doc`` on the preview's printer."""
        from myeloma_desk.reports.render_qt import print_to

        return int(print_to(printer, doc))

    def print_preview(self) -> Any:
        """Open the print preview of the selected (or latest) visit."""
        doc = self._report_or_message()
        if doc is None:
            return None
        self._preview = open_preview(self, doc, show=self.show_dialogs)
        self._record_print("preview", doc)
        return self._preview

    def save_pdf(self, path: str | None = None) -> Any:
        """Save the selected (or latest) visit's report as a PDF (asks where unless ``path``)."""
        doc = self._report_or_message()
        if doc is None:
            return None
        saved = save_pdf(self, doc, path)
        if saved is not None:
            target, pages = saved
            self.status.setText(f"Saved {target} ({pages} page{'s' if pages != 1 else ''}).")
            self._record_print("pdf", doc, pages)
        return saved

    def _report_or_message(self) -> Any:
        if not reports_available():
            self.status.setText("Printing is not available in this build.")
            return None
        try:
            return self.report_doc()
        except ValueError as error:
            self.status.setText(str(error))
            return None

    def _record_print(self, kind: str, doc: Any, pages: int | None = None) -> None:
        """A report of stored data leaving the screen goes into the audit log."""
        if self.record is None:
            return
        visit = getattr(doc.header, "visit_date", None)
        detail: dict[str, Any] = {"format": kind, "visit": visit.isoformat() if visit else None}
        if pages is not None:
            detail["pages"] = pages
        self.record.store.record_event("print", self.record.patient_id, detail)


# ----------------------------------------------------------------------------- the section


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
        box.addWidget(self.draft_banner)
        self._offer_drafts()
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
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_archived)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        box.addLayout(bar)
        self.model = PatientTableModel(parent=self)
        self.proxy = PatientFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table("Patient list")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 260)
        box.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setAccessibleName("Number of patients shown")
        box.addWidget(self.count)
        self.stack.addWidget(page)

        self.editor = PatientEditor(self.store)
        self.stack.addWidget(self.editor)
        self.patient_page = PatientPage(context)
        self.stack.addWidget(self.patient_page)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._filter_timer.start)
        self.show_archived.toggled.connect(self._apply_filter)
        self.new_button.clicked.connect(self.new_patient)
        self.open_button.clicked.connect(self.open_selected)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.demo_button.clicked.connect(self.load_demo)
        self.draft_button.clicked.connect(self._review_draft)
        self.editor.saved.connect(self._after_edit)
        self.editor.cancelled.connect(self._cancel_edit)
        self.patient_page.back_requested.connect(self.show_list)
        self.patient_page.edit_requested.connect(self.edit_patient)
        self.patient_page.archived_changed.connect(self._reload_one)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), page, self._focus_search)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), page, self.new_patient)
        self._return_to = self.LIST
        self.reload()

    def _offer_drafts(self) -> None:
        """Say so when a visit draft survived the last session (the Assess section restores)."""
        from myeloma_desk.ui.views.drafts import DraftStore

        drafts = DraftStore.for_context(self.context).all()
        if drafts:
            newest = drafts[0]
            self.draft_text.setText(
                f"An unsaved visit draft ({html.escape(newest.label or 'a visit')}, "
                f"{html.escape(newest.saved_at)} UTC) was found: the app may have closed "
                "before it was saved."
            )
        self.draft_banner.setVisible(bool(drafts))

    def _review_draft(self) -> None:
        self.draft_banner.setVisible(False)
        navigate = self.context.services.get("navigate")
        if callable(navigate):
            navigate("assess", "")

    # --- list -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read every patient summary from the store (10,000 rows: tens of milliseconds)."""
        rows = self.store.list_patients(include_archived=True)
        self.model.set_rows(rows)
        self.demo_banner.setVisible(not rows)
        self._update_count()

    def _reload_one(self, patient_id: int) -> None:
        self.model.update_row(self.store.get_patient(patient_id))  # a Patient is a summary too
        self._update_count()

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self.proxy.set_show_archived(self.show_archived.isChecked())
        self.proxy.set_text(self.search.text())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} patients shown")

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
        self.stack.setCurrentIndex(self.PATIENT)
        row = self.model.row_of(patient_id)
        if row >= 0:
            self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
        return self.patient_page

    def resume_visit(self, patient_id: int) -> Any:
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
        if self.model.rowCount() == 0:
            self.load_demo()
        self.table.resizeColumnsToContents()

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


class StoreUnavailablePage(QWidget):
    """The Patients section when the store cannot be opened: says why, and offers the way on.

    Encrypted store: a passphrase field and Unlock (a wrong passphrase says so and changes
    nothing). Damaged store: restore the newest good backup. Locked by another window: try
    again. Success rebuilds the Patients section through ``context.services["rebuild"]``.
    """

    def __init__(self, context: AppContext, error: Exception) -> None:
        super().__init__()
        from myeloma_desk.store.errors import (
            PassphraseRequiredError,
            StoreCorruptError,
            WrongPassphraseError,
        )

        self.context = context
        self.setAccessibleName("Patients: store unavailable")
        layout = QVBoxLayout(self)
        self.label = QLabel(f"<h2>Patients</h2><p>{html.escape(str(error))}</p>")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        self.message = _message_label()
        self.passphrase: QLineEdit | None = None
        self.backup = getattr(error, "newest_backup", None)
        row = QHBoxLayout()
        if isinstance(error, PassphraseRequiredError | WrongPassphraseError):
            self.setAccessibleName("Patients: store locked")
            self.passphrase = QLineEdit()
            self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
            self.passphrase.setAccessibleName("Store passphrase")
            self.passphrase.setPlaceholderText("Passphrase")
            unlock = QPushButton("&Unlock")
            unlock.setAccessibleName("Unlock the patient store")
            unlock.clicked.connect(self.unlock)
            self.passphrase.returnPressed.connect(self.unlock)
            row.addWidget(self.passphrase, 1)
            row.addWidget(unlock)
        elif isinstance(error, StoreCorruptError) and self.backup is not None:
            restore = QPushButton("&Restore the newest good backup")
            restore.setAccessibleName("Restore the newest good backup")
            restore.clicked.connect(self.restore)
            row.addWidget(restore)
        else:
            again = QPushButton("&Try again")
            again.setAccessibleName("Try to open the patient store again")
            again.clicked.connect(lambda: self._retry(None))
            row.addWidget(again)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def unlock(self) -> None:
        assert self.passphrase is not None
        secret = self.passphrase.text()
        self.passphrase.clear()
        if not secret:
            _show_message(self.message, "Enter the passphrase.")
            return
        self._retry(secret)

    def restore(self) -> None:
        from myeloma_desk.store import restore_store

        assert self.backup is not None
        try:
            restored = restore_store(self.context.paths, self.backup)
        except StoreError as error:
            _show_message(self.message, str(error))
            return
        restored.close()
        self._retry(None)

    def _retry(self, passphrase: str | None) -> None:
        try:
            store_of(self.context, passphrase)
        except StoreError as error:
            _show_message(self.message, str(error))
            return
        rebuild = self.context.services.get("rebuild")
        if callable(rebuild):
            rebuild("patients")


def unavailable_page(error: Exception, context: AppContext | None = None) -> QWidget:
    """The Patients section when the store cannot be opened: says why, plainly."""
    if context is not None:
        return StoreUnavailablePage(context, error)
    page = QWidget()
    page.setAccessibleName("Patients: store unavailable")
    layout = QVBoxLayout(page)
    label = QLabel(f"<h2>Patients</h2><p>{html.escape(str(error))}</p>")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(label)
    layout.addStretch(1)
    return page
