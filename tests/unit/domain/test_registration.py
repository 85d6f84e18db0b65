"""One registration carries a rule's id, title and sources (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from myeloma_desk.domain import engine
from myeloma_desk.domain.criteria.staging import GREIPP_2005
from myeloma_desk.domain.engine import assess, rule, rules
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "snapshots" / "active-myeloma-iss3.json"


@pytest.fixture
def scratch() -> Iterator[list[str]]:
    """Rule ids registered by a test, removed again afterwards."""
    added: list[str] = []
    yield added
    for rule_id in added:
        engine._RULES.pop(rule_id, None)
    engine._ORDERED.clear()


def test_every_result_carries_its_registrations_id_and_title() -> None:
    snapshot = parse_snapshot(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    registered = rules()
    results = assess(snapshot).results
    assert [(r.rule, r.title) for r in results] == [(r.id, r.title) for r in registered]


def test_a_rule_registered_with_sources_receives_its_explanation(scratch: list[str]) -> None:
    cited = GREIPP_2005
    scratch.append("test_registered")

    @rule("test_registered", "A registered test rule", "test", sources=(cited, PDQ))
    def registered(s: Snapshot, e: Explanation) -> RuleResult:
        e.criterion("age given", s.age_years is not None, None)
        return e.determined("yes")

    first = registered(Snapshot(age_years=70))
    second = registered(Snapshot())
    assert (first.rule, first.title) == ("test_registered", "A registered test rule")
    assert first.sources == [cited.label, PDQ.label]
    assert [c.met for c in first.criteria] == [True]
    assert [c.met for c in second.criteria] == [False]  # a fresh explanation for each call
    assert engine.get_rule("test_registered").evaluate is registered
    assert registered.__name__ == "registered"


def test_an_id_registered_twice_is_refused(scratch: list[str]) -> None:
    scratch.append("test_twice")

    @rule("test_twice", "Twice", "test", sources=(PDQ,))
    def once(s: Snapshot, e: Explanation) -> RuleResult:
        return e.determined("a")

    with pytest.raises(ValueError, match="registered twice"):

        @rule("test_twice", "Twice", "test", sources=(PDQ,))
        def again(s: Snapshot, e: Explanation) -> RuleResult:
            return e.determined("b")


def test_no_rule_module_restates_a_rule_id_in_an_explanation() -> None:
    """Rules take their id and title from the one @rule registration (issue 13): no criteria
    module builds an Explanation from a literal rule id."""
    import ast

    import myeloma_desk.domain.criteria as criteria

    root = Path(criteria.__file__).parent
    restated = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Explanation"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                restated.append(f"{path.name}:{node.lineno}")
    assert restated == []
