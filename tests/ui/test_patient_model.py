"""The patient list model and its filter proxy (qtmodeltester, filtering, archive, sort)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pytestqt.modeltest import ModelTester

from PySide6.QtCore import Qt

from myeloma_desk.ui.models.patients import PatientFilterProxy, PatientRole, PatientTableModel


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    identifier: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    diagnosis: str | None = None
    archived: bool = False
    last_visit: dt.date | None = None


ROWS = [
    Row(1, "Berg, Ann", "MRN-001", dt.date(1950, 2, 3), "female", "smoldering_multiple_myeloma"),
    Row(
        2,
        "Okafor, Chidi",
        "MRN-002",
        None,
        "male",
        "active_multiple_myeloma",
        False,
        dt.date(2025, 4, 1),
    ),
    Row(3, "Annan, Kofi", None, None, None, None, True),
]


def test_models_pass_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = PatientTableModel(ROWS)
    qtmodeltester.check(model)
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_text("ann")
    qtmodeltester.check(proxy)
    model.update_row(Row(4, "New, Person"))
    qtmodeltester.check(model)


def test_columns() -> None:
    model = PatientTableModel(ROWS)
    assert [model.index(0, c).data() for c in range(7)] == [
        "Berg, Ann",
        "MRN-001",
        "1950-02-03",
        "Female",
        "Smoldering multiple myeloma",
        "no visits",
        "Active",
    ]
    assert model.index(1, 0).data(PatientRole) is ROWS[1]


def test_filter_by_word_prefix_and_archive() -> None:
    model = PatientTableModel(ROWS)
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 2  # archived hidden
    proxy.set_show_archived(True)
    assert proxy.rowCount() == 3
    proxy.set_text("ann")  # "Berg, Ann" and "Annan, Kofi" (word prefixes), not "Okafor"
    assert sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount())) == [
        "Annan, Kofi",
        "Berg, Ann",
    ]
    proxy.set_text("ANN berg")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["Berg, Ann"]
    proxy.set_text("mrn-002")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["Okafor, Chidi"]
    proxy.set_text("smoldering")
    assert proxy.rowCount() == 1
    proxy.set_text("erg")  # not a word start
    assert proxy.rowCount() == 0


def test_sort_by_last_visit() -> None:
    model = PatientTableModel(ROWS)
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(5, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 0).data() == "Okafor, Chidi"


def test_sort_through_proxy_keeps_filter_right(qtmodeltester: ModelTester) -> None:
    model = PatientTableModel(ROWS)
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_show_archived(True)
    proxy.set_text("ann")
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == [
        "Berg, Ann",
        "Annan, Kofi",
    ]
    qtmodeltester.check(proxy)
    model.update_row(Row(2, "Okafor, Ann"))  # now matches "ann"
    assert proxy.rowCount() == 3
    proxy.set_show_archived(False)
    assert sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount())) == [
        "Berg, Ann",
        "Okafor, Ann",
    ]


def test_update_row_replaces_in_place() -> None:
    model = PatientTableModel(ROWS)
    model.update_row(Row(1, "Berg, Anna", archived=True))
    assert model.rowCount() == 3 and model.index(0, 0).data() == "Berg, Anna"
    assert model.index(0, 6).data() == "Archived"
