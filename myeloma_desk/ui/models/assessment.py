"""Table model over a list of engine results for the assessment panel, triaged: results in
groups (Diagnosis; Stage and risk; Response and course; Kidney and dosing; Fitness and
thrombosis; Eligibility), rules that do not apply collapsed into one row, and at a follow-up the
groups that matter then first, with the diagnosis-visit rules carried from the diagnosis visit."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from myeloma_desk.domain.display import field_label, status_label, value_words, words
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.ui.models.base import ColumnsTableModel

ResultRole = Qt.ItemDataRole.UserRole + 1  # the RuleResult of the row
RuleIdRole = Qt.ItemDataRole.UserRole + 2
RowKindRole = Qt.ItemDataRole.UserRole + 3  # "group", "result" or "collapsed"
CarriedRole = Qt.ItemDataRole.UserRole + 4  # the date a carried result comes from, or None

# The triage groups, each with its rules (rule ids of domain/engine.rules()). A rule the table
# does not know (added to the engine later) goes to "Other results", never lost.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Diagnosis", ("diagnosis", "myeloma_defining_events")),
    (
        "Stage and risk",
        (
            "iss",
            "r_iss",
            "r2_iss",
            "cytogenetic_risk_pdq",
            "high_risk_ims_imwg",
            "smm_risk_20_2_20",
            "smm_risk_pdq_four_factor",
            "smm_risk_imwg_2020",
            "mgus_risk_mayo",
            "al_stage_mayo_2004_european",
            "al_stage_mayo_2012",
            "al_stage_boston_university",
            "al_renal_stage",
        ),
    ),
    (
        "Response and course",
        (
            "response_imwg",
            "mrd_imwg",
            "relapse_imwg",
            "refractoriness",
            "time_to_events",
            "al_hematologic_response",
            "al_hematologic_progression",
            "al_cardiac_response",
            "al_renal_response",
        ),
    ),
    (
        "Kidney and dosing",
        (
            "egfr_ckd_epi_2021",
            "crcl_cockcroft_gault",
            "lenalidomide_renal_dose",
            "cybord_renal_pdq",
            "bone_agent_renal_pdq",
        ),
    ),
    (
        "Fitness and thrombosis",
        (
            "frailty_imwg",
            "frailty_simplified_facon",
            "impede_vte",
            "vte_prophylaxis_pdq",
            "supportive_care_pdq",
        ),
    ),
    (
        "Eligibility",
        (
            "cilta_cel_eligibility",
            "ide_cel_eligibility",
            "teclistamab_eligibility",
            "elranatamab_eligibility",
            "talquetamab_eligibility",
            "selinexor_eligibility",
            "venetoclax_eligibility",
            "braf_mek_eligibility",
        ),
    ),
)
OTHER_GROUP = "Other results"
GROUP_OF = {rule: name for name, members in GROUPS for rule in members}
# At a follow-up what matters first: the response, kidney and dosing, eligibility; the
# diagnosis and staging (carried from the diagnosis visit) come last.
FOLLOW_UP_ORDER = (
    "Response and course",
    "Kidney and dosing",
    "Eligibility",
    "Fitness and thrombosis",
    OTHER_GROUP,
    "Stage and risk",
    "Diagnosis",
)
DIAGNOSIS_ORDER = (*(name for name, _ in GROUPS), OTHER_GROUP)


# Units of numeric results (interchange spec: egfr in mL/min/1.73m², CrCl in mL/min).
RESULT_UNITS = {
    "egfr_ckd_epi_2021": "mL/min/1.73m²",
    "crcl_cockcroft_gault": "mL/min",
}


def result_text(result: RuleResult) -> str:
    """The result as a clinician reads it, with its unit when it is a number."""
    value = result.result
    if result.status == "cannot_determine":
        possible = result.detail.get("possible")
        if isinstance(possible, list) and possible:
            return "—  (possible: " + ", ".join(words(str(p)) for p in possible) + ")"
        return "—"
    if result.status == "not_applicable":
        return "n/a"
    if value is None:
        return "—"
    if isinstance(value, float | int) and not isinstance(value, bool):
        unit = RESULT_UNITS.get(result.rule) or str(result.detail.get("unit", ""))
        return f"{value:g} {unit}".strip()
    return value_words(value, result.rule)  # the one display vocabulary


def missing_html(result: RuleResult) -> str:
    """What a result still needs, each field a ``field:`` link that focuses it in the form
    ("Needed to decide: Albumin, LDH"; "Not recorded: …" for a result decided without it)."""
    links = ", ".join(
        f'<a href="field:{html.escape(m)}">{html.escape(field_label(m))}</a>'
        for m in result.missing
    )
    lead = "Needed to decide" if result.status == "cannot_determine" else "Not recorded"
    return f"<p><b>{lead}:</b> {links}</p>"


def carried_text(day: dt.date, short: bool = False) -> str:
    """How a carried result says where it comes from (``short`` for the status column)."""
    if short:
        return f"From the visit of {day.isoformat()}"
    return f"From the diagnosis visit of {day.isoformat()}"


SHORT_RESULT = 90  # characters of a long result shown in its cell (the tooltip has it whole)


def short_text(text: str, limit: int = SHORT_RESULT) -> str:
    """``text`` cut at a word before ``limit`` characters, with "…" (long lists of results,
    such as the time to events of every line, would make a row taller than the table)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;")
    return cut + " …"


