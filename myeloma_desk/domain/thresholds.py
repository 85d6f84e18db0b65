"""Declarative thresholds: one constant, one comparator, one unit — the label is generated.

A criterion's text ("calcium > 11 mg/dL (2.75 mmol/L)") is built from the very numbers the rule
compares with, so the label cannot drift from the constant. The inputs a criterion needs come
from the criterion itself (:attr:`Threshold.needs`).

Dual-unit thresholds. Where a source publishes a limit in both unit systems (IMWG 2014, Rajkumar
2014 Lancet Oncol Panel 1: calcium > 11 mg/dL or > 2.75 mmol/L, > 1 mg/dL or > 0.25 mmol/L above
the ULN; creatinine > 2 mg/dL or > 177 µmol/L), a value is compared with the limit published *in
the unit it was entered in*: 2.75 mmol/L exactly is not > 2.75 mmol/L, although 2.75 mmol/L is
11.02 mg/dL. A value entered in a unit the source does not publish is converted to the canonical
unit and compared there (see ``../shared/reference/criteria-summary.md``, "Conventions").

Stage tables (:class:`StageTable`): a staging system's rows as its paper prints them, each a
conjunction of criteria — thresholds, yes/no findings (:class:`Finding`), a stage of another
table (:class:`StageOf`) or a choice of them (:class:`AnyOf`) — from which the stages still
possible and the inputs needed follow (the ISS, R-ISS and R2-ISS, ``criteria/staging.py``).

Pure Python, no Qt; used by the diagnosis rules (myeloma-defining events), the staging rules,
and available to the course rules (CRAB relapse indicators).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.logic import Tri, tri_all, tri_any
from myeloma_desk.domain.snapshot import Quantity, Snapshot
from myeloma_desk.domain.units import fmt, ge, gt, le, lt, sub, to_canonical

Comparator = Literal[">", "≥", "<", "≤"]

_COMPARE = {">": gt, "≥": ge, "<": lt, "≤": le}

# Spellings of one unit that the engine accepts (units.py): a limit published in µmol/L applies
# to a value entered as "umol/L".
_SAME_UNIT = {"umol/L": "µmol/L", "ug/L": "µg/L", "ug/mL": "µg/mL"}


# A value entered in a unit the limit is published in is compared as round(value, 12) (the
# places to_canonical keeps). Rounding to 12 places moves a value by at most 5e-13 (and not at
# all from 8192 up, where a float's spacing is wider), and units.ge/gt/le/lt decide a difference
# larger than their 1e-8 by its sign alone: so further than _UNROUNDED from the limit the
# unrounded value compares the same, and the costly rounding is done only near it (issue 18;
# tests/unit/domain/test_thresholds.py checks the equivalence).
_UNROUNDED = 1e-6


def compare(op: Comparator, value: float, limit: float) -> bool:
    """``value op limit`` without float noise (units.ge/gt/le/lt)."""
    return _COMPARE[op](value, limit)


def _spelled(unit: str) -> str:
    return _SAME_UNIT.get(unit, unit)


@dataclass(frozen=True)
class Threshold:
    """``<what> <op> <value> <unit>``, optionally also published in other units.

    ``value`` is in ``unit``, the canonical unit of ``field`` (domain/fields.py); ``published``
    maps a further unit to the limit as the source prints it in that unit.

    ``inputs``: the snapshot fields a value derived from them is computed from (a ratio from both
    light chains), when ``field`` is not itself a snapshot field. ``counted``: a count, read as
    the paper prints it, the number before the thing counted ("≥ 1 osteolytic lesion").
    """

    field: str
    what: str
    op: Comparator
    value: float
    unit: str
    published: Mapping[str, float] = dataclasses.field(default_factory=dict)
    suffix: str = ""
    inputs: tuple[str, ...] = ()
    counted: bool = False

    @property
    def needs(self) -> tuple[str, ...]:
        """The snapshot inputs this criterion reads."""
        return self.inputs or (self.field,)

    @functools.cached_property
    def label(self) -> str:
        """The criterion text built from the constants: 'creatinine > 2 mg/dL (177 µmol/L)'."""
        if self.counted:
            return self.phrase()
        text = f"{self.what} {self.op} {_amount(self.value, self.unit)}"
        if self.published:
            text += " (" + ", ".join(_amount(v, u) for u, v in self.published.items()) + ")"
        return text + self.suffix

    def phrase(self, named: bool = True) -> str:
        """The criterion in the canonical unit alone, as a table's cell prints it ('creatinine
        > 2 mg/dL'; without ``what`` when the cell before named it: '> 11 mg/dL')."""
        if self.counted:
            return f"{self.op} {fmt(self.value)} {self.what}{self.suffix}"
        limit = f"{self.op} {_amount(self.value, self.unit)}{self.suffix}"
        return f"{self.what} {limit}" if named else limit

    @functools.cached_property
    def limit_text(self) -> str:
        """The limit alone, for a value column: '> 2 mg/dL'."""
        return f"{self.op} {_amount(self.value, self.unit)}"

    def holds(self, value: float) -> bool:
        """Whether a value in the canonical ``unit`` meets the threshold."""
        return _COMPARE[self.op](value, self.value)

    def assess(self, s: Snapshot, derived: Mapping[str, float | None]) -> Tri:
        """Met, not met or unknown: the value of ``field`` in ``derived`` when it is there (a
        value computed from ``inputs``), else the snapshot's value (:meth:`met`)."""
        if self.field in derived:
            value = derived[self.field]
        elif self.published:
            return self.met_quantity(getattr(s, self.field))
        else:  # one unit system: the canonical value
            value = s.get(self.field)
        return None if value is None else _COMPARE[self.op](value, self.value)

    def missing(self, s: Snapshot) -> list[str]:
        """The inputs not recorded in ``s``."""
        return [name for name in self.needs if getattr(s, name, None) is None]

    def evaluate(self, values: Mapping[str, float | None]) -> Tri:
        """Met, not met or unknown for canonical ``values`` (a stage table's row)."""
        value = values.get(self.field)
        return None if value is None else _COMPARE[self.op](value, self.value)

    @functools.cached_property
    def limits(self) -> Mapping[str, tuple[float, str]]:
        """The limit as published in the unit a value is entered in, by every spelling of that
        unit: {"mmol/L": (2.75, "mmol/L"), "mg/dL": (11.0, "mg/dL")} (made once: issue 18)."""
        return _limits_by_unit(self.value, self.unit, self.published)

    def limit_in(self, unit: str) -> tuple[float, str] | None:
        """The published limit in ``unit`` (None if the source gives none in that unit)."""
        return self.limits.get(unit)

    @functools.cached_property
    def limit_texts(self) -> Mapping[str, str]:
        """The limit as a value entered in a unit is compared with it, by that unit: "> 11
        mg/dL", "> 2.75 mmol/L" (made once; a unit not published reads the canonical limit)."""
        return {
            unit: f"{self.op} {fmt(value, printed)}"
            for unit, (value, printed) in self.limits.items()
        }

    def limit_text_in(self, unit: str) -> str:
        """The limit shown beside a value entered in ``unit`` (:attr:`limit_texts`)."""
        return self.limit_texts.get(unit) or f"{self.op} {fmt(self.value, self.unit)}"

    def met_quantity(self, quantity: Quantity | None) -> bool | None:
        """Whether the entered quantity meets the threshold (None if not recorded)."""
        if quantity is None:
            return None
        entered = self.limits.get(quantity.unit)
        if entered is not None:
            value, limit = float(quantity.value), entered[0]
            if -_UNROUNDED < value - limit < _UNROUNDED:  # else rounding cannot change it
                value = round(value, 12)
            return _COMPARE[self.op](value, limit)
        dim = MEASURED_FIELDS[self.field].dim
        return compare(self.op, to_canonical(quantity.value, quantity.unit, dim), self.value)

    def met(self, s: Snapshot) -> bool | None:
        """Whether the snapshot's value of ``field`` meets the threshold (None if missing)."""
        quantity: Quantity | None = getattr(s, self.field)
        if quantity is None:
            return None
        if not self.published:  # one unit system: the canonical value is converted once
            value = s.get(self.field)
            return None if value is None else compare(self.op, value, self.value)
        return self.met_quantity(quantity)


