"""Minimal response with soft-tissue plasmacytomas present at baseline (IMWG: MR also needs them
25–49% smaller; the recorded category "present" cannot show that, so MR is never called then)."""

from __future__ import annotations

from typing import Any

import pytest

from myeloma_desk.domain.criteria.response import response_imwg
from myeloma_desk.domain.snapshot import parse_snapshot

LINE = {
    "regimen": "VRd",
    "drugs": ["bortezomib", "lenalidomide", "dexamethasone"],
    "start": "2024-01-10",
}


def _response(base: str | None, now: str | None, serum_now: float) -> Any:
    baseline: dict[str, Any] = {
        "date": "2024-01-05",
        "serum_m_protein": {"value": 3.0, "unit": "g/dL"},
    }
    current: dict[str, Any] = {
        "date": "2024-06-01",
        "serum_m_protein": {"value": serum_now, "unit": "g/dL"},
        "therapy_lines": [LINE],
        "history": [baseline],
    }
    if base is not None:
        baseline["soft_tissue_plasmacytomas"] = base
    if now is not None:
        current["soft_tissue_plasmacytomas"] = now
    return response_imwg(parse_snapshot(current))


def test_plasmacytoma_still_present_leaves_a_minimal_response_undecided() -> None:
    r = _response("present", "present", 2.1)  # serum 30% lower
    assert r.status == "cannot_determine"
    assert r.detail["possible"] == ["SD", "MR"]
    assert "25–49% smaller" in r.detail["reason"]
    crit = {c.name: c.met for c in r.criteria}
    assert crit["soft-tissue plasmacytomas at least 25% smaller (for a minimal response)"] is None


@pytest.mark.parametrize("now", ["none", "reduced_50"])
def test_plasmacytoma_gone_or_halved_allows_the_minimal_response(now: str) -> None:
    assert _response("present", now, 2.1).result == "MR"


@pytest.mark.parametrize("base", [None, "none"])
def test_without_a_plasmacytoma_at_baseline_the_m_protein_decides(base: str | None) -> None:
    assert _response(base, base, 2.1).result == "MR"
    assert _response(base, base, 2.3).result == "SD"  # 23% lower: below the 25% of MR


def test_below_the_minimal_response_the_plasmacytoma_does_not_matter() -> None:
    # serum 20% lower: not MR whatever the plasmacytoma, so SD is certain
    assert _response("present", "present", 2.4).result == "SD"