@dataclass(frozen=True)
class Row:
    """One row of the triaged table: a group heading, a result, or the collapsed n/a row."""

    kind: str  # "group", "result", "collapsed"
    text: str = ""
    result: RuleResult | None = None
    carried: dt.date | None = None


class AssessmentModel(ColumnsTableModel):
    """Read-only rows of rule results (rule, result, status, what is missing), in triage
    groups with a heading row each when ``grouped`` (one calculator shows its one rule bare).

    Not-applicable results are collapsed into one row at the end ("Not applicable: N rules");
    :meth:`set_show_not_applicable` expands them. ``carried`` maps rule ids to the result and
    date of the diagnosis visit: at a follow-up those replace the visit's own result (which
    would be re-derived from treated labs) and the groups are ordered for a follow-up.
    """

    COLUMNS = ("Rule", "Result", "Status", "Missing")

    def __init__(
        self,
        results: Sequence[RuleResult] = (),
        parent: QObject | None = None,
        *,
        grouped: bool = True,
    ) -> None:
        super().__init__(parent)
        self.grouped = grouped
        self.show_not_applicable = False
        self._results: list[RuleResult] = []
        self._carried: dict[str, tuple[RuleResult, dt.date]] = {}
        self._rows: list[Row] = []
        self.set_results(results)

    @property
    def follow_up(self) -> bool:
        """True when results are carried from an earlier diagnosis visit."""
        return bool(self._carried)

    def set_results(
        self,
        results: Sequence[RuleResult],
        carried: Mapping[str, tuple[RuleResult, dt.date]] | None = None,
    ) -> None:
        """Replace the rows; when the same rows come back in order only the cells change."""
        self._carried = dict(carried or {})
        self._results = [
            self._carried[r.rule][0] if r.rule in self._carried else r for r in results
        ]
        rows = self._build_rows()
        same = [(r.kind, r.text, r.result.rule if r.result else "") for r in rows] == [
            (r.kind, r.text, r.result.rule if r.result else "") for r in self._rows
        ]
        if same and rows:
            self._rows = rows
            last = self.index(len(rows) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_show_not_applicable(self, show: bool) -> None:
        if show == self.show_not_applicable:
            return
        self.show_not_applicable = show
        self.beginResetModel()
        self._rows = self._build_rows()
        self.endResetModel()

    def _build_rows(self) -> list[Row]:
        def row(result: RuleResult) -> Row:
            day = self._carried[result.rule][1] if result.rule in self._carried else None
            return Row("result", result=result, carried=day)

        if not self.grouped:
            return [row(r) for r in self._results]
        applicable = [r for r in self._results if r.status != "not_applicable"]
        not_applicable = [r for r in self._results if r.status == "not_applicable"]
        order = FOLLOW_UP_ORDER if self.follow_up else DIAGNOSIS_ORDER
        rows: list[Row] = []
        for name in order:
            members = [r for r in applicable if GROUP_OF.get(r.rule, OTHER_GROUP) == name]
            if not members:
                continue
            carried = all(r.rule in self._carried for r in members)
            heading = f"{name} (from the diagnosis visit)" if carried else name
            rows.append(Row("group", heading))
            rows.extend(row(r) for r in members)
        if not_applicable:
            count = len(not_applicable)
            word = "rule" if count == 1 else "rules"
            arrow = "▾" if self.show_not_applicable else "▸"
            action = "hide" if self.show_not_applicable else "show"
            rows.append(Row("collapsed", f"{arrow} Not applicable: {count} {word} ({action})"))
            if self.show_not_applicable:
                rows.extend(row(r) for r in not_applicable)
        return rows

    def results(self) -> list[RuleResult]:
        """The results shown (carried ones in place of the visit's own), engine order."""
        return list(self._results)

    def carried_date(self, rule_id: str) -> dt.date | None:
        entry = self._carried.get(rule_id)
        return entry[1] if entry else None

    def row_of(self, rule_id: str) -> int:
        """Row of ``rule_id`` or -1 (also -1 while it is collapsed as not applicable)."""
        for number, row in enumerate(self._rows):
            if row.result is not None and row.result.rule == rule_id:
                return number
        return -1

    def _count(self) -> int:
        return len(self._rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].kind == "group":
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == RowKindRole:
            return row.kind
        if row.result is None:
            if role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.AccessibleTextRole,
                Qt.ItemDataRole.ToolTipRole,
            ):
                return row.text if column == 0 else None
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(row.kind == "group")
                font.setItalic(row.kind == "collapsed")
                return font
            return None
        result = row.result
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return result.title
            if column == 1:
                return short_text(result_text(result)) if self.grouped else result_text(result)
            if column == 2:
                if row.carried is not None:
                    return carried_text(row.carried, short=True)
                if self.grouped and result.missing and result.status == "cannot_determine":
                    count = len(result.missing)
                    return f"Needs {count} input" + ("s" if count > 1 else "")
                return status_label(result.status)
            if column == 3:
                return ", ".join(field_label(m) for m in result.missing)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return result.title
            if column == 1:
                return result_text(result)
            if row.carried is not None:
                return (
                    carried_text(row.carried)
                    + ": it describes the disease at diagnosis and is not recomputed from"
                    " the labs of a visit during treatment"
                )
            if result.missing:
                return "Needs: " + ", ".join(field_label(m) for m in result.missing)
            return status_label(result.status)
        if role == Qt.ItemDataRole.FontRole and column == 1 and result.status == "determined":
            font = QFont()
            font.setBold(True)
            return font
        if role == ResultRole:
            return result
        if role == RuleIdRole:
            return result.rule
        if role == CarriedRole:
            return row.carried
        return None


