"""Each criterion's value is printed in the unit of its threshold, with the entered value after it
when that was in another unit (issue 14 item 9): "baseline serum M-protein ≥ 1 g/dL
(measurable) — 1.9 g/dL (19 g/L as entered)", never "— 19 g/L" beside a g/dL limit.

The walk takes every input of the golden corpus, re-enters each measured value exactly in the
other unit the engine accepts (g/L, g/24 h, mg/dL for free light chains, pg/mL, µg/L …; the
conversions of domain/units.py), and checks every criterion of the response, relapse, MRD and AL
rules whose text names a threshold with a unit.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from golden_corpus import read_inputs

from myeloma_desk.domain.display import shown_in, value_in
from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.results import Criterion
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.units import UNITS, Dim, from_canonical, to_canonical, unit_label

RULES = (
    "response_imwg",
    "relapse_imwg",
    "mrd_imwg",
    "al_hematologic_response",
    "al_hematologic_progression",
    "al_cardiac_response",
    "al_renal_response",
    "al_stage_mayo_2004_european",
    "al_stage_mayo_2012",
    "al_stage_boston_university",
    "al_renal_stage",
)
UNIT_LABELS = sorted(
    {unit_label(u) for table in UNITS.values() for u in table.factors}
    - {"%", "count", "years", "a"},
    key=len,
    reverse=True,
)
# A number followed by a unit as printed ("19 g/L", "0.035 µg/L", "200 mg/24 h").
WITH_UNIT = re.compile(
    r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?\s?("
    + "|".join(re.escape(label) for label in UNIT_LABELS)
    + r")(?![\w/²])"
)


def other_unit(dim: Dim) -> str | None:
    """An accepted unit printed differently from the canonical one (None if there is none)."""
    table = UNITS[dim]
    others = [u for u in table.factors if unit_label(u) != unit_label(table.canonical)]
    return others[0] if others else None


def reentered(data: dict[str, Any]) -> dict[str, Any]:
    """The input with every measured value given in another accepted unit, exactly."""
    for name, spec in MEASURED_FIELDS.items():
        quantity = data.get(name)
        unit = other_unit(spec.dim)
        if isinstance(quantity, dict) and unit is not None and "unit" in quantity:
            canonical = to_canonical(quantity["value"], quantity["unit"], spec.dim)
            data[name] = {"value": from_canonical(canonical, unit, spec.dim), "unit": unit}
    for entry in data.get("history", []):
        reentered(entry)
    return data


def offending(results: Any) -> tuple[list[tuple[str, str, str]], int]:
    """Criteria whose value carries a unit their threshold is not in, without the entered
    form beside it; and how many values were shown converted with the entered form."""
    bad: list[tuple[str, str, str]] = []
    converted = 0
    for result in results:
        for criterion in result.criteria:
            limits = set(WITH_UNIT.findall(criterion.name))
            if not limits or criterion.value is None:
                continue
            shown = str(criterion.value)
            if "as entered" in shown:
                converted += 1
                continue
            if any(unit not in limits for unit in WITH_UNIT.findall(shown)):
                bad.append((result.rule, criterion.name, shown))
    return bad, converted


def test_every_criterion_value_is_in_its_thresholds_unit_over_the_golden_inputs() -> None:
    bad: list[tuple[str, str, str]] = []
    converted = walked = 0
    for _, data in read_inputs():
        try:
            snapshot = Snapshot.model_validate(reentered(json.loads(json.dumps(data))))
        except ValueError:
            continue  # a value re-entered outside the plausible range of the other unit
        found, shown = offending(assess(snapshot, RULES).results)
        bad += found
        converted += shown
        walked += 1
    assert walked > 5000
    assert converted > 1000  # the walk did meet values entered in another unit
    assert not bad, f"{len(bad)} values not in their threshold's unit, e.g. {bad[:5]}"


def test_the_walk_finds_a_value_in_another_unit() -> None:
    # The check itself: a value in g/L beside a g/dL threshold is caught.
    result = SimpleNamespace(
        rule="response_imwg",
        criteria=[
            Criterion("baseline serum M-protein ≥ 1 g/dL", True, "19 g/L"),
            Criterion("troponin T ≥ 0.035 ng/mL (0.035 µg/L)", True, "0.04 µg/L"),
            Criterion("dFLC < 4 mg/dL", True, "1.3 mg/dL"),
        ],
    )
    bad, converted = offending([result])
    assert [name for _, name, _ in bad] == ["baseline serum M-protein ≥ 1 g/dL"]
    assert converted == 0


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def test_baseline_serum_in_g_per_l_is_shown_in_g_per_dl_with_the_entered_value() -> None:
    snapshot = Snapshot.model_validate(
        {
            "date": "2024-03-01",
            "serum_m_protein": q(9, "g/L"),
            "urine_m_protein_24h": q(0.05, "g/24h"),
            "history": [
                {
                    "date": "2024-01-01",
                    "serum_m_protein": q(19, "g/L"),
                    "urine_m_protein_24h": q(0.19, "g/24h"),
                }
            ],
        }
    )
    result = assess(snapshot, ["response_imwg"]).get("response_imwg")
    shown = {c.name: c.value for c in result.criteria}
    assert shown["baseline serum M-protein ≥ 1 g/dL (measurable)"] == "1.9 g/dL (19 g/L as entered)"
    assert (
        shown["baseline urine M-protein ≥ 200 mg/24 h (measurable)"]
        == "190 mg/24 h (0.19 g/24 h as entered)"
    )
    assert shown["urine M-protein < 100 mg/24 h"] == "50 mg/24 h (0.05 g/24 h as entered)"


@pytest.mark.parametrize(
    ("value", "unit", "threshold_unit", "expected"),
    [
        (19, "g/L", "g/dL", "1.9 g/dL (19 g/L as entered)"),
        (1.9, "g/dL", "g/dL", "1.9 g/dL"),  # same unit: as entered only
        (10, "g/L", "g/dL", "1 g/dL (10 g/L as entered)"),  # at the 1 g/dL boundary
        (177, "umol/L", "mg/dL", "2.00181 mg/dL (177 µmol/L as entered)"),
        (2450, "pg/mL", "ng/L", "2450 ng/L (2450 pg/mL as entered)"),  # equal magnitude
        (0.1, "ug/L", "ug/L", "0.1 µg/L"),
    ],
)
def test_value_in(value: float, unit: str, threshold_unit: str, expected: str) -> None:
    name = {
        "g/L": "serum_m_protein",
        "g/dL": "serum_m_protein",
        "umol/L": "creatinine",
        "pg/mL": "nt_probnp",
        "ug/L": "troponin_t",
    }[unit]
    snapshot = Snapshot.model_validate({"date": "2024-01-01", name: q(value, unit)})
    assert shown_in(snapshot, name, threshold_unit) == expected


def test_value_in_without_a_value_or_an_entered_form() -> None:
    assert value_in(None, Dim.FREE_LIGHT_CHAIN, "mg/dL") == "not recorded"
    assert value_in(168, Dim.FREE_LIGHT_CHAIN, "mg/dL") == "16.8 mg/dL"  # a computed dFLC


def test_relapse_changes_show_the_entered_values_beside_the_threshold_unit() -> None:
    snapshot = Snapshot.model_validate(
        {
            "date": "2024-06-01",
            "hemoglobin": q(105, "g/L"),
            "creatinine": q(80, "umol/L"),
            "history": [
                {"date": "2024-01-01", "hemoglobin": q(13.6, "g/dL"), "creatinine": q(0.9, "mg/dL")}
            ],
        }
    )
    result = assess(snapshot, ["relapse_imwg"]).get("relapse_imwg")
    shown = {c.name: (c.met, c.value) for c in result.criteria}
    # 13.6 → 10.5 g/dL is a fall of 3.1 g/dL: met (≥ 2 g/dL).
    assert shown["hemoglobin fall ≥ 2 g/dL (1.25 mmol/L) since the start of the line"] == (
        True,
        "13.6 g/dL on 2024-01-01 → 10.5 g/dL (105 g/L as entered)",
    )
    assert shown["creatinine rise ≥ 2 mg/dL (177 µmol/L) since the start of the line"] == (
        False,
        "0.9 mg/dL on 2024-01-01 → 0.904773 mg/dL (80 µmol/L as entered)",
    )
