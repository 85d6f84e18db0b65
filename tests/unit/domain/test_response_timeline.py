"""The response timeline (issue 12, speed): the category of every earlier assessment, computed
once per snapshot with incremental baselines and nadirs, is the category that response_imwg
gives for the snapshot as it stood at that visit, parsed on its own."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.response import relapse_imwg, response_imwg, time_to_events
from myeloma_desk.domain.snapshot import parse_snapshot

serum = st.one_of(st.none(), st.integers(min_value=0, max_value=60).map(lambda n: n / 10))
urine = st.one_of(st.none(), st.sampled_from([0, 50, 150, 199, 200, 250, 400, 900]))
ife = st.sampled_from([None, "positive", "negative"])
plasmacytoma = st.sampled_from([None, "none", "present", "reduced_50", "new_or_growing"])
visit = st.fixed_dictionaries(
    {
        "serum": serum,
        "urine": urine,
        "ife": ife,
        "plasmacytoma": plasmacytoma,
        "marrow": st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
        "kappa": st.one_of(st.none(), st.sampled_from([8.0, 30.0, 120.0, 400.0])),
    }
)
lines = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=11),  # starts at visit k (28-day visits) ...
        st.sampled_from([0, 3]),  # ... on the day of the visit or 3 days after it
        st.sampled_from([None, "induction", "transplant", "maintenance"]),
        st.sampled_from([None, True, False]),
    ),
    max_size=3,
)


def labs(v: dict[str, Any], day: int) -> dict[str, Any]:
    month, dom = divmod(day, 28)
    entry: dict[str, Any] = {"date": f"20{20 + month // 12}-{month % 12 + 1:02d}-{dom + 1:02d}"}
    if v["serum"] is not None:
        entry["serum_m_protein"] = {"value": v["serum"], "unit": "g/dL"}
    if v["urine"] is not None:
        entry["urine_m_protein_24h"] = {"value": v["urine"], "unit": "mg/24h"}
    if v["ife"] is not None:
        entry["serum_immunofixation"] = v["ife"]
        entry["urine_immunofixation"] = v["ife"]
    if v["plasmacytoma"] is not None:
        entry["soft_tissue_plasmacytomas"] = v["plasmacytoma"]
    if v["marrow"] is not None:
        entry["bone_marrow_plasma_cells_percent"] = v["marrow"]
    if v["kappa"] is not None:
        entry["free_kappa"] = {"value": v["kappa"], "unit": "mg/L"}
        entry["free_lambda"] = {"value": 10.0, "unit": "mg/L"}
    return entry


def build(visits: list[dict[str, Any]], therapy: list[tuple[int, int, Any, Any]]) -> list[Any]:
    """The snapshot as it stood at every visit, each parsed on its own (the same therapy record);
    the last is the one assessed."""
    entries = [labs(v, 28 * i) for i, v in enumerate(visits)]
    therapy_lines = []
    for k, (after, offset, phase, refractory) in enumerate(sorted(therapy, key=lambda x: x[0])):
        start = labs(visits[0], 28 * after + offset + k)["date"]
        line: dict[str, Any] = {"regimen": f"regimen {k + 1}", "start": start}
        if phase:
            line["phase"] = phase
        if refractory is not None:
            line["refractory"] = refractory
        therapy_lines.append(line)
    return [
        parse_snapshot(
            {
                **entry,
                "history": entries[:i],
                "therapy_lines": therapy_lines,
                "m_protein_light_chain": "kappa",
            }
        )
        for i, entry in enumerate(entries)
    ]


def category(result: Any) -> str | None:
    return result.result if result.status == "determined" else None


@given(visits=st.lists(visit, min_size=2, max_size=12), therapy=lines)
@settings(max_examples=120, deadline=None)
def test_each_earlier_assessment_is_the_rule_at_that_visit(
    visits: list[dict[str, Any]], therapy: list[tuple[int, int, Any, Any]]
) -> None:
    snapshots = build(visits, therapy)
    last = snapshots[-1]
    alone = {s.date.isoformat(): category(response_imwg(s)) for s in snapshots}
    confirmation = response_imwg(last).detail.get("confirmation")
    if confirmation and confirmation.get("previous"):
        previous = confirmation["previous"]
        assert previous["result"] == alone[previous["date"]]
    if last.therapy_lines:
        for item in time_to_events(last).detail.get("assessments", []):
            if item["date"] != last.date.isoformat():
                assert item["category"] == alone[item["date"]], item
    # The earlier complete response that relapse reads is a visit that was in CR on its own.
    earlier_cr = relapse_imwg(last).detail.get("earlier_complete_response")
    if earlier_cr is not None:
        assert alone[earlier_cr] in ("CR", "sCR")
