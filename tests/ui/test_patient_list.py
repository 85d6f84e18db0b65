"""The Patients section's list: course columns built in the background and kept in the store,
refreshed after a save, and the count label from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Settings
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.models.patients import COLUMNS
from myeloma_desk.ui.views.patients.section import PatientsView

TITLES = [title for title, _ in COLUMNS]
LINE, RESPONSE = TITLES.index("Current line"), TITLES.index("Last response")


@pytest.fixture
def view(qtbot: QtBot, tmp_path: Path) -> Iterator[PatientsView]:
    context = AppContext(AppPaths.resolve(str(tmp_path)).ensure(), Settings())
    patients = PatientsView(context)
    qtbot.addWidget(patients)
    patients.show()
    yield patients
    patients.summaries.wait(30_000)
    context.close()


def _all_summarised(view: PatientsView) -> bool:
    return all(row.course is not None for row in view.model.rows() if row.visit_count)


def test_course_columns_fill_in_the_background_and_stay_in_the_store(
    qtbot: QtBot, view: PatientsView, tmp_path: Path
) -> None:
    view.load_demo()
    assert not _all_summarised(view)  # nothing is built at load: the list shows at once
    qtbot.waitUntil(lambda: _all_summarised(view), timeout=60_000)
    texts = [view.model.index(r, LINE).data() for r in range(view.model.rowCount())]
    assert any(text.startswith("Line ") for text in texts), texts
    assert view.count.text() == f"{view.model.matched} of {view.model.total} patients shown"
    # kept in the store: a second look at the list needs no course build
    assert view.index.stale([row.id for row in view.model.rows()]) == []


def test_a_saved_visit_makes_the_row_stale_then_current_again(
    qtbot: QtBot, view: PatientsView
) -> None:
    view.load_demo()
    qtbot.waitUntil(lambda: _all_summarised(view), timeout=60_000)
    row = next(r for r in view.model.rows() if r.visit_count)
    day = (row.last_visit or dt.date(2020, 1, 1)) + dt.timedelta(days=30)
    view.store.save_visit(row.id, day, parse_snapshot({"albumin": {"value": 3.4, "unit": "g/dL"}}))
    view._reload_one(row.id)
    number = view.model.row_of(row.id)
    assert view.model.index(number, TITLES.index("Last visit")).data() == day.isoformat()
    assert view.model.index(number, TITLES.index("Visits")).data() == str(row.visit_count + 1)
    qtbot.waitUntil(lambda: view.model.patient(view.model.row_of(row.id)).course is not None)
    assert view.index.stale([row.id]) == []
