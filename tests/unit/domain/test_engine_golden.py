"""Golden test: the engine's results stay byte-identical through refactoring (issues 13, 18).

For every snapshot under tests/data/snapshots, the benchmark example, the 20-visit patient of
benchmarks/bench_engine2.py and the first GOLDEN_VARIED varied snapshots of
benchmarks/bench_engine.py (same generator, same seed), the JSON that `assess` prints for each
result (``json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)``) is hashed
and compared with tests/data/golden/engine-results.json, recorded from the code *before* the
engine was restructured.

Compared: the rules of the modules this restructuring touches (GOLDEN_MODULES). Not compared:
the response, amyloidosis and therapy rules, which the course-of-disease work (issue 12) is
rewriting on purpose; their outputs change there and are tested by their own tests.

A deliberate clinical change to a compared rule re-records the file, with the reason in the
commit message:  .venv/bin/python tests/unit/domain/test_engine_golden.py --record
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from myeloma_desk.domain.engine import rules
from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "data" / "golden" / "engine-results.json"
GOLDEN_VARIED = 400
GOLDEN_MODULES = (
    "diagnosis",
    "staging",
    "cytogenetics",
    "precursor_risk",
    "renal",
    "fitness",
    "thrombosis",
    "supportive",
)


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> dict[str, Snapshot]:
    found: dict[str, Snapshot] = {}
    for path in sorted((ROOT / "tests" / "data" / "snapshots").glob("*.json")):
        found[f"data/{path.name}"] = parse_snapshot(json.loads(path.read_text(encoding="utf-8")))
    found["bench_engine2/patient"] = _bench("bench_engine2").patient()
    bench = _bench("bench_engine")
    rng = random.Random(20250425)  # the seed of bench_engine.main's batch
    for i in range(GOLDEN_VARIED):
        found[f"bench_engine/varied-{i:04d}"] = parse_snapshot(bench.varied(rng))
    return found


def compared_rules() -> list[Any]:
    modules = {f"myeloma_desk.domain.criteria.{m}" for m in GOLDEN_MODULES}
    return [r for r in rules() if r.evaluate.__module__ in modules]


def digest(result: Any) -> str:
    text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def current() -> dict[str, dict[str, str]]:
    chosen = compared_rules()
    return {
        name: {r.id: digest(r.evaluate(snapshot)) for r in chosen}
        for name, snapshot in cases().items()
    }


def test_results_are_byte_identical_to_the_recording() -> None:
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = current()
    assert sorted(now) == sorted(recorded)
    changed = [
        f"{case}: {rule}"
        for case, per_rule in recorded.items()
        for rule, value in per_rule.items()
        if now[case].get(rule) != value
    ]
    missing_rules = sorted(
        {r for case in now for r in now[case]} - {r for c in recorded.values() for r in c}
    )
    assert not missing_rules, f"rules not in the recording: {missing_rules}"
    assert not changed, f"{len(changed)} results changed, e.g. {changed[:10]}"


def test_the_recording_covers_every_compared_rule() -> None:
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    ids = {r.id for r in compared_rules()}
    assert all(set(per_rule) == ids for per_rule in recorded.values())
    assert len(recorded) >= GOLDEN_VARIED


if __name__ == "__main__":
    if "--record" in sys.argv:
        GOLDEN.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {GOLDEN}")


def test_results_built_without_validation_are_what_validation_gives() -> None:
    """The engine builds criteria and results without re-validation (domain/results.py). For
    every rule (all modules, including those not compared above) and every case, validating the
    dumped result gives an equal object with the same JSON: same fields set, same types."""
    from myeloma_desk.domain.results import RuleResult

    for name, snapshot in cases().items():
        for r in rules():
            built = r.evaluate(snapshot)
            again = RuleResult.model_validate(built.model_dump())
            assert again == built, (name, r.id)
            assert again.model_fields_set == built.model_fields_set, (name, r.id)
            assert again.model_dump_json() == built.model_dump_json(), (name, r.id)
