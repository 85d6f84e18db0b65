"""Snapshot input fields derived from the Snapshot model, and forms built from lists of them.

One mechanism serves the calculators and the visit form: a field is named by its path in the
snapshot JSON (``albumin``, ``amyloidosis.organs``, ``history.0.date``), its kind and choices are
read from the pydantic model, measured fields take their dimension from
``myeloma_desk.domain.fields`` and offer exactly the units ``accepted_units(dim)`` lists. A form
turns its editors into snapshot data, validates it with ``parse_snapshot`` and puts each message
on the field it concerns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.display import choice_words, entry_prefix, field_label, field_unit
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.snapshot import Quantity, Snapshot, SnapshotError, parse_snapshot
from myeloma_desk.domain.units import Dim, accepted_units, unit_label

Kind = Literal["quantity", "choice", "bool", "int", "float", "date", "multi", "text", "list"]

# A value of the snapshot's JSON, as an editor reads it (``raw``) and the form lays it out:
# None (empty), text, a number, yes/no, a list (checked choices, typed items) or a mapping
# (a measured value with its unit). Read-only containers, so a list of texts is one too.
FormValue: TypeAlias = (
    "str | int | float | bool | Sequence[FormValue] | Mapping[str, FormValue] | None"
)

# How a plain number is typed, after its unit ("fraction, e.g. 0.00001"); the unit itself and
# every label come from the display vocabulary (domain/display.py).
ENTRY_EXAMPLES = {"mrd.sensitivity": "e.g. 0.00001"}


@dataclass(frozen=True)
class FieldDef:
    """An input field: path in the snapshot JSON, label, kind, dimension and choices."""

    path: str
    label: str
    kind: Kind
    dim: Dim | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""


def _unwrap_optional(annotation: object) -> object:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _literal_or_enum(annotation: Any) -> tuple[str, ...] | None:
    if typing.get_origin(annotation) is Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(m.value) for m in annotation)
    return None


def field_def(path: str) -> FieldDef:
    """Describe the snapshot field at ``path`` (KeyError if the path does not exist)."""
    model: type[BaseModel] = Snapshot
    parts = path.split(".")
    prefix = ""
    i = 0
    annotation: Any = None
    while i < len(parts):
        name = parts[i]
        if name not in model.model_fields:
            raise KeyError(path)
        annotation = _unwrap_optional(model.model_fields[name].annotation)
        last = i == len(parts) - 1
        if typing.get_origin(annotation) is list and not last and parts[i + 1].isdigit():
            annotation = typing.get_args(annotation)[0]
            prefix = entry_prefix(name, int(parts[i + 1]))
            i += 1
            last = i == len(parts) - 1
        if last:
            break
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            raise KeyError(path)
        model = annotation
        i += 1
    leaf = parts[-1]
    label = f"{prefix}{field_label(path)}"
    if annotation is Quantity:
        dim = MEASURED_FIELDS[leaf].dim
        return FieldDef(path, label, "quantity", dim, tuple(accepted_units(dim)))
    choices = _literal_or_enum(annotation)
    if choices is not None:
        return FieldDef(path, label, "choice", choices=choices)
    if typing.get_origin(annotation) is list:
        inner = _literal_or_enum(typing.get_args(annotation)[0])
        if inner is not None:
            return FieldDef(path, label, "multi", choices=inner)
        if typing.get_args(annotation)[0] is str:
            return FieldDef(path, label, "list", unit="comma-separated")
        raise KeyError(path)
    if annotation is bool:
        return FieldDef(path, label, "bool")
    if annotation is int:
        bounds = _int_bounds(model, leaf)
        return FieldDef(path, label, "int", choices=tuple(str(n) for n in bounds))
    if annotation is float:
        unit = ", ".join(t for t in (field_unit(path), ENTRY_EXAMPLES.get(path, "")) if t)
        return FieldDef(path, label, "float", unit=unit)
    if annotation is dt.date:
        return FieldDef(path, label, "date", unit="YYYY-MM-DD")
    if annotation is str:
        return FieldDef(path, label, "text")
    raise KeyError(path)


LIST_ENTRIES = {"history": 2, "therapy_lines": 3}  # entries offered for a list of records


def expand_path(path: str) -> list[str]:
    """Editable leaf paths for ``path``: itself if it is a field, the fields of a sub-record
    (``spinal_lesions`` → its four findings), a few entries of a list of records
    (``therapy_lines`` → lines 1–3), or nothing if the snapshot has no such field."""
    try:
        field_def(path)
        return [path]
    except KeyError:
        pass
    model: type[BaseModel] = Snapshot
    for part in path.split("."):
        if part.isdigit():
            continue
        if part not in model.model_fields:
            return []
        annotation = _unwrap_optional(model.model_fields[part].annotation)
        if typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    last = path.split(".")[-1]
    if last in LIST_ENTRIES:
        prefixes = [f"{path}.{n}" for n in range(LIST_ENTRIES[last])]
    else:
        prefixes = [path]
    out: list[str] = []
    for prefix in prefixes:
        for name in model.model_fields:
            try:
                field_def(f"{prefix}.{name}")
            except KeyError:
                continue
            out.append(f"{prefix}.{name}")
    return out


def _int_bounds(model: type[BaseModel], name: str) -> range:
    low, high = 0, 10
    for meta in model.model_fields[name].metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return range(int(low), int(high) + 1)


# ---------------------------------------------------------------- nested data helpers


def get_path(data: Mapping[str, FormValue], path: str) -> FormValue:
    """The value at dotted ``path`` in nested dicts/lists, or None."""
    node: FormValue = data
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set dotted ``path`` in nested dicts/lists, creating containers on the way."""
    parts = path.split(".")
    node: Any = data
    for part, following in itertools.pairwise(parts):
        container: Any = [] if following.isdigit() else {}
        if isinstance(node, list):
            index = int(part)
            while len(node) <= index:
                node.append({} if not following.isdigit() else [])
            node = node[index]
        else:
            node = node.setdefault(part, container)
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        while len(node) <= index:
            node.append(None)
        node[index] = value
    else:
        node[last] = value