@dataclass(frozen=True)
class RelativeThreshold:
    """``<what> <op> <value> <unit> <side> the <limit name>``: a difference from a lab limit.

    ``side`` "above": value − limit is compared; "below": limit − value. Where the source
    publishes the limit in several units, both quantities in the same published unit are
    compared in it; otherwise (and for a limit published in one unit) both are converted to the
    canonical unit.
    """

    field: str
    limit_field: str
    limit_name: str
    what: str
    op: Comparator
    value: float
    unit: str
    side: Literal["above", "below"]
    published: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def needs(self) -> tuple[str, ...]:
        return (self.field, self.limit_field)

    @functools.cached_property
    def label(self) -> str:
        text = f"{self.what} {self.op} {_amount(self.value, self.unit)}"
        if self.published:
            text += " (" + ", ".join(_amount(v, u) for u, v in self.published.items()) + ")"
        return f"{text} {self.side} the {self.limit_name}"

    def phrase(self, named: bool = True) -> str:
        """In the canonical unit alone: 'calcium > 1 mg/dL above the ULN' (see Threshold)."""
        text = f"{self.op} {_amount(self.value, self.unit)} {self.side} the {self.limit_name}"
        return f"{self.what} {text}" if named else text

    def evaluate(self, values: Mapping[str, float | None]) -> Tri:
        """Met, not met or unknown for canonical ``values`` of the field and its limit."""
        value, limit = values.get(self.field), values.get(self.limit_field)
        if value is None or limit is None:
            return None
        diff = sub(value, limit) if self.side == "above" else sub(limit, value)
        return _COMPARE[self.op](diff, self.value)

    def assess(self, s: Snapshot, derived: Mapping[str, float | None]) -> Tri:
        """Met, not met or unknown (:meth:`met`; the comparison is computed once per snapshot)."""
        return self.met(s)

    def missing(self, s: Snapshot) -> list[str]:
        """The value first, then its limit: the limit is asked for once there is a value to
        compare with it (a value alone may settle an 'or' by an absolute limit)."""
        for name in self.needs:
            if getattr(s, name, None) is None:
                return [name]
        return []

    def relation(self, difference: float, unit: str) -> str:
        """A difference (positive on ``side``) in words: '1.2 mg/dL above the ULN', 'at the ULN'."""
        if difference == 0:
            return f"at the {self.limit_name}"
        above = (difference > 0) is (self.side == "above")
        side = "above" if above else "below"
        return f"{fmt(abs(difference))} {unit} {side} the {self.limit_name}"

    def difference(self, s: Snapshot) -> tuple[float, str] | None:
        """The difference (positive on ``side``) and its unit, in the unit compared."""
        compared = s.derived(self.key, self.compared)
        return None if compared is None else (compared[0], compared[1][1])

    @functools.cached_property
    def key(self) -> str:
        """The snapshot's memo entry of the comparison (:meth:`compared`): a rule that shows
        the difference reads the one its criterion computed (issue 18)."""
        return f"thresholds.{self.field}.{self.side}.{self.limit_field}"

    @functools.cached_property
    def limits(self) -> Mapping[str, tuple[float, str]]:
        """The limit as published in a unit, by every spelling of that unit (as Threshold's)."""
        return _limits_by_unit(self.value, self.unit, self.published)

    def compared(self, s: Snapshot) -> tuple[float, tuple[float, str]] | None:
        """The difference (positive on ``side``) and the limit it is compared with, as
        (limit, unit): in the unit both were entered in when the source publishes the limit in
        it, else in the canonical unit. None if the value or its laboratory limit is missing."""
        quantity: Quantity | None = getattr(s, self.field)
        limit: Quantity | None = getattr(s, self.limit_field)
        if quantity is None or limit is None:
            return None
        if self.published:
            unit = quantity.unit
            if _SAME_UNIT.get(unit, unit) == _SAME_UNIT.get(limit.unit, limit.unit):
                published = self.limits.get(unit)
                if published is not None:
                    a, b = float(quantity.value), float(limit.value)
                    return (sub(a, b) if self.side == "above" else sub(b, a)), published
        a_c, b_c = s.get(self.field), s.get(self.limit_field)
        if a_c is None or b_c is None:
            return None
        diff = sub(a_c, b_c) if self.side == "above" else sub(b_c, a_c)
        return diff, (self.value, self.unit)

    def met(self, s: Snapshot) -> bool | None:
        compared = s.derived(self.key, self.compared)
        if compared is None:
            return None
        return _COMPARE[self.op](compared[0], compared[1][0])


