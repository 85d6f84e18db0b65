"""Wording (issue 12): explanation text of the course rules has no input codes (snake_case),
no "unknown (determined)", and prints units as the laboratory does."""

from __future__ import annotations

import re
from typing import Any

from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.domain.units import fmt, unit_label

COURSE_RULES = {
    "response_imwg",
    "time_to_events",
    "mrd_imwg",
    "relapse_imwg",
    "al_hematologic_response",
    "al_cardiac_response",
    "al_renal_response",
    "al_renal_stage",
}
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def _snapshots() -> list[Any]:
    base = {
        "date": "2023-01-01",
        "serum_m_protein": q(3.0, "g/dL"),
        "urine_m_protein_24h": q(400, "mg/24h"),
        "free_kappa": q(300, "mg/L"),
        "free_lambda": q(10, "mg/L"),
        "hemoglobin": q(11, "g/dL"),
        "creatinine": q(90, "umol/L"),
        "nt_probnp": q(2000, "ng/L"),
        "proteinuria_24h": q(6, "g/24h"),
        "egfr": q(60, "mL/min/1.73m2"),
        "lytic_lesions": 2,
        "soft_tissue_plasmacytomas": "present",
        "mrd": {
            "status": "negative",
            "method": "NGF",
            "sensitivity": 1e-5,
            "pet_ct_negative": True,
        },
    }
    now = {
        "date": "2025-01-01",
        "history": [base, {**base, "date": "2024-01-01", "serum_m_protein": q(0.2, "g/dL")}],
        "therapy_lines": [{"regimen": "VRd", "start": "2023-01-02", "phase": "induction"}],
        "amyloidosis": {"biopsy_proven": True, "light_chain_typed": True, "organs": ["heart"]},
        "serum_m_protein": q(0.9, "g/dL"),
        "urine_m_protein_24h": q(150, "mg/24h"),
        "free_kappa": q(40, "mg/L"),
        "free_lambda": q(10, "mg/L"),
        "hemoglobin": q(9, "g/dL"),
        "creatinine": q(300, "umol/L"),
        "nt_probnp": q(1200, "ng/L"),
        "proteinuria_24h": q(2, "g/24h"),
        "egfr": q(50, "mL/min/1.73m2"),
        "soft_tissue_plasmacytomas": "new_or_growing",
        "hyperviscosity": "asymptomatic",
        "serum_immunofixation": "positive",
        "urine_immunofixation": "positive",
        "mrd": {"status": "positive", "method": "NGF"},
    }
    reduced = {**now, "soft_tissue_plasmacytomas": "reduced_50", "serum_m_protein": q(0.1, "g/dL")}
    return [parse_snapshot(now), parse_snapshot(reduced), parse_snapshot({"date": "2025-01-01"})]


def test_no_input_codes_or_odd_status_words_in_course_explanations() -> None:
    for snapshot in _snapshots():
        for result in assess(snapshot).results:
            if result.rule not in COURSE_RULES:
                continue
            texts = [c.name for c in result.criteria]
            texts += [c.value or "" for c in result.criteria]
            texts.append(str(result.detail.get("reason", "")))
            texts += [str(a) for a in result.detail.get("assumptions", [])]
            if isinstance(result.result, list):
                texts += result.result if result.rule == "time_to_events" else []
            for text in texts:
                assert "unknown (determined)" not in text
                assert not SNAKE.search(text), (result.rule, text)
                assert "mg/24h" not in text and "g/24h" not in text, (result.rule, text)


def test_one_unit_display_function() -> None:
    assert unit_label("mg/24h") == "mg/24 h"
    assert unit_label("umol/L") == "µmol/L"
    assert unit_label("mL/min/1.73m2") == "mL/min/1.73 m²"
    assert unit_label("g/dL") == "g/dL"
    assert fmt(200, "mg/24h") == "200 mg/24 h"
    assert fmt(1.5, "mg/L") == "1.5 mg/L"
