"""A follow-up's report reads the course model: the established diagnosis (carried from the
diagnosis visit, not re-derived from treated labs) and the options of the disease state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from myeloma_desk.course import build_course
from myeloma_desk.paths import AppPaths
from myeloma_desk.reports.build import assessment_report
from myeloma_desk.store import Store, open_store
from myeloma_desk.store.demo import load_demo


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(AppPaths.resolve(tmp_path / "home"))
    load_demo(opened)
    yield opened
    opened.close()


def test_relapsed_follow_up_report(store: Store) -> None:
    found = store.find_by_identifier("DEMO-0009")
    assert found is not None
    day = dt.date(2024, 5, 21)
    course = build_course(
        found, store.visits(found.id), [s.line for s in store.therapy_lines(found.id)]
    )
    snapshot = store.snapshot_for(found.id, day)
    without = assessment_report(snapshot, visit_date=day)
    with_course = assessment_report(snapshot, visit_date=day, course=course)
    diagnosis = next(row for row in with_course.summary if row.rule == "diagnosis")
    assert "at diagnosis, visit of 2019-02-20" in diagnosis.title
    assert diagnosis.result.startswith("active multiple myeloma") or "myeloma" in diagnosis.result
    assert with_course.options, "the relapsed patient's printed options must not be empty"
    # Without the course the follow-up's own labs decide, as before (no established diagnosis).
    plain = next(row for row in without.summary if row.rule == "diagnosis")
    assert "at diagnosis" not in plain.title


def test_report_prints_the_course_trends_up_to_its_visit(store: Store) -> None:
    """One trend pipeline (#13): the report's series are the course's (course/trends.py, as the
    patient's Trends tab shows them), same labels and units, cut at the reported visit."""
    found = store.find_by_identifier("DEMO-0009")
    assert found is not None
    course = build_course(
        found, store.visits(found.id), [s.line for s in store.therapy_lines(found.id)]
    )
    latest = course.visits[-1].date
    doc = assessment_report(store.snapshot_for(found.id, latest), visit_date=latest, course=course)
    assert doc.trends == list(course.trends.series)
    assert doc.trend_markers == list(course.trends.markers)
    assert doc.trends[0].label_with_unit == "Serum M-protein (g/dL)"

    day = dt.date(2024, 5, 21)
    earlier = assessment_report(store.snapshot_for(found.id, day), visit_date=day, course=course)
    assert {s.key for s in earlier.trends} <= {s.key for s in course.trends.series}
    for series in earlier.trends:
        whole = course.trends.get(series.key)
        assert whole is not None
        assert series.label == whole.label and series.unit == whole.unit
        assert series.points == tuple(p for p in whole.points if p.date <= day)
        assert series.points and series.points[-1].date <= day
    assert all(m.date <= day for m in earlier.trend_markers)
    later = [m for m in course.trends.markers if m.date > day]
    assert all(m.tag not in " ".join(earlier.trend_notes) for m in later)
