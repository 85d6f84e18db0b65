"""Instructions per assessment, counted by valgrind's callgrind (issue 18): a figure that does not
move with the host's load, for comparing two versions of the engine.

Counts only the assessments: callgrind collects while ``functools.reduce`` runs (the loop over
the snapshots below is run through it; nothing else in the program calls it), so the imports,
the snapshot validation and the interpreter's start are not counted.

    .venv/bin/python benchmarks/count_instructions.py [--snapshots N] [--example] [--rules a,b]

``--validation`` counts ``parse_snapshot`` of the same inputs instead (the denominator of the
ratio target). ``--example`` assesses copies of the benchmark example (bench_engine.py's
EXAMPLE) instead of bench_engine.py's varied snapshots; ``--rules`` runs only those rules (the
intermediates they read from other rules, such as the diagnosis, are counted with them).
Needs valgrind
(Debian's package); about 15 s for 100 snapshots. A maintainer's tool: it has no target.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_CHILD = "MYELOMA_DESK_COUNTING"


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=100)
    parser.add_argument("--example", action="store_true")
    parser.add_argument("--rules", default="")
    parser.add_argument(
        "--validation", action="store_true", help="count the snapshot validation instead"
    )
    return parser.parse_args()


def _assess_all(options: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    from bench_engine import EXAMPLE, varied

    from myeloma_desk.domain.engine import assess, rules
    from myeloma_desk.domain.snapshot import parse_snapshot

    rules()
    if options.example:
        data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        batch = [data] * options.snapshots
    else:
        rng = random.Random(20250425)
        batch = [varied(rng) for _ in range(options.snapshots)]
    if options.validation:
        parse_snapshot(batch[0])
        functools.reduce(lambda _, item: parse_snapshot(item), batch, None)
        return
    parsed = [parse_snapshot(item) for item in batch]
    chosen = [r for r in options.rules.split(",") if r] or None
    assess(parse_snapshot(batch[0]), chosen)  # first-call costs (caches) outside the count
    functools.reduce(lambda _, s: assess(s, chosen), parsed, None)


def main() -> None:
    options = _options()
    if os.environ.get(_CHILD):
        _assess_all(options)
        return
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                "--collect-atstart=no",
                "--toggle-collect=functools_reduce",
                sys.executable,
                __file__,
                *sys.argv[1:],
            ],
            env={**os.environ, _CHILD: "1", "PYTHONHASHSEED": "0"},  # repeatable counts
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        sys.exit("callgrind printed no count:\n" + run.stderr[-2000:])
    per = int(found.group(1)) / options.snapshots
    what = "example copies" if options.example else "varied snapshots"
    counted = "validation" if options.validation else "assessment"
    rules = "" if options.validation else (options.rules or "all rules") + "; "
    print(f"{per / 1e6:.3f} M instructions per {counted} ({rules}{options.snapshots} {what})")


if __name__ == "__main__":
    main()
