"""Golden test: the engine's output stays byte-identical while it is made lighter (issues 13, 18).

The corpus (tests/unit/domain/golden_corpus.py) holds 7,399 inputs — the test-data snapshots,
every demo visit, the 20-visit benchmark patient, every distinct snapshot the domain and course
unit tests build, and 3,000 varied snapshots of the engine benchmark's generator — and, per rule,
a digest of the exact text ``myeloma-desk assess`` prints for its result, recorded before the
change. A deliberate clinical change re-records the results, with the reason in the commit
message: ``.venv/bin/python tests/unit/domain/golden_corpus.py --record-results``.
"""

from __future__ import annotations

from golden_corpus import digest, read_inputs, read_results, result_text

from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import parse_snapshot


def test_every_rule_prints_byte_identical_output_on_the_whole_corpus() -> None:
    ids, recorded = read_results()
    assert [r.id for r in rules()] == ids, "rules added, removed or reordered"
    changed: list[str] = []
    seen = 0
    for case, data in read_inputs():
        seen += 1
        results = assess(parse_snapshot(data)).results
        assert [r.rule for r in results] == ids
        for rule_id, result, expected in zip(ids, results, recorded[case], strict=True):
            if digest(result_text(result)) != expected:
                changed.append(f"{case}: {rule_id}")
    assert seen == len(recorded) >= 7000
    assert not changed, (
        f"{len(changed)} results changed, e.g. {changed[:10]} (a deliberate clinical change "
        "re-records: tests/unit/domain/golden_corpus.py --record-results)"
    )


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
        if i % 10:
            continue
        for built in assess(parse_snapshot(data)).results:
            again = RuleResult.model_validate(built.model_dump())
            assert again == built, (case, built.rule)
            assert again.model_fields_set == built.model_fields_set, (case, built.rule)
            assert again.model_dump_json() == built.model_dump_json(), (case, built.rule)
