"""Durability: SIGKILL during writes, corruption handling, the instance lock, backups, modes.

The clinic server's twins (a client killed mid-save, a killed client's lock released, the
server crashed) are in test_server_faults.py; corruption handling, backups and file modes are
the local file's (a server is backed up with pg_dump and checks its own pages)."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import (
    BackupError,
    PatientFields,
    StoreCorruptError,
    StoreLockedError,
    open_store,
    restore_store,
)
from myeloma_desk.store.db import BACKUP_DIR, CORRUPT_DIR, DB_NAME

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and file modes")

KILL_ITERATIONS = 200


def _writer(data_dir: Path, report_fd: int, seed: int) -> None:
    """Child process: write records forever, reporting each one only after its commit returned."""
    rnd = random.Random(seed)
    store = open_store(AppPaths.resolve(data_dir), backup_on_open=False, keep_backups=2)
    os.write(report_fd, b"R\n")  # opened: the parent now picks its moment
    n = 0
    while n < 400:
        n += 1
        choice = rnd.random()
        if choice < 0.3:
            mrn = f"K{seed}-{n}"
            patient = store.create_patient(PatientFields(name=f"Kill {seed} {n}", identifier=mrn))
            os.write(report_fd, f"P {mrn} {patient.id}\n".encode())
        elif choice < 0.97:
            rows = store.list_patients(limit=50)
            if not rows:
                continue
            patient = rnd.choice(rows)
            if n >= 200:
                break
            # A date no other write uses, so a reported value can never be overwritten later.
            day = D(1900, 1, 1) + dt.timedelta(days=seed * 200 + n)  # never after today
            value = round(rnd.uniform(0.1, 9.9), 2)
            store.save_visit(patient.id, day, snap(serum_m_protein=(value, "g/dL")))
            os.write(report_fd, f"V {patient.id} {day.isoformat()} {value}\n".encode())
        else:
            store.backup(reason="kill-test")


@posix_only
def test_sigkill_during_writes_never_loses_a_committed_record(tmp_path: Path) -> None:
    """Kill a writing process at random moments; every reported commit must survive.

    One kill in ten lands while the child is still opening the store; the rest at a random
    moment 0-40 ms after it reported that it was open, i.e. in the middle of its writes.
    """
    data_dir = tmp_path / "home"
    rnd = random.Random(20240601)
    committed_patients: dict[str, int] = {}
    committed_visits: dict[tuple[int, str], float] = {}
    killed_mid_write = 0
    for iteration in range(KILL_ITERATIONS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read_fd)
            try:
                _writer(data_dir, write_fd, iteration)
            finally:
                os._exit(0)
        os.close(write_fd)
        received = b""
        if iteration % 10 == 0:
            time.sleep(rnd.uniform(0.0, 0.02))  # some kills land while the store is opening
        else:
            while b"R\n" not in received and (chunk := os.read(read_fd, 65536)):
                received += chunk
            time.sleep(rnd.uniform(0.0, 0.04))  # the others while it writes
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        while chunk := os.read(read_fd, 65536):
            received += chunk
        os.close(read_fd)
        lines = [line for line in received.decode().splitlines() if line != "R"]
        killed_mid_write += bool(lines)
        for line in lines:
            kind, *rest = line.split()
            if kind == "P":
                committed_patients[rest[0]] = int(rest[1])
            else:
                committed_visits[(int(rest[0]), rest[1])] = float(rest[2])
        # Every 20 kills (and at the end) reopen and check everything reported so far.
        if iteration % 20 == 19 or iteration == KILL_ITERATIONS - 1:
            with open_store(AppPaths.resolve(data_dir), backup_on_open=False) as store:
                assert store.integrity_check() is None
                assert store.verify_audit().ok
                for mrn, patient_id in committed_patients.items():
                    found = store.find_by_identifier(mrn)
                    assert found is not None and found.id == patient_id, mrn
                for (patient_id, day), value in committed_visits.items():
                    visit = store.get_visit(patient_id, dt.date.fromisoformat(day))
                    assert visit.snapshot.get("serum_m_protein") == value
    # The kills hit processes that were writing (kept loose: a loaded machine commits slower).
    assert killed_mid_write >= KILL_ITERATIONS // 4
    assert len(committed_visits) >= 50


@posix_only
def test_second_instance_is_refused_with_a_clear_message(paths: AppPaths) -> None:
    with open_store(paths):
        with pytest.raises(StoreLockedError, match=f"process {os.getpid()}"):
            open_store(paths)
        # Another process sees the same lock.
        code = (
            "import sys\n"
            "from myeloma_desk.paths import AppPaths\n"
            "from myeloma_desk.store import StoreLockedError, open_store\n"
            "try:\n"
            f"    open_store(AppPaths.resolve({str(paths.data.parent)!r}))\n"
            "except StoreLockedError as error:\n"
            "    print(error); sys.exit(7)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 7, result.stderr
        assert "already open" in result.stdout
    with open_store(paths):  # released on close
        pass


@posix_only
def test_lock_of_a_killed_process_does_not_block(paths: AppPaths) -> None:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            held = open_store(paths, backup_on_open=False)
            os.write(write_fd, b"locked")
            time.sleep(30)
            held.close()
        finally:
            os._exit(0)
    os.close(write_fd)
    assert os.read(read_fd, 6) == b"locked"
    os.close(read_fd)
    with pytest.raises(StoreLockedError, match=f"process {pid}"):
        open_store(paths, backup_on_open=False)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    open_store(paths, backup_on_open=False).close()


def _with_patients(paths: AppPaths, count: int) -> None:
    with open_store(paths) as store:
        for i in range(count):
            pid = store.create_patient(PatientFields(name=f"P {i}", identifier=f"M{i}")).id
            store.save_visit(pid, D(2024, 1, 1), snap(hemoglobin=(11.0 + i / 10, "g/dL")))


def _corrupt(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    for offset in range(4096 + 100, len(raw), 997):  # scribble over every page after the first
        raw[offset : offset + 40] = b"\xde\xad\xbe\xef" * 10
    path.write_bytes(bytes(raw))


def test_corrupt_store_is_moved_aside_and_the_newest_good_backup_named(paths: AppPaths) -> None:
    _with_patients(paths, 30)
    with open_store(paths) as store:  # an open-time backup of the good store
        good = store.backups()[0]
        store.close()
    db_path = paths.data / DB_NAME
    _corrupt(db_path)
    damaged = db_path.read_bytes()
    with pytest.raises(StoreCorruptError) as caught:
        open_store(paths)
    error = caught.value
    assert error.newest_backup == good
    assert str(good) in str(error) and "restore" in str(error)
    assert error.moved_to.parent == paths.data / CORRUPT_DIR
    assert error.moved_to.read_bytes() == damaged  # moved, never rewritten
    assert not db_path.exists()
    # The user restores the offered backup; everything is back.
    with restore_store(paths, good) as store:
        assert store.count_patients() == 30
        assert store.integrity_check() is None
        assert [e.action for e in store.audit_events(limit=1)] == ["restore"]


def test_garbage_instead_of_a_database_is_moved_aside(paths: AppPaths) -> None:
    _with_patients(paths, 1)
    (paths.data / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\x00" * 50 + b"junk" * 2000)
    with pytest.raises(StoreCorruptError):
        open_store(paths)
    with open_store(paths) as store:  # a fresh store, the damaged one kept aside
        assert store.is_empty()
    assert len(list((paths.data / CORRUPT_DIR).glob("*.sqlite3"))) == 1


def test_backups_rotate_and_keep_the_newest(paths: AppPaths) -> None:
    _with_patients(paths, 2)
    with open_store(paths, keep_backups=3) as store:
        made = [store.backup() for _ in range(5)]
        kept = store.backups()
        assert kept == sorted(made[-3:], reverse=True)
        for backup in kept:
            connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
            assert connection.execute("SELECT count(*) FROM patients").fetchone()[0] == 2
            connection.close()


def test_restore_replaces_content_and_can_be_undone(paths: AppPaths) -> None:
    _with_patients(paths, 2)
    with open_store(paths) as store:
        snapshot_file = store.backup()
        store.create_patient(PatientFields(name="Later"))
        store.restore(snapshot_file)
        assert store.count_patients() == 2
        assert store.search("later") == []
        # The state before the restore was saved as a backup, so the restore can be undone.
        before_restore = store.backups()[0]
        store.restore(before_restore)
        assert [p.name for p in store.search("later")] == ["Later"]
        assert store.verify_audit().ok


def test_restore_refuses_bad_files_and_changes_nothing(paths: AppPaths, tmp_path: Path) -> None:
    _with_patients(paths, 2)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    with open_store(paths) as store:
        for bad in (junk, other, tmp_path / "missing.sqlite3"):
            with pytest.raises(BackupError):
                store.restore(bad)
        assert store.count_patients() == 2


@posix_only
def test_private_modes(paths: AppPaths, tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a permissive umask must not leak through
    try:
        _check_private_modes(paths)
    finally:
        os.umask(previous)


def _check_private_modes(paths: AppPaths) -> None:
    _with_patients(paths, 1)
    with open_store(paths) as store:
        store.backup()
        files = [
            store.db_path,
            Path(str(store.db_path) + "-wal"),
            Path(str(store.db_path) + "-shm"),
            *store.backups(),
            paths.data / "patients.meta.json",
            paths.data / "patients.lock",
        ]
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        for folder in (paths.data, paths.data / BACKUP_DIR):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_startup_backup_only_when_something_changed(paths: AppPaths) -> None:
    _with_patients(paths, 1)  # its first write came after the (empty-store) start
    for _ in range(3):
        open_store(paths).close()
    with open_store(paths) as store:
        assert len(store.backups()) == 1  # restarts without changes add none
        store.create_patient(PatientFields(name="New"))
    with open_store(paths) as store:
        assert len(store.backups()) == 2


def test_deferred_startup_backup_in_another_thread_while_the_store_writes(
    paths: AppPaths,
) -> None:
    """open(backup_on_open=False) leaves the start-up backup to backup_detached, which works
    from another thread on a connection of its own while the store keeps writing."""
    import sqlite3
    import threading

    _with_patients(paths, 5)
    with open_store(paths) as store:  # changed since the last backup: a start-up backup is due
        store.create_patient(PatientFields(name="Later", identifier="M-L"))
    with open_store(paths, backup_on_open=False) as store:
        assert store.backup_due
        before = store.backups()
        results: list[Path] = []
        thread = threading.Thread(target=lambda: results.append(store.backup_detached()))
        thread.start()
        pid = store.create_patient(PatientFields(name="During backup", identifier="M-X")).id
        thread.join(30)
        assert results and results[0] not in before and results[0].exists()
        assert not store.backup_due
        assert store.find_by_identifier("M-X") is not None and pid
    copy = sqlite3.connect(results[0])
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM patients").fetchone()[0] >= 6
    finally:
        copy.close()


def test_no_startup_backup_due_when_nothing_changed(paths: AppPaths) -> None:
    _with_patients(paths, 2)
    with open_store(paths):
        pass  # takes the start-up backup
    with open_store(paths, backup_on_open=False) as store:
        assert not store.backup_due
