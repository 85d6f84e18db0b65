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
