"""The patient list model over a real store: paging (fetchMore), counts from the database,
filter and sort over the whole store, the columns, and qtmodeltester."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from myeloma_desk.course import build_course
from myeloma_desk.course.summary import course_summary
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, Store, open_store
from myeloma_desk.store.demo import load_demo
from myeloma_desk.store.patient_index import PatientIndex
from myeloma_desk.ui.models.patients import COLUMNS, NOT_SUMMARISED, PatientListModel, PatientRole

TITLES = [title for title, _ in COLUMNS]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(AppPaths.resolve(tmp_path / "home"), backup_on_open=False)
    yield opened
    opened.close()


@pytest.fixture
def many(store: Store) -> Store:
    """45 patients: more than two pages of 20."""
    for number in range(44):
        store.create_patient(PatientFields(name=f"Patient{number:02d}, Test"))
    store.create_patient(PatientFields(name="Zeller, Zoe", identifier="Z-9"))
    return store


def _names(model: PatientListModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_rows_are_fetched_page_by_page_and_counts_come_from_the_store(
    qtbot: QtBot, many: Store
) -> None:
    model = PatientListModel(PatientIndex(many.connection), page_size=20)
    assert model.matched == 45 and model.total == 45
    assert model.rowCount() == 20 and model.pages_fetched == 1
    assert model.canFetchMore(QModelIndex())
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    while model.canFetchMore(QModelIndex()):  # what the view does while the user scrolls
        view.scrollToBottom()
        qtbot.wait(10)
    assert model.rowCount() == 45 and model.pages_fetched == 3
    assert not model.canFetchMore(QModelIndex())
    assert _names(model)[-1] == "Zeller, Zoe"


def test_filter_and_sort_reach_patients_not_loaded_yet(many: Store) -> None:
    model = PatientListModel(PatientIndex(many.connection), page_size=20)
    assert "Zeller, Zoe" not in _names(model)  # on the third page
    model.set_filter("zel", include_archived=False)
    assert _names(model) == ["Zeller, Zoe"] and model.matched == 1
    model.set_filter("", include_archived=False)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert _names(model)[0] == "Zeller, Zoe" and model.matched == 45
    model.sort(1, Qt.SortOrder.DescendingOrder)  # identifier: the only one there is first
    assert _names(model)[0] == "Zeller, Zoe"
    model.set_filter("patient0", include_archived=False)
    assert model.matched == 10 and model.rowCount() == 10


def test_archived_patients_on_request_and_total(many: Store) -> None:
    zoe = many.find_by_identifier("Z-9")
    assert zoe is not None
    many.archive_patient(zoe.id)
    model = PatientListModel(PatientIndex(many.connection), page_size=20)
    assert model.matched == 44 and model.total == 45
    model.set_filter("zel", include_archived=True)
    assert _names(model) == ["Zeller, Zoe"]
    assert model.index(0, TITLES.index("Status")).data() == "Archived"


def test_update_patient_in_place_and_refresh(many: Store) -> None:
    model = PatientListModel(PatientIndex(many.connection), page_size=20)
    first = model.patient(0)
    albumin = parse_snapshot({"albumin": {"value": 3.5, "unit": "g/dL"}})
    many.save_visit(first.id, dt.date(2025, 1, 10), albumin)
    assert model.update_patient(first.id) == 0
    assert model.index(0, TITLES.index("Last visit")).data() == "2025-01-10"
    assert model.index(0, TITLES.index("Visits")).data() == "1"
    many.create_patient(PatientFields(name="Aaron, Abe"))
    model.refresh()
    assert model.matched == 46 and _names(model)[0] == "Aaron, Abe"


def test_columns_of_demo_patients_agree_with_their_course(store: Store) -> None:
    load_demo(store)
    index = PatientIndex(store.connection)
    model = PatientListModel(index)
    line, response = TITLES.index("Current line"), TITLES.index("Last response")
    for number in range(model.rowCount()):
        row = model.patient(number)
        visits = store.visits(row.id)
        assert model.index(number, TITLES.index("Visits")).data() == str(len(visits))
        if visits:  # never "no visits" for a patient who has one
            last = model.index(number, TITLES.index("Last visit")).data()
            assert last == max(v.date for v in visits).isoformat()
        # not summarised yet: empty, with a tooltip saying so
        assert model.index(number, line).data() == ""
        if visits:
            assert model.index(number, line).data(Qt.ItemDataRole.ToolTipRole) == NOT_SUMMARISED
        stamp = index.stamp(row.id)
        assert stamp is not None
        patient = store.get_patient(row.id)
        lines = [stored.line for stored in store.therapy_lines(row.id)]
        course = build_course(patient, visits, lines)
        assert index.record_course(row.id, course_summary(course), stamp)
    model.refresh()
    shown: dict[str, tuple[str, str]] = {}
    for number in range(model.rowCount()):
        row = model.patient(number)
        shown[row.name] = (
            model.index(number, line).data(),
            model.index(number, response).data(),
        )
        state = build_course(
            store.get_patient(row.id),
            store.visits(row.id),
            [s.line for s in store.therapy_lines(row.id)],
        ).state
        if state.phase == "on_therapy":
            assert shown[row.name][0].startswith(f"Line {state.line_number}")
        if state.response is not None and state.response.category is not None:
            assert shown[row.name][1] == state.response.shown()
    on_line = [texts for texts in shown.values() if texts[0].startswith("Line ")]
    assert on_line, shown  # the demo has patients on therapy
    assert any("(confirmed)" in r or "(unconfirmed" in r for _, r in shown.values()), shown
    assert all("_" not in text for pair in shown.values() for text in pair)  # no snake_case


def test_model_passes_qtmodeltester(qtmodeltester: ModelTester, many: Store) -> None:
    load_demo(many)
    model = PatientListModel(PatientIndex(many.connection), page_size=20)
    # One tester per model: it stays attached and checks every reset, fetch and change below
    # (two testers on one model trip over each other when a reset fetches the first page).
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    model.sort(7, Qt.SortOrder.DescendingOrder)
    model.set_filter("demo", include_archived=True)
    assert model.index(0, 0).data(PatientRole).name.startswith("DEMO")
    model.update_patient(model.patient(0).id)
    model.refresh()
    sorted_model = PatientListModel(PatientIndex(many.connection), page_size=20)
    sorted_model.sort(8, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(sorted_model)
