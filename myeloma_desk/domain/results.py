"""The one result shape every rule returns: status, result, why, what is missing, sources.

Fixed from outside by ../shared/reference/assessment-interchange.md ("Output: one result per
rule"). Rules build results with :class:`Explanation` so that every result lists the criteria
it tested, the values it used and the inputs it lacked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, NotRequired, TypeVar

from pydantic import BaseModel, GetCoreSchemaHandler, TypeAdapter
from pydantic_core import core_schema
from typing_extensions import TypedDict

_M = TypeVar("_M", bound=BaseModel)
Status = Literal["determined", "cannot_determine", "not_applicable"]
ResultValue = str | float | list[str] | None


class Criterion(NamedTuple):
    """One tested criterion: met (True), unmet (False) or unknown (None), with its value.

    An immutable named tuple (issue 18): rules build about 80 of them per assessment, and a
    tuple is built in a third of the time of a frozen dataclass (whose ``__init__`` sets each
    field through ``object.__setattr__``). Inside a :class:`RuleResult` pydantic validates it
    from ``{"name", "met", "value"}`` and serializes it as that object, the three keys in that
    order, exactly as it did the dataclass (:meth:`__get_pydantic_core_schema__`).
    """

    name: str
    met: bool | None
    value: str | None = None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.str_schema()
        fields = core_schema.typed_dict_schema(
            {
                "name": core_schema.typed_dict_field(text),
                "met": core_schema.typed_dict_field(
                    core_schema.nullable_schema(core_schema.bool_schema())
                ),
                "value": core_schema.typed_dict_field(
                    core_schema.with_default_schema(
                        core_schema.nullable_schema(text), default=None
                    ),
                    required=False,
                ),
            }
        )
        return record_schema(
            cls, fields, lambda d: cls(d["name"], d["met"], d["value"]), _criterion_object
        )


def _criterion_object(c: Criterion) -> dict[str, Any]:
    return {"name": c.name, "met": c.met, "value": c.value}


def record_schema(
    cls: type,
    fields: core_schema.CoreSchema,
    build: Callable[[Any], Any],
    dump: Callable[[Any], dict[str, Any]],
) -> core_schema.CoreSchema:
    """The pydantic schema of an immutable record (a named tuple) shown as an object: an
    instance passes as it is, an object (Python or JSON) is validated by ``fields`` and made into
    one by ``build``, and ``dump`` serializes it as that object (``fields`` gives the types)."""
    from_object = core_schema.no_info_after_validator_function(build, fields)
    return core_schema.json_or_python_schema(
        json_schema=from_object,
        python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_object]),
        serialization=core_schema.plain_serializer_function_ser_schema(dump, return_schema=fields),
    )


class _ResultFields(NamedTuple):
    rule: str
    title: str
    status: Status
    result: ResultValue
    detail: dict[str, Any]
    criteria: list[Criterion]
    missing: list[str]
    sources: list[str]


class _ResultInput(TypedDict):
    """A result from outside (JSON, a stored assessment, a test): what validation checks."""

    rule: str
    title: str
    status: Status
    result: NotRequired[ResultValue]
    detail: NotRequired[dict[str, Any]]
    criteria: NotRequired[list[Criterion]]
    missing: NotRequired[list[str]]
    sources: NotRequired[list[str]]


_ResultInput.__name__ = "RuleResult"  # validation errors name the result, as the model's did


class RuleResult(_ResultFields):
    """The result of one rule for one snapshot: an immutable record of its eight fields.

    A named tuple rather than a pydantic model (issue 18): the engine builds 42 of them per
    assessment, and building a model instance (its field dict and four private slots) was half
    the fixed cost of a rule. Pydantic still validates and serializes it exactly as it did the
    model (:meth:`__get_pydantic_core_schema__`): ``RuleResult(rule=…, …)``, :meth:`model_validate`
    and an :class:`~myeloma_desk.domain.engine.Assessment` read from JSON validate every field,
    and :meth:`model_dump` gives the same object, the eight keys in the same order.
    Rule code builds results with :class:`Explanation`, without re-validation.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **fields: Any) -> RuleResult:
        """A result from its fields, validated (as pydantic validated the model's fields)."""
        if args:  # positional, as copy and pickle rebuild a named tuple
            fields = {**dict(zip(_FIELD_NAMES, args, strict=False)), **fields}
        return _validate(fields)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return record_schema(
            cls, handler.generate_schema(_ResultInput), _from_input, _result_object
        )

    # The parts of pydantic's model interface that the application and its tests use.
    @classmethod
    def model_validate(cls, data: Any) -> RuleResult:
        """A result validated from a mapping (or a result, returned as it is)."""
        return _ADAPTER.validate_python(data)

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> RuleResult:
        return _ADAPTER.validate_json(text)

    def model_dump(self, *, mode: Literal["json", "python"] = "python") -> dict[str, Any]:
        """The result as an object of its eight fields (``mode="json"``: JSON values)."""
        dumped: dict[str, Any] = _ADAPTER.dump_python(self, mode=mode)
        return dumped

    def model_dump_json(self) -> str:
        return _ADAPTER.dump_json(self).decode("utf-8")

    def model_copy(self, *, update: dict[str, Any] | None = None) -> RuleResult:
        """A copy with some fields replaced, not re-validated (as pydantic's ``model_copy``)."""
        return self._replace(**update) if update else self

    @property
    def model_fields_set(self) -> set[str]:
        """Every field is set on a result (as pydantic reported for the engine's results)."""
        return set(_FIELD_NAMES)


