"""Per-rule timing of the criteria engine: each rule's share of an assessment (issue 18).

Runs every rule, in output order, on the varied snapshots of ``bench_engine.py`` and prints each
rule's total time and share, largest first. Intermediates shared through ``Snapshot.derived``
are charged to the first rule (in output order) that needs them, as in a real assessment.
A maintainer's tool for finding where the engine's time goes; it has no target.

    .venv/bin/python benchmarks/bench_rules.py [--snapshots N]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import _load, varied

from myeloma_desk.domain.engine import rules
from myeloma_desk.domain.snapshot import parse_snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=2000)
    args = parser.parse_args()
    chosen = rules()
    rng = random.Random(20250425)
    parsed = [parse_snapshot(varied(rng)) for _ in range(args.snapshots)]
    totals = dict.fromkeys((r.id for r in chosen), 0.0)
    clock = time.perf_counter
    gc.disable()  # as assess() does while its rules run
    try:
        for snapshot in parsed:
            for r in chosen:
                start = clock()
                r.evaluate(snapshot)
                totals[r.id] += clock() - start
            snapshot.forget_derived()
    finally:
        gc.enable()
    whole = sum(totals.values())
    print(f"{len(chosen)} rules, {len(parsed)} varied snapshots; load average: {_load()}")
    print(f"all rules: {whole / len(parsed) * 1e6:.1f} µs per snapshot")
    for rule_id, total in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"{rule_id:34} {total / len(parsed) * 1e6:8.2f} µs  {100 * total / whole:5.1f}%")


if __name__ == "__main__":
    main()
