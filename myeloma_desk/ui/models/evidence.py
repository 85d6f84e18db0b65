"""Item models over the evidence database: regimens (with what the browser filters on),
findings and trials, each with a filter proxy. Rows are computed once from the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from myeloma_desk.domain.display import SETTING_LABELS, words
from myeloma_desk.domain.drugs import DrugClass, class_label, drug_class
from myeloma_desk.evidence.kinds import result_kind
from myeloma_desk.evidence.levels import attribution, describe
from myeloma_desk.evidence.loader import Evidence
from myeloma_desk.evidence.names import trial_display_name
from myeloma_desk.evidence.schema import Finding, Regimen, Setting, Trial
from myeloma_desk.ui.models.base import ColumnsTableModel

RecordRole = Qt.ItemDataRole.UserRole + 1

# The PDQ settings in words: the one display vocabulary (domain/display.py).
SETTING_TEXT: dict[str, str] = SETTING_LABELS
# How the PDQ's settings bear on transplant eligibility (the PDQ organises newly diagnosed
# myeloma by fitness; consolidation includes autologous transplant).
TRANSPLANT_ELIGIBLE = {"newly_diagnosed_fit", "consolidation_and_transplant"}
TRANSPLANT_INELIGIBLE = {"newly_diagnosed_less_fit"}


def setting_text(setting: str | Setting | None) -> str:
    if setting is None:
        return "not stated"
    value = str(setting.value if isinstance(setting, Setting) else setting)
    return SETTING_TEXT.get(value, words(value))


def _level_key(level: str) -> tuple[str, str]:
    return (level[:1], level[1:])


@dataclass(frozen=True)
class RegimenRow:
    """A regimen with what the browser shows and filters on."""

    regimen: Regimen
    classes: tuple[str, ...]
    settings: tuple[str, ...]
    trials: tuple[Trial, ...]
    findings: tuple[Finding, ...]
    levels: tuple[str, ...]

    @property
    def transplant(self) -> str:
        s = set(self.settings)
        eligible, ineligible = bool(s & TRANSPLANT_ELIGIBLE), bool(s & TRANSPLANT_INELIGIBLE)
        if eligible and ineligible:
            return "both"
        if eligible:
            return "eligible"
        if ineligible:
            return "ineligible"
        return "not stated"


def regimen_rows(ev: Evidence) -> list[RegimenRow]:
    """One row per regimen, with its trials, findings and levels of evidence."""
    rows = []
    for reg in ev.db.regimens:
        trials = tuple(t for t in ev.db.trials if reg.id in t.regimens)
        trial_ids = {t.id for t in trials}
        findings = tuple(
            f for f in ev.db.findings if reg.id in f.regimens or (f.trial in trial_ids)
        )
        levels = tuple(
            sorted({f.level_of_evidence for f in findings if f.level_of_evidence}, key=_level_key)
        )
        classes = tuple(
            dict.fromkeys(
                str(c.value) for c in (drug_class(d) for d in reg.components) if c is not None
            )
        )
        rows.append(
            RegimenRow(
                reg, classes, tuple(str(s.value) for s in reg.settings), trials, findings, levels
            )
        )
    return rows


T = TypeVar("T")


class RecordTable(ColumnsTableModel, Generic[T]):
    """A read-only table over records; columns are (title, function of a record)."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[T], str]]],
        records: Iterable[T] = (),
        parent: QObject | None = None,
        tooltips: dict[int, Callable[[T], str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[T] = list(records)
        # per column, a tooltip other than the cell's whole text (a level's NCI definition)
        self._tooltips = dict(tooltips or {})

    def set_records(self, records: Iterable[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[T]:
        return list(self._records)

    def record(self, row: int) -> T:
        return self._records[row]

    def row_where(self, predicate: Callable[[T], bool]) -> int:
        for row, record in enumerate(self._records):
            if predicate(record):
                return row
        return -1

    def _count(self) -> int:
        return len(self._records)

    def column_titles(self) -> tuple[str, ...]:
        return tuple(title for title, _ in self._columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._records)):
            return None
        record = self._records[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in self._tooltips:
            return self._tooltips[index.column()](record)
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return self._columns[index.column()][1](record)
        if role == RecordRole:
            return record
        return None


def regimen_model(parent: QObject | None = None) -> RecordTable[RegimenRow]:
    return RecordTable(
        [
            ("Regimen", lambda r: r.regimen.abbreviation),
            ("Components", lambda r: ", ".join(r.regimen.components)),
            ("Settings", lambda r: "; ".join(setting_text(s) for s in r.settings)),
            ("Drug classes", lambda r: ", ".join(class_label(DrugClass(c)) for c in r.classes)),
            ("Levels of evidence", lambda r: ", ".join(r.levels) or NOT_GRADED),
            ("Renal", lambda r: "see notes" if r.regimen.renal_notes else ""),
            ("Transplant", lambda r: r.transplant),
        ],
        parent=parent,
    )


# A finding the PDQ reports without a "[Level of evidence …]" marker: NCI's scheme gives it no
# level, so the table says so in words (never "none", which reads as a level called "none").
NOT_GRADED = "not graded"


def level_text(code: str | None) -> str:
    """A finding's level of evidence as the tables show it: NCI's code as the PDQ prints it
    ("B1"), or "not graded" when the PDQ gives none."""
    return code or NOT_GRADED


def finding_summary(f: Finding) -> str:
    text = f.sentences[-1] if f.sentences else ""
    return text if len(text) <= 160 else text[:157] + "…"


def trial_label(trial: Trial) -> str:
    """A trial as a clinician reads it: the PDQ's name (body or reference title); when the PDQ
    does not name it, its design, arms and size (``evidence.names``) — never a bare NCT number
    or the database's internal id (the NCT number has its own column and line)."""
    if trial.name:
        return trial.name
    return f"{trial_display_name(trial)} (not named in the PDQ)"


def end_point_text(f: Finding) -> str:
    """The end point with its landmark time ("PFS, 5-year"); other end points are in the
    detail pane."""
    text = f.endpoint or ""
    if f.landmark and f.landmark not in text:
        text = f"{text}, {f.landmark}" if text else f.landmark
    return text


# The findings table's columns, in order; the last (the sentence) stretches and elides, so the
# table fits its pane at 1280×800 with no horizontal scrolling (each cell's tooltip is whole).
FINDING_COLUMNS = ("Level", "Kind", "Trial", "End point", "Finding (source sentence)")


def finding_model(ev: Evidence, parent: QObject | None = None) -> RecordTable[Finding]:
    def trial_of(f: Finding) -> Trial | None:
        return ev.trials.get(f.trial or "")

    def trial_name(f: Finding) -> str:
        trial = trial_of(f)
        return trial_label(trial) if trial else "no trial named"

    def full_sentence(f: Finding) -> str:
        return " ".join(f.sentences)

    columns: list[tuple[str, Callable[[Finding], str]]] = [
        ("Level", lambda f: level_text(f.level_of_evidence)),
        ("Kind", lambda f: result_kind(f, trial_of(f))),
        ("Trial", trial_name),
        ("End point", end_point_text),
        ("Finding (source sentence)", finding_summary),
    ]
    return RecordTable(
        columns,
        ev.db.findings,
        parent,
        tooltips={
            0: lambda f: (
                describe(f.level_of_evidence) + (f" {attribution()}" if f.level_of_evidence else "")
            ),
            4: full_sentence,
        },
    )


def trial_model(ev: Evidence, parent: QObject | None = None) -> RecordTable[Trial]:
    def abbreviation(regimen_id: str) -> str:
        reg = ev.regimens.get(regimen_id)
        return reg.abbreviation if reg else regimen_id

    return RecordTable(
        [
            ("Trial", trial_label),
            ("NCT", lambda t: ", ".join(n.upper() for n in t.nct_ids)),
            ("Setting", lambda t: setting_text(t.setting)),
            ("Design", lambda t: t.design or ""),
            ("Patients", lambda t: t.n_patients or ""),
            ("Regimens", lambda t: ", ".join(abbreviation(r) for r in t.regimens)),
        ],
        ev.db.trials,
        parent,
    )


class RecordFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose record passes every active predicate; text matches any column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._predicates: dict[str, Callable[[Any], bool]] = {}

    def set_text(self, text: str) -> None:
        self._change(lambda: setattr(self, "_text", text.casefold().strip()))

    def set_predicate(self, name: str, predicate: Callable[[Any], bool] | None) -> None:
        def change() -> None:
            if predicate is None:
                self._predicates.pop(name, None)
            else:
                self._predicates[name] = predicate

        self._change(change)

    def _change(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RecordTable):
            return True
        record = model.record(source_row)
        if not all(p(record) for p in self._predicates.values()):
            return False
        if not self._text:
            return True
        for column in range(model.columnCount()):
            text = model.data(model.index(source_row, column))
            if isinstance(text, str) and self._text in text.casefold():
                return True
        return False
