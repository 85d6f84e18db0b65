"""Patient store speed: 10,000 patients x 20 visits in a temporary folder.

Targets (issue 6): opening the patient list <= 200 ms, search by name or MRN <= 50 ms,
saving a visit <= 20 ms (medians). Run: ``python benchmarks/bench_store.py [--patients N]``.
Generation uses the store's own insert path (same rows, search terms and JSON as the app
writes), batched 500 patients per transaction so that building the data set takes seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, open_store
from myeloma_desk.store import db as store_db
from myeloma_desk.store.repository import visit_snapshot_json

FIRST = [
    "Ann",
    "Per",
    "Li",
    "Maria",
    "Olga",
    "Tom",
    "Wei",
    "Nadia",
    "Ravi",
    "Greta",
    "Lars",
    "Ilse",
]
LAST = ["Berg", "Olsen", "Chen", "Garcia", "Novak", "Smith", "Kim", "Dubois", "Rossi", "Meyer"]


def _snapshot(rnd: random.Random) -> dict[str, object]:
    return {
        "serum_m_protein": {"value": round(rnd.uniform(0, 5), 2), "unit": "g/dL"},
        "free_kappa": {"value": round(rnd.uniform(3, 400), 1), "unit": "mg/L"},
        "free_lambda": {"value": round(rnd.uniform(3, 300), 1), "unit": "mg/L"},
        "hemoglobin": {"value": round(rnd.uniform(7, 15), 1), "unit": "g/dL"},
        "creatinine": {"value": round(rnd.uniform(50, 300)), "unit": "µmol/L"},
        "calcium": {"value": round(rnd.uniform(2.0, 3.0), 2), "unit": "mmol/L"},
        "albumin": {"value": round(rnd.uniform(25, 45)), "unit": "g/L"},
        "beta2_microglobulin": {"value": round(rnd.uniform(1, 10), 1), "unit": "mg/L"},
        "ldh": {"value": round(rnd.uniform(120, 500)), "unit": "U/L"},
        "ldh_upper_limit": {"value": 250, "unit": "U/L"},
        "bone_marrow_plasma_cells_percent": round(rnd.uniform(0, 80)),
        "m_protein_heavy_chain": rnd.choice(["IgG", "IgA", "none"]),
        "m_protein_light_chain": rnd.choice(["kappa", "lambda"]),
    }


def generate(paths: AppPaths, patients: int, visits: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    # A pool of validated snapshots, reused (validation is not what is being measured here).
    pool = [parse_snapshot(_snapshot(rnd)) for _ in range(200)]
    store = open_store(paths, backup_on_open=False)
    now = dt.datetime.now(dt.UTC).isoformat()
    try:
        for start in range(0, patients, 500):
            with store_db.transaction(store.connection):
                for i in range(start, min(start + 500, patients)):
                    fields = PatientFields(
                        name=f"{rnd.choice(LAST)}{i}, {rnd.choice(FIRST)}",
                        identifier=f"MRN{i:07d}",
                        birth_date=dt.date(1930, 1, 1) + dt.timedelta(days=rnd.randrange(20000)),
                        sex=rnd.choice(["female", "male"]),
                    )
                    pid = store._patients.insert(fields, now)
                    first = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(1500))
                    rows = []
                    for k in range(visits):
                        day = first + dt.timedelta(days=60 * k)
                        rows.append(
                            (
                                pid,
                                day.isoformat(),
                                visit_snapshot_json(rnd.choice(pool), day),
                                now,
                                now,
                            )
                        )
                    store.connection.executemany(
                        "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?)",
                        rows,
                    )
                    store._patients.touch_last_visit(pid, now)
        store.connection.execute("ANALYZE")
    finally:
        store.close()


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float], target: float | None) -> bool:
    median = statistics.median(times)
    p95 = sorted(times)[int(len(times) * 0.95) - 1] if len(times) >= 20 else max(times)
    verdict = "" if target is None else ("  OK" if median <= target else "  SLOWER THAN TARGET")
    goal = f" (target <= {target:.0f} ms)" if target is not None else ""
    print(f"{name:<44} median {median:8.2f} ms   p95 {p95:8.2f} ms{goal}{verdict}")
    return target is None or median <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.resolve(Path(tmp) / "home")
        start = time.perf_counter()
        generate(paths, args.patients, args.visits)
        size = (paths.data / store_db.DB_NAME).stat().st_size / 1e6
        print(
            f"generated {args.patients:,} patients x {args.visits} visits in "
            f"{time.perf_counter() - start:.1f} s; database {size:.0f} MB"
        )
        start = time.perf_counter()
        store = open_store(paths, backup_on_open=False)
        elapsed = 1000 * (time.perf_counter() - start)
        print(f"{'open store (lock, quick_check, migrate check)':<44} {elapsed:8.0f} ms")
        start = time.perf_counter()
        store.backup(reason="bench")
        elapsed = 1000 * (time.perf_counter() - start)
        print(f"{'one online backup (taken at every start)':<44} {elapsed:8.0f} ms")
        rnd = random.Random(1)
        ok = True
        ok &= report("patient list: all 10,000 rows", timed(store.list_patients, 20), 200)
        ok &= report(
            "patient list: first page of 200",
            timed(lambda: store.list_patients(limit=200), 50),
            200,
        )
        names = [rnd.choice(LAST)[: rnd.randint(2, 4)] for _ in range(100)]
        ok &= report(
            "search by name prefix (200 shown)",
            [t for name in names for t in timed(lambda n=name: store.search(n), 1)],
            50,
        )
        words = [rnd.choice(FIRST)[: rnd.randint(2, 4)] for _ in range(100)]
        ok &= report(
            "search by a word of the name (200 shown)",
            [t for word in words for t in timed(lambda w=word: store.search(w), 1)],
            50,
        )
        mrns = [f"MRN{rnd.randrange(args.patients):07d}"[: rnd.randint(6, 10)] for _ in range(100)]
        ok &= report(
            "search by MRN prefix",
            [t for mrn in mrns for t in timed(lambda m=mrn: store.search(m), 1)],
            50,
        )
        snapshot = parse_snapshot(_snapshot(rnd))
        saves = []
        for i in range(100):
            pid = rnd.randrange(1, args.patients + 1)
            day = dt.date(2025, 1, 1) + dt.timedelta(days=i)  # not in the future
            saves += timed(lambda p=pid, d=day: store.save_visit(p, d, snapshot), 1)
        ok &= report("save a visit (synchronous=FULL, audited)", saves, 20)
        pid = rnd.randrange(1, args.patients + 1)
        day = store.visit_dates(pid)[-1]
        report(
            "snapshot_for (20-visit history)", timed(lambda: store.snapshot_for(pid, day), 20), None
        )
        store.close()
    print("all targets met" if ok else "some targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
