"""Golden test: the engine's output stays byte-identical while it is made lighter (issues 13, 18).

The corpus (tests/unit/domain/golden_corpus.py) holds 7,399 inputs — the test-data snapshots,
every demo visit, the 20-visit benchmark patient, every distinct snapshot the domain and course
unit tests build, and 3,000 varied snapshots of the engine benchmark's generator — and, per rule,
a digest of the exact text ``myeloma-desk assess`` prints for its result, recorded before the
change. A deliberate clinical change re-records the results, with the reason in the commit
message: ``.venv/bin/python tests/unit/domain/golden_corpus.py --record-results``. The whole
corpus is compared by a test marked slow (``pytest -m slow`` on this file, about 20 s of CPU);
every run of the suite compares a fifth of it.
"""

from __future__ import annotations

import pytest
from golden_corpus import digest, read_inputs, read_results, result_text

from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import parse_snapshot


def _changed(every: int) -> tuple[int, list[str]]:
    """Cases compared (every ``every``-th of the corpus, and every non-generated one) and the
    rules whose printed output differs from the recording."""
    ids, recorded = read_results()
    assert [r.id for r in rules()] == ids, "rules added, removed or reordered"
    changed: list[str] = []
    seen = 0
    for i, (case, data) in enumerate(read_inputs()):
        if i % every and not case.startswith(("data/", "demo/", "bench_engine2/")):
            continue
        seen += 1
        results = assess(parse_snapshot(data)).results
        assert [r.rule for r in results] == ids
        for rule_id, result, expected in zip(ids, results, recorded[case], strict=True):
            if digest(result_text(result)) != expected:
                changed.append(f"{case}: {rule_id}")
    return seen, changed


MESSAGE = (
    "results changed (a deliberate clinical change re-records: golden_corpus.py --record-results)"
)


def test_every_rule_prints_byte_identical_output_on_a_fifth_of_the_corpus() -> None:
    """Every test-data snapshot and demo visit, and every fifth captured or varied input
    (about 1,500): quick enough for every run of the suite under load."""
    seen, changed = _changed(every=5)
    assert seen >= 1400
    assert not changed, f"{len(changed)} {MESSAGE}, e.g. {changed[:10]}"


@pytest.mark.slow
def test_every_rule_prints_byte_identical_output_on_the_whole_corpus() -> None:
    """All 7,399 inputs (about 20 s of CPU; run before landing an engine change)."""
    seen, changed = _changed(every=1)
    assert seen == len(read_results()[1]) >= 7000
    assert not changed, f"{len(changed)} {MESSAGE}, e.g. {changed[:10]}"


def test_the_digest_sees_a_one_character_change() -> None:
    _, recorded = read_results()
    case, data = next(iter(read_inputs()))
    result = assess(parse_snapshot(data)).results[0]
    assert digest(result_text(result)) == recorded[case][0]
    text = result_text(result)
    assert digest(text.replace('"', "'", 1)) != recorded[case][0]


def test_results_built_without_validation_are_what_validation_gives() -> None:
    """The engine builds criteria and results without re-validation (domain/results.py). For
    every rule and a spread of the corpus, validating the dumped result gives an equal object
    with the same JSON: same fields set, same types."""
    for i, (case, data) in enumerate(read_inputs()):
        if i % 25:
            continue
        for built in assess(parse_snapshot(data)).results:
            again = RuleResult.model_validate(built.model_dump())
            assert again == built, (case, built.rule)
            assert again.model_fields_set == built.model_fields_set, (case, built.rule)
            assert again.model_dump_json() == built.model_dump_json(), (case, built.rule)
