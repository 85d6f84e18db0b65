"""Table model over a list of engine results (one row per rule) for the assessment panel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.ui.models.base import ColumnsTableModel

ResultRole = Qt.ItemDataRole.UserRole + 1  # the RuleResult of the row
RuleIdRole = Qt.ItemDataRole.UserRole + 2

STATUS_TEXT = {
    "determined": "Determined",
    "cannot_determine": "Cannot determine",
    "not_applicable": "Not applicable",
}

# Units of numeric results (interchange spec: egfr in mL/min/1.73m², CrCl in mL/min).
RESULT_UNITS = {
    "egfr_ckd_epi_2021": "mL/min/1.73m²",
    "crcl_cockcroft_gault": "mL/min",
}

# Result words that read better than their id.
_WORDS = {
    "mgus": "MGUS",
    "igm": "IgM",
    "al": "AL",
    "poems": "POEMS",
    "bmpc": "BMPC",
    "flc": "FLC",
    "mri": "MRI",
    "mg": "mg",
    "non": "non",
    "os": "OS",
    "pfs": "PFS",
    "pdq": "PDQ",
    "ldh": "LDH",
    "fish": "FISH",
    "dflc": "dFLC",
    "imwg": "IMWG",
}


def humanize(token: str) -> str:
    """``active_multiple_myeloma`` → ``Active multiple myeloma``; stage ids stay as they are."""
    if not token or token.isupper() or any(ch in token for ch in "();"):
        return token
    if token in ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NR", "IIIa", "IIIb"):
        return token
    words = [_WORDS.get(w.lower(), w) for w in token.replace("_", " ").split(" ")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def result_text(result: RuleResult) -> str:
    """The result as a clinician reads it, with its unit when it is a number."""
    value = result.result
    if result.status == "cannot_determine":
        possible = result.detail.get("possible")
        if isinstance(possible, list) and possible:
            return "—  (possible: " + ", ".join(humanize(str(p)) for p in possible) + ")"
        return "—"
    if result.status == "not_applicable":
        return "n/a"
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(humanize(str(v)) for v in value) if value else "none"
    if isinstance(value, float | int):
        unit = RESULT_UNITS.get(result.rule) or str(result.detail.get("unit", ""))
        return f"{value:g} {unit}".strip()
    return humanize(value)


def field_label(name: str) -> str:
    """A readable name for an input field id (measured fields use their label)."""
    spec = MEASURED_FIELDS.get(name.split(".")[-1])
    if spec is not None:
        return spec.label
    return humanize(name.replace(".", ": "))


class AssessmentModel(ColumnsTableModel):
    """Read-only rows of rule results: rule, result, status and what is missing."""

    COLUMNS = ("Rule", "Result", "Status", "Missing")

    def __init__(self, results: Sequence[RuleResult] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list[RuleResult] = list(results)

    def set_results(self, results: Sequence[RuleResult]) -> None:
        """Replace the rows; when the same rules come back in order only the cells change."""
        new = list(results)
        same_rules = [r.rule for r in new] == [r.rule for r in self._results]
        if same_rules and new:
            self._results = new
            last = self.index(len(new) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._results = new
        self.endResetModel()

    def results(self) -> list[RuleResult]:
        return list(self._results)

    def row_of(self, rule_id: str) -> int:
        """Row of ``rule_id`` or -1."""
        for row, result in enumerate(self._results):
            if result.rule == rule_id:
                return row
        return -1

    def _count(self) -> int:
        return len(self._results)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._results)):
            return None
        result = self._results[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return result.title
            if column == 1:
                return result_text(result)
            if column == 2:
                return STATUS_TEXT.get(result.status, result.status)
            if column == 3:
                return ", ".join(field_label(m) for m in result.missing)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return result.title
            if result.missing:
                return "Needs: " + ", ".join(field_label(m) for m in result.missing)
            return STATUS_TEXT.get(result.status, result.status)
        if role == Qt.ItemDataRole.FontRole and column == 1 and result.status == "determined":
            font = QFont()
            font.setBold(True)
            return font
        if role == ResultRole:
            return result
        if role == RuleIdRole:
            return result.rule
        return None
