"""Start of the frozen (PyInstaller) app: `myeloma-desk --check-start` offscreen, 5 runs, median.

Run: .venv/bin/python benchmarks/bench_frozen_start.py [--app PATH] [--cold]
Target on the 2-core reference machine: median ≤ 2 s.

`--check-start` opens the main window, visits every section and exits, so each figure is an
upper bound on "launch to first shown window". Each run starts a new process with an empty data
folder (first-start work included). The app is packaging/dist/myeloma-desk/myeloma-desk (from
`bash packaging/linux/build-deb.sh`), else the installed /opt/myeloma-desk/myeloma-desk.
`--cold` drops the kernel page cache before every run (root only), so every run reads the
bundle from disk as on the first start after boot; without it the OS cache is warm after the
first run, as on every later start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = (
    ROOT / "packaging" / "dist" / "myeloma-desk" / "myeloma-desk",
    Path("/opt/myeloma-desk/myeloma-desk"),
)
RUNS = 5
TARGET_S = 2.0


def drop_page_cache() -> bool:
    """Write back and drop the page cache (root on Linux); False if not allowed."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def one_run(app: Path, cold: bool) -> float:
    if cold and not drop_page_cache():
        raise SystemExit("--cold needs root on Linux (writes /proc/sys/vm/drop_caches)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        done = subprocess.run(
            [str(app), "--data-dir", home, "--check-start"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        elapsed = time.perf_counter() - start
    if done.returncode != 0 or "started and visited" not in done.stdout:
        raise SystemExit(f"the frozen app did not start:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, help="the frozen executable to time")
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each run")
    args = parser.parse_args()
    app = args.app or next((c for c in CANDIDATES if c.exists()), None)
    if app is None or not app.exists():
        print(
            "frozen start: not measured, no frozen app found; build it with "
            "`bash packaging/linux/build-deb.sh` (or pass --app PATH)"
        )
        return 0
    times = [one_run(app, args.cold) for _ in range(RUNS)]
    median = statistics.median(times)
    cache = "page cache dropped before each run" if args.cold else "warm page cache after run 1"
    verdict = "within" if median <= TARGET_S else "OVER"
    print(
        f"frozen app start (--check-start, offscreen, {cache}): median {median * 1000:.0f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms); "
        f"target ≤ {TARGET_S * 1000:.0f} ms: {verdict}"
    )
    print(f"app: {app}; {os.cpu_count()} CPU(s); Python {sys.version.split()[0]} for the timer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
