"""Fault injection on the write paths (issue 17): failed writes, bad paths, bad input.

A failing file wrapper (``os.write`` / ``os.fsync`` that fail after some bytes) stands in for a
full disk everywhere; where the tests run as root a real, tiny tmpfs is filled up as well.
Every case asserts: one clear message and an exit code (never a traceback), no partial or
temporary file left behind, the old file untouched, and no audit event for what did not happen.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import assert_reads_as_written, contents

from myeloma_desk.cli import main
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import db, open_store
from myeloma_desk.store.demo import demo_bundles

SNAPSHOTS = Path(__file__).parents[2] / "data" / "snapshots"
SMM = SNAPSHOTS / "smoldering-igg-kappa.json"


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--data-dir", str(home), *args])
    except SystemExit as stop:  # argparse refusing an argument
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def export_events(home: Path) -> int:
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        return sum(1 for e in store.audit_events(limit=100_000) if e.action == "export")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    with open_store(AppPaths.resolve(folder)) as store:
        for bundle in demo_bundles()[:2]:
            store.import_bundle(bundle, source="test")
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".part", ".tmp")))


class FailingDisk:
    """``os.write`` that accepts ``budget`` bytes, then fails like a full disk (ENOSPC)."""

    def __init__(self, budget: int, error: int = errno.ENOSPC) -> None:
        self.budget = budget
        self.error = error
        self.real_write = os.write

    def write(self, fd: int, data: Any) -> int:
        if self.budget <= 0:
            raise OSError(self.error, os.strerror(self.error))
        chunk = bytes(data[: self.budget])
        self.budget -= len(chunk)
        return self.real_write(fd, chunk)  # a short write: the caller must notice


# --- exports: atomic, no audit on failure ---------------------------------------------------


@pytest.mark.parametrize("budget", [0, 1, 4096])
def test_export_to_a_full_disk_leaves_nothing_and_logs_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any, budget: int
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "p.json"
    before = export_events(home)
    monkeypatch.setattr(db.os, "write", FailingDisk(budget).write)
    code, _, err = run(capsys, home, "patients", "export", "1", "-o", str(target))
    monkeypatch.undo()
    assert code == 2
    assert f"cannot write {target}: the disk is full; nothing was written" in err
    assert not target.exists() and leftovers(out_dir) == []
    assert export_events(home) == before


def test_failed_fsync_keeps_the_previous_file(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    target = tmp_path / "p.json"
    target.write_text("previous export\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    before = export_events(home)
    monkeypatch.setattr(db.os, "fsync", broken_fsync)
    code, _, err = run(capsys, home, "patients", "export", "1", "-o", str(target))
    monkeypatch.undo()
    assert code == 2 and "input/output error" in err
    assert target.read_text() == "previous export\n"
    assert leftovers(tmp_path) == [] and export_events(home) == before


def test_successful_export_is_logged_once(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = export_events(home)
    target = tmp_path / "p.json"
    assert run(capsys, home, "patients", "export", "1", "-o", str(target))[0] == 0
    assert json.loads(target.read_text())["resourceType"] == "Bundle"
    assert run(capsys, home, "patients", "export", "all", "--format", "csv")[0] == 0
    assert export_events(home) == before + 1 + 2
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["folder", "missing-folder"])
def test_export_to_a_bad_path(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    target = tmp_path if where == "folder" else tmp_path / "nodir" / "x.json"
    before = export_events(home)
    code, _, err = run(capsys, home, "patients", "export", "1", "-o", str(target))
    assert code == 2 and "nothing was written" in err
    assert not (tmp_path.parent / (tmp_path.name + ".tmp")).exists()  # the old `/tmp.tmp`
    assert leftovers(tmp_path) == [] and leftovers(tmp_path.parent) == []
    assert export_events(home) == before


def test_export_refused_on_a_read_only_folder(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(db.tempfile, "mkstemp", read_only)
    code, _, err = run(capsys, home, "patients", "export", "1", "-o", str(tmp_path / "x.json"))
    monkeypatch.undo()
    assert code == 2 and "read-only" in err


# --- backups and temporary files -----------------------------------------------------------


def test_a_failed_backup_leaves_no_part_file(home: Path, monkeypatch: Any) -> None:
    paths = AppPaths.resolve(home)
    with open_store(paths, backup_on_open=False) as store:
        kept = store.backups()

        class Source:
            def backup(self, target: Any) -> None:
                raise db.sqlite3.OperationalError("database or disk is full")

        with pytest.raises(db.sqlite3.OperationalError):
            db.online_backup(Source(), store.backup_dir / "patients-x.sqlite3", None)
        assert leftovers(store.backup_dir) == []
        assert store.backups() == kept


def test_temporary_files_are_removed_at_the_next_start(home: Path) -> None:
    paths = AppPaths.resolve(home)
    stale = [
        paths.data / ".patients.meta.json.abc123.part",
        paths.data / db.BACKUP_DIR / "patients-20260101T000000000000Z.sqlite3.part",
    ]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    keep = paths.data / "notes.part.txt"  # not a name the store creates
    keep.write_text("x")
    with open_store(paths, backup_on_open=False):
        pass
    assert not any(path.exists() for path in stale)
    assert keep.exists()


# --- bad input: one message, exit 2, never a traceback -------------------------------------


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "deep-nesting": "[" * 100_000 + "]" * 100_000,
        "deep-but-not-recursive": json.dumps({"a": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}),
        "huge-integer": '{"a": ' + "7" * 5_000 + "}",
        "overflowing-real": '{"a": 1e400}',
        "nan": '{"a": NaN}',
        "truncated": '{"resourceType": "Bundle", "entry": [',
        "array": "[1, 2, 3]",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(text)
    paths["invalid-utf8"] = tmp_path / "invalid-utf8.json"
    paths["invalid-utf8"].write_bytes(b'{"name": "\xff\xfe"}')
    paths["folder"] = tmp_path
    paths["missing"] = tmp_path / "missing.json"
    return paths


BAD = [
    "deep-nesting",
    "huge-integer",
    "overflowing-real",
    "nan",
    "truncated",
    "array",
    "invalid-utf8",
    "folder",
    "missing",
]


@pytest.mark.parametrize("case", BAD)
def test_bad_import_files_are_refused_clearly(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    path = _bad_files(tmp_path)[case]
    code, _, err = run(capsys, home, "patients", "import", str(path))
    assert code == 2 and "nothing was written" in err
    assert len(err.strip().splitlines()) == 1
    assert_reads_as_written(err.strip())


def _server_contents(target: str) -> tuple[Any, ...]:
    from myeloma_desk.store import Store

    with Store.open_server(target) as store:
        return contents(store)


@pytest.mark.parametrize("case", BAD)
def test_bad_import_files_are_refused_clearly_on_the_server(
    server_site: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """The same files into the clinic server (``--store``): one line, exit 2, not one row
    or audit event written (tests/unit/store/test_server_faults.py adds bundles that fail
    deep inside or clash with the store)."""
    from myeloma_desk.store import Store

    target = server_site.target("cleo")
    with Store.open_server(target) as store:
        for bundle in demo_bundles()[:2]:
            store.import_bundle(bundle, source="test")
    before = _server_contents(target)
    path = _bad_files(tmp_path)[case]
    code = main(
        ["--data-dir", str(tmp_path / "ws"), "--store", target, "patients", "import", str(path)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "nothing was written" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert_reads_as_written(err.strip())
    assert _server_contents(target) == before


@pytest.mark.parametrize("case", BAD)
def test_bad_assess_files_are_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    path = _bad_files(tmp_path)[case]
    code, out, err = run(capsys, tmp_path / "home", "assess", str(path))
    assert code == 2 and out == "" and err.startswith("snapshot: ")


def test_messages_name_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _bad_files(tmp_path)
    assert (
        "nested more than 64 levels"
        in run(capsys, tmp_path, "assess", str(files["deep-nesting"]))[2]
    )
    assert "5,000 digits" in run(capsys, tmp_path, "assess", str(files["huge-integer"]))[2]
    assert "too large" in run(capsys, tmp_path, "assess", str(files["overflowing-real"]))[2]
    assert "is a folder" in run(capsys, tmp_path, "assess", str(files["folder"]))[2]


def test_a_byte_order_mark_is_accepted_by_assess_and_import_alike(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + SMM.read_bytes())
    code, out, _ = run(capsys, home, "assess", str(with_bom))
    assert code == 0
    plain = run(capsys, home, "assess", str(SMM))[1]
    assert json.loads(out)["results"] == json.loads(plain)["results"]
    exported = tmp_path / "p.json"
    assert (
        run(capsys, home, "patients", "export", "1", "--format", "json", "-o", str(exported))[0]
        == 0
    )
    exported.write_bytes(b"\xef\xbb\xbf" + exported.read_bytes())
    code, _, err = run(capsys, tmp_path / "other", "patients", "import", str(exported))
    assert code == 0, err


@pytest.mark.parametrize("limit", ["99999999999999999999", "0", "-1", "ten", "1000001"])
def test_audit_limit_out_of_range(
    home: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    code, _, err = run(capsys, home, "patients", "audit", "--limit", limit)
    assert code == 2 and "from 1 to 1,000,000" in err


def test_audit_limit_at_the_bounds(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, home, "patients", "audit", "--limit", "1")[1].count("\n") == 1
    assert run(capsys, home, "patients", "audit", "--limit", "1000000")[0] == 0


def test_listing_into_a_closed_pipe_is_not_an_error(home: Path) -> None:
    command = [sys.executable, "-m", "myeloma_desk", "--data-dir", str(home), "patients", "list"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # like `| head -0`
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0
    assert "Traceback" not in err


# --- a real full disk (tmpfs; root only) ----------------------------------------------------


@contextlib.contextmanager
def tiny_tmpfs(tmp_path: Path, size_kb: int) -> Iterator[Path]:
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a real full disk needs root to mount a tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * 4096) > 0:
                pass
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0") > 0:
                pass
    finally:
        os.close(fd)


def test_a_really_full_disk_loses_no_committed_record(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path, 1024) as mount:
        paths = AppPaths.resolve(mount / "home")
        with open_store(paths, backup_on_open=False) as store:
            for bundle in demo_bundles()[:3]:
                store.import_bundle(bundle, source="test")
            committed = store.count_patients()
            fill(mount)
            failures = 0
            for bundle in demo_bundles()[3:6]:
                try:
                    store.import_bundle(bundle, source="test")
                except Exception:  # whatever SQLite raises on a full disk
                    failures += 1
            with pytest.raises(OSError):
                db.write_private_text(mount / "export.json", "x" * 200_000)
            with contextlib.suppress(Exception):
                store.backup()
            assert not (mount / "export.json").exists()
            assert leftovers(mount) == [] and leftovers(store.backup_dir) == []
            assert failures > 0
        (mount / "filler").unlink()
        with open_store(paths, backup_on_open=False) as store:
            assert store.count_patients() >= committed
            assert store.integrity_check() is None
            assert store.verify_audit().ok
