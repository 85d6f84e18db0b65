"""Benchmark of the criteria engine: one full assessment (median of many runs, target ≤ 1 ms)
and 10,000 varied snapshots (target ≤ 5 s, validation included). Prints its figures.

Issue 18's targets, measured as ratios in the same run (so the machine's load cancels out):
one full assessment ≤ 3× validating the snapshot alone (medians, same snapshot); 10,000 varied
snapshots through all rules (validation excluded) ≤ 3 s CPU."""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.snapshot import parse_snapshot

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "tests" / "data" / "snapshots" / "active-myeloma-iss3.json"
TARGET_ONE_MS = 1.0
TARGET_BATCH_S = 5.0
TARGET_RATIO_TO_VALIDATION = 3.0  # issue 18: full assessment ≤ 3× snapshot validation
TARGET_RULES_CPU_S = 3.0  # issue 18: 10,000 varied snapshots through all rules, CPU
# The rules of the criteria-engine issue (diagnosis, staging, cytogenetic and precursor risk).
ENGINE_I_RULES = (
    "diagnosis",
    "myeloma_defining_events",
    "iss",
    "r_iss",
    "r2_iss",
    "cytogenetic_risk_pdq",
    "high_risk_ims_imwg",
    "smm_risk_20_2_20",
    "smm_risk_imwg_2020",
    "smm_risk_pdq_four_factor",
    "mgus_risk_mayo",
)
FISH = ["del17p", "t(4;14)", "t(14;16)", "gain1q", "amp1q", "del13", "hyperdiploidy", "t(11;14)"]


def varied(rng: random.Random) -> dict[str, Any]:
    """A plausible snapshot with most fields present and values spread across thresholds."""

    def q(low: float, high: float, unit: str) -> dict[str, Any]:
        return {"value": round(rng.uniform(low, high), 2), "unit": unit}

    data: dict[str, Any] = {
        "age_years": rng.randint(35, 90),
        "sex": rng.choice(["female", "male"]),
        "weight": q(45, 110, "kg"),
        "serum_m_protein": q(0, 6, "g/dL"),
        "m_protein_heavy_chain": rng.choice(["IgG", "IgA", "IgM", "none"]),
        "m_protein_light_chain": rng.choice(["kappa", "lambda"]),
        "urine_m_protein_24h": q(0, 1500, "mg/24h"),
        "free_kappa": q(3, 2000, "mg/L"),
        "free_lambda": q(3, 300, "mg/L"),
        "beta2_microglobulin": q(1, 12, "mg/L"),
        "albumin": q(25, 50, "g/L"),
        "ldh": q(100, 450, "U/L"),
        "ldh_upper_limit": {"value": 250, "unit": "U/L"},
        "creatinine": q(50, 300, "µmol/L"),
        "calcium": q(2.1, 3.1, "mmol/L"),
        "calcium_upper_limit": {"value": 2.6, "unit": "mmol/L"},
        "hemoglobin": q(7, 16, "g/dL"),
        "hemoglobin_lower_limit": {"value": 12, "unit": "g/dL"},
        "bone_marrow_plasma_cells_percent": round(rng.uniform(0, 80), 1),
        "circulating_plasma_cells_percent": round(rng.uniform(0, 8), 1),
        "lytic_lesions": rng.choice([0, 0, 0, 1, 3]),
        "mri_focal_lesions": rng.choice([0, 0, 1, 2]),
        "biopsy_proven_plasmacytoma": rng.choice(["none", "none", "bone", "extramedullary"]),
        "fish": rng.sample(FISH, rng.randint(0, 3)),
        "del17p_clonal_fraction_percent": round(rng.uniform(5, 90), 1),
    }
    for key in rng.sample(sorted(data), rng.randint(0, 4)):  # a few unknowns in each
        del data[key]
    return data


def main() -> None:
    rules()  # import the rule modules once, outside the timings
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    # Distinct snapshot objects: rules share work within one assessment (memoized per snapshot
    # object), never across assessments, so each timed run starts from a fresh object.
    copies = [parse_snapshot(data) for _ in range(1050)]
    for snapshot in copies[:50]:
        assess(snapshot)
    # Assessments and validations alternate, one of each per round, so that a change in the
    # host's speed (by up to 2× within minutes on the reference machine) reaches both medians.
    runs = []
    validation = []
    for snapshot in copies[50:]:
        start = time.perf_counter()
        assess(snapshot)
        runs.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        parse_snapshot(data)
        validation.append((time.perf_counter() - start) * 1000)
    median = statistics.median(runs)
    validation_median = statistics.median(validation)
    ratio = median / validation_median
    print(f"rules: {len(rules())}; load average: {_load()}")
    print(
        f"one full assessment / snapshot validation alone: {median:.3f} / "
        f"{validation_median:.3f} ms = {ratio:.1f}× (target ≤ {TARGET_RATIO_TO_VALIDATION}×): "
        f"{'OK' if ratio <= TARGET_RATIO_TO_VALIDATION else 'OVER'}"
    )
    print(
        f"one snapshot, full assessment: median {median:.3f} ms, p95 "
        f"{statistics.quantiles(runs, n=20)[18]:.3f} ms (target ≤ {TARGET_ONE_MS} ms): "
        f"{'OK' if median <= TARGET_ONE_MS else 'OVER'}"
    )
    rng = random.Random(20250425)
    batch = [varied(rng) for _ in range(10_000)]
    parsed = [parse_snapshot(item) for item in batch]
    cpu = time.process_time()
    for snapshot in parsed:
        assess(snapshot)
    rules_cpu = time.process_time() - cpu
    print(
        f"10,000 varied snapshots through all {len(rules())} rules, validation excluded: "
        f"{rules_cpu:.2f} s CPU (target ≤ {TARGET_RULES_CPU_S} s): "
        f"{'OK' if rules_cpu <= TARGET_RULES_CPU_S else 'OVER'}"
    )
    for label, chosen in (
        ("diagnosis, staging and risk rules (issue 3's set)", ENGINE_I_RULES),
        (f"all {len(rules())} rules", None),
    ):
        start, cpu = time.perf_counter(), time.process_time()
        for item in batch:
            assess(parse_snapshot(item), rule_ids=chosen)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"10,000 varied snapshots, validation + {label}: {seconds:.2f} s wall, "
            f"{cpu_seconds:.2f} s CPU (target ≤ {TARGET_BATCH_S} s): "
            f"{'OK' if seconds <= TARGET_BATCH_S else 'OVER'}"
        )


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
