"""All engine II rules through `assess`: registered in order, results inside the interchange
vocabularies, JSON-serialisable, and no generated snapshot crashes any of them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.display import result_label
from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.domain.vocabulary import (
    CONFIRMATION_LABELS,
    COURSE_RESULT_LABELS,
    PROGRESSION_STATUS_LABELS,
)

VOCABULARY: dict[str, set[str] | type] = {
    "response_imwg": {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"},
    "al_stage_mayo_2012": {"I", "II", "III", "IV"},
    "al_stage_mayo_2004_european": {"I", "II", "IIIa", "IIIb"},
    "al_stage_boston_university": {"I", "II", "III", "IIIb"},
    "al_renal_stage": {"I", "II", "III"},
    "al_hematologic_response": {"CR", "VGPR", "PR", "NR"},
    "mrd_imwg": {
        "sustained_mrd_negative",
        "imaging_plus_mrd_negative",
        "flow_mrd_negative",
        "sequencing_mrd_negative",
        "mrd_negative_not_in_cr",
        "mrd_negative_not_imwg_standard",
        "mrd_positive",
    },
    "al_hematologic_progression": {"progression", "no_progression"},
    "al_cardiac_response": {"response", "no_response", "progression"},
    "al_renal_response": {"response", "no_response", "progression"},
    "egfr_ckd_epi_2021": float,
    "crcl_cockcroft_gault": float,
    "lenalidomide_renal_dose": {
        "standard",
        "10_mg_daily",
        "15_mg_every_other_day",
        "15_mg_after_dialysis",
    },
    "frailty_imwg": {"fit", "intermediate", "frail"},
    "impede_vte": {"low", "intermediate", "high"},
    "refractoriness": {
        "not_refractory",
        "single_class",
        "double_class",
        "triple_class",
        "penta_refractory",
    },
    "cilta_cel_eligibility": {"meets", "does_not_meet", "unknown"},
    "ide_cel_eligibility": {"meets", "does_not_meet", "unknown"},
}
# Rules whose result is a list of these values ([] = none).
LISTS: dict[str, set[str]] = {
    "relapse_imwg": {"clinical_relapse", "relapse_from_cr", "relapse_from_mrd_negative"},
}
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
ENGINE2_ORDER = ["response_imwg", "time_to_events", "mrd_imwg"]


def test_rules_registered() -> None:
    ids = [r.id for r in rules()]
    for rule_id in VOCABULARY:
        assert rule_id in ids


def test_output_order_follows_modules() -> None:
    # In a fresh interpreter (other tests import rule modules directly, which registers them
    # in their own order): the engine imports MODULES in order, staging first, supportive last.
    code = "from myeloma_desk.domain.engine import rules; print(*[r.id for r in rules()])"
    ids = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert ids.index("iss") < ids.index("response_imwg")
    assert ids[ids.index("response_imwg") :][:3] == ENGINE2_ORDER
    assert ids[-1] == "supportive_care_pdq"


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


MEASURED = {
    "serum_m_protein": (st.integers(0, 800).map(lambda n: n / 100), "g/dL"),
    "urine_m_protein_24h": (st.integers(0, 5000), "mg/24h"),
    "free_kappa": (st.integers(0, 3000), "mg/L"),
    "free_lambda": (st.integers(0, 3000), "mg/L"),
    "creatinine": (st.integers(20, 1200).map(lambda n: n / 100), "mg/dL"),
    "creatinine_clearance": (st.integers(0, 150), "mL/min"),
    "weight": (st.integers(30, 150), "kg"),
    "nt_probnp": (st.integers(0, 20000), "ng/L"),
    "bnp": (st.integers(0, 3000), "pg/mL"),
    "troponin_t": (st.integers(0, 200).map(lambda n: n / 1000), "ng/mL"),
    "troponin_i": (st.integers(0, 500).map(lambda n: n / 1000), "ng/mL"),
    "proteinuria_24h": (st.integers(0, 15), "g/24h"),
    "bone_marrow_plasma_cells_percent": (st.integers(0, 100), "%"),
    "lytic_lesions": (st.integers(0, 10), "count"),
}
DRUGS = [
    "bortezomib",
    "lenalidomide",
    "daratumumab",
    "pomalidomide",
    "carfilzomib",
    "teclistamab",
    "talquetamab",
    "dexamethasone",
    "unknownumab",
]


@st.composite
def measured(draw: st.DrawFn, date: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": date}
    for name, (strategy, unit) in MEASURED.items():
        if draw(st.booleans()):
            entry[name] = q(draw(strategy), unit)
    for name, options in (
        ("serum_immunofixation", ["positive", "negative"]),
        ("urine_immunofixation", ["positive", "negative"]),
        ("soft_tissue_plasmacytomas", ["none", "present", "reduced_50", "new_or_growing"]),
    ):
        if draw(st.booleans()):
            entry[name] = draw(st.sampled_from(options))
    return entry


@st.composite
def snapshots(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(measured("2025-01-01"))
    history = [draw(measured(f"2024-{m:02d}-01")) for m in range(1, draw(st.integers(0, 4)) + 1)]
    data["history"] = history
    optional: dict[str, Any] = {
        "age_years": st.integers(18, 100),
        "sex": st.sampled_from(["female", "male"]),
        "m_protein_light_chain": st.sampled_from(["kappa", "lambda"]),
        "dialysis": st.booleans(),
        "ecog": st.integers(0, 4),
        "charlson_comorbidity_index": st.integers(0, 10),
        "katz_adl": st.integers(0, 6),
        "lawton_iadl": st.integers(0, 8),
        "braf_v600e": st.booleans(),
        "hyperviscosity": st.sampled_from(["none", "asymptomatic", "symptomatic"]),
        "fish": st.lists(st.sampled_from(["t(11;14)", "del17p", "gain1q"]), max_size=2),
        "amyloidosis": st.fixed_dictionaries({"biopsy_proven": st.booleans()}),
        "vte_risk_factors": st.fixed_dictionaries(
            {},
            optional={
                "history_of_vte": st.booleans(),
                "immunomodulatory_drug": st.booleans(),
                "dexamethasone": st.sampled_from(["none", "low", "high"]),
                "thromboprophylaxis": st.sampled_from(
                    ["none", "prophylactic_lmwh_or_aspirin", "therapeutic_lmwh_or_warfarin"]
                ),
            },
        ),
        "spinal_lesions": st.fixed_dictionaries(
            {}, optional={"lytic_spine_lesion": st.booleans(), "cord_compression": st.booleans()}
        ),
        "mrd": st.fixed_dictionaries(
            {"status": st.sampled_from(["negative", "positive"])},
            optional={
                "method": st.sampled_from(["NGF", "NGS", "other"]),
                "sensitivity": st.sampled_from([1e-4, 1e-5, 1e-6]),
            },
        ),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            data[name] = draw(strategy)
    lines = draw(
        st.lists(
            st.fixed_dictionaries(
                {"regimen": st.just("R"), "drugs": st.lists(st.sampled_from(DRUGS), max_size=3)},
                optional={"refractory": st.booleans()},
            ),
            max_size=5,
        )
    )
    for i, line in enumerate(lines):
        line["start"] = f"20{10 + i}-01-01"
        line["end"] = f"20{10 + i}-06-01" if i < len(lines) - 1 or draw(st.booleans()) else None
    data["therapy_lines"] = lines
    return data


@given(snapshots())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_generated_snapshot_crashes_assess(data: dict[str, Any]) -> None:
    assessment = assess(parse_snapshot(data))
    json.loads(assessment.model_dump_json())  # serialisable
    for result in assessment.results:
        assert result.status in ("determined", "cannot_determine", "not_applicable")
        if result.status != "determined":
            assert result.result is None
            continue
        expected = VOCABULARY.get(result.rule)
        if expected is float:
            assert isinstance(result.result, float)
        elif isinstance(expected, set):
            assert result.result in expected
        elif result.rule in LISTS:
            assert isinstance(result.result, list) and set(result.result) <= LISTS[result.rule]
        elif result.rule == "time_to_events":
            assert isinstance(result.result, list) and all(
                isinstance(x, str) for x in result.result
            )
        if result.rule in COURSE_RESULT_LABELS:
            _reads_as_words(result.result, result.rule)
        confirmation = result.detail.get("confirmation")
        if result.rule == "response_imwg" and confirmation:
            assert confirmation["status"] in CONFIRMATION_LABELS
        for line in result.detail.get("lines", []) if result.rule == "time_to_events" else []:
            assert line["progression_status"] in PROGRESSION_STATUS_LABELS
        assert result.sources


def _reads_as_words(value: Any, rule: str) -> None:
    label = result_label(value, rule)
    assert not SNAKE.search(label), (rule, value, label)
    if isinstance(value, str):
        assert value in COURSE_RESULT_LABELS[rule], (rule, value)


def test_every_course_result_value_has_clinician_words() -> None:
    # The one display vocabulary (domain/vocabulary.py) names every value each course rule can
    # return, in that rule's words: no screen, report or CLI line shows the id instead.
    for rule, labels in COURSE_RESULT_LABELS.items():
        values = VOCABULARY.get(rule) or LISTS[rule]
        assert isinstance(values, set)
        assert set(labels) == values, rule
        for value in values:
            label = result_label(value, rule)
            assert label == labels[value]
            assert label != value and not SNAKE.search(label), (rule, value, label)
    assert result_label([], "relapse_imwg") == "None"
    assert result_label(["clinical_relapse", "relapse_from_cr"], "relapse_imwg") == (
        "Clinical relapse; Relapse from complete response"
    )
    assert result_label("response", "al_cardiac_response") == "Cardiac response"
    assert result_label("response", "al_renal_response") == "Renal response"
    assert result_label("mrd_negative_not_in_cr") == (
        "MRD negative outside a complete response (not an IMWG category)"
    )
    for table in (CONFIRMATION_LABELS, PROGRESSION_STATUS_LABELS):
        for value, label in table.items():
            assert label != value and not SNAKE.search(label)
