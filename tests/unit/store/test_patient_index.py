"""The patient index: counts, filtered and sorted pages from SQL, and the course summaries."""

from __future__ import annotations

import sqlite3

import pytest
from storetest_helpers import D, snap

from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, Store, open_store
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.store.migrations import migrate
from myeloma_desk.store.patient_index import (
    SUMMARY_VERSION,
    CourseSummary,
    ListQuery,
    PatientIndex,
)


@pytest.fixture
def store(both_backends: Store) -> Store:
    """Every test of this file on both backends: the local file and the clinic server."""
    return both_backends


def _add(store: Store, name: str, **fields: object) -> int:
    return store.create_patient(PatientFields(name=name, **fields)).id  # type: ignore[arg-type]


@pytest.fixture
def filled(store: Store) -> Store:
    _add(store, "Berg, Ann", identifier="MRN-001", birth_date=D(1950, 2, 3), sex="female")
    _add(
        store,
        "Okafor, Chidi",
        identifier="MRN-002",
        sex="male",
        diagnosis="smoldering_multiple_myeloma",
    )
    archived = _add(store, "Annan, Kofi")
    store.archive_patient(archived)
    _add(store, "van der Berg, Lise", identifier="X-77", birth_date=D(1961, 1, 1))
    return store


def _names(index: PatientIndex, query: ListQuery) -> list[str]:
    return [row.name for row in index.page(query, 0, 100)]


def test_count_and_total_come_from_the_database(filled: Store) -> None:
    index = filled.patient_index()
    assert index.total() == 4
    assert index.count(ListQuery()) == 3  # the archived patient is not listed by default
    assert index.count(ListQuery(include_archived=True)) == 4


def test_filter_words_start_a_word_of_name_identifier_or_diagnosis(filled: Store) -> None:
    index = filled.patient_index()
    assert _names(index, ListQuery(text="ann")) == ["Berg, Ann"]  # Annan is archived
    assert _names(index, ListQuery(text="ann", include_archived=True)) == [
        "Annan, Kofi",
        "Berg, Ann",
    ]
    assert _names(index, ListQuery(text="BERG")) == ["Berg, Ann", "van der Berg, Lise"]
    assert _names(index, ListQuery(text="ann berg")) == ["Berg, Ann"]  # every word must match
    assert _names(index, ListQuery(text="mrn-002")) == ["Okafor, Chidi"]
    assert _names(index, ListQuery(text="x-7")) == ["van der Berg, Lise"]
    assert _names(index, ListQuery(text="smoldering")) == ["Okafor, Chidi"]  # as the list shows
    assert _names(index, ListQuery(text="erg")) == []  # not the start of a word
    assert index.count(ListQuery(text="berg")) == 2


def test_sort_keys_and_unknown_values(filled: Store) -> None:
    index = filled.patient_index()
    assert _names(index, ListQuery()) == ["Berg, Ann", "Okafor, Chidi", "van der Berg, Lise"]
    assert _names(index, ListQuery(descending=True)) == [
        "van der Berg, Lise",
        "Okafor, Chidi",
        "Berg, Ann",
    ]
    # unknown birth date first ascending, last descending
    assert _names(index, ListQuery(sort="birth_date")) == [
        "Okafor, Chidi",
        "Berg, Ann",
        "van der Berg, Lise",
    ]
    assert _names(index, ListQuery(sort="birth_date", descending=True)) == [
        "van der Berg, Lise",
        "Berg, Ann",
        "Okafor, Chidi",
    ]
    with pytest.raises(ValueError):
        ListQuery(sort="snake_case")


def test_pages_follow_the_order_without_gaps(store: Store) -> None:
    for number in range(25):
        _add(store, f"Patient{number:02d}, Test")
    index = store.patient_index()
    query = ListQuery(sort="name", descending=True)
    pages = [index.page(query, offset, 10) for offset in (0, 10, 20)]
    assert [len(page) for page in pages] == [10, 10, 5]
    names = [row.name for page in pages for row in page]
    assert names == [f"Patient{n:02d}, Test" for n in reversed(range(25))]
    assert index.page(query, 30, 10) == []


