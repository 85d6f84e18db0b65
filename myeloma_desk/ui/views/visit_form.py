"""The Assess section: the visit form (grouped fields, a unit per value, messages on the field)
beside a live assessment panel, with autosaved drafts offered back after a crash."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.ui.views.drafts import Draft, DraftStore
from myeloma_desk.ui.widgets.assessment_panel import AssessmentPanel
from myeloma_desk.ui.widgets.fields import FormState, SnapshotForm
from myeloma_desk.ui.widgets.report_actions import (
    open_preview,
    paint_report,
    report_or_message,
    save_pdf_to_status,
)

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from myeloma_desk.reports.build import ReportDoc

_POEMS = (
    "polyneuropathy",
    "castleman",
    "sclerotic_bone_lesions",
    "vegf_elevated",
    "organomegaly",
    "extravascular_volume_overload",
    "endocrinopathy",
    "skin_changes",
    "papilledema",
    "thrombocytosis_or_polycythemia",
)
_SPINE = (
    "lytic_spine_lesion",
    "paraspinal_plasmacytoma",
    "painful_vertebral_destruction",
    "cord_compression",
)
_IGM = ("constitutional_symptoms", "hyperviscosity", "lymphadenopathy", "hepatosplenomegaly")
_VTE = (
    "immunomodulatory_drug",
    "dexamethasone",
    "thromboprophylaxis",
    "history_of_vte",
    "pelvic_hip_femur_fracture",
    "erythropoiesis_stimulating_agent",
    "doxorubicin",
    "tunneled_line_or_cvc",
    "asian_pacific_islander",
)

# The visit form's groups: every snapshot field a visit records (history, therapy lines and the
# patient's identity come from the patient record, not from this form).
VISIT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Visit", ("date", "age_years", "sex", "weight", "height", "bmi")),
    (
        "Labs",
        (
            "serum_m_protein",
            "m_protein_heavy_chain",
            "m_protein_light_chain",
            "urine_m_protein_24h",
            "free_kappa",
            "free_lambda",
            "serum_immunofixation",
            "urine_immunofixation",
            "beta2_microglobulin",
            "albumin",
            "ldh",
            "ldh_upper_limit",
            "creatinine",
            "creatinine_clearance",
            "egfr",
            "dialysis",
            "calcium",
            "calcium_upper_limit",
            "hemoglobin",
            "hemoglobin_lower_limit",
        ),
    ),
    (
        "Marrow",
        (
            "bone_marrow_plasma_cells_percent",
            "clonality_proven",
            "circulating_plasma_cells_percent",
            "marrow_clonal_cells_absent",
            "mrd.status",
            "mrd.method",
            "mrd.sensitivity",
            "mrd.pet_ct_negative",
        ),
    ),
    (
        "Imaging",
        (
            "lytic_lesions",
            "mri_focal_lesions",
            "biopsy_proven_plasmacytoma",
            "soft_tissue_plasmacytomas",
            *(f"spinal_lesions.{name}" for name in _SPINE),
        ),
    ),
    ("FISH && genomics", ("fish", "del17p_clonal_fraction_percent", "braf_v600e")),
    (
        "Amyloid",
        (
            "amyloidosis.biopsy_proven",
            "amyloidosis.light_chain_typed",
            "amyloidosis.organs",
            "nt_probnp",
            "bnp",
            "troponin_t",
            "troponin_t_assay",
            "troponin_i",
            "proteinuria_24h",
        ),
    ),
    ("POEMS", tuple(f"poems.{name}" for name in _POEMS)),
    (
        "Symptoms && fitness",
        (
            "hyperviscosity",
            *(f"igm_related_findings.{name}" for name in _IGM),
            "ecog",
            "charlson_comorbidity_index",
            "katz_adl",
            "lawton_iadl",
            *(f"vte_risk_factors.{name}" for name in _VTE),
        ),
    ),
)

# Shorter tab titles, so that every group's tab is in sight at 1280×800 (no scroll arrows);
# the full title is the tab's tooltip and its page's accessible name.
VISIT_TAB_TITLES = {"FISH && genomics": "FISH", "Symptoms && fitness": "Fitness"}

NEW_VISIT_KEY = "visit-new"
SaveHandler = Callable[[FormState], str | None]  # returns an error message or None
BaseProvider = Callable[[dt.date | None], dict[str, Any]]  # what a visit on a date inherits


class DraftBanner(QFrame):
    """'An unsaved visit was found': restore or discard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Unsaved draft found")
        layout = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.restore = QPushButton("&Restore draft")
        self.restore.setAccessibleName("Restore the unsaved draft")
        self.discard = QPushButton("&Discard draft")
        self.discard.setAccessibleName("Discard the unsaved draft")
        layout.addWidget(self.text, 1)
        layout.addWidget(self.restore)
        layout.addWidget(self.discard)
        self.draft: Draft | None = None
        self.setVisible(False)

    def offer(self, draft: Draft | None) -> None:
        self.draft = draft
        if draft is None:
            self.setVisible(False)
            return
        about = html.escape(draft.label or "a visit")
        self.text.setText(
            f"An unsaved draft of <b>{about}</b> from {html.escape(draft.saved_at)} UTC was "
            "found (the app may have closed before it was saved)."
        )
        self.setVisible(True)


