"""Property tests (hypothesis) guarding response_imwg (issue 12): one assessment never yields a
confirmed category; a deeper response never scores worse; the unit entered does not matter."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.response import response_imwg
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.domain.vocabulary import RESPONSE_ORDER as ORDER

tenths = st.integers(min_value=0, max_value=100).map(lambda n: n / 10)  # 0.0–10.0 g/dL
baseline_tenths = st.integers(min_value=10, max_value=80).map(lambda n: n / 10)
urine = st.integers(min_value=0, max_value=2000)
ife = st.sampled_from(["positive", "negative", None])


def snap(
    base: float,
    now: float,
    urine_now: int,
    serum_ife: str | None,
    history: list[dict[str, Any]] | None = None,
    unit: str = "g/dL",
) -> Any:
    factor = 10 if unit == "g/L" else 1
    data: dict[str, Any] = {
        "date": "2025-01-01",
        "history": [
            {
                "date": "2024-01-01",
                "serum_m_protein": {"value": base * factor, "unit": unit},
                "urine_m_protein_24h": {"value": 300, "unit": "mg/24h"},
            },
            *(history or []),
        ],
        "serum_m_protein": {"value": now * factor, "unit": unit},
        "urine_m_protein_24h": {"value": urine_now, "unit": "mg/24h"},
        "soft_tissue_plasmacytomas": "none",
        "bone_marrow_plasma_cells_percent": 2,
        "urine_immunofixation": "negative" if urine_now == 0 else "positive",
    }
    if serum_ife is not None:
        data["serum_immunofixation"] = serum_ife
    return parse_snapshot(data)


@given(base=baseline_tenths, now=tenths, urine_now=urine, serum_ife=ife)
@settings(max_examples=150, deadline=None)
def test_a_single_assessment_is_never_confirmed(
    base: float, now: float, urine_now: int, serum_ife: str | None
) -> None:
    result = response_imwg(snap(base, now, urine_now, serum_ife))
    if result.status == "determined":
        confirmation = result.detail["confirmation"]
        assert confirmation["status"] != "confirmed"
        assert confirmation["category"] is None


@given(base=baseline_tenths, a=tenths, b=tenths, urine_now=urine)
@settings(max_examples=150, deadline=None)
def test_a_deeper_response_never_scores_worse(
    base: float, a: float, b: float, urine_now: int
) -> None:
    low, high = sorted((a, b))
    deeper = response_imwg(snap(base, low, urine_now, "positive"))
    shallower = response_imwg(snap(base, high, urine_now, "positive"))
    if deeper.status == "determined" and shallower.status == "determined":
        assert ORDER.index(deeper.result) >= ORDER.index(shallower.result)


@given(base=baseline_tenths, middle=tenths, now=tenths, urine_now=urine, serum_ife=ife)
@settings(max_examples=100, deadline=None)
def test_unit_invariance_with_confirmation(
    base: float, middle: float, now: float, urine_now: int, serum_ife: str | None
) -> None:
    def entry(unit: str) -> list[dict[str, Any]]:
        factor = 10 if unit == "g/L" else 1
        return [
            {
                "date": "2024-06-01",
                "serum_m_protein": {"value": middle * factor, "unit": unit},
                "urine_m_protein_24h": {"value": urine_now, "unit": "mg/24h"},
            }
        ]

    in_dl = response_imwg(snap(base, now, urine_now, serum_ife, entry("g/dL")))
    in_l = response_imwg(snap(base, now, urine_now, serum_ife, entry("g/L"), unit="g/L"))
    assert (in_dl.status, in_dl.result) == (in_l.status, in_l.result)
    assert in_dl.detail.get("confirmation") == in_l.detail.get("confirmation")
