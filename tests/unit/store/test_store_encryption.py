"""Optional encryption at rest with SQLCipher (sqlcipher3-binary, the [encryption] extra)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import (
    BackupError,
    PassphraseRequiredError,
    PatientFields,
    StoreError,
    WrongPassphraseError,
    open_store,
    restore_store,
)
from myeloma_desk.store.db import DB_NAME, SQLITE_MAGIC

pytest.importorskip("sqlcipher3")

SECRET = "correct horse 'battery' staple"


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "patients.lock"
    }


def _make(paths: AppPaths) -> None:
    with open_store(paths, SECRET) as store:
        pid = store.create_patient(PatientFields(name="Secret, Sam", identifier="S-1")).id
        store.save_visit(pid, D(2024, 1, 1), snap(hemoglobin=(9.9, "g/dL")))
        assert store.encrypted


def test_encrypted_store_round_trip_and_no_plaintext(paths: AppPaths) -> None:
    _make(paths)
    raw = (paths.data / DB_NAME).read_bytes()
    assert not raw.startswith(SQLITE_MAGIC)
    assert b"Secret, Sam" not in raw
    with open_store(paths, SECRET) as store:
        assert [p.name for p in store.search("secret")] == ["Secret, Sam"]
        backup = store.backups()[0]
    assert b"Secret, Sam" not in backup.read_bytes()
    assert not backup.read_bytes().startswith(SQLITE_MAGIC)


def test_wrong_or_missing_passphrase_is_clear_and_changes_nothing(paths: AppPaths) -> None:
    _make(paths)
    before = _digest(paths.data)
    with pytest.raises(WrongPassphraseError, match="not correct"):
        open_store(paths, "wrong")
    with pytest.raises(PassphraseRequiredError, match="encrypted"):
        open_store(paths)
    assert _digest(paths.data) == before  # nothing written, nothing moved aside
    with open_store(paths, SECRET) as store:  # and the lock was released each time
        assert store.count_patients() == 1


def test_close_and_reopen_is_the_idle_lock(paths: AppPaths) -> None:
    _make(paths)
    store = open_store(paths, SECRET)
    store.close()
    assert store.closed
    with pytest.raises(StoreError, match="closed"):
        store.list_patients()
    store = open_store(paths, SECRET)
    assert store.count_patients() == 1
    store.close()


def test_passphrase_on_a_plain_store_is_refused(paths: AppPaths) -> None:
    with open_store(paths):
        pass
    with pytest.raises(StoreError, match="not encrypted"):
        open_store(paths, SECRET)


def test_restore_of_an_encrypted_backup(paths: AppPaths) -> None:
    _make(paths)
    with open_store(paths, SECRET) as store:
        backup = store.backup()
        store.create_patient(PatientFields(name="Later"))
    with restore_store(paths, backup, SECRET) as store:
        assert store.count_patients() == 1


def test_encrypt_rekey_and_decrypt_an_existing_store(paths: AppPaths) -> None:
    with open_store(paths) as store:
        pid = store.create_patient(PatientFields(name="Plain, Pat", identifier="P-1")).id
        store.save_visit(pid, D(2024, 1, 1), snap(hemoglobin=(12.0, "g/dL")))
        store.backup()
        store.change_passphrase(SECRET)
        assert store.encrypted and store.count_patients() == 1
        store.save_visit(pid, D(2024, 2, 1), snap(hemoglobin=(12.5, "g/dL")))
    for file in [paths.data / DB_NAME, *sorted((paths.data / "backups").glob("*.sqlite3"))]:
        raw = file.read_bytes()
        assert not raw.startswith(SQLITE_MAGIC) and b"Plain, Pat" not in raw, file
    with pytest.raises(PassphraseRequiredError):
        open_store(paths)
    with open_store(paths, SECRET) as store:
        assert len(store.visits(1)) == 2
        store.change_passphrase("another one")
    with pytest.raises(WrongPassphraseError):
        open_store(paths, SECRET)
    with open_store(paths, "another one") as store:
        store.change_passphrase(None)
        assert store.verify_audit().ok
    with open_store(paths) as store:
        assert not store.encrypted and len(store.visits(1)) == 2
        assert store.schema_version() >= 3
        assert [
            e.detail.get("encrypted")
            for e in store.audit_events()
            if e.detail.get("what") == "encryption"
        ] == [False, True, True]


def test_damaged_encrypted_store_can_be_restored_from_its_backup(paths: AppPaths) -> None:
    _make(paths)
    with open_store(paths, SECRET) as store:
        backup = store.backup()
    db_file = paths.data / DB_NAME
    raw = bytearray(db_file.read_bytes())
    raw[20:60] = b"\x00" * 40  # damage page 1: SQLCipher cannot tell this from a wrong key
    db_file.write_bytes(bytes(raw))
    with pytest.raises(WrongPassphraseError):
        open_store(paths, SECRET)
    with pytest.raises(BackupError):  # a wrong passphrase does not move anything aside
        restore_store(paths, backup, "wrong")
    assert db_file.read_bytes() == bytes(raw)
    with restore_store(paths, backup, SECRET) as store:
        assert store.count_patients() == 1
    assert [p.read_bytes() for p in (paths.data / "corrupt").glob("*.sqlite3")] == [bytes(raw)]