class AssessView(QWidget):
    """Visit form (left) and live assessment (right)."""

    assessed = Signal(list)  # list[RuleResult] after each update
    navigate_requested = Signal(str, str)

    def __init__(
        self,
        drafts: DraftStore | None = None,
        navigate: Callable[[str, str], object] | None = None,
        parent: QWidget | None = None,
        evidence_links: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assess")
        self.setAccessibleName("Assess: visit form with live assessment")
        self.drafts = drafts
        self.base: dict[str, Any] = {}
        self.draft_key = NEW_VISIT_KEY
        self.patient_id: str | None = None
        self.subject = ""
        self.save_handler: SaveHandler | None = None
        self.base_provider: BaseProvider | None = None
        self.last_update_ms = 0.0
        self.last_results: list[RuleResult] = []
        self.last_state: FormState | None = None

        layout = QVBoxLayout(self)
        self.banner = DraftBanner()
        layout.addWidget(self.banner)
        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setAccessibleName("Visit subject")
        top.addWidget(self.heading, 1)
        self.new_button = QPushButton("&New visit")
        self.new_button.setAccessibleName("Clear the form for a new visit")
        self.options_button = QPushButton("Regimen &options")
        self.options_button.setAccessibleName("Regimen options the PDQ describes for this visit")
        self.print_button = QPushButton("&Print preview…")
        self.print_button.setAccessibleName("Print preview of this visit's report")
        self.pdf_button = QPushButton("Save as P&DF…")
        self.pdf_button.setAccessibleName("Save this visit's report as a PDF")
        self.save_button = QPushButton("&Save visit")
        self.save_button.setAccessibleName("Save the visit to the patient record")
        self.status = QLabel()
        self.status.setAccessibleName("Save status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # paths and error texts, no markup
        # its own row, wrapped: a message (server away, a conflict) is read whole, not cut
        self.status.setWordWrap(True)
        top.addWidget(self.new_button)
        top.addWidget(self.options_button)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.save_button)
        layout.addLayout(top)
        layout.addWidget(self.status)

        self.form = SnapshotForm(VISIT_GROUPS, tabs=True, tab_titles=VISIT_TAB_TITLES)
        self.form.setAccessibleName("Visit form")
        self.panel = AssessmentPanel("Live assessment")
        self.panel.evidence_links = evidence_links
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.form)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 680])
        layout.addWidget(splitter, 1)

        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(150)  # debounce keystrokes; the update itself is a few ms
        self._live.timeout.connect(self.update_assessment)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(1000)
        self._autosave.timeout.connect(self.save_draft)
        self.form.changed.connect(self._on_changed)
        self.panel.field_requested.connect(self.form.focus_field)
        self.panel.navigate_requested.connect(self.navigate_requested)
        self._navigate = navigate
        if navigate is not None:
            self.navigate_requested.connect(navigate)
        self.new_button.clicked.connect(self.new_visit)
        self.save_button.clicked.connect(self.save)
        self.options_button.clicked.connect(self.open_options)
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.show_dialogs = True  # tests build the preview but never open it
        self.settings: Any = None  # the app's settings (clinician, page size) when known
        self._preview: QPrintPreviewDialog | None = None  # the open preview, kept alive
        self.banner.restore.clicked.connect(self.restore_draft)
        self.banner.discard.clicked.connect(self.discard_offered_draft)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self._dirty = False
        self._refresh_heading()
        self.update_assessment()
        if drafts is not None:
            all_drafts = drafts.all()
            self.banner.offer(all_drafts[0] if all_drafts else None)

    # ------------------------------------------------------------------ subject
    def set_subject(
        self,
        subject: str,
        draft_key: str,
        base: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        patient_id: str | None = None,
        save_handler: SaveHandler | None = None,
        base_provider: BaseProvider | None = None,
        course: Any = None,
    ) -> None:
        """Edit a visit of ``subject``: ``base`` holds what the form does not edit (history,
        therapy lines), ``data`` the visit's own values. With ``base_provider`` the base
        follows the date typed in the form (history is what came before that date).

        Unsaved changes of the visit shown before are never lost: they are kept as that
        visit's draft, and the banner offers it back."""
        kept = self.keep_unsaved_as_draft()
        if patient_id != self.patient_id:
            self.panel.reset_selection()  # the rule read for the previous patient
        self.subject = subject
        self.draft_key = draft_key
        self.base = dict(base or {})
        self.patient_id = patient_id
        self.save_handler = save_handler
        self.base_provider = base_provider
        # the patient's course (or a callable giving it): a follow-up shows carried results
        self.panel.course = course
        self.form.set_data(data or {})
        self._dirty = False
        self._autosave.stop()
        self.status.clear()
        if kept is not None and kept.key != draft_key:
            self.banner.offer(kept)
            self.status.setText(f"The unsaved visit of {kept.label} was kept as a draft.")
        self._refresh_heading()
        self.update_assessment()

    def _refresh_heading(self) -> None:
        if self.subject:
            self.heading.setText(f"<b>Visit: {html.escape(self.subject)}</b>")
        else:
            self.heading.setText("<b>New visit</b> (no patient: nothing is saved except a draft)")
        can_save = self.save_handler is not None
        self.save_button.setEnabled(can_save)
        self.save_button.setToolTip(
            "Save this visit (Ctrl+S)" if can_save else "Open a patient to save a visit"
        )

    # ------------------------------------------------------------------ live assessment
    def _on_changed(self) -> None:
        self._dirty = True
        self._live.start()
        if self.drafts is not None:
            self._autosave.start()

    def update_assessment(self) -> list[RuleResult]:
        """Read the form, run every rule and show the results; returns them."""
        self._live.stop()
        started = time.perf_counter()
        base = self.current_base()
        self.form.show_inherited(base)  # age and sex from the record, not "not recorded"
        state = self.form.read(base)
        snapshot = state.snapshot or Snapshot()
        results = assess(snapshot).results
        self.panel.set_results(results, snapshot.date)
        self._course_waiting(self.panel.course_pending())
        self.last_update_ms = (time.perf_counter() - started) * 1000
        self.last_results = results
        self.last_state = state
        self.assessed.emit(results)
        return results

    def course_ready(self) -> None:
        """The patient's course has come from the worker: the results follow it (the
        established diagnosis, carried diagnosis-visit rules, the response)."""
        self._course_waiting(False)
        self.update_assessment()

    def course_unavailable(self, message: str) -> None:
        """The patient's course could not be built: the visit is assessed on its own."""
        self.panel.course = None
        self._course_waiting(False)
        self.update_assessment()
        self.status.setText(
            "The patient's course could not be read; this visit is assessed on its own. "
            f"({message})"
        )

    def _course_waiting(self, waiting: bool) -> None:
        self.options_button.setEnabled(not waiting)
        self.options_button.setToolTip(
            "Reading the patient's course: the options follow it"
            if waiting
            else "Regimen options the PDQ describes for this visit"
        )

    def open_options(self) -> object:
        """Show the Regimens section with the options the PDQ describes for this visit."""
        if self._navigate is None:
            return None
        if self.panel.course_pending():
            self.status.setText("Reading the patient's course: the options follow it.")
            return None
        state = self.form.read(self.current_base())
        page = self._navigate("regimens", "")
        show = getattr(page, "show_options_for", None)
        if callable(show) and state.snapshot is not None:
            # A patient's visit: the course reads the setting as it will for the saved visit
            # (established diagnosis, the part of a line to come; Course.setting_input).
            show(state.snapshot, self.subject or "this visit", self.panel.current_course())
        return page

    def report_doc(self, detail: bool = False) -> ReportDoc:
        """The report of the visit as typed (a calculator report when there is no patient).

        A patient's visit is reported through their course, as the patient page reports the
        saved visit: the established diagnosis, the rules carried from the diagnosis visit and
        the options of the disease state (``Course.setting_input``)."""
        from myeloma_desk.reports.build import assessment_report

        if self.panel.course_pending():
            raise ValueError(
                "Reading the patient's course: the report follows it (try again in a moment)."
            )
        snapshot = self.form.read(self.current_base()).snapshot or Snapshot()
        settings = self.settings
        return assessment_report(
            snapshot,
            visit_date=snapshot.date,
            report_date=dt.date.today(),
            clinician=getattr(settings, "clinician", ""),
            institution=getattr(settings, "institution", ""),
            page_size=getattr(settings, "page_size", "A4"),
            course=self.panel.current_course(),
            detail=detail,
        )

    def paint_preview(self, printer: QPrinter, doc: ReportDoc) -> int:
        """The preview's paint callback: draws ``doc`` on the preview's printer."""
        return paint_report(printer, doc)

    def print_preview(self) -> QPrintPreviewDialog | None:
        """Open the print preview of this visit's report."""
        doc = report_or_message(self.report_doc, self.status)
        if doc is None:
            return None
        self._preview = open_preview(self, doc, show=self.show_dialogs, rebuild=self.report_doc)
        return self._preview

    def save_pdf(self, path: str | None = None) -> tuple[Path, int] | None:
        """Save this visit's report as a PDF (asks where unless ``path`` is given)."""
        doc = report_or_message(self.report_doc, self.status)
        return None if doc is None else save_pdf_to_status(self, doc, self.status, path)

    def form_date(self) -> dt.date | None:
        """The date typed in the form, if it reads as a date."""
        editor = self.form.editors.get("date")
        try:
            raw = editor.raw() if editor is not None else None
        except ValueError:
            return None
        return dt.date.fromisoformat(raw) if isinstance(raw, str) else None

    def current_base(self) -> dict[str, Any]:
        if self.base_provider is not None:
            return self.base_provider(self.form_date())
        return self.base

    def result(self, rule_id: str) -> RuleResult | None:
        for result in self.last_results:
            if result.rule == rule_id:
                return result
        return None

    # ------------------------------------------------------------------ drafts and saving
    def has_unsaved_changes(self) -> bool:
        """Whether the form holds changes that are not saved to the record."""
        return self._dirty

    def keep_unsaved_as_draft(self) -> Draft | None:
        """Write unsaved changes to their draft (returns it; None if nothing was unsaved)."""
        if not self._dirty or self.drafts is None:
            return None
        self.save_draft()
        return self.drafts.load(self.draft_key)

    def save_draft(self) -> None:
        """Write the current form to its draft file (only when it has unsaved changes)."""
        self._autosave.stop()
        if self.drafts is None or not self._dirty:
            return
        data = self.form.read(self.current_base()).own
        self.drafts.save(self.draft_key, data, self.subject or "a new visit", self.patient_id)

    def restore_draft(self) -> None:
        """Put the offered draft back in the form; a patient's draft reopens that patient's
        visit first, so it can be saved to the record."""
        draft = self.banner.draft
        self.banner.offer(None)
        if draft is None:
            return
        if draft.patient_id and draft.patient_id.isdigit() and self._navigate is not None:
            patients = self._navigate("patients", "")
            resume = getattr(patients, "resume_visit", None)
            if callable(resume):
                resume(int(draft.patient_id))  # sets this view's subject and save handler
                self._navigate("assess", "")
        self.form.set_data(draft.data)
        self._dirty = True
        self.status.setText("Draft restored")
        self.update_assessment()

    def discard_offered_draft(self) -> None:
        draft = self.banner.draft
        self.banner.offer(None)
        if draft is not None and self.drafts is not None:
            self.drafts.discard(draft.key)

    def ask_discard(self) -> str:
        """Ask what to do with unsaved changes: "discard", "keep" (as a draft) or "cancel".

        Tests replace this method; the app asks with a dialog.
        """
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved visit")
        box.setText(f"The visit of {self.subject or 'a new patient'} has unsaved changes.")
        box.setInformativeText("Keep them as a draft to finish later, or discard them?")
        keep = box.addButton("&Keep as draft", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return "keep" if clicked is keep else "discard" if clicked is discard else "cancel"

    def new_visit(self) -> None:
        """Clear the form; unsaved changes are discarded only if the user says so (else
        they are kept as a draft, or the form is left as it is)."""
        if self._dirty:
            answer = self.ask_discard()
            if answer == "cancel":
                return
            if answer == "keep":
                kept = self.keep_unsaved_as_draft()
                self.form.clear()
                self._dirty = False
                self.update_assessment()
                self.banner.offer(kept)
                self.status.setText("The unsaved visit was kept as a draft.")
                return
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self.form.clear()
        self._dirty = False
        self._autosave.stop()
        self.status.clear()
        self.update_assessment()

    def load_saved(self, data: dict[str, Any]) -> None:
        """Show a stored version of the visit (the one taken in a conflict): nothing unsaved
        is left, so the visit's draft goes too."""
        self.form.set_data(data)
        self._dirty = False
        self._autosave.stop()
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self.update_assessment()

    def save(self) -> bool:
        """Save through the patient page's handler; messages stay on their fields."""
        if self.save_handler is None:
            self.status.setText("Open a patient to save a visit")
            return False
        state = self.form.read(self.current_base())
        if state.problems:
            self.status.setText(f"Not saved: {len(state.problems)} field(s) need attention")
            return False
        error = self.save_handler(state)
        if error:
            from myeloma_desk.ui.views.server_wait import maybe_saved

            # a save whose commit is uncertain may have been written: not "Not saved"
            self.status.setText(error if maybe_saved(error) else f"Not saved: {error}")
            return False
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)
        self._dirty = False
        self._autosave.stop()
        self.status.setText("Saved")
        return True
