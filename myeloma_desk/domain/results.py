"""The one result shape every rule returns: status, result, why, what is missing, sources.

Fixed from outside by ../shared/reference/assessment-interchange.md ("Output: one result per
rule"). Rules build results with :class:`Explanation` so that every result lists the criteria
it tested, the values it used and the inputs it lacked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["determined", "cannot_determine", "not_applicable"]
ResultValue = str | float | list[str] | None


class Criterion(BaseModel):
    """One tested criterion: met (True), unmet (False) or unknown (None), with its value."""

    model_config = ConfigDict(frozen=True)

    name: str
    met: bool | None
    value: str | None = None


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


# Rules build about 80 criteria and 36 results per assessment. Validating a dict with the
# model's own validator is exactly what ``Model(**fields)`` does (same checks, conversions and
# ``model_fields_set``) without the Python-level ``BaseModel.__init__`` frame, which showed up in
# the engine profile (benchmarks/bench_engine.py).
_validate_criterion = Criterion.__pydantic_validator__.validate_python
_validate_result = RuleResult.__pydantic_validator__.validate_python


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
    """Accumulates the criteria, missing inputs and details of one rule evaluation."""

    def __init__(self, rule: str, title: str, *sources: Source) -> None:
        self.rule = rule
        self.title = title
        self.sources = [s.label for s in sources]
        self.criteria: list[Criterion] = []
        self.missing: list[str] = []
        self.detail: dict[str, Any] = {}

    def criterion(self, name: str, met: bool | None, value: str | None = None) -> bool | None:
        """Record a criterion and return ``met`` so it can be used inline."""
        self.criteria.append(_validate_criterion({"name": name, "met": met, "value": value}))
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
        built: RuleResult = _validate_result(
            {
                "rule": self.rule,
                "title": self.title,
                "status": status,
                "result": result,
                "detail": dict(self.detail),
                "criteria": list(self.criteria),
                "missing": list(self.missing),
                "sources": list(self.sources),
            }
        )
        return built
