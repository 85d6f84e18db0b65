"""Calculators: every rule of the engine usable without a patient, with the explanation panel.

Each calculator's form is derived from one declarative table, ``CALCULATOR_INPUTS`` (rule id →
snapshot paths), through the same field mechanism as the visit form. A rule that is not in the
table (a rule added to the engine later) still gets a calculator: its inputs are the fields the
rule reports missing on an empty snapshot. Inputs the rule later says it lacks are added to the
form as they come up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.engine import Rule, assess, rules
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.ui.widgets.assessment_panel import AssessmentPanel
from myeloma_desk.ui.widgets.fields import SnapshotForm, expand_path

_CORE_B2M_ALB = ("beta2_microglobulin", "albumin")
_LDH = ("ldh", "ldh_upper_limit")
_FLC = ("free_kappa", "free_lambda", "m_protein_light_chain")
_RESPONSE_LABS = (
    "serum_m_protein",
    "urine_m_protein_24h",
    "free_kappa",
    "free_lambda",
    "bone_marrow_plasma_cells_percent",
)
_LINE_FIELDS = ("regimen", "drugs", "start", "end", "best_response", "refractory")
_MDE = (
    "calcium",
    "calcium_upper_limit",
    "creatinine",
    "creatinine_clearance",
    "hemoglobin",
    "hemoglobin_lower_limit",
    "lytic_lesions",
    "bone_marrow_plasma_cells_percent",
    "free_kappa",
    "free_lambda",
    "m_protein_light_chain",
    "mri_focal_lesions",
)
_RENAL = ("creatinine_clearance", "dialysis", "creatinine", "age_years", "sex", "weight")

# The declarative table: rule id → the snapshot paths its calculator asks for, in form order.
CALCULATOR_INPUTS: dict[str, tuple[str, ...]] = {
    "diagnosis": (
        "serum_m_protein",
        "m_protein_heavy_chain",
        "urine_m_protein_24h",
        *_MDE,
        "biopsy_proven_plasmacytoma",
        "clonality_proven",
        "circulating_plasma_cells_percent",
        "amyloidosis.biopsy_proven",
        "amyloidosis.light_chain_typed",
        "amyloidosis.organs",
        "poems.polyneuropathy",
    ),
    "myeloma_defining_events": _MDE,
    "iss": _CORE_B2M_ALB,
    "r_iss": (*_CORE_B2M_ALB, *_LDH, "fish"),
    "r2_iss": (*_CORE_B2M_ALB, *_LDH, "fish"),
    "cytogenetic_risk_pdq": ("fish", "circulating_plasma_cells_percent"),
    "high_risk_ims_imwg": (
        "fish",
        "del17p_clonal_fraction_percent",
        "beta2_microglobulin",
        "creatinine",
    ),
    "smm_risk_20_2_20": (
        "serum_m_protein",
        *_FLC,
        "bone_marrow_plasma_cells_percent",
        "fish",
    ),
    "smm_risk_pdq_four_factor": (
        "serum_m_protein",
        *_FLC,
        "bone_marrow_plasma_cells_percent",
        "fish",
    ),
    "smm_risk_imwg_2020": (
        "serum_m_protein",
        *_FLC,
        "bone_marrow_plasma_cells_percent",
        "fish",
    ),
    "mgus_risk_mayo": ("serum_m_protein", "m_protein_heavy_chain", *_FLC),
    "al_stage_mayo_2012": ("troponin_t", "nt_probnp", *_FLC),
    "al_stage_mayo_2004_european": ("troponin_t", "nt_probnp"),
    "al_stage_boston_university": ("bnp", "troponin_i"),
    "al_renal_stage": ("egfr", "proteinuria_24h"),
    "time_to_events": (
        *(f"therapy_lines.{n}.{name}" for n in range(2) for name in ("regimen", "start", "phase")),
        *(f"history.{n}.{name}" for n in range(2) for name in ("date", "serum_m_protein")),
        "date",
        "serum_m_protein",
    ),
    "mrd_imwg": (
        "history.0.date",
        "history.0.serum_m_protein",
        "date",
        "serum_m_protein",
        "serum_immunofixation",
        "urine_immunofixation",
        "soft_tissue_plasmacytomas",
        "bone_marrow_plasma_cells_percent",
        "mrd.status",
        "mrd.method",
        "mrd.sensitivity",
        "mrd.pet_ct_negative",
    ),
    "relapse_imwg": (
        "history.0.date",
        "history.0.hemoglobin",
        "history.0.creatinine",
        "history.0.lytic_lesions",
        "date",
        "calcium",
        "hemoglobin",
        "creatinine",
        "lytic_lesions",
        "soft_tissue_plasmacytomas",
        "hyperviscosity",
        "serum_immunofixation",
        "urine_immunofixation",
        "bone_marrow_plasma_cells_percent",
        "mrd.status",
    ),
    "al_cardiac_response": ("history.0.date", "history.0.nt_probnp", "date", "nt_probnp"),
    "al_renal_response": (
        "history.0.date",
        "history.0.proteinuria_24h",
        "history.0.egfr",
        "date",
        "proteinuria_24h",
        "egfr",
    ),
    "al_hematologic_response": (
        "history.0.date",
        "history.0.free_kappa",
        "history.0.free_lambda",
        "date",
        *_FLC,
        "serum_immunofixation",
        "urine_immunofixation",
    ),
    "al_hematologic_progression": (
        "history.0.date",
        "history.0.free_kappa",
        "history.0.free_lambda",
        "history.0.serum_m_protein",
        "history.0.urine_m_protein_24h",
        "date",
        *_FLC,
        "serum_m_protein",
        "urine_m_protein_24h",
        "serum_immunofixation",
        "urine_immunofixation",
    ),
    "egfr_ckd_epi_2021": ("creatinine", "age_years", "sex"),
    "crcl_cockcroft_gault": ("creatinine", "age_years", "sex", "weight"),
    "lenalidomide_renal_dose": _RENAL,
    "cybord_renal_pdq": _RENAL,
    "bone_agent_renal_pdq": _RENAL,
    "response_imwg": (
        "history.0.date",
        *(f"history.0.{name}" for name in _RESPONSE_LABS),
        "history.1.date",
        *(f"history.1.{name}" for name in _RESPONSE_LABS),
        "date",
        *_RESPONSE_LABS,
        "m_protein_light_chain",
        "serum_immunofixation",
        "urine_immunofixation",
        "soft_tissue_plasmacytomas",
        "marrow_clonal_cells_absent",
        "circulating_plasma_cells_percent",
        "mrd.status",
        "mrd.method",
        "mrd.sensitivity",
    ),
    "frailty_imwg": ("age_years", "charlson_comorbidity_index", "katz_adl", "lawton_iadl", "ecog"),
    "frailty_simplified_facon": ("age_years", "charlson_comorbidity_index", "ecog"),
    "impede_vte": (
        "vte_risk_factors.immunomodulatory_drug",
        "bmi",
        "weight",
        "height",
        "vte_risk_factors.pelvic_hip_femur_fracture",
        "vte_risk_factors.erythropoiesis_stimulating_agent",
        "vte_risk_factors.dexamethasone",
        "vte_risk_factors.doxorubicin",
        "vte_risk_factors.asian_pacific_islander",
        "vte_risk_factors.history_of_vte",
        "vte_risk_factors.tunneled_line_or_cvc",
        "vte_risk_factors.thromboprophylaxis",
    ),
    "refractoriness": tuple(f"therapy_lines.{n}.{name}" for n in range(3) for name in _LINE_FIELDS),
    "cilta_cel_eligibility": tuple(
        f"therapy_lines.{n}.{name}" for n in range(3) for name in _LINE_FIELDS
    ),
    "ide_cel_eligibility": tuple(
        f"therapy_lines.{n}.{name}" for n in range(3) for name in _LINE_FIELDS
    ),
}


def calculator_inputs(rule_id: str) -> tuple[str, ...]:
    """The input paths of ``rule_id``'s calculator: the table's, else what the rule needs."""
    declared = CALCULATOR_INPUTS.get(rule_id)
    if declared is not None:
        return declared
    results = assess(Snapshot(), rule_ids=[rule_id]).results
    missing = results[0].missing if results else []
    return tuple(dict.fromkeys(leaf for name in missing for leaf in expand_path(name)))


def calculator_rules() -> list[Rule]:
    """Every rule the engine has, in engine order (each gets a calculator)."""
    return rules()


class Calculator(QWidget):
    """One rule: its input form (left) and its explanation panel (right), live."""

    def __init__(
        self, rule: Rule, parent: QWidget | None = None, evidence_links: bool = False
    ) -> None:
        super().__init__(parent)
        self.rule = rule
        self.setAccessibleName(f"Calculator: {rule.title}")
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        heading = QLabel(f"<h3>{rule.title}</h3>")
        heading.setWordWrap(True)
        left.addWidget(heading)
        self.form = SnapshotForm([("Inputs", calculator_inputs(rule.id))])
        self.form.setAccessibleName(f"{rule.title} inputs")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        left.addWidget(scroll, 1)
        self.clear_button = QPushButton("&Clear inputs")
        self.clear_button.setAccessibleName(f"Clear {rule.title} inputs")
        self.clear_button.clicked.connect(self.form.clear)
        left.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        holder = QWidget()
        holder.setLayout(left)
        self.panel = AssessmentPanel(f"{rule.title}: result", grouped=False)
        self.panel.evidence_links = evidence_links
        self.panel.compact()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(holder)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)  # debounce typing; one evaluation takes ~1 ms
        self._timer.timeout.connect(self.compute)
        self.form.changed.connect(self._timer.start)
        self.panel.field_requested.connect(self._focus_field)
        self.compute()

    def compute(self) -> RuleResult:
        """Read the form, run the rule, show the explanation; returns the result."""
        self._timer.stop()
        state = self.form.read()
        snapshot = state.snapshot or Snapshot()
        result = assess(snapshot, rule_ids=[self.rule.id]).results[0]
        added = [m for m in result.missing if self.form.add_field(m) is not None]
        if added:
            self.form.read()  # new fields start empty; refresh messages only
        self.panel.set_results([result])
        return result

    def _focus_field(self, path: str) -> None:
        if self.form.add_field(path) is not None:
            self.form.focus_field(path)


class CalculatorsView(QWidget):
    """A list of calculators (one per rule) and the chosen calculator."""

    def __init__(
        self,
        navigate: Callable[[str, str], object] | None = None,
        parent: QWidget | None = None,
        evidence_links: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calculators")
        self.setAccessibleName("Calculators")
        self._navigate = navigate
        self.evidence_links = evidence_links  # source links open the Evidence section
        layout = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Calculators list")
        self.list.setMinimumWidth(340)
        self.list.setMaximumWidth(380)
        self.stack = QStackedWidget()
        self.calculators: dict[str, Calculator] = {}
        self._rules: Sequence[Rule] = calculator_rules()
        for rule in self._rules:
            item = QListWidgetItem(rule.title)
            item.setData(Qt.ItemDataRole.UserRole, rule.id)
            item.setToolTip(rule.title)
            self.list.addItem(item)
            self.stack.addWidget(QWidget())  # built on first use
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._show_row)
        if self._rules:
            self.list.setCurrentRow(0)

    def rule_ids(self) -> list[str]:
        return [r.id for r in self._rules]

    def open(self, rule_id: str) -> Calculator:
        """Show (building if needed) the calculator for ``rule_id``."""
        row = self.rule_ids().index(rule_id)
        self.list.setCurrentRow(row)
        return self._calculator(row)

    def go_to(self, target: str) -> None:
        """Section navigation: ``target`` is a rule id."""
        if target in self.rule_ids():
            self.open(target)

    def _calculator(self, row: int) -> Calculator:
        rule = self._rules[row]
        calc = self.calculators.get(rule.id)
        if calc is None:
            calc = Calculator(rule, evidence_links=self.evidence_links)
            if self._navigate is not None:
                calc.panel.navigate_requested.connect(self._navigate)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, calc)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self.calculators[rule.id] = calc
        return calc

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        calc = self._calculator(row)
        self.stack.setCurrentWidget(calc)
