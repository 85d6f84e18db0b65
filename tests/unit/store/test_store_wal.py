"""Issue 17, item 6: a flipped byte in the WAL must not silently drop committed visits.

The store is copied while it is open (its -wal holding 50 committed, un-checkpointed visits:
what a crash leaves on disk), one byte of a frame in the middle of the WAL is flipped, and the
copy is opened: the damaged database and WAL are kept aside byte for byte before recovery, the
user is told how many committed changes could not be recovered, and the loss is in the audit log.

Local only: a clinic server's write-ahead log is PostgreSQL's own; its crash recovery is
exercised by test_server_faults.py (the server crashed mid-session, nothing committed lost).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import db, open_store
from myeloma_desk.store.models import PatientFields

VISITS = 50


def _crashed_copy(tmp_path: Path) -> tuple[AppPaths, Path]:
    """A store whose last 50 visits are committed in the WAL only (as a crash leaves it)."""
    source = AppPaths.resolve(tmp_path / "source")
    target = AppPaths.resolve(tmp_path / "target")
    with open_store(source) as store:
        pid = store.create_patient(PatientFields(name="TEST Wal, Ada", identifier="W-1")).id
        store.backup()
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for day in range(VISITS):
            store.save_visit(
                pid,
                D(2020, 1, 1 + day % 28).replace(month=1 + day // 28),
                snap(serum_m_protein=(1.0 + day / 10, "g/dL")),
            )
        target.ensure()
        for name in (db.DB_NAME, db.DB_NAME + "-wal", db.META_NAME):
            shutil.copyfile(source.data / name, target.data / name)
    return target, target.data / (db.DB_NAME + "-wal")


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(bytes(data))


def test_an_intact_wal_is_replayed_silently(tmp_path: Path) -> None:
    paths, _wal = _crashed_copy(tmp_path)
    assert db.wal_damage(paths.data / db.DB_NAME) is None
    with open_store(paths) as store:
        assert store.recovery_notice is None
        assert len(store.visits(1)) == VISITS
    assert not (paths.data / db.CORRUPT_DIR).exists()


def test_a_flipped_byte_in_the_wal_is_kept_aside_and_reported(tmp_path: Path) -> None:
    paths, wal = _crashed_copy(tmp_path)
    frames = (wal.stat().st_size - db.WAL_HEADER) // (db.WAL_FRAME_HEADER + 4096)
    middle = db.WAL_HEADER + (frames // 2) * (db.WAL_FRAME_HEADER + 4096) + 100
    _flip(wal, middle)
    damaged = {name: (paths.data / name).read_bytes() for name in (db.DB_NAME, wal.name)}
    damage = db.wal_damage(paths.data / db.DB_NAME)
    assert damage is not None and damage.bad_frame == frames // 2 + 1
    with open_store(paths) as store:
        kept_visits = len(store.visits(1))
        notice = store.recovery_notice
        events = store.audit_events(limit=1)
    assert notice is not None
    assert kept_visits < VISITS  # SQLite's recovery stops at the damaged frame
    lost = damage.lost_commits
    assert lost == VISITS - kept_visits
    assert f"{lost} committed change(s)" in notice and "could not be recovered" in notice
    assert events[0].detail == {
        "what": "recovery",
        "lost_commits": lost,
        "kept": events[0].detail["kept"],
    }
    kept = list((paths.data / db.CORRUPT_DIR).glob("*-wal-damaged.sqlite3"))
    assert len(kept) == 1 and str(kept[0]) in notice
    assert kept[0].read_bytes() == damaged[db.DB_NAME]
    assert Path(f"{kept[0]}-wal").read_bytes() == damaged[wal.name]
    with open_store(paths) as store:  # reported once; the next start is normal
        assert store.recovery_notice is None


def test_a_damaged_wal_header_is_reported(tmp_path: Path) -> None:
    paths, wal = _crashed_copy(tmp_path)
    _flip(wal, 12)  # the checkpoint sequence: the header's checksum fails
    with open_store(paths) as store:
        assert store.recovery_notice is not None
        assert store.visits(1) == []


@pytest.mark.parametrize("torn", [True, False])
def test_a_torn_uncommitted_tail_is_not_damage(tmp_path: Path, torn: bool) -> None:
    paths, wal = _crashed_copy(tmp_path)
    frame = db.WAL_FRAME_HEADER + 4096
    size = wal.stat().st_size
    with wal.open("r+b") as handle:  # the last frame half written (a crash mid-commit)
        handle.truncate(size - frame // 2 if torn else size)
    if not torn:
        _flip(wal, size - 10)  # the last frame (the last commit) damaged: nothing follows it
    assert db.wal_damage(paths.data / db.DB_NAME) is None
    with open_store(paths) as store:
        assert store.recovery_notice is None
        assert len(store.visits(1)) == VISITS - 1


def test_the_command_line_says_what_was_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from myeloma_desk.cli import main

    _paths, wal = _crashed_copy(tmp_path)
    _flip(wal, db.WAL_HEADER + 3 * (db.WAL_FRAME_HEADER + 4096) + 200)
    assert main(["--data-dir", str(tmp_path / "target"), "patients", "list"]) == 0
    err = capsys.readouterr().err
    assert "could not be recovered" in err and "wal-damaged" in err


@pytest.mark.skipif(not db.encryption_available(), reason="needs the [encryption] extra")
def test_an_encrypted_wal_is_checked_the_same_way(tmp_path: Path) -> None:
    """SQLCipher's WAL frames carry SQLite's checksums over the encrypted pages."""
    source = AppPaths.resolve(tmp_path / "source")
    target = AppPaths.resolve(tmp_path / "target")
    with open_store(source, "a long passphrase") as store:
        pid = store.create_patient(PatientFields(name="TEST Enc, Ada", identifier="E-1")).id
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for day in range(20):
            store.save_visit(pid, D(2020, 1, 1 + day), snap(serum_m_protein=(1.0, "g/dL")))
        target.ensure()
        for name in (db.DB_NAME, db.DB_NAME + "-wal", db.META_NAME):
            shutil.copyfile(source.data / name, target.data / name)
    wal = target.data / (db.DB_NAME + "-wal")
    assert db.wal_damage(target.data / db.DB_NAME) is None
    frames = (wal.stat().st_size - db.WAL_HEADER) // (db.WAL_FRAME_HEADER + 4096)
    _flip(wal, db.WAL_HEADER + (frames // 2) * (db.WAL_FRAME_HEADER + 4096) + 200)
    with open_store(target, "a long passphrase") as store:
        assert store.recovery_notice is not None
        assert len(store.visits(pid)) < 20
