"""The criteria engine: a registry of rules and :func:`assess`, which runs them all.

A rule is a pure function ``Snapshot -> RuleResult`` registered with :func:`rule`. Rule modules
are listed in :data:`myeloma_desk.domain.criteria.MODULES` and imported once, in that order,
which is also the order of the output.
"""

from __future__ import annotations

import functools
import gc
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

from pydantic import BaseModel, ConfigDict

from myeloma_desk.domain import ENGINE_VERSION
from myeloma_desk.domain.results import Explanation, RuleResult, Source, construct_model
from myeloma_desk.domain.snapshot import Snapshot

_new = object.__new__

RuleFunction = Callable[[Snapshot], RuleResult]
# A rule registered with its sources: it receives the explanation its registration made.
ExplainedFunction = Callable[[Snapshot, Explanation], RuleResult]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its id (from the interchange spec), title, family and function."""

    id: str
    title: str
    family: str
    evaluate: RuleFunction
    # A rule registered with its sources: the function that takes the explanation, and the
    # sources' labels (what ``evaluate`` makes the explanation from). ``assess`` calls it
    # directly, with the same explanation, one call fewer per rule (issue 18).
    explained: ExplainedFunction | None = None
    labels: tuple[str, ...] = ()


_RULES: dict[str, Rule] = {}
_ORDERED: list[Rule] = []  # cache of rules() in output order; cleared when a rule registers


@overload
def rule(rule_id: str, title: str, family: str) -> Callable[[RuleFunction], RuleFunction]: ...


@overload
def rule(
    rule_id: str, title: str, family: str, *, sources: Sequence[Source]
) -> Callable[[ExplainedFunction], RuleFunction]: ...


def rule(
    rule_id: str, title: str, family: str, *, sources: Sequence[Source] | None = None
) -> Callable[[Any], RuleFunction]:
    """Register a function as rule ``rule_id`` (ids are unique).

    With ``sources`` (the usual form) the one registration carries the rule's id, title and
    sources: the function is called as ``function(snapshot, explanation)`` with an
    :class:`Explanation` made from them, and the registered rule (what the decorator returns)
    takes the snapshot alone. Without ``sources`` the function builds its result itself (rules
    whose result is composed from other results, such as the diagnosis walk).
    """
    labels = None if sources is None else tuple(s.label for s in sources)

    def register(function: Any) -> RuleFunction:
        evaluate: RuleFunction = function
        if labels is not None:
            explained: ExplainedFunction = function

            @functools.wraps(function)
            def evaluate(s: Snapshot) -> RuleResult:
                # Explanation.for_rule(rule_id, title, labels), inlined: once per rule call.
                e = _new(Explanation)
                e.rule = rule_id
                e.title = title
                e.sources = list(labels)
                e.criteria = []
                e.missing = []
                e.detail = {}
                return explained(s, e)

        known = _RULES.get(rule_id)
        if (
            known is not None
            and getattr(known.evaluate, "__wrapped__", known.evaluate) is not function
        ):
            raise ValueError(f"rule {rule_id!r} is registered twice")
        _RULES[rule_id] = (
            Rule(rule_id, title, family, evaluate)
            if labels is None
            else Rule(rule_id, title, family, evaluate, function, labels)
        )
        _ORDERED.clear()
        return evaluate

    return register


def rules() -> list[Rule]:
    """All rules in output order (imports the rule modules on first use)."""
    from myeloma_desk.domain.criteria import MODULES

    if _ORDERED:
        return list(_ORDERED)
    for module in MODULES:
        importlib.import_module(f"myeloma_desk.domain.criteria.{module}")
    # Output order is MODULES order (then registration order within a module), whatever order
    # the modules happened to be imported in.
    position = {f"myeloma_desk.domain.criteria.{name}": i for i, name in enumerate(MODULES)}
    registered = list(_RULES.values())
    order = {r.id: i for i, r in enumerate(registered)}
    _ORDERED.extend(
        sorted(
            registered,
            key=lambda r: (position.get(r.evaluate.__module__, len(position)), order[r.id]),
        )
    )
    return list(_ORDERED)


def get_rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id`` (KeyError if unknown)."""
    rules()
    return _RULES[rule_id]


class Assessment(BaseModel):
    """All results for one snapshot, with the versions that produced them."""

    model_config = ConfigDict(frozen=True)

    engine_version: str
    evidence_version: str
    results: list[RuleResult]

    def get(self, rule_id: str) -> RuleResult:
        """The result of ``rule_id`` (KeyError if it was not run)."""
        for result in self.results:
            if result.rule == rule_id:
                return result
        raise KeyError(rule_id)


def assess(
    snapshot: Snapshot,
    rule_ids: Iterable[str] | None = None,
    evidence_version: str = "unknown",
) -> Assessment:
    """Run every rule (or only ``rule_ids``) on ``snapshot``."""
    chosen = _ORDERED or rules()  # read only here: no copy of the registry's order
    if rule_ids is not None:
        wanted = set(rule_ids)
        chosen = [r for r in chosen if r.id in wanted]
    # The cyclic garbage collector is paused while the rules run (issue 18). An assessment makes
    # no reference cycles (tests/unit/domain/test_engine_gc.py checks the whole golden corpus),
    # so a collection during it finds nothing of its own: it would only re-scan the caller's
    # live objects — the batch of snapshots, the store's rows — which cost a tenth to a third of
    # an assessment's time in the benchmarks. Reference counting frees the assessment's
    # temporaries as usual; the collector resumes (if it was running) when the rules are done,
    # also after an error.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        results: list[RuleResult] = []
        append = results.append
        for r in chosen:
            explained = r.explained
            if explained is None:
                append(r.evaluate(snapshot))
                continue
            # What r.evaluate does (the registration's wrapper), without its call.
            e = _new(Explanation)
            e.rule = r.id
            e.title = r.title
            e.sources = [*r.labels]
            e.criteria = []
            e.missing = []
            e.detail = {}
            append(explained(snapshot, e))
    finally:
        snapshot.forget_derived()  # intermediates are shared within one assessment only
        if paused:
            gc.enable()
    if type(evidence_version) is not str:  # from outside: validated (and refused) as usual
        return Assessment(
            engine_version=ENGINE_VERSION, evidence_version=evidence_version, results=results
        )
    # Built without re-validating the results the rules just built (domain/results.py).
    return construct_model(
        Assessment,
        {
            "engine_version": ENGINE_VERSION,
            "evidence_version": evidence_version,
            "results": results,
        },
    )
