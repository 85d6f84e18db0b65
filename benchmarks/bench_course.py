"""Benchmark of the course model: a patient with 40 visits over ten years and four lines of
therapy (induction → ASCT → maintenance, then three relapses), built from the store's records
(target: well under 1 s, issue 14) and built again from the same records (the memo: target
≤ 5 ms). Prints its figures."""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from myeloma_desk.course import build_course, clear_course_memo
from myeloma_desk.domain.engine import rules
from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.store.models import Patient, Visit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import builders  # tests/builders.py: a course in a line per record

TARGET_BUILD_S = 1.0
TARGET_MEMO_MS = 5.0
D = dt.date.fromisoformat


def records() -> tuple[Patient, list[Visit], list[TherapyLine]]:
    patient = builders.patient("BENCH, Course", "1956-05-01", "male", identifier="B-1")
    start = D("2015-01-05")
    visits: list[Visit] = []
    for k in range(40):
        day = start + dt.timedelta(days=91 * k)
        m = 4.0 if k == 0 else max(0.1, 4.0 * (0.5 ** (k % 10)) + 0.2 * (k // 10))
        data: dict[str, object] = {
            "date": day.isoformat(),
            "serum_m_protein": {"value": round(m, 2), "unit": "g/dL"},
            "free_kappa": {"value": round(40 * m, 1), "unit": "mg/L"},
            "free_lambda": {"value": 9, "unit": "mg/L"},
            "hemoglobin": {"value": 11.0, "unit": "g/dL"},
            "creatinine": {"value": 1.1, "unit": "mg/dL"},
        }
        if k == 0:
            data |= {
                "m_protein_heavy_chain": "IgG",
                "m_protein_light_chain": "kappa",
                "bone_marrow_plasma_cells_percent": 40,
                "clonality_proven": True,
                "lytic_lesions": 2,
                "albumin": {"value": 3.4, "unit": "g/dL"},
                "beta2_microglobulin": {"value": 3.9, "unit": "mg/L"},
                "calcium": {"value": 9.6, "unit": "mg/dL"},
                "fish": ["t(4;14)"],
            }
        visits.append(builders.visit(day.isoformat(), visit_id=k + 1, **data))
    line = builders.line
    lines = [
        line(
            "VRd",
            "bortezomib, lenalidomide, dexamethasone",
            "2015-01-12",
            "2015-07-01",
            refractory=False,
            phase="induction",
        ),
        line("ASCT", "melphalan", "2015-08-01", "2015-08-20", refractory=False, phase="transplant"),
        line(
            "lenalidomide maintenance",
            "lenalidomide",
            "2015-10-01",
            "2017-06-01",
            refractory=True,
            phase="maintenance",
        ),
        line(
            "DKd",
            "daratumumab, carfilzomib, dexamethasone",
            "2017-06-15",
            "2019-12-01",
            refractory=True,
        ),
        line(
            "Isa-Pd",
            "isatuximab, pomalidomide, dexamethasone",
            "2019-12-15",
            "2022-05-01",
            refractory=True,
        ),
        line("teclistamab", "teclistamab", "2022-05-15"),
    ]
    return patient, visits, lines


def main() -> None:
    patient, visits, lines = records()
    rules()  # the rule modules are imported once per process (bench_startup measures that)
    clear_course_memo()
    t0 = time.perf_counter()
    course = build_course(patient, visits, lines)
    build = time.perf_counter() - t0
    assert len(course.visits) == 40 and len(course.lines) == 4
    memo: list[float] = []
    for _ in range(20):
        t0 = time.perf_counter()
        again = build_course(patient, visits, lines)
        memo.append((time.perf_counter() - t0) * 1000)
        assert again is course
    memo_ms = statistics.median(memo)
    print(f"course of 40 visits, 4 lines: built in {build:.3f} s (target ≤ {TARGET_BUILD_S} s)")
    print(f"same records again (memo): {memo_ms:.2f} ms (target ≤ {TARGET_MEMO_MS} ms)")
    print("PASS" if build <= TARGET_BUILD_S and memo_ms <= TARGET_MEMO_MS else "TARGET NOT MET")


if __name__ == "__main__":
    main()