_STAGES = ("r2_iss", "r_iss", "iss")  # the most informative determined stage leads


def key_result(
    results: Sequence[RuleResult], follow_up: bool, established: str | None = None
) -> tuple[str, str]:
    """The result to show large above the table, and a line under it.

    At a follow-up the IMWG response (with its confirmation) leads and the established
    diagnosis is the line under it; otherwise the diagnosis leads, with the stage."""
    from myeloma_desk.course import visit_response
    from myeloma_desk.domain.vocabulary import diagnosis_label

    by_rule = {r.rule: r for r in results}
    diagnosis = by_rule.get("diagnosis")
    if follow_up:
        response = by_rule.get("response_imwg")
        if response is None or response.status == "not_applicable":
            lead = "Response: not assessed at this visit"
        elif response.status == "cannot_determine":
            needed = ", ".join(field_label(m) for m in response.missing)
            lead = "Response: cannot be determined" + (f" (needs {needed})" if needed else "")
        else:
            lead = "Response: " + visit_response(response).shown()
        return lead, f"Established diagnosis: {established}" if established else ""
    if diagnosis is None:
        return "", ""
    if diagnosis.status == "determined" and isinstance(diagnosis.result, str):
        lead = diagnosis_label(diagnosis.result)
    else:
        lead = "Diagnosis: " + result_text(diagnosis).replace("—  (", "cannot be determined (")
        if lead == "Diagnosis: —":
            lead = "Diagnosis: cannot be determined"
    stages = []
    for rule in _STAGES:
        stage = by_rule.get(rule)
        if stage is not None and stage.status == "determined":
            name = {"r2_iss": "R2-ISS", "r_iss": "R-ISS", "iss": "ISS"}[rule]
            stages.append(f"{name} {result_text(stage)}")
    return lead, " · ".join(stages)