_FIELD_NAMES = _ResultFields._fields
_tuple_new = tuple.__new__  # a named tuple from its values, without its Python-level __new__


def _from_input(fields: dict[str, Any]) -> RuleResult:
    """A result from validated input, absent fields at their defaults (lists, dict: new ones)."""
    get = fields.get
    return _tuple_new(
        RuleResult,
        (
            fields["rule"],
            fields["title"],
            fields["status"],
            get("result"),
            get("detail", {}),
            get("criteria", []),
            get("missing", []),
            get("sources", []),
        ),
    )


def _result_object(r: RuleResult) -> dict[str, Any]:
    return {
        "rule": r.rule,
        "title": r.title,
        "status": r.status,
        "result": r.result,
        "detail": r.detail,
        "criteria": r.criteria,
        "missing": r.missing,
        "sources": r.sources,
    }


_ADAPTER: TypeAdapter[RuleResult] = TypeAdapter(RuleResult)
_INPUT_ADAPTER: TypeAdapter[_ResultInput] = TypeAdapter(_ResultInput)


def _validate(fields: dict[str, Any]) -> RuleResult:
    return _from_input(dict(_INPUT_ADAPTER.validate_python(fields)))


# Rules build about 80 criteria and 42 results per assessment. Inside the engine they are
# built without re-validation (issue 18): the values come from rule code, not from outside, and
# re-checking them was most of a rule's cost (benchmarks/bench_engine.py). The objects are the
# same as validation would give — the same types (an int result becomes a float, as the `float`
# in ResultValue would make it) — and tests/unit/domain/test_engine_golden.py checks that every
# result round-trips through validation unchanged. Input is validated at the boundary
# (`parse_snapshot`); a RuleResult built from outside data (`RuleResult(**...)`,
# `model_validate`) is validated as usual.
_new = object.__new__
# pydantic's per-instance slots, set through their descriptors (a direct call, cheaper than
# object.__setattr__ looking each one up by name).
_SLOT = BaseModel.__dict__
_set_dict = _SLOT["__dict__"].__set__
_set_fields_set = _SLOT["__pydantic_fields_set__"].__set__
_set_extra = _SLOT["__pydantic_extra__"].__set__
_set_private = _SLOT["__pydantic_private__"].__set__


def construct_result(fields: dict[str, Any]) -> RuleResult:
    """A :class:`RuleResult` from its eight fields, built by rule code (no re-validation)."""
    return _tuple_new(RuleResult, tuple(fields[name] for name in _FIELD_NAMES))


