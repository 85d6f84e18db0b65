"""A rule's result is an immutable named tuple that pydantic validates and serializes as the
model it replaced did (domain/results.py, issue 18)."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from pydantic import ValidationError

from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.results import Criterion, RuleResult


def _result() -> RuleResult:
    return RuleResult(
        rule="iss",
        title="ISS",
        status="determined",
        result="III",
        detail={"points": [1, 2]},
        criteria=[{"name": "albumin < 3.5 g/dL", "met": True, "value": "2.9 g/dL"}],
        missing=["ldh"],
        sources=["Greipp 2005"],
    )


def test_fields_from_outside_are_validated_and_absent_ones_take_fresh_defaults() -> None:
    r = _result()
    assert r.criteria == [Criterion("albumin < 3.5 g/dL", True, "2.9 g/dL")]
    assert type(r.criteria[0]) is Criterion
    bare = RuleResult(rule="r", title="R", status="cannot_determine")
    other = RuleResult(rule="r", title="R", status="cannot_determine")
    assert (bare.result, bare.detail, bare.criteria, bare.missing) == (None, {}, [], [])
    assert bare.detail is not other.detail and bare.missing is not other.missing
    assert RuleResult(rule="r", title="R", status="determined", result=3).result == 3.0


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "done"},
        {"criteria": [{"name": "x", "met": "perhaps"}]},
        {"missing": "ldh"},
        {"title": None},
    ],
)
def test_invalid_fields_are_refused_naming_the_result(bad: dict[str, object]) -> None:
    fields = {"rule": "r", "title": "R", "status": "determined", **bad}
    with pytest.raises(ValidationError, match=r"validation errors? for RuleResult"):
        RuleResult(**fields)
    with pytest.raises(ValidationError):
        RuleResult.model_validate(fields)


def test_a_result_is_immutable() -> None:
    r = _result()
    with pytest.raises(AttributeError):
        r.status = "not_applicable"  # type: ignore[misc]
    changed = r.model_copy(update={"title": "International Staging System"})
    assert (changed.title, r.title) == ("International Staging System", "ISS")
    assert r.model_copy() is r


def test_dump_is_the_eight_fields_in_order_and_validates_back_equal() -> None:
    r = _result()
    dumped = r.model_dump(mode="json")
    assert list(dumped) == [
        "rule",
        "title",
        "status",
        "result",
        "detail",
        "criteria",
        "missing",
        "sources",
    ]
    assert dumped["criteria"] == [{"name": "albumin < 3.5 g/dL", "met": True, "value": "2.9 g/dL"}]
    assert RuleResult.model_validate(dumped) == r
    assert RuleResult.model_validate_json(r.model_dump_json()) == r
    assert json.loads(r.model_dump_json()) == dumped


def test_copies_and_pickles_and_assessments_keep_it() -> None:
    r = _result()
    assert copy.deepcopy(r) == r and type(copy.deepcopy(r)) is RuleResult
    assert pickle.loads(pickle.dumps(r)) == r
    a = Assessment(engine_version="1", evidence_version="2", results=[r])
    assert a.results[0] is r  # an instance passes validation as it is
    again = Assessment.model_validate_json(a.model_dump_json())
    assert again.results == [r] and type(again.results[0]) is RuleResult
