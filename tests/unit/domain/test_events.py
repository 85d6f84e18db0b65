"""Time to events per line (issue 12): PFS, duration of response, time to next treatment.

Pure functions (domain/events.py) and the ``time_to_events`` rule, with a scenario that walks
one patient from diagnosis through two lines, responses, confirmed progression and a relapse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.response import response_imwg, time_to_events
from myeloma_desk.domain.events import Assessment, line_times
from myeloma_desk.domain.snapshot import TherapyLine, parse_snapshot

D = dt.date.fromisoformat


def line(regimen: str, start: str, end: str | None = None, **extra: Any) -> TherapyLine:
    return TherapyLine(
        regimen=regimen,
        start=D(start),
        end=D(end) if end else None,
        **extra,
    )


def test_pfs_dor_ttnt_with_confirmed_progression_and_a_next_line() -> None:
    therapy = [
        line("VRd", "2020-02-01", "2020-06-30", phase="induction"),
        line("ASCT", "2020-07-15", "2020-07-15", phase="transplant"),
        line("lenalidomide", "2020-10-01", "2023-05-20", phase="maintenance", refractory=True),
        line("DPd", "2023-06-01"),
    ]
    assessments = [
        Assessment(D("2020-05-01"), "PR"),
        Assessment(D("2021-01-01"), "VGPR"),
        Assessment(D("2023-03-01"), "PD"),
        Assessment(D("2023-05-01"), "PD"),
        Assessment(D("2023-09-01"), "PR"),
        Assessment(D("2024-01-01"), "PR"),
    ]
    first, second = line_times(therapy, assessments, today=D("2024-02-01"))
    assert first.number == 1 and "ASCT" in first.regimen  # planned sequence: one line
    assert first.progression == D("2023-03-01")
    assert first.progression_status == "confirmed"
    assert (first.pfs.start, first.pfs.end, first.pfs.censored) == (
        D("2020-02-01"),
        D("2023-03-01"),
        False,
    )
    assert first.pfs.days == (D("2023-03-01") - D("2020-02-01")).days
    assert first.duration_of_response is not None
    assert first.duration_of_response.start == D("2020-05-01")
    assert first.duration_of_response.censored is False
    assert (first.ttnt.end, first.ttnt.censored) == (D("2023-06-01"), False)
    # Line 2: still responding, everything censored.
    assert second.number == 2 and second.progression is None
    assert (second.pfs.end, second.pfs.censored) == (D("2024-01-01"), True)
    assert second.duration_of_response is not None
    assert second.duration_of_response.start == D("2023-09-01")
    assert (second.ttnt.end, second.ttnt.censored) == (D("2024-02-01"), True)


def test_a_pd_contradicted_by_the_next_assessment_is_not_progression() -> None:
    therapy = [line("VRd", "2020-01-01")]
    times = line_times(
        therapy,
        [
            Assessment(D("2020-03-01"), "PR"),
            Assessment(D("2020-05-01"), "PD"),
            Assessment(D("2020-07-01"), "PR"),
        ],
    )[0]
    assert times.progression is None
    assert times.pfs.censored is True and times.pfs.end == D("2020-07-01")


def test_a_last_pd_without_a_second_assessment_is_unconfirmed() -> None:
    times = line_times(
        [line("VRd", "2020-01-01")],
        [Assessment(D("2020-03-01"), "PR"), Assessment(D("2020-05-01"), "PD")],
    )[0]
    assert times.progression == D("2020-05-01")
    assert times.progression_status == "unconfirmed"
    assert times.pfs.censored is False


def test_no_response_no_duration_of_response_and_no_assessment() -> None:
    times = line_times([line("VRd", "2020-01-01")], [Assessment(D("2020-03-01"), "SD")])[0]
    assert times.duration_of_response is None
    empty = line_times([line("VRd", "2020-01-01")], [])[0]
    assert empty.pfs.end is None and empty.pfs.censored is None
    assert empty.ttnt.censored is None


@given(
    gaps=st.lists(st.integers(1, 200), min_size=1, max_size=12),
    categories=st.lists(st.sampled_from(["PD", "SD", "MR", "PR", "VGPR", "CR", None]), max_size=12),
)
@settings(max_examples=80, deadline=None)
def test_intervals_never_negative_and_never_past_follow_up(
    gaps: list[int], categories: list[str | None]
) -> None:
    start = D("2020-01-01")
    day = start
    assessments = []
    for gap, category in zip(gaps, categories, strict=False):
        day += dt.timedelta(days=gap)
        assessments.append(Assessment(day, category))
    today = day + dt.timedelta(days=10)
    times = line_times([line("VRd", "2020-01-01")], assessments, today=today)[0]
    for interval in (times.pfs, times.duration_of_response, times.ttnt):
        if interval is None or interval.days is None:
            continue
        assert interval.days >= 0
        assert interval.end is not None and interval.end <= today
    if times.duration_of_response is not None:
        assert times.pfs.days is not None and times.duration_of_response.days is not None
        assert times.duration_of_response.days <= times.pfs.days


def q(value: float, unit: str = "g/dL") -> dict[str, Any]:
    return {"value": value, "unit": unit}


def visit(date: str, m: float, urine: float = 50) -> dict[str, Any]:
    return {"date": date, "serum_m_protein": q(m), "urine_m_protein_24h": q(urine, "mg/24h")}


def test_scenario_one_patient_over_four_years() -> None:
    """Diagnosis 2020, line 1 (VRd → ASCT → lenalidomide), VGPR, relapse 2023, line 2."""
    therapy = [
        {"regimen": "VRd", "start": "2020-02-01", "end": "2020-06-30", "phase": "induction"},
        {"regimen": "ASCT", "start": "2020-07-15", "end": "2020-07-15", "phase": "transplant"},
        {
            "regimen": "lenalidomide maintenance",
            "drugs": ["lenalidomide"],
            "start": "2020-10-01",
            "end": "2023-05-20",
            "phase": "maintenance",
            "refractory": True,
        },
        {"regimen": "DPd", "drugs": ["daratumumab", "pomalidomide"], "start": "2023-06-01"},
    ]
    history = [
        visit("2020-01-15", 4.0),  # diagnosis, baseline of line 1
        visit("2020-05-01", 1.6),  # PR (−60%)
        visit("2020-09-01", 0.3),  # VGPR (−92.5%)
        visit("2021-06-01", 0.3),  # VGPR confirmed
        visit("2023-03-01", 0.9),  # PD: +0.6 g/dL, +200% from the 0.3 nadir
        visit("2023-05-01", 1.4),  # PD again: confirmed; baseline of line 2
        visit("2023-09-01", 0.6),  # PR from 1.4 (−57%)
    ]
    snapshot = parse_snapshot(
        {
            "date": "2024-01-01",
            **visit("2024-01-01", 0.5),
            "history": history,
            "therapy_lines": therapy,
        }
    )
    response = response_imwg(snapshot)
    assert response.result == "PR"
    assert response.detail["baseline_date"] == "2023-05-01"  # line 2 is measured from relapse
    assert response.detail["confirmation"]["status"] == "confirmed"

    result = time_to_events(snapshot)
    assert result.status == "determined"
    first, second = result.detail["lines"]
    assert first["line"] == 1 and first["regimen"].startswith("VRd → ASCT")
    assert first["progression"] == "2023-03-01"
    assert first["progression_status"] == "confirmed"
    assert first["pfs"]["censored"] is False
    assert first["pfs"]["months"] == round((D("2023-03-01") - D("2020-02-01")).days / 30.4375, 1)
    assert first["duration_of_response"]["start"] == "2020-05-01"
    assert first["ttnt"] == {
        "start": "2020-02-01",
        "end": "2023-06-01",
        "days": (D("2023-06-01") - D("2020-02-01")).days,
        "months": round((D("2023-06-01") - D("2020-02-01")).days / 30.4375, 1),
        "censored": False,
        "ended_by": "line 2 started",
    }
    assert second["progression"] is None
    assert second["pfs"]["censored"] is True and second["pfs"]["end"] == "2024-01-01"
    assert second["ttnt"]["censored"] is True
    assert result.result is not None and len(result.result) == 2
    assert "(censored)" in result.result[1]
    assert "deaths are not recorded" in result.detail["note"]


def test_rule_not_applicable_without_lines_and_needs_start_dates() -> None:
    assert time_to_events(parse_snapshot({"date": "2024-01-01"})).status == "not_applicable"
    undated = time_to_events(
        parse_snapshot({"date": "2024-01-01", "therapy_lines": [{"regimen": "VRd"}]})
    )
    assert undated.status == "cannot_determine"
