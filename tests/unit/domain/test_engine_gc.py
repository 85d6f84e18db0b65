"""The engine pauses the cyclic garbage collector while its rules run (domain/engine.py).

That is sound only because an assessment makes no reference cycles: everything it allocates is
freed by reference counting. These tests check that on the golden corpus, and that the
collector's state is given back as it was, also when a rule fails.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from golden_corpus import read_inputs

from myeloma_desk.domain import engine
from myeloma_desk.domain.engine import Rule, assess, rules
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot


@pytest.fixture
def collector_paused() -> Iterator[None]:
    """The collector off (as the engine has it during an assessment), on again afterwards."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _cycles_left_by_assessing(snapshot: Snapshot) -> int:
    """Objects found only by the cyclic collector once an assessment of ``snapshot`` is
    dropped (the snapshot itself kept alive: what its memo holds is its own business).

    Only the youngest generation is collected: with the collector paused, everything the
    assessment allocated is in it, and a garbage cycle is made of unreachable objects only, so
    of objects the assessment made. (A full collection walks the whole test session's heap
    twice per input: minutes inside the full suite.)"""
    gc.collect(0)
    result = assess(snapshot)
    assert result.results
    del result
    return gc.collect(0)


@pytest.mark.usefixtures("collector_paused")
def test_an_assessment_leaves_no_cyclic_garbage_on_a_spread_of_the_corpus() -> None:
    """Every test-data snapshot, demo visit and the benchmark patient, and every 25th other
    input: freed by reference counting alone."""
    checked = 0
    for i, (case, data) in enumerate(read_inputs()):
        if i % 25 and not case.startswith(("data/", "demo/", "bench_engine2/")):
            continue
        snapshot = parse_snapshot(data)
        assert _cycles_left_by_assessing(snapshot) == 0, case
        checked += 1
    assert checked >= 300


@pytest.mark.usefixtures("collector_paused")
def test_the_check_sees_a_cycle_made_by_a_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that leaves a reference cycle behind is found (the test above can fail)."""
    original = rules()

    def cyclic(s: Snapshot) -> RuleResult:
        loop: list[object] = []
        loop.append(loop)
        return original[0].evaluate(s)

    monkeypatch.setattr(engine, "_ORDERED", [Rule("cyclic", "Cyclic", "test", cyclic)])
    snapshot = parse_snapshot({"age_years": 70})
    assert _cycles_left_by_assessing(snapshot) == 1


def test_the_collector_runs_again_after_an_assessment_and_after_a_failing_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    snapshot = parse_snapshot({"age_years": 70})
    assert gc.isenabled()
    assess(snapshot)
    assert gc.isenabled()

    def failing(s: Snapshot) -> RuleResult:
        assert not gc.isenabled()  # paused while the rules run
        raise RuntimeError("rule failed")

    monkeypatch.setattr(engine, "_ORDERED", [Rule("failing", "Failing", "test", failing)])
    with pytest.raises(RuntimeError, match="rule failed"):
        assess(snapshot)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_paused")
def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    assess(parse_snapshot({"age_years": 70}))
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_paused")
def test_an_assessed_snapshot_keeps_no_intermediates_and_is_freed_without_the_collector() -> None:
    """``assess`` drops the intermediates its rules shared (the response timeline among them,
    which refers back to its snapshot): what stays in the memo is converted values and shown
    texts, and a dropped snapshot is freed by reference counting."""
    data = next(d for case, d in read_inputs() if case.startswith("bench_engine2/"))
    snapshot = parse_snapshot(data)
    first = assess(snapshot)
    memo = snapshot._memo_dict()
    assert memo, "the converted values stay"
    assert all(isinstance(v, float | str) or v is None for v in memo.values()), memo.keys()
    assert assess(snapshot) == first  # recomputed, the same
    gc.collect()
    del snapshot, memo, first
    assert gc.collect() == 0
