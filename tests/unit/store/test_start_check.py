"""The start-up integrity check left to a worker (``open_store(check_on_open=False)``): writes
wait for it and are refused after a failure; a migration or an unreadable schema is checked at
once. A clinic server store has no start check of the app's (PostgreSQL checks its own
pages): it writes at once (the last test)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, StoreCorruptError, open_store
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.store.errors import StoreDamagedError
from myeloma_desk.store.migrations import LATEST, migrate

NOTE = "clinical note " * 300


def _store_with_notes(paths: AppPaths) -> int:
    with open_store(paths) as store:
        pid = store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN-1")).id
        store.save_visit(pid, D(2024, 1, 5), snap(albumin=(3.5, "g/dL")))
        for _ in range(40):
            store.add_note(pid, NOTE)
        return pid


def damage_notes(db_path: Path) -> None:
    """Scribble over the pages of the notes table only (the list and the patient stay
    readable, as with damage the open-time check would have found)."""
    connection = sqlite3.connect(db_path)
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    pages = [
        row[0]
        for row in connection.execute("SELECT pageno FROM dbstat WHERE name = 'notes'")
        if row[0] > 1
    ]
    connection.close()
    assert len(pages) > 5
    raw = bytearray(db_path.read_bytes())
    for page in pages[1:]:
        start = (page - 1) * size
        raw[start : start + size] = b"\xde\xad\xbe\xef" * (size // 4)
    db_path.write_bytes(bytes(raw))


def test_a_sound_store_opens_unchecked_and_writes_after_the_check(paths: AppPaths) -> None:
    _store_with_notes(paths)
    with open_store(paths, backup_on_open=False, check_on_open=False) as store:
        assert store.check_pending and store.check_problem is None
        assert store.run_start_check() is None
        assert not store.check_pending
        store.create_patient(PatientFields(name="Okafor, Chidi"))
        assert store.count_patients() == 2


def test_a_write_before_the_check_runs_it_first(paths: AppPaths) -> None:
    _store_with_notes(paths)
    with open_store(paths, backup_on_open=False, check_on_open=False) as store:
        store.create_patient(PatientFields(name="Okafor, Chidi"))  # the check ran, then this
        assert not store.check_pending and store.check_problem is None


def test_writes_wait_for_a_check_under_way(paths: AppPaths) -> None:
    _store_with_notes(paths)
    with open_store(paths, backup_on_open=False, check_on_open=False) as store:
        results: list[str | None] = []
        worker = threading.Thread(target=lambda: results.append(store.run_start_check()))
        worker.start()
        store.create_patient(PatientFields(name="Okafor, Chidi"))
        worker.join()
        assert results == [None] and store.count_patients() == 2


def test_damage_found_later_refuses_every_write_and_is_moved_aside_on_reopen(
    paths: AppPaths,
) -> None:
    pid = _store_with_notes(paths)
    damage_notes(paths.data / DB_NAME)
    store = open_store(paths, backup_on_open=False, check_on_open=False)
    try:
        assert store.get_patient(pid).name == "Berg, Ann"  # reading goes ahead meanwhile
        problem = store.run_start_check()
        assert problem is not None and store.check_problem == problem
        with pytest.raises(StoreDamagedError) as refused:
            store.save_visit(pid, D(2024, 2, 5), snap(albumin=(3.6, "g/dL")))
        assert "start-up integrity check" in str(refused.value)
        assert "Recover from a backup" in str(refused.value)
        with pytest.raises(StoreDamagedError):
            store.create_patient(PatientFields(name="Okafor, Chidi"))
    finally:
        store.close()
    with pytest.raises(StoreCorruptError):  # the check at open moves the damaged file aside
        open_store(paths, backup_on_open=False)
    assert not (paths.data / DB_NAME).exists()


def test_an_unreadable_schema_is_checked_at_once(paths: AppPaths) -> None:
    _store_with_notes(paths)
    db_path = paths.data / DB_NAME
    raw = bytearray(db_path.read_bytes())
    for offset in range(4096 + 100, len(raw), 997):  # every page after the first
        raw[offset : offset + 40] = b"\xde\xad\xbe\xef" * 10
    db_path.write_bytes(bytes(raw))
    with pytest.raises(StoreCorruptError):
        open_store(paths, backup_on_open=False, check_on_open=False)


def test_a_store_that_needs_a_migration_is_checked_before_it(paths: AppPaths) -> None:
    paths.ensure()
    connection = sqlite3.connect(paths.data / DB_NAME, isolation_level=None)
    connection.execute("BEGIN")
    migrate(connection, target=3)  # as the version before wrote it
    connection.execute("COMMIT")
    connection.close()
    with open_store(paths, backup_on_open=False, check_on_open=False) as store:
        assert not store.check_pending  # checked at open, then migrated
        assert store.schema_version() == LATEST


def test_a_server_store_has_no_start_check_to_wait_for(server_site: Any) -> None:
    """The window runs ``run_start_check`` in a worker for every store: on the clinic server
    there is nothing to wait for and nothing is refused."""
    from myeloma_desk.store import Store

    with Store.open_server(server_site.target("cleo")) as store:
        assert not store.check_pending and store.run_start_check() is None
        store.create_patient(PatientFields(name="Berg, Ann"))
        assert store.count_patients() == 1 and store.integrity_check() is None