def _limits_by_unit(
    value: float, unit: str, published: Mapping[str, float]
) -> dict[str, tuple[float, str]]:
    """The limit in each unit a value can be entered in that the source publishes it in, under
    every spelling of that unit (the canonical ``unit`` first, then ``published`` in order)."""
    table: dict[str, tuple[float, str]] = {}
    for entered in (unit, *published, *_SAME_UNIT, *_SAME_UNIT.values()):
        spelled = _spelled(entered)
        if spelled == unit:
            table[entered] = (value, unit)
            continue
        for published_unit, published_value in published.items():
            if _spelled(published_unit) == spelled:
                table[entered] = (published_value, published_unit)
                break
    return table


def _amount(value: float, unit: str) -> str:
    if unit == "%":
        return f"{fmt(value)}%"
    return fmt(value, unit)


@dataclass(frozen=True)
class Finding:
    """A yes/no finding as a stage-table criterion: ``values[field]`` is True (present), False
    (absent) or None (not known). ``present=False`` is the criterion that it is absent.

    ``inputs`` are the snapshot fields the finding is read from (the FISH panel, an LDH and its
    upper limit), which the table lists as its needs.
    """

    field: str
    what: str
    inputs: tuple[str, ...]
    present: bool = True
    absent_text: str = ""  # the label when absent ("normal LDH"); default "no <what>"

    @property
    def needs(self) -> tuple[str, ...]:
        return self.inputs

    @functools.cached_property
    def label(self) -> str:
        if self.present:
            return self.what
        return self.absent_text or f"no {self.what}"

    @functools.cached_property
    def absent(self) -> Finding:
        """The criterion that the finding is absent."""
        return dataclasses.replace(self, present=not self.present)

    def evaluate(self, values: Mapping[str, float | None]) -> Tri:
        value = values.get(self.field)
        return None if value is None else bool(value) is self.present

    def assess(self, s: Snapshot, derived: Mapping[str, float | None]) -> Tri:
        """As :meth:`evaluate`, the finding read from ``derived``."""
        value = derived.get(self.field)
        return None if value is None else bool(value) is self.present

    def missing(self, s: Snapshot) -> list[str]:
        return [name for name in self.inputs if getattr(s, name, None) is None]

    def phrase(self, named: bool = True) -> str:
        return self.label