def delete_path(data: dict[str, Any], path: Sequence[str | int]) -> bool:
    """Remove the item at ``path`` (a pydantic error location); True if something went."""
    node: Any = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1] if path else None
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        del node[last]
        return True
    return False


# ---------------------------------------------------------------- editors


class InputProblem(ValueError):
    """Text in a field that cannot be read (not a number, not a date)."""


def error_colour(widget: QWidget) -> str:
    """A red readable on the current palette (semantic colour, ≥ 4.5:1 on either theme)."""
    window = widget.palette().color(QPalette.ColorRole.Base)
    return "#ff9e9e" if window.lightness() < 128 else "#a4000f"


def parse_number(text: str) -> float:
    """A number typed by a person: '3.5', '3,5' and ' 1e-5 ' are read; anything else fails."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise InputProblem(f"{text.strip()!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputProblem("enter a finite number")
    return value


class FieldEditor(QWidget):
    """One field: its input widget(s) and, under them, its validation message."""

    changed = Signal()

    def __init__(self, spec: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.message.setObjectName("fieldMessage")
        outer.addWidget(self.message)
        self.setAccessibleName(spec.label)
        self._build()

    # subclasses -----------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def raw(self) -> FormValue:
        """The JSON value for the snapshot, None when empty; InputProblem if unreadable."""
        raise NotImplementedError

    def set_raw(self, value: Any) -> None:
        raise NotImplementedError

    def focus_input(self) -> None:
        raise NotImplementedError

    # shared ---------------------------------------------------------------
    def set_message(self, text: str | None) -> None:
        """Show (or clear) the validation message on this field."""
        if text:
            self.message.setText(f"⚠ {text}")
            self.message.setStyleSheet(f"color: {error_colour(self)};")
            self.message.setVisible(True)
            self.message.setAccessibleName(f"{self.spec.label}: {text}")
        else:
            self.message.clear()
            self.message.setVisible(False)
        for child in self.findChildren(QWidget):
            if child is not self.message:
                child.setAccessibleDescription(text or "")

    def set_inherited(self, text: str | None) -> None:
        """Show what the visit inherits when this field is left empty (e.g. the age from
        the patient record); None: nothing is inherited ("not recorded")."""
        edit = getattr(self, "edit", None)
        if isinstance(edit, QLineEdit) and self.spec.kind != "date":
            edit.setPlaceholderText(f"{text} (from the patient record)" if text else "not recorded")

    def message_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text().removeprefix("⚠ ")

    def _combo(self, items: Iterable[tuple[str, FormValue]], name: str) -> QComboBox:
        # Values stay in a Python list, not as item data: reading None back through
        # QComboBox.currentData() corrupts None's reference count in PySide6 6.12 (seen as
        # "Fatal Python error: none_dealloc" after a few hundred reads).
        combo = QComboBox()
        combo.setAccessibleName(name)
        self.values: list[FormValue] = []
        for text, data in items:
            combo.addItem(text)
            self.values.append(data)
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return combo


class QuantityEditor(FieldEditor):
    def _build(self) -> None:
        self.edit = QLineEdit()
        self.edit.setAccessibleName(f"{self.spec.label} value")
        self.edit.setPlaceholderText("not recorded")
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.row.addWidget(self.edit, 1)
        # Each unit once, as the laboratory prints it ("mg/24 h", "µmol/L", "mL/min/1.73 m²"):
        # the ASCII spellings the input also accepts ("umol/L", "1.73m2") are the same unit
        # and are not offered a second time.
        units: dict[str, str] = {}
        for unit in self.spec.choices:
            units.setdefault(unit_label(unit), unit)
        self.unit = self._combo(units.items(), f"{self.spec.label} unit")
        self.unit.setMinimumContentsLength(12)  # units line up from row to row
        self.unit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        if len(units) == 1:  # a single unit: show it, nothing to choose
            self.unit.setEnabled(False)
            self.unit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.row.addWidget(self.unit)

    def raw(self) -> dict[str, FormValue] | None:
        text = self.edit.text()
        if not text.strip():
            return None
        return {"value": parse_number(text), "unit": self.values[self.unit.currentIndex()]}

    def set_raw(self, value: Any) -> None:
        if isinstance(value, dict):
            self.edit.setText(
                f"{value.get('value', ''):g}" if value.get("value") is not None else ""
            )
            index = self.unit.findText(unit_label(str(value.get("unit"))))
            if index >= 0:
                self.unit.setCurrentIndex(index)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.edit.setText(f"{value:g}")
        else:
            self.edit.clear()

    def focus_input(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)


class ChoiceEditor(FieldEditor):
    EMPTY = "— not recorded —"

    def set_inherited(self, text: str | None) -> None:
        self.combo.setItemText(0, f"— {text}, from the patient record —" if text else self.EMPTY)

    def _build(self) -> None:
        items: list[tuple[str, str | None]] = [(self.EMPTY, None)]
        items += [(choice_words(c), c) for c in self.spec.choices]
        self.combo = self._combo(items, self.spec.label)
        self.row.addWidget(self.combo, 1)

    def raw(self) -> FormValue:
        return self.values[self.combo.currentIndex()]

    def set_raw(self, value: Any) -> None:
        index = self.values.index(value) if value in self.values else 0
        self.combo.setCurrentIndex(index)

    def focus_input(self) -> None:
        self.combo.setFocus(Qt.FocusReason.OtherFocusReason)


class BoolEditor(ChoiceEditor):
    def _build(self) -> None:
        self.combo = self._combo(
            [(self.EMPTY, None), ("Yes", True), ("No", False)], self.spec.label
        )
        self.row.addWidget(self.combo, 1)

    def set_raw(self, value: Any) -> None:
        self.combo.setCurrentIndex({None: 0, True: 1, False: 2}.get(value, 0))


class IntEditor(ChoiceEditor):
    def _build(self) -> None:
        items = [(self.EMPTY, None)] + [(c, int(c)) for c in self.spec.choices]
        self.combo = self._combo(items, self.spec.label)
        self.row.addWidget(self.combo, 1)


class TextEditor(FieldEditor):
    """Free text, a plain number with a fixed unit, or an ISO date."""

    def _build(self) -> None:
        self.edit = QLineEdit()
        self.edit.setAccessibleName(self.spec.label)
        self.edit.setPlaceholderText("YYYY-MM-DD" if self.spec.kind == "date" else "not recorded")
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.row.addWidget(self.edit, 1)
        if self.spec.kind in ("float", "list") and self.spec.unit:
            unit = QLabel(self.spec.unit)
            unit.setAccessibleName(f"{self.spec.label} unit: {self.spec.unit}")
            self.row.addWidget(unit)

    def raw(self) -> str | float | list[str] | None:
        text = self.edit.text().strip()
        if not text:
            return None
        if self.spec.kind == "float":
            return parse_number(text)
        if self.spec.kind == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if self.spec.kind == "date":
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise InputProblem(f"{text!r} is not a date; use YYYY-MM-DD") from None
            if self.spec.path == "date" and day > dt.date.today():
                raise InputProblem(
                    f"{day.isoformat()} is in the future: a visit cannot be dated after "
                    f"today ({dt.date.today().isoformat()})"
                )
            return day.isoformat()
        return text

    def set_raw(self, value: Any) -> None:
        if value is None:
            self.edit.clear()
        elif isinstance(value, list):
            self.edit.setText(", ".join(str(v) for v in value))
        elif isinstance(value, float):
            self.edit.setText(f"{value:g}")
        else:
            self.edit.setText(str(value))

    def focus_input(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)


class MultiEditor(FieldEditor):
    """A checked set; 'tested' distinguishes 'none found' ([]) from 'not done' (None)."""

    def _build(self) -> None:
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.done = QCheckBox("Done" if self.spec.path == "fish" else "Assessed")
        self.done.setAccessibleName(f"{self.spec.label}: done")
        self.done.toggled.connect(self._on_done)
        box.addWidget(self.done)
        grid = QGridLayout()
        self.boxes: dict[str, QCheckBox] = {}
        for n, choice in enumerate(self.spec.choices):
            check = QCheckBox(choice_words(choice))
            check.setAccessibleName(f"{self.spec.label}: {choice}")
            check.setEnabled(False)
            check.toggled.connect(lambda _c: self.changed.emit())
            self.boxes[choice] = check
            grid.addWidget(check, n // 3, n % 3)
        box.addLayout(grid)
        self.row.addLayout(box, 1)

    def _on_done(self, checked: bool) -> None:
        for check in self.boxes.values():
            check.setEnabled(checked)
        self.changed.emit()

    def raw(self) -> list[str] | None:
        if not self.done.isChecked():
            return None
        return [c for c, check in self.boxes.items() if check.isChecked()]

    def set_raw(self, value: Any) -> None:
        self.blockSignals(True)
        self.done.setChecked(value is not None)
        chosen = set(value or [])
        for choice, check in self.boxes.items():
            check.setChecked(choice in chosen)
        self.blockSignals(False)
        self.changed.emit()

    def focus_input(self) -> None:
        self.done.setFocus(Qt.FocusReason.OtherFocusReason)


EDITORS: dict[str, type[FieldEditor]] = {
    "quantity": QuantityEditor,
    "choice": ChoiceEditor,
    "bool": BoolEditor,
    "int": IntEditor,
    "float": TextEditor,
    "date": TextEditor,
    "text": TextEditor,
    "list": TextEditor,
    "multi": MultiEditor,
}


def make_editor(spec: FieldDef) -> FieldEditor:
    """The editor widget for ``spec``."""
    return EDITORS[spec.kind](spec)


# ---------------------------------------------------------------- the form


@dataclass
class FormState:
    """The outcome of reading a form: the snapshot (invalid fields left out) and messages."""

    data: dict[str, Any]  # the form's values laid over the base
    snapshot: Snapshot | None
    problems: list[tuple[str, str]]
    own: dict[str, Any] = dataclasses.field(default_factory=dict)  # the form's values only


def next_focus(widget: QWidget) -> QWidget | None:
    """The next widget Tab would reach from ``widget`` (visible, enabled, tab-focusable)."""
    current = widget.nextInFocusChain()
    while current is not None and current is not widget:
        policy = current.focusPolicy()
        if current.isVisible() and current.isEnabled() and policy & Qt.FocusPolicy.TabFocus:
            return current
        current = current.nextInFocusChain()
    return None


class EnterMovesOn(QObject):
    """Enter in a field (a line edit or a closed combo box) moves on to the next field, as
    Tab does, so a form can be filled from the keyboard without reaching for Tab."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return False  # Enter picks the item in an open list
        target = next_focus(watched)
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)
        return True


