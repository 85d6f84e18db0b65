"""The Regimens section: every regimen the PDQ describes in a filterable table (setting, drug
class, component, level of evidence, renal considerations, transplant eligibility), a detail
pane (components, dosing notes, trials and outcomes, references) and the options the PDQ
describes for a patient."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.drugs import DrugClass, class_label
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.evidence.loader import Evidence
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.models.evidence import (
    SETTING_TEXT,
    RecordFilterProxy,
    RecordRole,
    RecordTable,
    RegimenRow,
    regimen_model,
    regimen_rows,
    setting_text,
    trial_label,
)
from myeloma_desk.ui.views.evidence_common import (
    detail_browser,
    e,
    finding_html,
    fit_columns,
    pdq_place,
    quote_html,
    record_table,
    references_html,
    with_evidence,
    with_refs,
)
from myeloma_desk.ui.widgets.links import follow_link
from myeloma_desk.ui.widgets.text import reader_note
from myeloma_desk.ui.workers import Worker

if TYPE_CHECKING:
    from myeloma_desk.course import Course
    from myeloma_desk.evidence.options import Option, OptionsReport

log = logging.getLogger(__name__)
ANY = "Any"


def regimen_html(row: RegimenRow, ev: Evidence) -> str:
    reg = row.regimen
    out = [f"<h3>{e(reg.abbreviation)} — {e(reg.name)}</h3>"]
    comps = []
    for drug in reg.components:
        record = ev.drugs.get(drug)
        klass = class_label(record.drug_class) if record else "class not recorded"
        route = f", {e(record.route)}" if record and record.route else ""
        comps.append(f"<li>{e(drug)} ({e(klass)}{route})</li>")
    out.append("<p><b>Components</b></p><ul>" + "".join(comps) + "</ul>")
    out.append(
        "<p><b>Settings in the PDQ:</b> "
        + e("; ".join(setting_text(s) for s in row.settings) or "not stated")
        + f"<br/><b>Transplant eligibility (from those settings):</b> {e(row.transplant)}</p>"
    )
    if reg.definition is not None:
        out.append("<p><b>Definition</b></p>" + quote_html(reg.definition))
    notes = [*reg.route_notes, *reg.renal_notes, *([reg.note] if reg.note else [])]
    doses = ev.doses_for(reg)
    if notes or doses:
        out.append("<p><b>Dosing and renal notes</b></p><ul>")
        out.extend(f"<li>{e(reader_note(n))}</li>" for n in notes)
        for dose in doses:
            out.append(f"<li>{e(dose.summary)}{quote_html(dose.quote)}</li>")
        out.append("</ul>")
    if row.trials or row.findings:
        out.append("<p><b>Trials and outcomes</b></p>")
        for trial in row.trials:
            names = ", ".join(trial.nct_ids)
            out.append(
                f'<p><a href="evidence:trial:{e(trial.id)}">{e(trial_label(trial))}</a>'
                f"{' (' + e(names) + ')' if names else ''}"
                f"{' — ' + e(trial.design) if trial.design else ''}</p>"
            )
        for finding in row.findings:
            out.append(finding_html(finding, ev.trials.get(finding.trial or "")))
    else:
        out.append("<p>The PDQ reports no trial results for this regimen.</p>")
    refs = with_refs(row.findings)
    if reg.definition is not None:
        refs = [(reg.definition.section, n) for n in reg.definition.references] + refs
    listed = references_html(ev, refs)
    if listed:
        out.append("<p><b>References</b></p>" + listed)
    return "".join(out)


class RegimensView(QWidget):
    """Filters above, table left, detail right; the patient's options on top when asked."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("regimens")
        self.setAccessibleName("Regimens")
        self.evidence: Evidence | None = None
        self.worker = Worker(self)
        self._pending: str = ""
        self._pending_options: Callable[[], bool] | None = None
        self.patient_regimens: set[str] | None = None
        self.options_patient: int | None = None  # whose options are shown (None: no patient)
        self.visit_options_shown = False  # the options shown are those of a visit being typed
        context.signals.patient_changed.connect(self._on_patient_changed)
        context.signals.patients_changed.connect(self._on_patients_changed)
        layout = QVBoxLayout(self)
        self.loading = QLabel("Loading the evidence database…")
        self.loading.setAccessibleName("Loading")
        layout.addWidget(self.loading)

        # options for a patient
        self.options_box = QWidget()
        options_layout = QVBoxLayout(self.options_box)
        options_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.options_title = QLabel()
        self.only_options = QCheckBox("Show &only these options")
        self.only_options.setAccessibleName("Show only the options for this patient")
        self.clear_patient = QPushButton("Clear &patient")
        self.clear_patient.setAccessibleName("Clear the patient's options")
        bar.addWidget(self.options_title, 1)
        bar.addWidget(self.only_options)
        bar.addWidget(self.clear_patient)
        options_layout.addLayout(bar)
        self.options = detail_browser("Options described in the PDQ for this patient")
        self.options.setMaximumHeight(220)
        options_layout.addWidget(self.options)
        self.options_box.setVisible(False)
        layout.addWidget(self.options_box)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Regimen, component or class")
        self.search.setAccessibleName("Filter regimens by text")
        self.setting = self._combo("Setting", [ANY, *SETTING_TEXT.values()])
        self.drug_class = self._combo("Drug class", [ANY, *(class_label(c) for c in DrugClass)])
        self.component = self._combo("Component", [ANY])
        self.level = self._combo("Level of evidence", [ANY])
        self.transplant = self._combo("Transplant eligibility", [ANY, "eligible", "ineligible"])
        self.renal = QCheckBox("&Renal notes")
        self.renal.setAccessibleName("Only regimens with renal considerations")
        # Two rows, so that the filters never make the section wider than a 1280×800 screen:
        # the text box and the renal switch, then the choices.
        first = QHBoxLayout()
        first.addWidget(self.search, 1)
        first.addWidget(self.renal)
        layout.addLayout(first)
        for label, widget in (
            ("&Setting", self.setting),
            ("&Class", self.drug_class),
            ("Co&mponent", self.component),
            ("&Level", self.level),
            ("&Transplant", self.transplant),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget, 1)
            # A long choice (a component's name) must not set the combo's width.
            widget.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            widget.setMinimumContentsLength(8)
        layout.addLayout(filters)

        self.model: RecordTable[RegimenRow] = regimen_model(self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = record_table("Regimens table", self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(True)
        self._rows_follow_widths = False
        self.detail = detail_browser("Regimen details")
        self.detail.anchorClicked.connect(lambda url: self._link(url.toString()))
        self.options.anchorClicked.connect(lambda url: self._link(url.toString()))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([700, 500])
        layout.addWidget(splitter, 1)
        self.count = QLabel()
        self.count.setAccessibleName("Number of regimens shown")
        layout.addWidget(self.count)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)
        for combo in (self.setting, self.drug_class, self.component, self.level, self.transplant):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.renal.toggled.connect(self.apply_filters)
        self.only_options.toggled.connect(self.apply_filters)
        self.clear_patient.clicked.connect(self.clear_options)
        self.table.selectionModel().currentRowChanged.connect(self._show_row)
        with_evidence(context, self.worker, self._ready)

    def _combo(self, name: str, items: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItems(items)
        return combo

    def ready(self) -> bool:
        return self.evidence is not None

    def _ready(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.loading.setText(
            f"Evidence database {evidence.version}, from the PDQ of {evidence.pdq_date}."
        )
        rows = regimen_rows(evidence)
        levels = sorted({lv for r in rows for lv in r.levels})
        self.level.addItems(levels)
        self.component.addItems(sorted({d for r in rows for d in r.regimen.components}))
        self.model.set_records(rows)
        fit_columns(self.table)
        self._fit_table()
        self.apply_filters()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        if self._pending:
            target, self._pending = self._pending, ""
            self.go_to(target)
        if self._pending_options is not None:
            pending, self._pending_options = self._pending_options, None
            pending()

    # Columns kept in the model (the text filter and the class, renal and transplant filters
    # match them) but not shown: the details pane gives each regimen's drug classes, renal
    # notes and transplant eligibility. What is shown fits the pane at 1280×800.
    HIDDEN_COLUMNS = ("Drug classes", "Renal", "Transplant")

    def _fit_table(self) -> None:
        from PySide6.QtWidgets import QHeaderView

        header = self.table.horizontalHeader()
        titles = self.model.column_titles()
        for column, title in enumerate(titles):
            self.table.setColumnHidden(column, title in self.HIDDEN_COLUMNS)
        header.setStretchLastSection(False)
        caps = {"Regimen": 100, "Settings": 150, "Levels of evidence": 135}
        for column, title in enumerate(titles):
            if title == "Components":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            elif title in caps and self.table.columnWidth(column) > caps[title]:
                self.table.setColumnWidth(column, caps[title])
        self.table.resizeRowsToContents()
        if not self._rows_follow_widths:
            # the stretching Components column gets its width only when the pane is laid out:
            # wrap its rows again then, so no component list is cut short
            header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
            self._rows_follow_widths = True

    # --- filtering --------------------------------------------------------------------------
    def apply_filters(self) -> None:
        self._timer.stop()
        self.proxy.set_text(self.search.text())
        setting = self.setting.currentText()
        wanted_setting = next((k for k, v in SETTING_TEXT.items() if v == setting), None)
        self.proxy.set_predicate(
            "setting",
            (lambda r: wanted_setting in r.settings) if wanted_setting else None,
        )
        klass = self.drug_class.currentIndex() - 1
        class_value = str(list(DrugClass)[klass].value) if klass >= 0 else None
        self.proxy.set_predicate(
            "class", (lambda r: class_value in r.classes) if class_value else None
        )
        component = self.component.currentText()
        self.proxy.set_predicate(
            "component",
            (lambda r: component in r.regimen.components) if component != ANY else None,
        )
        level = self.level.currentText()
        self.proxy.set_predicate("level", (lambda r: level in r.levels) if level != ANY else None)
        transplant = self.transplant.currentText()
        self.proxy.set_predicate(
            "transplant",
            (lambda r: r.transplant in (transplant, "both")) if transplant != ANY else None,
        )
        self.proxy.set_predicate(
            "renal", (lambda r: bool(r.regimen.renal_notes)) if self.renal.isChecked() else None
        )
        only = self.patient_regimens if self.only_options.isChecked() else None
        self.proxy.set_predicate(
            "patient", (lambda r: r.regimen.id in only) if only is not None else None
        )
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} regimens shown")

    def shown_regimens(self) -> list[str]:
        return [
            self.proxy.index(r, 0).data(RecordRole).regimen.id for r in range(self.proxy.rowCount())
        ]

    # --- detail -----------------------------------------------------------------------------
    def _show_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(RecordRole) if current.isValid() else None
        if isinstance(row, RegimenRow) and self.evidence is not None:
            self.detail.setHtml(regimen_html(row, self.evidence))

    def select_regimen(self, regimen_id: str) -> bool:
        source = self.model.row_where(lambda r: r.regimen.id == regimen_id)
        if source < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source, 0))
        if not index.isValid():  # filtered out: clear the filters first
            self.search.clear()
            for combo in (
                self.setting,
                self.drug_class,
                self.component,
                self.level,
                self.transplant,
            ):
                combo.setCurrentIndex(0)
            self.renal.setChecked(False)
            self.only_options.setChecked(False)
            self.apply_filters()
            index = self.proxy.mapFromSource(self.model.index(source, 0))
        self.table.setCurrentIndex(index)
        self._show_row(index, QModelIndex())
        return True

    def _link(self, href: str) -> None:
        follow_link(href, "regimens", self.go_to, self.context.navigate)

    # --- navigation and patient options -----------------------------------------------------
    def go_to(self, target: str) -> None:
        """``regimen:<id>`` selects a regimen; ``patient:<id>`` shows that patient's options."""
        if self.evidence is None:
            self._pending = target
            return
        kind, _, value = target.partition(":")
        if kind == "regimen":
            self.select_regimen(value)
        elif kind == "patient" and value.isdigit():
            self.show_patient_options(int(value))

    def show_patient_options(self, patient_id: int) -> bool:
        """List the options the PDQ describes for the patient's disease state now: the course
        model's ``Course.options()`` (established diagnosis, line, prior lines, refractoriness),
        never the latest follow-up's re-derived diagnosis."""
        from myeloma_desk.store import StoreError
        from myeloma_desk.ui.views.patient_record import PatientRecord
        from myeloma_desk.ui.views.patients.store import store_of

        self.options_patient = patient_id
        self.visit_options_shown = False
        self._pending_options = None
        self.options_box.setVisible(True)
        try:
            record = PatientRecord(store_of(self.context), patient_id)
        except StoreError as error:
            self.options_title.setText("<b>Options: the patient record could not be read</b>")
            self.options.setHtml(f"<p>{html.escape(str(error))}</p>")
            self._set_patient_regimens(set())
            return False
        course = record.course
        self.options_title.setText(f"<b>Options for {html.escape(record.patient.name)}</b>")
        latest = course.latest
        if latest is None:
            self.options.setHtml(
                "<p>No visit is recorded yet: the options depend on an assessment "
                "(diagnosis, fitness, kidney function). Enter a visit first.</p>"
            )
            self._set_patient_regimens(set())
            return False
        if self.evidence is None:  # shown when the database has loaded
            self._pending_options = lambda: self.show_patient_options(patient_id)
            self.options.setHtml("<p>Loading the evidence database…</p>")
            return False
        state = (
            f"<p><b>Diagnosis:</b> {e(course.diagnosis.shown())}<br/>"
            f"<b>Disease state now:</b> {e(course.state.text)}</p>"
        )
        self._show_report(course.options(), latest.date, state)
        return True

    def show_options_for(
        self, snapshot: Snapshot, subject: str, course: Course | None = None
    ) -> bool:
        """List the options the PDQ describes for ``snapshot`` (a visit still being typed,
        assessed here). With the patient's ``course`` the setting is read as the saved course
        reads it (``Course.setting_input``: between two planned parts of a line, the part to
        come) with the established diagnosis, so the typed visit shows what the saved one will."""
        from myeloma_desk.domain.engine import assess
        from myeloma_desk.evidence import EVIDENCE_VERSION
        from myeloma_desk.evidence.options import options_for

        self.options_patient = None
        self.visit_options_shown = True  # for the visit being typed: cleared on a switch
        self._pending_options = None
        self.options_box.setVisible(True)
        self.options_title.setText(f"<b>Options for {html.escape(subject)}</b>")
        if self.evidence is None:  # shown when the database has loaded
            self._pending_options = lambda: self.show_options_for(snapshot, subject, course)
            self.options.setHtml("<p>Loading the evidence database…</p>")
            return False
        assessment = assess(snapshot, evidence_version=EVIDENCE_VERSION)
        setting_input = course.setting_input(snapshot) if course is not None else snapshot
        diagnosis = course.diagnosis.value if course is not None else None
        report = options_for(assessment, setting_input, self.evidence, diagnosis=diagnosis)
        self._show_report(report, snapshot.date, "", "visit as typed, dated")
        return True

    def _show_report(
        self, report: OptionsReport, day: dt.date | None, state: str, which: str = "latest visit"
    ) -> None:
        assert self.evidence is not None
        self.options.setHtml(state + options_html(report, day, self.evidence, which))
        self._set_patient_regimens({o.id for o in report.options})

    def _set_patient_regimens(self, regimens: set[str]) -> None:
        self.patient_regimens = regimens
        self.only_options.setChecked(bool(regimens))
        self.only_options.setEnabled(bool(regimens))  # no regimen: the whole list stays
        self.apply_filters()

    def _on_patient_changed(self, patient_id: object) -> None:
        """Another patient is current: the options follow them (never someone else's)."""
        if self.visit_options_shown:  # a typed visit's options belong to the previous patient
            self.clear_options()
            return
        if self.options_patient is None or patient_id == self.options_patient:
            return
        if isinstance(patient_id, int):
            self.show_patient_options(patient_id)
        else:
            self.clear_options()

    def _on_patients_changed(self) -> None:
        """A visit or line was saved: the shown patient's options are read again."""
        if self.options_patient is not None and self.evidence is not None:
            self.show_patient_options(self.options_patient)

    def clear_options(self) -> None:
        self.options_patient = None
        self.visit_options_shown = False
        self._pending_options = None
        self.patient_regimens = None
        self.only_options.setChecked(False)
        self.only_options.setEnabled(True)
        self.options_box.setVisible(False)
        self.apply_filters()

    def prepare_screenshot(self) -> None:
        if self.evidence is None:
            self.worker.wait(10_000)
            from PySide6.QtWidgets import QApplication

            QApplication.processEvents()
        shown = self.shown_regimens()
        if self.options_box.isVisible() and shown:  # a patient's options: the first of them
            self.select_regimen(shown[0])
        else:
            self.select_regimen("vrd")


