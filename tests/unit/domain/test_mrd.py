"""IMWG MRD categories (Kumar 2016) — given only within CR (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from myeloma_desk.domain.criteria.response import mrd_imwg, response_imwg
from myeloma_desk.domain.snapshot import parse_snapshot


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


BASE = {
    "date": "2023-01-01",
    "serum_m_protein": q(3.0, "g/dL"),
    "urine_m_protein_24h": q(50, "mg/24h"),
}


def cr_snapshot(
    mrd: dict[str, Any] | None, history: list[dict[str, Any]] | None = None, **extra: Any
):
    data: dict[str, Any] = {
        "date": "2025-01-01",
        "history": [BASE, *(history or [])],
        "serum_m_protein": q(0, "g/dL"),
        "urine_m_protein_24h": q(0, "mg/24h"),
        "serum_immunofixation": "negative",
        "urine_immunofixation": "negative",
        "soft_tissue_plasmacytomas": "none",
        "bone_marrow_plasma_cells_percent": 2,
        **extra,
    }
    if mrd is not None:
        data["mrd"] = mrd
    return parse_snapshot(data)


NGF = {"status": "negative", "method": "NGF", "sensitivity": 1e-5}


def test_flow_and_sequencing_categories_within_cr() -> None:
    assert response_imwg(cr_snapshot(NGF)).result in ("CR", "sCR")
    assert mrd_imwg(cr_snapshot(NGF)).result == "flow_mrd_negative"
    ngs = {**NGF, "method": "NGS", "sensitivity": 1e-6}
    assert mrd_imwg(cr_snapshot(ngs)).result == "sequencing_mrd_negative"


@pytest.mark.parametrize(
    ("sensitivity", "expected"),
    [
        (1e-4, "mrd_negative_not_imwg_standard"),
        (1e-5, "flow_mrd_negative"),
        (1e-6, "flow_mrd_negative"),
    ],
)
def test_sensitivity_boundary(sensitivity: float, expected: str) -> None:
    assert mrd_imwg(cr_snapshot({**NGF, "sensitivity": sensitivity})).result == expected


def test_mrd_negative_outside_cr_is_shown_as_such() -> None:
    vgpr = cr_snapshot(NGF, serum_m_protein=q(0.2, "g/dL"), serum_immunofixation="positive")
    assert response_imwg(vgpr).result == "VGPR"
    result = mrd_imwg(vgpr)
    assert result.result == "mrd_negative_not_in_cr"
    assert "outside a complete response" in result.detail["shown_as"]
    assert any(c.name.startswith("complete response") and c.met is False for c in result.criteria)


def test_imaging_plus_and_sustained() -> None:
    imaging = {**NGF, "pet_ct_negative": True}
    assert mrd_imwg(cr_snapshot(imaging)).result == "imaging_plus_mrd_negative"
    earlier = {"date": "2024-01-02", "mrd": imaging}  # 365 days before 2025-01-01
    result = mrd_imwg(cr_snapshot(imaging, [earlier]))
    assert result.result == "sustained_mrd_negative"
    assert result.detail["categories"] == [
        "flow_mrd_negative",
        "imaging_plus_mrd_negative",
        "sustained_mrd_negative",
    ]
    # 364 days apart is not a year.
    assert mrd_imwg(cr_snapshot(imaging, [{"date": "2024-01-03", "mrd": imaging}])).result == (
        "imaging_plus_mrd_negative"
    )
    # A positive MRD in between breaks it.
    between = {"date": "2024-06-01", "mrd": {"status": "positive", "method": "NGF"}}
    assert mrd_imwg(cr_snapshot(imaging, [earlier, between])).result == (
        "imaging_plus_mrd_negative"
    )


def test_missing_pieces() -> None:
    assert mrd_imwg(cr_snapshot(None)).status == "cannot_determine"
    incomplete = mrd_imwg(cr_snapshot({"status": "negative"}))
    assert incomplete.status == "cannot_determine"
    assert incomplete.missing == ["mrd.method", "mrd.sensitivity"]
    assert mrd_imwg(cr_snapshot({"status": "positive"})).result == "mrd_positive"
    no_ife = mrd_imwg(cr_snapshot(NGF, serum_immunofixation=None))
    assert no_ife.status == "cannot_determine"
    assert "serum_immunofixation" in no_ife.missing
    assert "mrd.pet_ct_negative" in mrd_imwg(cr_snapshot(NGF)).missing
