"""Which baseline a response is measured against when lines of therapy are recorded."""

from __future__ import annotations

from typing import Any

from myeloma_desk.domain.criteria.response import response_imwg
from myeloma_desk.domain.snapshot import parse_snapshot


def visit(date: str, m_protein: float) -> dict[str, Any]:
    return {"date": date, "serum_m_protein": {"value": m_protein, "unit": "g/dL"}}


LINES = [
    {"regimen": "VRd", "drugs": ["bortezomib"], "start": "2020-01-10", "end": "2020-07-01"},
    {"regimen": "DKd", "drugs": ["daratumumab"], "start": "2022-03-01"},
]


def snapshot(history: list[dict[str, Any]], now: float, lines: list[dict[str, Any]]) -> Any:
    return parse_snapshot({**visit("2022-09-01", now), "history": history, "therapy_lines": lines})


def test_new_line_after_relapse_has_its_own_baseline() -> None:
    history = [
        visit("2020-01-05", 4.0),  # before line 1
        visit("2021-01-01", 0.3),  # nadir on line 1
        visit("2022-02-20", 2.0),  # relapse, before line 2 (measurable)
    ]
    result = response_imwg(snapshot(history, 0.9, LINES))
    assert result.detail["baseline_date"] == "2022-02-20"
    assert "line 2" in result.detail["baseline_chosen"]
    assert result.result == "PR"  # 2.0 → 0.9 g/dL is a 55% reduction: PR, not VGPR vs 4.0


def test_line_started_without_measurable_disease_keeps_the_earlier_baseline() -> None:
    history = [
        visit("2020-01-05", 4.0),
        visit("2022-02-20", 0.5),  # not measurable (< 1 g/dL) when line 2 starts
    ]
    result = response_imwg(snapshot(history, 0.3, LINES))
    assert result.detail["baseline_date"] == "2020-01-05"
    assert result.detail["baseline_chosen"] == "the first recorded visit"


def test_without_lines_the_first_entry_is_the_baseline() -> None:
    history = [visit("2020-01-05", 4.0), visit("2022-02-20", 2.0)]
    result = response_imwg(snapshot(history, 0.9, []))
    assert result.detail["baseline_date"] == "2020-01-05"
