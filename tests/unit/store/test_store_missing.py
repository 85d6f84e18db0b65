"""Issue 17, items 1 and 2: a store that cannot be read for a reason other than damage is never
moved aside; a store that vanished or became 0 bytes while backups exist is never silently
replaced by an empty one, and the restore is offered at every start until it is done.

The clinic server's twin (a database that is gone is said so; none is created in its place)
is in test_server_faults.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import (
    PassphraseRequiredError,
    StoreCorruptError,
    StoreMissingError,
    StoreUnavailableError,
    open_store,
    restore_store,
)
from myeloma_desk.store import db as store_db
from myeloma_desk.store.db import BACKUP_DIR, CORRUPT_DIR, DB_NAME
from myeloma_desk.store.models import PatientFields


def _store_with_a_patient(paths: AppPaths) -> Path:
    with open_store(paths) as store:
        patient = store.create_patient(PatientFields(name="TEST Kept, Ada", identifier="K-1"))
        store.save_visit(patient.id, D(2024, 1, 2), snap(serum_m_protein=(2.0, "g/dL")))
        backup = store.backup()
    return backup


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_missing_store_with_backups_is_never_replaced(paths: AppPaths, how: str) -> None:
    backup = _store_with_a_patient(paths)
    db_path = paths.data / DB_NAME
    if how == "deleted":
        db_path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    else:
        db_path.write_bytes(b"")
    for _ in range(3):  # offered at every start, until the user decides
        with pytest.raises(StoreMissingError) as caught:
            open_store(paths)
        assert caught.value.newest_backup == backup
        assert "No new, empty store was created" in str(caught.value)
    assert not db_path.exists() or db_path.stat().st_size == 0
    assert list((paths.data / BACKUP_DIR).iterdir()) == [backup]  # nothing rotated away
    with restore_store(paths, backup) as store:
        assert [p.name for p in store.list_patients()] == ["TEST Kept, Ada"]
    with open_store(paths) as store:  # and it opens normally again
        assert store.count_patients() == 1


def test_first_start_without_backups_creates_the_store(paths: AppPaths) -> None:
    with open_store(paths) as store:
        assert store.is_empty()


def test_backup_of_an_empty_store_never_rotates_backups_away(paths: AppPaths) -> None:
    kept = _store_with_a_patient(paths)
    with open_store(paths, keep_backups=1, backup_on_open=False) as store:
        patient = store.find_by_identifier("K-1")
        assert patient is not None
        store.connection.execute("DELETE FROM visits")  # an emptied store, whatever the cause
        store.connection.execute("DELETE FROM patients")
        assert store.is_empty()
        store.backup()
        store.backup()
    assert kept in list((paths.data / BACKUP_DIR).iterdir())


def test_io_error_at_start_does_not_move_the_store(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_with_a_patient(paths)
    real_connect = store_db.connect

    class FailingConnection:
        """A connection whose integrity check fails as on a nearly full disk."""

        def __init__(self, inner: sqlite3.Connection) -> None:
            self.inner = inner

        def execute(self, sql: str, *args: object) -> object:
            if "quick_check" in sql:
                raise sqlite3.OperationalError("disk I/O error")
            return self.inner.execute(sql, *args)

        def close(self) -> None:
            self.inner.close()

    monkeypatch.setattr(
        store_db, "connect", lambda *a, **k: FailingConnection(real_connect(*a, **k))
    )
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(paths)
    assert "was not moved" in str(caught.value)
    assert (paths.data / DB_NAME).stat().st_size > 0
    assert not (paths.data / CORRUPT_DIR).exists() or not any((paths.data / CORRUPT_DIR).iterdir())
    monkeypatch.undo()
    with open_store(paths) as store:  # once the disk is fine again, everything is there
        assert store.count_patients() == 1


@pytest.mark.parametrize(
    ("message", "damage"),
    [
        ("disk I/O error", False),
        ("database or disk is full", False),
        ("attempt to write a readonly database", False),
        ("unable to open database file", False),
        ("database disk image is malformed", True),
        ("file is not a database", True),
    ],
)
def test_which_errors_are_damage(message: str, damage: bool) -> None:
    assert store_db.is_not_damage(message) is not damage


@pytest.mark.parametrize("has_backup", [True, False])
def test_garbage_plain_store_without_its_meta_file(paths: AppPaths, has_backup: bool) -> None:
    """Random bytes where a plain store was, and no patients.meta.json: damaged, not "encrypted"
    (issue 17, item 10). With a plain backup it is moved aside and the backup offered; without
    one it cannot be told from an encrypted store, and the message says both."""
    backup = _store_with_a_patient(paths)
    if not has_backup:
        for old in (paths.data / BACKUP_DIR).iterdir():
            old.unlink()
    db_path = paths.data / DB_NAME
    garbage = bytes(range(256)) * 32
    db_path.write_bytes(garbage)
    Path(f"{db_path}-wal").unlink(missing_ok=True)
    (paths.data / store_db.META_NAME).unlink()
    if has_backup:
        with pytest.raises(StoreCorruptError) as caught:
            open_store(paths)
        assert "encrypted" not in str(caught.value)
        assert caught.value.newest_backup == backup
        assert caught.value.moved_to.read_bytes() == garbage
        assert not db_path.exists()
    elif store_db.encryption_available():
        with pytest.raises(PassphraseRequiredError) as refused:
            open_store(paths)
        assert "may instead be damaged" in str(refused.value)
        assert db_path.read_bytes() == garbage
    else:
        with pytest.raises(StoreCorruptError):
            open_store(paths)