def _levels(option: Option) -> list[str]:
    return sorted({lv for s in option.studies for lv in s.levels})


def options_html(
    report: OptionsReport, day: dt.date | None, ev: Evidence, which: str = "latest visit"
) -> str:
    """The options report in a clinician's words: heading, disclaimer, the setting and why,
    the regimens (with levels of evidence and flags), the approaches that are not regimens
    (the PDQ's own sentence), the general flags, and what was not known."""
    when = f"{which} {day.isoformat()}" if day else "undated visit"
    out = [f"<p><b>{e(report.heading)}</b> ({when}) — <i>{e(report.disclaimer)}</i></p>"]
    if report.settings:
        out.append(
            "<p><b>Setting:</b> "
            + e("; ".join(setting_text(s) for s in report.settings))
            + (f" — {e('; '.join(report.setting_basis))}" if report.setting_basis else "")
            + "</p>"
        )
    else:
        out.append(
            "<p><b>Setting:</b> not determined, so no option can be listed"
            + (f" — {e('; '.join(report.setting_basis))}" if report.setting_basis else "")
            + "</p>"
        )
    if report.options:
        out.append(f"<p><b>Regimens the PDQ describes ({len(report.options)})</b></p><ul>")
        for option in report.options:
            levels = _levels(option)
            flags = "".join(f"<br/>⚑ {e(flag.message)}" for flag in option.flags)
            who = (
                f"<br/>For (in the PDQ's words): {e(option.population)}"
                if option.population
                else ""
            )
            out.append(
                f'<li><a href="regimens:regimen:{e(option.id)}">{e(option.label)}</a>'
                f" ({e(', '.join(option.components))})"
                + (
                    f" — level{'s' if len(levels) > 1 else ''} of evidence {e(', '.join(levels))}"
                    if levels
                    else " — no level of evidence stated"
                )
                + f"{who}{flags}</li>"
            )
        out.append("</ul>")
    if report.approaches:
        out.append("<p><b>Approaches the PDQ describes (not drug regimens)</b></p><ul>")
        for approach in report.approaches:
            finding = ev.findings.get(approach.finding or "")
            level = ""
            if finding is not None:
                level = (
                    f' — <a href="evidence:finding:{e(finding.id)}">level of evidence '
                    f"{e(finding.level_of_evidence)}</a>"
                    if finding.level_of_evidence
                    else f' — <a href="evidence:finding:{e(finding.id)}">the trial</a>'
                )
            who = (
                f"<br/>Eligibility and cautions, in the PDQ's words: “{e(approach.eligibility)}”"
                if approach.eligibility
                else ""
            )
            out.append(
                f"<li><b>{e(approach.label)}</b>{level}"
                f"<blockquote>“{e(approach.quote)}”{who}<br/><small>{e(pdq_place(approach.section))}"
                "</small></blockquote></li>"
            )
        out.append("</ul>")
    if report.is_empty():
        out.append(
            "<p>The PDQ describes no regimen or approach for this setting in the database, "
            "so none is listed. This is not a recommendation to give no treatment.</p>"
        )
    for flag in report.flags:
        out.append(f"<p>⚑ {e(flag.message)}</p>")
    if report.unknown:
        out.append("<p><b>Not known (so not used):</b> " + e("; ".join(report.unknown)) + "</p>")
    return "".join(out)