@dataclass(frozen=True)
class StageOf:
    """A stage of another table as a criterion ("ISS stage III"): met when that table decides
    the stage, not met when the stage is ruled out, unknown while it is still one of several."""

    table: StageTable
    stage: str
    what: str  # "ISS stage"

    @property
    def needs(self) -> tuple[str, ...]:
        return self.table.needs

    @functools.cached_property
    def label(self) -> str:
        return f"{self.what} {self.stage}"

    def evaluate(self, values: Mapping[str, float | None]) -> Tri:
        possible = self.table.possible(values)
        if self.stage not in possible:
            return False
        return True if len(possible) == 1 else None


@dataclass(frozen=True)
class _Criteria:
    """Criteria read together: an 'or' (:class:`AnyOf`) or an 'and' (:class:`AllOf`)."""

    criteria: tuple[Finding | Threshold | RelativeThreshold | AllOf, ...]
    joiner: str

    # In three-valued logic: the value that settles the group (True for an 'or', False for an
    # 'and') and the value when no criterion settles it and none is unknown.
    settles: ClassVar[bool]

    @property
    def needs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(field for c in self.criteria for field in c.needs))

    @functools.cached_property
    def label(self) -> str:
        return self.joiner.join(c.label for c in self.criteria)

    def phrase(self, named: bool = True) -> str:
        """The criteria in their canonical units, a criterion reading the same value as the one
        before it without repeating its name: 'calcium > 1 mg/dL above the ULN or > 11 mg/dL'."""
        return _phrase(self.criteria, self.joiner, named)

    def evaluate(self, values: Mapping[str, float | None]) -> Tri:
        return self._combine(c.evaluate(values) for c in self.criteria)

    def assess(self, s: Snapshot, derived: Mapping[str, float | None]) -> Tri:
        """As tri_any / tri_all, each criterion read only until one settles the group."""
        settles = self.settles
        found: Tri = not settles
        for c in self.criteria:
            v = c.assess(s, derived)
            if v is settles:
                return settles
            if v is None:
                found = None
        return found

    def _combine(self, values: Iterable[Tri]) -> Tri:
        return tri_any(values) if self.settles else tri_all(values)


