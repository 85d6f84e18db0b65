"""Clinic server store under load: 20 clients saving visits to one PostgreSQL at once.

Starts a throwaway cluster (tests/pg_cluster.py: initdb/pg_ctl in a temporary folder, unix
socket, SCRAM, fsync on), sets the site up with packaging/server/setup-site.sql, and runs
``--clients`` processes (default 20), each its own workstation: its own connection as a
clinician's role, its own patient, saving new visits (a full snapshot each, with its audit
event) for ``--seconds`` (default 20). Prints saves per second and the p50/p95/max save latency,
then checks against the server that no save was lost or duplicated (every reported save is
there, nothing else is) and that the audit chain verifies. Run:
``python benchmarks/bench_server.py [--clients 20] [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import pg_cluster  # noqa: E402

from myeloma_desk.domain.snapshot import parse_snapshot  # noqa: E402
from myeloma_desk.store import PatientFields, Store  # noqa: E402

FIRST_DAY = dt.date(2000, 1, 1)


def _snapshot(k: int) -> Any:
    return parse_snapshot(
        {
            "serum_m_protein": {"value": round(0.5 + (k % 40) / 10, 2), "unit": "g/dL"},
            "free_kappa": {"value": 10.0 + k % 300, "unit": "mg/L"},
            "free_lambda": {"value": 12.0, "unit": "mg/L"},
            "hemoglobin": {"value": 11.5, "unit": "g/dL"},
            "creatinine": {"value": 90, "unit": "µmol/L"},
            "calcium": {"value": 2.4, "unit": "mmol/L"},
        }
    )


def client(target: str, number: int, ready: Any, go: Any, stop_at: Any, out: Any) -> None:
    """One workstation: its own patient, new visits until the stop time; reports what
    committed. Every client is connected and has its patient before the clock starts."""
    store = Store.open_server(target)
    try:
        pid = store.create_patient(PatientFields(name=f"Bench{number:02d}, Client")).id
        saved: list[str] = []
        latencies: list[float] = []
        _snapshot(0)
        ready.put(number)
        go.wait()
        k = 0
        while time.time() < stop_at.value:
            day = FIRST_DAY + dt.timedelta(days=k)
            snapshot = _snapshot(k)
            began = time.perf_counter()
            store.save_visit(pid, day, snapshot, expected_version=0)
            latencies.append((time.perf_counter() - began) * 1000)
            saved.append(day.isoformat())  # only after the commit returned
            k += 1
        out.put((number, pid, saved, latencies, None))
    except Exception as error:  # reported, so the run says what went wrong
        out.put((number, None, [], [], f"{type(error).__name__}: {error}"))
    finally:
        store.close()


def run(clients: int, seconds: float) -> int:
    with pg_cluster.running() as cluster:
        cluster.setup_site("bench")
        Store.open_server(cluster.target("ada", "bench")).close()
        users = ["cleo", "cato"]
        context = multiprocessing.get_context("spawn")
        out, ready, go = context.Queue(), context.Queue(), context.Event()
        stop_at = context.Value("d", 0.0)
        workers = [
            context.Process(
                target=client,
                args=(cluster.target(users[n % 2], "bench"), n, ready, go, stop_at, out),
            )
            for n in range(clients)
        ]
        for worker in workers:
            worker.start()
        for _ in workers:
            ready.get(timeout=300)
        stop_at.value = time.time() + seconds
        go.set()
        results = [out.get(timeout=seconds + 120) for _ in workers]
        for worker in workers:
            worker.join(30)
        errors = [r[4] for r in results if r[4]]
        latencies = [ms for r in results for ms in r[3]]
        total = len(latencies)
        check = Store.open_server(cluster.target("ada", "bench"))
        try:
            lost = duplicated = extra = 0
            for _number, pid, saved, _lat, _err in results:
                if pid is None:
                    continue
                stored = [d.isoformat() for d in check.visit_dates(pid)]
                lost += len(set(saved) - set(stored))
                extra += len(set(stored) - set(saved))
                duplicated += len(stored) - len(set(stored))
            rows = int(check.database.execute("SELECT count(*) FROM visits").fetchone()[0])
            chain = check.verify_audit()
        finally:
            check.close()
    load = os.getloadavg()[0]
    print(f"clients: {clients} processes, {seconds:.0f} s, unix socket, fsync on")
    if errors:
        print(f"client errors ({len(errors)}): {errors[:3]}")
    print(f"saves: {total} ({total / seconds:.0f} saves/s)")
    if latencies:
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"save latency: p50 {statistics.median(latencies):.1f} ms, p95 {cuts[94]:.1f} ms, "
            f"max {max(latencies):.1f} ms"
        )
    print(
        f"checked on the server: {rows} visit rows for {total} reported saves; "
        f"lost {lost}, duplicated {duplicated}, unreported {extra}"
    )
    print(f"{chain.message()}")
    print(f"load average during the run: {load:.1f}")
    ok = not errors and total > 0 and lost == duplicated == extra == 0 and rows == total
    ok = ok and chain.ok
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    return run(args.clients, args.seconds)


if __name__ == "__main__":
    sys.exit(main())
