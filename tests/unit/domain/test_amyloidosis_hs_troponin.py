"""High-sensitivity troponin T in the AL stages (Muchtar 2019): the published hs thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from myeloma_desk.domain.criteria.amyloidosis import al_stage_mayo_2004_european, al_stage_mayo_2012
from myeloma_desk.domain.snapshot import parse_snapshot

AL = {"amyloidosis": {"biopsy_proven": True, "light_chain_typed": True, "organs": ["heart"]}}


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


@pytest.mark.parametrize(("tnt", "stage"), [(49, "I"), (50, "II"), (51, "II")])
def test_mayo_2004_high_sensitivity(tnt: float, stage: str) -> None:
    s = parse_snapshot(
        {
            **AL,
            "troponin_t": q(tnt, "ng/L"),
            "troponin_t_assay": "high_sensitivity",
            "nt_probnp": q(100, "ng/L"),
        }
    )
    result = al_stage_mayo_2004_european(s)
    assert (result.status, result.result) == ("determined", stage)
    assert "Muchtar 2019 Blood" in result.sources


@pytest.mark.parametrize(("tnt", "stage"), [(39, "I"), (40, "II")])
def test_mayo_2012_high_sensitivity(tnt: float, stage: str) -> None:
    s = parse_snapshot(
        {
            **AL,
            "troponin_t": q(tnt, "ng/L"),
            "troponin_t_assay": "high_sensitivity",
            "nt_probnp": q(100, "ng/L"),
            "free_kappa": q(20, "mg/L"),
            "free_lambda": q(10, "mg/L"),
        }
    )
    assert al_stage_mayo_2012(s).result == stage


def test_conventional_threshold_when_assay_not_recorded_says_so() -> None:
    # 40 ng/L = 0.04 ng/mL: ≥ 0.035 conventionally (stage II), < 0.050 by hs (stage I).
    data = {**AL, "troponin_t": q(40, "ng/L"), "nt_probnp": q(100, "ng/L")}
    unrecorded = al_stage_mayo_2004_european(parse_snapshot(data))
    assert unrecorded.result == "II"
    assert any("assay not recorded" in a for a in unrecorded.detail["assumptions"])
    conventional = al_stage_mayo_2004_european(
        parse_snapshot({**data, "troponin_t_assay": "conventional"})
    )
    assert conventional.result == "II"
    assert not any("assay" in a for a in conventional.detail.get("assumptions", []))
    hs = al_stage_mayo_2004_european(
        parse_snapshot({**data, "troponin_t_assay": "high_sensitivity"})
    )
    assert hs.result == "I"
