"""The engine's golden corpus: inputs and the digest of every rule's output (issues 13, 18).

Inputs (``tests/data/golden/snapshots.jsonl.gz``, one JSON object a line: ``case``, ``snapshot``)
were recorded once, before the engine was made lighter:

- ``data/…``: every snapshot under tests/data/snapshots;
- ``demo/…``: every visit of every demo patient, as ``Store.snapshot_for`` builds it (history,
  lines and carried facts included);
- ``bench_engine2/patient``: the 20-visit patient of benchmarks/bench_engine2.py;
- ``tests/…``: every distinct valid snapshot built while the domain and course unit tests ran
  (captured with a pytest plugin; property tests derandomized), so every test case's input;
- ``bench_engine/varied-…``: the first VARIED snapshots of benchmarks/bench_engine.py's
  generator with its seed.

Outputs (``tests/data/golden/results.jsonl.gz``): a first line ``{"rules": [ids in output
order]}``, then one line a case: ``case`` and, per rule in that order, the first 8 hex digits of
the SHA-256 of the exact text ``myeloma-desk assess`` prints for that result
(``json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)``). Equal digests for
every rule and the same rule order mean the CLI output is byte-identical.

Re-record the outputs only when a landed clinical change means a rule's output to differ, and say
so in the commit message:  .venv/bin/python tests/unit/domain/golden_corpus.py --record-results
(``--record-inputs`` re-captures the inputs; not needed for a clinical change).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "data" / "golden"
INPUTS = GOLDEN / "snapshots.jsonl.gz"
RESULTS = GOLDEN / "results.jsonl.gz"
VARIED = 3000
SEED = 20250425  # the seed of bench_engine.main's batch


def result_text(result: Any) -> str:
    """A result exactly as ``myeloma-desk assess`` prints it (cli/assess.py)."""
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def read_inputs() -> Iterator[tuple[str, dict[str, Any]]]:
    with gzip.open(INPUTS, "rt", encoding="utf-8") as stream:
        for line in stream:
            item = json.loads(line)
            yield item["case"], item["snapshot"]


def read_results() -> tuple[list[str], dict[str, list[str]]]:
    with gzip.open(RESULTS, "rt", encoding="utf-8") as stream:
        ids: list[str] = json.loads(stream.readline())["rules"]
        cases = {}
        for line in stream:
            item = json.loads(line)
            cases[item["case"]] = item["rules"]
    return ids, cases


def outputs(data: dict[str, Any]) -> list[str]:
    """Per rule (output order), the digest of its printed result for snapshot ``data``."""
    from myeloma_desk.domain.engine import assess
    from myeloma_desk.domain.snapshot import parse_snapshot

    return [digest(result_text(r)) for r in assess(parse_snapshot(data)).results]


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dump(snapshot: Any) -> dict[str, Any]:
    data: dict[str, Any] = snapshot.model_dump(mode="json", exclude_none=True)
    return data


def _demo_visits() -> Iterator[tuple[str, dict[str, Any]]]:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store
    from myeloma_desk.store.demo import load_demo

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(AppPaths.resolve(Path(folder)).ensure(), backup_on_open=False)
        try:
            load_demo(store)
            for summary in store.list_patients(include_archived=True):
                for visit in store.visits(summary.id):
                    name = f"demo/{summary.identifier}/{visit.date.isoformat()}"
                    yield name, _dump(store.snapshot_for(summary.id, visit.date))
        finally:
            store.close()


_PLUGIN = """
import json, os
from myeloma_desk.domain import snapshot as snap
_seen = {}
_orig = snap.Snapshot.model_post_init
def _post_init(self, context):
    _orig(self, context)
    text = json.dumps(self.model_dump(mode="json", exclude_none=True), ensure_ascii=False,
                      sort_keys=True)
    _seen.setdefault(text, None)
snap.Snapshot.model_post_init = _post_init
def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["GOLDEN_CAPTURE"], "w", encoding="utf-8") as f:
        f.writelines(t + "\\n" for t in _seen)
"""


def _captured_from_tests() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "golden_capture_plugin.py").write_text(_PLUGIN, encoding="utf-8")
        out = Path(folder) / "captured.jsonl"
        env = dict(os.environ, PYTHONPATH=folder, GOLDEN_CAPTURE=str(out), CI="true")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        subprocess.run(
            [sys.executable, "-m", "pytest", "tests/unit/domain", "tests/unit/course", "-q",
             "-p", "no:cacheprovider", "-p", "golden_capture_plugin",
             "--deselect", "tests/unit/domain/test_engine_golden.py"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def record_inputs() -> None:
    from myeloma_desk.domain.snapshot import parse_snapshot

    cases: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "tests" / "data" / "snapshots").glob("*.json")):
        cases[f"data/{path.name}"] = json.loads(path.read_text(encoding="utf-8"))
    cases.update(_demo_visits())
    cases["bench_engine2/patient"] = _dump(_bench("bench_engine2").patient())
    valid = []
    for data in _captured_from_tests():
        try:  # a test may build a snapshot its model validator then refuses
            parse_snapshot(data)
        except ValueError:
            continue
        valid.append(data)
    for i, data in enumerate(valid):
        cases[f"tests/{i:05d}"] = data
    bench = _bench("bench_engine")
    rng = random.Random(SEED)
    for i in range(VARIED):
        cases[f"bench_engine/varied-{i:04d}"] = bench.varied(rng)
    for data in cases.values():
        parse_snapshot(data)  # every input is valid
    with gzip.open(INPUTS, "wt", encoding="utf-8", compresslevel=9) as stream:
        for name, data in cases.items():
            stream.write(json.dumps({"case": name, "snapshot": data}, ensure_ascii=False) + "\n")
    print(f"recorded {len(cases)} inputs in {INPUTS}")


def record_results() -> None:
    from myeloma_desk.domain.engine import rules

    ids = [r.id for r in rules()]
    with gzip.open(RESULTS, "wt", encoding="utf-8", compresslevel=9) as stream:
        stream.write(json.dumps({"rules": ids}) + "\n")
        for name, data in read_inputs():
            stream.write(json.dumps({"case": name, "rules": outputs(data)}) + "\n")
    print(f"recorded the outputs of {len(ids)} rules in {RESULTS}")


if __name__ == "__main__":
    if "--record-inputs" in sys.argv:
        record_inputs()
    if "--record-results" in sys.argv or "--record-inputs" in sys.argv:
        record_results()
