"""The one result shape every rule returns: status, result, why, what is missing, sources.

Fixed from outside by ../shared/reference/assessment-interchange.md ("Output: one result per
rule"). Rules build results with :class:`Explanation` so that every result lists the criteria
it tested, the values it used and the inputs it lacked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

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
        from_object = core_schema.no_info_after_validator_function(
            lambda d: cls(d["name"], d["met"], d["value"]), fields
        )
        return core_schema.json_or_python_schema(
            json_schema=from_object,
            python_schema=core_schema.union_schema(
                [core_schema.is_instance_schema(cls), from_object]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _criterion_object, return_schema=fields
            ),
        )


def _criterion_object(c: Criterion) -> dict[str, Any]:
    return {"name": c.name, "met": c.met, "value": c.value}


class RuleResult(BaseModel):
    """The result of one rule for one snapshot."""

    model_config = ConfigDict(frozen=True)

    rule: str
    title: str
    status: Status
    result: ResultValue = None
    detail: dict[str, Any] = Field(default_factory=dict)
    criteria: list[Criterion] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


# Rules build about 80 criteria and 36 results per assessment. Inside the engine they are
# built without re-validation (issue 18): the values come from rule code, not from outside, and
# re-checking them was most of a rule's cost (benchmarks/bench_engine.py). The objects are the
# same as validation would give — every field set, the same types (an int result becomes a float,
# as the `float` in ResultValue would make it) — and tests/unit/domain/test_engine_golden.py checks
# that every result round-trips through validation unchanged. Input is validated at the boundary
# (`parse_snapshot`); a RuleResult built from outside data (`RuleResult(**...)`,
# `model_validate`) is validated as usual.
_new = object.__new__
_set = object.__setattr__
# pydantic's per-instance slots, set through their descriptors (a direct call, cheaper than
# object.__setattr__ looking each one up by name).
_SLOT = BaseModel.__dict__
_set_dict = _SLOT["__dict__"].__set__
_set_fields_set = _SLOT["__pydantic_fields_set__"].__set__
_set_extra = _SLOT["__pydantic_extra__"].__set__
_set_private = _SLOT["__pydantic_private__"].__set__


_tuple_new = tuple.__new__  # Criterion(name, met, value) without its Python-level __new__


def construct_result(fields: dict[str, Any]) -> RuleResult:
    """A :class:`RuleResult` from its eight fields, built by rule code (no re-validation)."""
    return _construct(RuleResult, fields)


def construct_model(cls: type[_M], fields: dict[str, Any]) -> _M:
    """A model instance from every one of its fields, each already of the right type (what
    validation would build), for engine code that built them itself."""
    return _construct(cls, fields)


def _construct(cls: type[_M], fields: dict[str, Any]) -> _M:
    """A model instance from fields already of the right types (what validation would build)."""
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


_RESULT_FIELDS = frozenset(RuleResult.model_fields)
_RESULT_FIELDS_SET = set(_RESULT_FIELDS)


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
        for name in fields:
            if name not in self.missing:
                self.missing.append(name)

    def assume(self, text: str) -> None:
        """Record an assumption made because a rarely recorded exclusion was absent."""
        self.detail.setdefault("assumptions", []).append(text)

    def determined(self, result: ResultValue, **detail: Any) -> RuleResult:
        """A determined result; missing inputs that did not matter are still listed."""
        self.detail.update(detail)
        return self._build("determined", result)

    def cannot_determine(self, **detail: Any) -> RuleResult:
        """Not enough data: ``missing`` says what is needed."""
        self.detail.update(detail)
        return self._build("cannot_determine", None)

    def not_applicable(self, reason: str, **detail: Any) -> RuleResult:
        """The rule does not apply to this snapshot; ``reason`` says why."""
        self.detail.update(detail)
        self.detail["reason"] = reason
        return self._build("not_applicable", None)

    def _build(self, status: Status, result: ResultValue) -> RuleResult:
        # The result takes the explanation's own lists and detail, not copies (issue 18): an
        # explanation builds one result, which its rule returns (no rule records anything in it
        # afterwards), so copying them was pure cost.
        if type(result) is int:  # as the float in ResultValue validates it (never a bool)
            result = float(result)
        fields = {
            "rule": self.rule,
            "title": self.title,
            "status": status,
            "result": result,
            "detail": self.detail,
            "criteria": self.criteria,
            "missing": self.missing,
            "sources": self.sources,
        }
        obj: RuleResult = _new(RuleResult)  # _construct, inlined: one call per rule fewer
        _set_dict(obj, fields)
        # Every field is set. One set object for all results: a frozen model's fields set is
        # never changed in place (pydantic copies it for model_copy).
        _set_fields_set(obj, _RESULT_FIELDS_SET)
        _set_extra(obj, None)
        _set_private(obj, None)
        return obj
