"""Start-up (issue 18): ratios measured in the same run, so the machine's load cancels out.

Run: bash dev.sh bench   (or .venv/bin/python benchmarks/bench_startup.py [--patients N] [--runs N]
     [--keep DIR: generate the store in DIR once and reuse it])
Targets (issue 18):
  - time from process launch to the first shown window ≤ 2 × that of a minimal PySide6 window;
  - peak memory (max RSS) of that start ≤ 1.5 × the minimal window's;
  - start-up with 50,000 patients in the store ≤ 1.1 × start-up with an empty store;
  - the 50,000-patient list: loading the model, one filter pass and one sort ≤ 50 ms each.
Each start is a fresh interpreter, runs alternate between the kinds in an order that turns each
round (five of each by default, medians; the fastest runs are printed too).
The app starts on the Patients section (the default). Its window is shown first, saying
"Opening the patient store…"; the store is opened and listed just after the first paint, so a
second figure (no target) is the time until the Patients list is ready to use.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

MINIMAL = """
import resource, sys
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("minimal"))
window.show()
app.processEvents()
print("shown", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
"""

APP = """
import resource, sys
from PySide6.QtWidgets import QApplication
from myeloma_desk.ui.app import create_window
app = QApplication(sys.argv)
window, _ = create_window(sys.argv[1])
window.show()
app.processEvents()
print("shown", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
while window.opening():  # the Patients section: the store opened and the first page listed
    app.processEvents()
print("ready", flush=True)
window.close()
"""


def one_start(code: str, data_dir: str) -> tuple[float, int, float]:
    """Seconds from launch to the first shown window, the child's peak RSS at that moment in
    KiB, and seconds from launch until the Patients list is ready (0 for the minimal window)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, data_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    elapsed = time.perf_counter() - start
    ready = 0.0
    if proc.stdout.readline().strip() == "ready":
        ready = time.perf_counter() - start
    proc.wait()
    if not line or line[0] != "shown":
        raise SystemExit("the window did not start")
    return elapsed, int(line[1]), ready


def list_figures(data_dir: str, repeat: int = 5) -> dict[str, float]:
    """Model load, filter and sort of every patient in the store (GUI-thread work), medians.

    The model is the app's (ui/models/patients.py): a count and one page from the store's
    patient index, whatever the store's size; the filter and the sort are queries over every
    patient, not over the rows loaded so far.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store
    from myeloma_desk.store.patient_index import PatientIndex
    from myeloma_desk.ui.models.patients import PatientListModel

    _app = QApplication.instance() or QApplication([])
    store = open_store(AppPaths.resolve(data_dir).ensure(), backup_on_open=False)
    try:
        loads, filters, sorts = [], [], []
        for run in range(repeat):
            start = time.perf_counter()
            model = PatientListModel(PatientIndex(store.connection))
            model.rowCount()
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            model.set_filter(("mar", "ber", "ann ol", "mrn00012", "smoldering")[run % 5], False)
            model.rowCount()
            filters.append(time.perf_counter() - start)
            model.set_filter("", False)
            start = time.perf_counter()
            model.sort(7, Qt.SortOrder.DescendingOrder if run % 2 else Qt.SortOrder.AscendingOrder)
            model.rowCount()
            sorts.append(time.perf_counter() - start)
        matched = model.matched
        return {
            f"list: count {matched} patients and load the first page": statistics.median(loads),
            "list: one filter pass (median of 5 words)": statistics.median(filters),
            "list: sort by last visit": statistics.median(sorts),
        }
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="data folder for the generated store: generated there once, reused by later runs "
        "with the same --patients (generating 50,000 patients takes minutes)",
    )
    args = parser.parse_args()
    # Measure the app as it is installed: a wheel's modules are compiled by pip and the frozen
    # bundle ships them compiled (docs/installers.md, "Bytecode"). A checkout has no bytecode
    # until a start writes it, and none at all under PYTHONDONTWRITEBYTECODE=1; every start
    # would then compile the modules it imports.
    import compileall

    from bench_store import generate

    import myeloma_desk
    from myeloma_desk.paths import AppPaths

    compileall.compile_dir(Path(myeloma_desk.__file__).parent, quiet=1)
    print("(the app's modules compiled to bytecode first, as installed)")
    print(
        "load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as scratch:
        full = args.keep or scratch
        marker = Path(full) / f"generated-{args.patients}"
        if not marker.exists():
            started = time.perf_counter()
            generate(AppPaths.resolve(full).ensure(), args.patients, visits=1)
            marker.write_text("generated by bench_startup.py\n", encoding="utf-8")
            print(f"(generated {args.patients} patients in {time.perf_counter() - started:.0f} s)")
        one_start(APP, empty)  # warm the OS file cache once; measured runs follow
        one_start(APP, full)
        runs: dict[str, list[tuple[float, int, float]]] = {"minimal": [], "empty": [], "full": []}
        kinds = {"minimal": (MINIMAL, empty), "empty": (APP, empty), "full": (APP, full)}
        order = list(kinds)
        for run in range(args.runs):
            # The order turns each round, so no kind always follows the one whose start-up
            # backup (tens of MB at 50,000 patients) the kernel may still be writing out.
            for kind in order[run % 3 :] + order[: run % 3]:
                runs[kind].append(one_start(*kinds[kind]))
        figures = list_figures(full)

    def median_ms(kind: str) -> float:
        return statistics.median(t for t, _, _ in runs[kind]) * 1000

    def fastest_ms(kind: str) -> float:
        return min(t for t, _, _ in runs[kind]) * 1000

    def peak_mb(kind: str) -> float:
        return max(p for _, p, _ in runs[kind]) / 1024

    def ready_ms(kind: str) -> float:
        return statistics.median(r for _, _, r in runs[kind]) * 1000

    minimal, empty_ms, full_ms = median_ms("minimal"), median_ms("empty"), median_ms("full")
    for kind, label in (
        ("minimal", "minimal PySide6 window"),
        ("empty", "Myeloma Desk, empty store"),
        ("full", f"Myeloma Desk, {args.patients} patients"),
    ):
        print(
            f"{label}: median {median_ms(kind):.0f} ms (fastest {fastest_ms(kind):.0f} ms), "
            f"peak {peak_mb(kind):.0f} MB"
        )
    print(
        f"Patients list ready (store opened and listed after the first paint), medians: "
        f"empty store {ready_ms('empty'):.0f} ms, {args.patients} patients "
        f"{ready_ms('full'):.0f} ms (no target)"
    )
    ratios = (
        ("first shown window ÷ minimal window", empty_ms / minimal, 2.0),
        ("peak memory ÷ minimal window", peak_mb("empty") / peak_mb("minimal"), 1.5),
        (f"start with {args.patients} patients ÷ empty store", full_ms / empty_ms, 1.1),
    )
    fastest = (
        fastest_ms("empty") / fastest_ms("minimal"),
        0.0,
        fastest_ms("full") / fastest_ms("empty"),
    )
    for (name, ratio, target), quickest in zip(ratios, fastest, strict=True):
        verdict = "met" if ratio <= target else "NOT MET"
        also = f" of the medians, fastest runs {quickest:.2f}×" if quickest else ""
        print(f"{name}: {ratio:.2f}×{also} (target ≤ {target}×) {verdict}")
    print(
        "load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    for name, seconds in figures.items():
        verdict = "met" if seconds <= 0.050 else "NOT MET"
        print(f"{name}: {seconds * 1000:.0f} ms (target ≤ 50 ms) {verdict}")


if __name__ == "__main__":
    main()
