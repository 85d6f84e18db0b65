"""Cold start to the first shown window (offscreen), five runs, median; and peak memory.

Run: bash dev.sh bench   (or .venv/bin/python benchmarks/bench_startup.py)
Target on the 2-core reference machine: median ≤ 1.0 s and peak RSS < 200 MB.
Each run is a fresh interpreter with an empty data folder: the time from process launch to the
moment the main window has been shown and the first paint events processed.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = """
import sys
from PySide6.QtWidgets import QApplication
from myeloma_desk.ui.app import create_window
app = QApplication(sys.argv)
window, _ = create_window(sys.argv[1])
window.show()
app.processEvents()
print("shown", flush=True)
"""


def one_run() -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, home],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.wait()
        if line.strip() != "shown":
            raise SystemExit("the window did not start")
        # ru_maxrss of the largest child so far (KiB on Linux).
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return elapsed, peak_kib


def main() -> None:
    one_run()  # warm the OS file cache once; measured runs follow
    runs = [one_run() for _ in range(5)]
    times = [t for t, _ in runs]
    peak_mb = max(p for _, p in runs) / 1024
    print(
        f"cold start to first shown window: median {statistics.median(times) * 1000:.0f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms); target ≤ 1000 ms"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB; target < 200 MB")


if __name__ == "__main__":
    main()