@dataclass(frozen=True)
class AnyOf(_Criteria):
    """Criteria of which one is enough ("high-risk FISH or high LDH"), in three-valued logic."""

    joiner: str = " or "
    settles: ClassVar[bool] = True


@dataclass(frozen=True)
class AllOf(_Criteria):
    """Criteria that must all hold ("ratio ≥ 100 with involved FLC ≥ 100 mg/L")."""

    joiner: str = " and "
    settles: ClassVar[bool] = False


# What a row of a criteria table (the myeloma-defining events) can be made of.
RowCriterion = Threshold | RelativeThreshold | Finding | AnyOf | AllOf


def missing(c: RowCriterion, s: Snapshot, derived: Mapping[str, float | None]) -> list[str]:
    """The inputs not recorded that an undecided criterion waits for, in its order (for an
    'or' or an 'and': those of its criteria still undecided)."""
    if isinstance(c, AnyOf | AllOf):
        return list(
            dict.fromkeys(
                name
                for part in c.criteria
                if part.assess(s, derived) is None
                for name in missing(part, s, derived)
            )
        )
    return c.missing(s)


def _phrase(criteria: tuple[RowCriterion, ...], joiner: str, named: bool) -> str:
    parts: list[str] = []
    before: str | None = None
    for i, c in enumerate(criteria):
        what = getattr(c, "what", None)  # an 'or' or an 'and' names no single value
        parts.append(c.phrase(named if i == 0 else what is None or what != before))
        before = what
    return joiner.join(parts)


# What a stage-table row can ask for.
TableCriterion = Threshold | Finding | StageOf | AnyOf


@dataclass(frozen=True)
class Stage:
    """One row of a staging table: the stage and the criteria that must all hold.

    A row without thresholds is the paper's "neither" row (ISS stage II: "not stage I or III"):
    it applies when no other row does.
    """

    name: str
    criteria: tuple[TableCriterion, ...] = ()


@dataclass(frozen=True)
class StageTable:
    """A staging system written as its paper prints it: the rows in the paper's order.

    The stages still possible and the inputs needed come from the rows' thresholds, in
    three-valued logic (domain/logic.py): a row is ruled out when one of its thresholds is not
    met, decided when all are met; the "neither" row is ruled out when another row is decided.
    The rows other than the "neither" row must exclude each other (as the ISS's do).
    """

    name: str
    rows: tuple[Stage, ...]

    @functools.cached_property
    def stages(self) -> tuple[str, ...]:
        return tuple(row.name for row in self.rows)

    @functools.cached_property
    def needs(self) -> tuple[str, ...]:
        """Every input a row reads, once, in the order of the table."""
        return tuple(
            dict.fromkeys(field for row in self.rows for c in row.criteria for field in c.needs)
        )

    def possible(self, values: Mapping[str, float | None]) -> list[str]:
        """The stages still possible for canonical ``values`` (None or absent: not recorded;
        a :class:`Finding`'s value is True or False); one stage means the stage is decided."""
        # Each row's conjunction in three-valued logic, as tri_all gives it (a criterion not met
        # settles the row; criteria have no side effects, so the rest need not be evaluated).
        met: list[bool | None] = []
        decided = False
        for row in self.rows:
            if not row.criteria:
                met.append(None)  # the "neither" row: decided by the others below
                continue
            row_met: bool | None = True
            for c in row.criteria:
                v = c.evaluate(values)
                if v is False:
                    row_met = False
                    break
                if v is not True:
                    row_met = None
            met.append(row_met)
            decided = decided or row_met is True
        return [
            row.name
            for row, row_met in zip(self.rows, met, strict=True)
            if (row_met is not False if row.criteria else not decided)
        ]
