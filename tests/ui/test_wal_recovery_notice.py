"""Issue 17, item 6, in the window: when the store's write-ahead log was damaged, the Patients
section says which committed changes could not be recovered and where the untouched copy is —
not only the command line and the audit log."""

from __future__ import annotations

import shutil
from pathlib import Path

from ui_helpers import OpenWindow, patients_of

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, db, open_store

VISITS = 30


def _crashed_copy_with_flipped_wal(tmp_path: Path) -> Path:
    """A store whose last visits are committed in the WAL only (as a crash leaves it), with one
    byte of a WAL frame in the middle flipped."""
    from datetime import date

    from myeloma_desk.domain.snapshot import parse_snapshot

    source = AppPaths.resolve(tmp_path / "source")
    home = tmp_path / "target"
    target = AppPaths.resolve(home)
    with open_store(source) as store:
        pid = store.create_patient(PatientFields(name="TEST Wal, Ada", identifier="W-1")).id
        store.backup()
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for day in range(VISITS):
            snapshot = parse_snapshot({"serum_m_protein": {"value": 1 + day / 10, "unit": "g/dL"}})
            store.save_visit(pid, date(2020, 1 + day // 28, 1 + day % 28), snapshot)
        target.ensure()
        for name in (db.DB_NAME, db.DB_NAME + "-wal", db.META_NAME):
            shutil.copyfile(source.data / name, target.data / name)
    wal = target.data / (db.DB_NAME + "-wal")
    frames = (wal.stat().st_size - db.WAL_HEADER) // (db.WAL_FRAME_HEADER + 4096)
    data = bytearray(wal.read_bytes())
    data[db.WAL_HEADER + (frames // 2) * (db.WAL_FRAME_HEADER + 4096) + 100] ^= 0x40
    wal.write_bytes(bytes(data))
    return home


def test_a_damaged_wal_is_told_in_the_patients_section(
    open_window: OpenWindow, tmp_path: Path
) -> None:
    home = _crashed_copy_with_flipped_wal(tmp_path)
    view = patients_of(open_window(home))
    assert not view.recovery_banner.isHidden()
    text = view.recovery_text.text()
    assert "could not be recovered" in text and "committed change(s)" in text
    assert str(AppPaths.resolve(home).data / db.CORRUPT_DIR) in text
    view.recovery_close.click()
    assert view.recovery_banner.isHidden()


def test_no_notice_after_a_normal_start(open_window: OpenWindow, tmp_path: Path) -> None:
    with open_store(AppPaths.resolve(tmp_path).ensure()) as store:
        store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN-1"))
    view = patients_of(open_window(tmp_path))
    assert view.recovery_banner.isHidden()
