"""The one trend pipeline (course.trends): series with labels and units, each point carrying the
course's own IMWG response at that visit (re-baselined per line), line markers per IMWG line."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from builders import stored_records

from myeloma_desk.course import Course, build_course
from myeloma_desk.store import Store

from .test_course import LINES, VISITS, patient

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def course() -> Course:
    return build_course(patient(), VISITS, LINES)


def test_series_have_labels_units_and_every_visit_value(course: Course) -> None:
    trends = course.trends
    m = trends.get("serum_m_protein")
    assert m is not None and m.label == "Serum M-protein" and m.unit == "g/dL"
    assert [p.date for p in m.points] == [v.date for v in VISITS]
    assert [p.value for p in m.points] == [4.2, 1.2, 0.9, 0.3, 0.9, 1.2, 0.5, 0.4]
    # The light chain recorded at diagnosis is carried forward: the involved chain is kappa.
    flc = trends.get("free_kappa")
    assert flc is not None and flc.label == "Involved FLC (kappa)" and flc.unit == "mg/L"
    assert trends.get("free_lambda") is None
    ratio = trends.get("flc_ratio")
    assert ratio is not None and ratio.points[0].value == pytest.approx(520 / 9)
    assert trends.get("hemoglobin") is not None and trends.get("creatinine") is not None
    assert "_" not in "".join(s.label + s.unit for s in trends.series)


def test_points_carry_the_course_response_and_rebaseline_at_the_new_line(course: Course) -> None:
    points = {p.date: p for p in course.trends.get("serum_m_protein").points}  # type: ignore[union-attr]
    for v in course.visits:
        expected = v.response.category if v.response else None
        assert points[v.date].response == expected
        assert points[v.date].line_number == (v.line.number if v.line else None)
    # 2022-07-01 on DKd (line 2): measured from the new line's baseline, a PR — not PD against
    # the line-1 nadir of 0.3 g/dL (the chart of issue 14 got this wrong).
    assert points[D("2022-07-01")].response == "PR"
    assert points[D("2022-07-01")].line_number == 2
    assert points[D("2020-01-10")].response is None  # diagnosis visit: before any therapy


def test_markers_follow_the_imwg_lines(course: Course) -> None:
    markers = course.trends.markers
    # VRd → ASCT → lenalidomide maintenance is one line; DKd is line 2.
    assert [(m.tag, m.date) for m in markers] == [("L1", D("2020-01-20")), ("L2", D("2022-03-10"))]
    assert markers[0].label == "VRd → ASCT → Lenalidomide maintenance"
    assert any("L2 DKd" in note for note in course.trends.notes)


def test_without_a_recorded_light_chain_both_chains_are_shown() -> None:
    visits = [
        dataclasses.replace(
            v,
            snapshot=v.snapshot.model_copy(
                update={"m_protein_light_chain": None, "m_protein_heavy_chain": None}
            ),
        )
        for v in VISITS
    ]
    trends = build_course(patient(), visits, LINES).trends
    assert trends.get("free_kappa") is not None and trends.get("free_lambda") is not None
    assert trends.get("free_kappa").label == "Free kappa"  # type: ignore[union-attr]
    assert any("light chain is not recorded" in note for note in trends.notes)


def test_no_visits_no_series() -> None:
    trends = build_course(patient(), [], []).trends
    assert trends.is_empty() and trends.series == () and trends.notes == ()


def test_course_response_timeline_and_trend_points_agree_for_every_demo_visit(
    demo_store: Store,
) -> None:
    """For every demo patient and visit: the response the course gives, the visit's own
    ``response_imwg`` result and every trend point at that date say the same."""
    checked = 0
    for summary in demo_store.list_patients():
        course = build_course(*stored_records(demo_store, summary.identifier or ""))
        by_date = {v.date: v for v in course.visits}
        for series in course.trends.series:
            for point in series.points:
                v = by_date[point.date]
                expected = v.response.category if v.response else None
                assert point.response == expected, (summary.identifier, series.key, point.date)
                if v.response is not None:
                    assert v.response.category == v.assessment.get("response_imwg").result
                checked += 1
        assert [d for d, _ in course.trends.responses] == [
            v.date for v in course.visits if v.response and v.response.category
        ]
    assert checked > 20


def test_course_is_memoized_on_the_records_content() -> None:
    first = build_course(patient(), VISITS, LINES)
    assert build_course(patient(), list(VISITS), list(LINES)) is first
    changed = [
        *VISITS[:-1],
        dataclasses.replace(
            VISITS[-1],
            snapshot=VISITS[-1].snapshot.model_copy(
                update={"hemoglobin": VISITS[0].snapshot.hemoglobin}
            ),
        ),
    ]
    other = build_course(patient(), changed, LINES)
    assert other is not first
    assert other.trends.get("hemoglobin").points[-1].date == VISITS[-1].date  # type: ignore[union-attr]