class SnapshotForm(QWidget):
    """Editors for a list of snapshot paths in named groups (tabs or stacked group boxes)."""

    changed = Signal()

    def __init__(
        self,
        groups: Sequence[tuple[str, Sequence[str]]],
        tabs: bool = False,
        parent: QWidget | None = None,
        tab_titles: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        # a group's tab title when its full title is too long for every tab to show (the
        # full title is the tab's tooltip and its page's accessible name)
        self._tab_titles = dict(tab_titles or {})
        self.editors: dict[str, FieldEditor] = {}
        self._group_of: dict[str, int] = {}
        self._forms: list[QFormLayout] = []
        self._titles: list[str] = []
        self._enter = EnterMovesOn(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs: QTabWidget | None = QTabWidget() if tabs else None
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setVisible(False)
        if self.tabs is not None:
            self.tabs.setAccessibleName("Visit form groups")
            # Tab goes from the tab bar straight to the first field: the tab widget itself,
            # the bar's scroll arrows and the scroll areas are no stops of their own.
            self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.TabFocus)  # arrows switch groups
            # Every group stays in sight: no scroll arrows hide a tab; if the bar is ever too
            # narrow (a warning count on several tabs) titles are elided, the tooltip whole.
            self.tabs.setUsesScrollButtons(False)
            self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
            for arrow in self.tabs.tabBar().findChildren(QToolButton):
                arrow.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            layout.addWidget(self.tabs, 1)
        for title, paths in groups:
            form = self._add_group(title, layout)
            for path in paths:
                self._add_editor(path, form, len(self._forms) - 1)
        layout.addWidget(self.form_message)
        if self.tabs is None:
            layout.addStretch(1)
        else:
            self.tabs.setMinimumWidth(self._tabs_width(warned=2))

    WARNING = " ⚠{}"  # a tab's warning count ("Labs ⚠2"; its tooltip says what it means)

    def _tabs_width(self, warned: int) -> int:
        """The width the group bar needs for every title whole with a warning count on
        ``warned`` tabs: the form is never narrower, so a message on a field does not elide
        every title ("Visit …", "La…", "Marr…" when one count made the bar a few pixels
        too narrow)."""
        assert self.tabs is not None
        bar = self.tabs.tabBar()
        titles = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
        marks = warned * bar.fontMetrics().horizontalAdvance(self.WARNING.format(9))
        frame = self.tabs.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) * 2
        return titles + marks + frame + 4

    def _add_group(self, title: str, layout: QVBoxLayout) -> QFormLayout:
        from PySide6.QtWidgets import QGroupBox

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._titles.append(title)
        self._forms.append(form)
        if self.tabs is not None:
            page = QWidget()
            page.setLayout(form)
            full = title.replace("&&", "&")  # "&&" is a literal "&" in a tab title
            page.setAccessibleName(full)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            scroll.setAccessibleName(f"{full} fields")
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            index = self.tabs.addTab(scroll, self._tab_titles.get(title, title))
            self.tabs.setTabToolTip(index, full)
        else:
            box = QGroupBox(title)
            box.setAccessibleName(title)
            box.setLayout(form)
            layout.addWidget(box)
        return form

    def _add_editor(self, path: str, form: QFormLayout, group: int) -> FieldEditor:
        editor = make_editor(field_def(path))
        label = QLabel(editor.spec.label)
        label.setWordWrap(True)
        # A label as long as "VTE risk factors: history of VTE" keeps one line (a wrapped label
        # is given the height of one line by the form layout and is cut); longer ones wrap.
        label.setMinimumWidth(min(label.fontMetrics().horizontalAdvance(label.text()) + 4, 260))
        focus: QWidget | None = editor.findChild(QLineEdit) or editor.findChild(QComboBox)
        focus = focus or editor.findChild(QCheckBox)
        if focus is not None:
            label.setBuddy(focus)
        form.addRow(label, editor)
        for child in (*editor.findChildren(QLineEdit), *editor.findChildren(QComboBox)):
            child.installEventFilter(self._enter)
        editor.changed.connect(self.changed)
        self.editors[path] = editor
        self._group_of[path] = group
        return editor

    def add_field(self, path: str, group: int = -1) -> FieldEditor | None:
        """Add editors for ``path`` (a field, or every field of a record or list of records,
        see :func:`expand_path`) unless present; returns the first, None if there is none."""
        first: FieldEditor | None = None
        index = group if group >= 0 else len(self._forms) - 1
        for leaf in expand_path(path):
            editor = self.editors.get(leaf) or self._add_editor(leaf, self._forms[index], index)
            first = first or editor
        return first

    def paths(self) -> list[str]:
        return list(self.editors)

    def editor(self, path: str) -> FieldEditor:
        return self.editors[path]

    def set_data(self, data: dict[str, Any]) -> None:
        """Fill the editors from snapshot JSON (fields the form lacks are ignored)."""
        self.blockSignals(True)
        try:
            for path, editor in self.editors.items():
                editor.set_raw(get_path(data, path))
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def clear(self) -> None:
        self.set_data({})

    def show_inherited(self, base: dict[str, Any]) -> None:
        """On each empty field, show the value the visit inherits from ``base`` (the
        patient record: sex, age on the visit date); the form's own values still win."""
        for path, editor in self.editors.items():
            if "." in path or path in ("date", "history", "therapy_lines", "patient"):
                continue
            value = base.get(path)
            if value is None:
                editor.set_inherited(None)
            elif isinstance(value, str):
                editor.set_inherited(choice_words(value))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                unit = field_unit(path)
                editor.set_inherited(f"{value:g} {unit}".strip())

    def read(self, base: dict[str, Any] | None = None) -> FormState:
        """Read, validate and place messages. Invalid fields are left out of the snapshot so
        the rest can still be assessed (a left-out field counts as not recorded).

        ``base`` is data the form does not edit (a patient's history and therapy lines); the
        form's values are laid over it.
        """
        data: dict[str, Any] = _deep_copy(base) if base else {}
        own: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for path, editor in self.editors.items():
            try:
                value = editor.raw()
            except InputProblem as problem:
                problems.append((path, str(problem)))
                continue
            if value is not None:
                set_path(data, path, value)
                set_path(own, path, value)
        kept_history = _drop_empty_history(data)
        _drop_empty_history(own)
        snapshot: Snapshot | None = None
        trial = _deep_copy(data)
        for _attempt in range(20):
            try:
                snapshot = parse_snapshot(trial)
                break
            except SnapshotError as error:
                progressed = False
                for field, message in error.problems:
                    if message == "Field required":
                        message = "required (other values of this entry were given)"
                    problems.append((_original_path(field, kept_history), message))
                    loc: list[str | int] = [int(p) if p.isdigit() else p for p in field.split(".")]
                    while loc and not delete_path(trial, loc):
                        loc.pop()
                    progressed = progressed or bool(loc)
                if not progressed:
                    break
        self.show_problems(problems)
        return FormState(data, snapshot, problems, own)

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        """Put each message on its field (the field at the longest matching path)."""
        by_editor: dict[str, list[str]] = {}
        unplaced: list[str] = []
        for field, message in problems:
            target = self._editor_for(field)
            if target is None:
                unplaced.append(f"{field}: {message}")
            else:
                by_editor.setdefault(target, []).append(message)
        for path, editor in self.editors.items():
            messages = by_editor.get(path)
            editor.set_message("; ".join(dict.fromkeys(messages)) if messages else None)
        if unplaced:
            self.form_message.setText("⚠ " + "; ".join(unplaced))
            self.form_message.setStyleSheet(f"color: {error_colour(self)};")
        self.form_message.setVisible(bool(unplaced))
        if self.tabs is not None:
            counts = [0] * len(self._titles)
            for path in by_editor:
                counts[self._group_of[path]] += 1
            for index, title in enumerate(self._titles):
                shown = self._tab_titles.get(title, title)
                text = shown + self.WARNING.format(counts[index]) if counts[index] else shown
                self.tabs.setTabText(index, text)
                full = title.replace("&&", "&")
                self.tabs.setTabToolTip(
                    index,
                    f"{full}: {counts[index]} field(s) need attention" if counts[index] else full,
                )

    def _editor_for(self, field: str) -> str | None:
        parts = field.split(".")
        while parts:
            path = ".".join(parts)
            if path in self.editors:
                return path
            parts.pop()
        prefix = field + "."
        for path in self.editors:  # a model-level message ("history: ...") goes to its first field
            if path.startswith(prefix):
                return path
        return None

    def focus_field(self, path: str) -> bool:
        """Show and focus the editor for ``path`` (or the nearest one); False if none."""
        target = self._editor_for(path)
        if target is None:
            return False
        if self.tabs is not None:
            self.tabs.setCurrentIndex(self._group_of[target])
        self.editors[target].focus_input()
        return True


def _deep_copy(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the form's data whose dicts and lists can be changed without touching
    ``data`` (the values in them are immutable)."""
    return {k: _copied(v) for k, v in data.items()}


def _copied(value: object) -> object:
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    return value


def _drop_empty_history(data: dict[str, Any]) -> list[int]:
    """Remove history entries nobody filled in; returns the original index of each kept one
    (so a message about entry 0 of the compacted list lands on the right form entry)."""
    history = data.get("history")
    if not isinstance(history, list):
        return []
    kept = [n for n, entry in enumerate(history) if isinstance(entry, dict) and entry]
    if kept:
        data["history"] = [history[n] for n in kept]
    else:
        del data["history"]
    return kept


def _original_path(field: str, kept: list[int]) -> str:
    parts = field.split(".")
    if len(parts) > 1 and parts[0] == "history" and parts[1].isdigit():
        index = int(parts[1])
        if index < len(kept):
            parts[1] = str(kept[index])
    return ".".join(parts)
