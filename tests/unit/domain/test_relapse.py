"""Relapse categories (Kumar 2016): clinical relapse (CRAB-type indicators), relapse from CR
with loss of CR, relapse from MRD negativity (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from myeloma_desk.domain.criteria.response import relapse_imwg
from myeloma_desk.domain.snapshot import parse_snapshot


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


NONE_NOW = {
    "calcium": q(9.5, "mg/dL"),
    "hemoglobin": q(12.0, "g/dL"),
    "creatinine": q(1.0, "mg/dL"),
    "lytic_lesions": 2,
    "soft_tissue_plasmacytomas": "none",
    "hyperviscosity": "none",
}
START = {
    "date": "2023-01-01",
    "serum_m_protein": q(3.0, "g/dL"),
    "urine_m_protein_24h": q(50, "mg/24h"),
    "hemoglobin": q(12.0, "g/dL"),
    "creatinine": q(1.0, "mg/dL"),
    "lytic_lesions": 2,
}
LINE = [{"regimen": "VRd", "start": "2023-01-02"}]


def snap(history: list[dict[str, Any]] | None = None, **now: Any):
    data = {
        "date": "2025-01-01",
        "history": [START, *(history or [])],
        "therapy_lines": LINE,
        "serum_m_protein": q(1.0, "g/dL"),
        "urine_m_protein_24h": q(50, "mg/24h"),
        **NONE_NOW,
        **now,
    }
    return parse_snapshot(data)


def test_no_indicator_no_relapse() -> None:
    result = relapse_imwg(snap())
    assert (result.status, result.result) == ("determined", [])


@pytest.mark.parametrize(
    ("change", "relapse"),
    [
        ({"calcium": q(11.0, "mg/dL")}, False),
        ({"calcium": q(11.1, "mg/dL")}, True),
        ({"calcium": q(2.75, "mmol/L")}, False),  # in the unit entered: 2.75 is not > 2.75
        ({"calcium": q(2.76, "mmol/L")}, True),
        ({"hemoglobin": q(10.1, "g/dL")}, False),  # fall 1.9 g/dL
        ({"hemoglobin": q(10.0, "g/dL")}, True),  # fall exactly 2 g/dL
        ({"creatinine": q(2.9, "mg/dL")}, False),  # rise 1.9
        ({"creatinine": q(3.0, "mg/dL")}, True),  # rise exactly 2 mg/dL
        ({"lytic_lesions": 3}, True),
        ({"soft_tissue_plasmacytomas": "new_or_growing"}, True),
        ({"hyperviscosity": "symptomatic"}, True),
    ],
)
def test_clinical_relapse_indicators(change: dict[str, Any], relapse: bool) -> None:
    result = relapse_imwg(snap(**change))
    assert result.status == "determined"
    assert ("clinical_relapse" in result.result) is relapse


def test_missing_indicator_cannot_exclude_relapse() -> None:
    result = relapse_imwg(snap(hemoglobin=None))
    assert result.status == "cannot_determine"
    assert "hemoglobin" in result.missing
    # ... but one indicator present decides.
    assert relapse_imwg(snap(hemoglobin=None, lytic_lesions=4)).result == ["clinical_relapse"]


CR_VISIT = {
    "date": "2024-01-01",
    "serum_m_protein": q(0, "g/dL"),
    "urine_m_protein_24h": q(0, "mg/24h"),
    "serum_immunofixation": "negative",
    "urine_immunofixation": "negative",
    "soft_tissue_plasmacytomas": "none",
    "bone_marrow_plasma_cells_percent": 2,
}


def test_relapse_from_cr_and_loss_of_cr() -> None:
    back = relapse_imwg(
        snap([CR_VISIT], serum_m_protein=q(0, "g/dL"), serum_immunofixation="positive")
    )
    assert "relapse_from_cr" in back.result
    assert back.detail["loss_of_cr"] is True
    assert back.detail["earlier_complete_response"] == "2024-01-01"
    still_cr = relapse_imwg(
        snap(
            [CR_VISIT],
            serum_m_protein=q(0, "g/dL"),
            urine_m_protein_24h=q(0, "mg/24h"),
            serum_immunofixation="negative",
            urine_immunofixation="negative",
            bone_marrow_plasma_cells_percent=4.9,
        )
    )
    assert still_cr.result == []
    assert still_cr.detail["loss_of_cr"] is False
    marrow = relapse_imwg(
        snap(
            [CR_VISIT],
            serum_m_protein=q(0, "g/dL"),
            urine_m_protein_24h=q(0, "mg/24h"),
            serum_immunofixation="negative",
            urine_immunofixation="negative",
            bone_marrow_plasma_cells_percent=5,
        )
    )
    assert marrow.result == ["relapse_from_cr"]


def test_no_relapse_from_cr_without_an_earlier_cr() -> None:
    result = relapse_imwg(snap(serum_immunofixation="positive"))
    assert "relapse_from_cr" not in result.result
    assert result.detail["earlier_complete_response"] is None


def test_relapse_from_mrd_negativity() -> None:
    negative = {**CR_VISIT, "mrd": {"status": "negative", "method": "NGS", "sensitivity": 1e-6}}
    lost = relapse_imwg(
        snap(
            [negative],
            serum_m_protein=q(0, "g/dL"),
            urine_m_protein_24h=q(0, "mg/24h"),
            serum_immunofixation="negative",
            urine_immunofixation="negative",
            bone_marrow_plasma_cells_percent=1,
            mrd={"status": "positive", "method": "NGS"},
        )
    )
    assert lost.result == ["relapse_from_mrd_negative"]
    assert lost.detail["earlier_mrd_negative"] == "2024-01-01"


def test_not_applicable_without_history() -> None:
    assert relapse_imwg(parse_snapshot({"date": "2025-01-01"})).status == "not_applicable"