def construct_model(cls: type[_M], fields: dict[str, Any]) -> _M:
    """A model instance from every one of its fields, each already of the right type (what
    validation would build), for engine code that built them itself."""
    obj = _new(cls)
    _set_dict(obj, fields)
    _set_fields_set(obj, set(fields))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


@dataclass(frozen=True)
class Source:
    """A citable source: a short label shown beside results and the full citation."""

    label: str
    citation: str
    note: str = ""


SOURCES: dict[str, Source] = {}


def source(label: str, citation: str, note: str = "") -> Source:
    """Declare (and register) a source; rules list sources by their label."""
    found = SOURCES.get(label)
    if found is not None:
        return found
    created = Source(label, citation, note)
    SOURCES[label] = created
    return created


PDQ = source(
    "PDQ Plasma Cell Neoplasms HP 2025-04-25",
    "PDQ® Adult Treatment Editorial Board. PDQ Plasma Cell Neoplasms (Including Multiple "
    "Myeloma) Treatment. Bethesda, MD: National Cancer Institute. Updated 04/25/2025.",
)


class Explanation:
    """Accumulates the criteria, missing inputs and details of one rule evaluation.

    It builds one result (:meth:`determined`, :meth:`cannot_determine`, :meth:`not_applicable`),
    which takes its lists and detail as they are: nothing is recorded in an explanation after
    its result is built.

    A rule registered with its sources (``@rule(id, title, family, sources=(...))``) receives
    one, made from its registration (:meth:`for_rule`), so it never restates its id and title.
    """

    __slots__ = ("criteria", "detail", "missing", "rule", "sources", "title")

    def __init__(self, rule: str, title: str, *sources: Source) -> None:
        self.rule = rule
        self.title = title
        self.sources = [s.label for s in sources]
        self.criteria: list[Criterion] = []
        self.missing: list[str] = []
        self.detail: dict[str, Any] = {}

    @classmethod
    def for_rule(cls, rule: str, title: str, labels: tuple[str, ...]) -> Explanation:
        """A fresh explanation for a registered rule (its source labels made once, at import)."""
        e = _new(cls)
        e.rule = rule
        e.title = title
        e.sources = list(labels)
        e.criteria = []
        e.missing = []
        e.detail = {}
        return e

    def criterion(self, name: str, met: bool | None, value: str | None = None) -> bool | None:
        """Record a criterion and return ``met`` so it can be used inline."""
        self.criteria.append(_tuple_new(Criterion, (name, met, value)))
        return met

    def need(self, *fields: str) -> None:
        """Record inputs that are missing (each once, in order)."""
        missing = self.missing
        for name in fields:
            if name not in missing:
                missing.append(name)

    def assume(self, text: str) -> None:
        """Record an assumption made because a rarely recorded exclusion was absent."""
        self.detail.setdefault("assumptions", []).append(text)

    def determined(self, result: ResultValue, **detail: Any) -> RuleResult:
        """A determined result; missing inputs that did not matter are still listed."""
        if detail:
            self.detail.update(detail)
        return self._build("determined", result)

    def cannot_determine(self, **detail: Any) -> RuleResult:
        """Not enough data: ``missing`` says what is needed."""
        if detail:
            self.detail.update(detail)
        return self._build("cannot_determine", None)

    def not_applicable(self, reason: str, **detail: Any) -> RuleResult:
        """The rule does not apply to this snapshot; ``reason`` says why."""
        if detail:
            self.detail.update(detail)
        self.detail["reason"] = reason
        return self._build("not_applicable", None)

    def _build(self, status: Status, result: ResultValue) -> RuleResult:
        # The result takes the explanation's own lists and detail, not copies (issue 18): an
        # explanation builds one result, which its rule returns (no rule records anything in it
        # afterwards), so copying them was pure cost.
        if type(result) is int:  # as the float in ResultValue validates it (never a bool)
            result = float(result)
        return _tuple_new(
            RuleResult,
            (
                self.rule,
                self.title,
                status,
                result,
                self.detail,
                self.criteria,
                self.missing,
                self.sources,
            ),
        )