def test_visit_count_and_last_visit_follow_saved_visits(store: Store) -> None:
    pid = _add(store, "Visits, Vera")
    index = store.patient_index()
    row = index.get(pid)
    assert row is not None and row.visit_count == 0 and row.last_visit is None
    store.save_visit(pid, D(2024, 1, 5), snap(albumin=(3.5, "g/dL")))
    store.save_visit(pid, D(2024, 3, 5), snap(albumin=(3.6, "g/dL")))
    store.save_visit(pid, D(2024, 3, 5), snap(albumin=(3.7, "g/dL")))  # same date: replaced
    row = index.get(pid)
    assert row is not None and row.visit_count == 2 and row.last_visit == D(2024, 3, 5)
    assert [r.name for r in index.page(ListQuery(sort="visit_count", descending=True), 0, 1)] == [
        "Visits, Vera"
    ]


def test_course_summary_is_kept_until_the_records_change(store: Store) -> None:
    pid = _add(store, "Course, Cleo")
    store.save_visit(pid, D(2024, 1, 5), snap(albumin=(3.5, "g/dL")))
    index = store.patient_index()
    summary = CourseSummary("on_therapy", line=2, phase="maintenance", prior_lines=1)
    stamp = index.stamp(pid)
    assert stamp is not None and stamp.startswith(SUMMARY_VERSION)
    assert index.stale([pid]) == [pid]
    assert index.record_course(pid, summary, stamp)
    row = index.get(pid)
    assert row is not None and row.course == summary
    assert index.stale([pid]) == []
    # a therapy line saved since: the summary is out of date and not shown
    store.set_therapy_lines(pid, [TherapyLine(regimen="VRd", start=D(2024, 1, 10))])
    row = index.get(pid)
    assert row is not None and row.course is None
    # and a summary built from the older records is refused
    assert not index.record_course(pid, summary, stamp)
    fresh = index.stamp(pid)
    assert fresh is not None and fresh != stamp
    assert index.record_course(pid, summary, fresh)
    store.save_visit(pid, D(2024, 2, 5), snap(albumin=(3.9, "g/dL")))  # a visit: stale again
    row = index.get(pid)
    assert row is not None and row.course is None


def test_summary_of_an_older_app_version_is_refused(store: Store) -> None:
    pid = _add(store, "Version, Val")
    index = store.patient_index()
    stamp = index.stamp(pid)
    assert stamp is not None
    old = "course-summary-0/0.0.1|" + stamp.partition("|")[2]
    assert not index.record_course(pid, CourseSummary("no_visits"), old)


def test_sort_by_course_columns(store: Store) -> None:
    index = store.patient_index()
    rows = []
    for name, line, response in (("A, A", 3, "PR"), ("B, B", 1, "VGPR"), ("C, C", None, None)):
        pid = _add(store, name)
        stamp = index.stamp(pid)
        assert stamp is not None
        state = "on_therapy" if line else "no_visits"
        assert index.record_course(pid, CourseSummary(state, line, None, 0, response), stamp)
        rows.append(pid)
    assert _names(index, ListQuery(sort="current_line")) == ["C, C", "B, B", "A, A"]
    assert _names(index, ListQuery(sort="last_response", descending=True)) == [
        "B, B",  # VGPR is deeper than PR
        "A, A",
        "C, C",
    ]


def test_version_3_store_gets_its_visit_counts(paths: AppPaths) -> None:
    paths.ensure()
    connection = sqlite3.connect(paths.data / DB_NAME, isolation_level=None)
    connection.execute("BEGIN")
    migrate(connection, target=3)
    connection.execute(
        "INSERT INTO patients (id, uid, name, created_at, updated_at, name_fold) "
        "VALUES (1, 'u1', 'Old, Olga', 'now', 'now', 'old, olga')"
    )
    for day in ("2024-01-05", "2024-02-05"):
        connection.execute(
            "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, updated_at) "
            "VALUES (1, ?, '{}', 'now', 'now')",
            (day,),
        )
    connection.execute("COMMIT")
    connection.close()
    with open_store(paths) as store:
        row = store.patient_index().get(1)
        assert row is not None and row.visit_count == 2


def test_a_connection_or_a_getter(store: Store) -> None:
    with pytest.raises(ValueError):
        PatientIndex()
    with pytest.raises(ValueError):
        PatientIndex(store.connection, get=lambda: store.connection)
    assert PatientIndex(get=lambda: store.connection).total() == 0
