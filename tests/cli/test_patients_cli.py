"""``myeloma-desk demo`` and ``myeloma-desk patients ...`` end to end (in process)."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from myeloma_desk.cli import main
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import open_store
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.store.demo import demo_bundles


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(home), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_list_search_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    code, out, _ = run(capsys, home, "demo")
    assert code == 0 and "added 9 demo patient(s)" in out
    code, out, _ = run(capsys, home, "demo")
    assert code == 0 and "nothing added" in out
    code, out, _ = run(capsys, home, "patients", "list")
    assert code == 0 and "DEMO Ivanova, Nadia" in out and "9 patient(s)" in out
    code, out, _ = run(capsys, home, "patients", "list", "--search", "demo-000")
    assert "9 patient(s)" in out
    code, out, _ = run(capsys, home, "patients", "list", "--search", "nadia")
    assert "1 patient(s)" in out
    code, out, _ = run(capsys, home, "patients", "verify")
    assert code == 0 and "database integrity: ok" in out and "audit log intact" in out


def test_export_import_between_stores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    run(capsys, home, "demo")
    target = tmp_path / "out.json"
    code, _, err = run(
        capsys, home, "patients", "export", "DEMO-0009", "--format", "fhir", "-o", str(target)
    )
    assert code == 0 and "written" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["resourceType"] == "Bundle"
    code, out, _ = run(capsys, other, "patients", "import", str(target))
    assert code == 0 and "DEMO Ivanova, Nadia" in out
    code, _, err = run(capsys, other, "patients", "import", str(target))
    assert code == 2 and "already exists" in err and "nothing was written" in err
    native = tmp_path / "p.json"
    run(capsys, home, "patients", "export", "1", "--format", "json", "-o", str(native))
    code, out, _ = run(capsys, other, "patients", "import", str(native))
    assert code == 0 and "DEMO Alvarez" in out


def test_deidentified_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    run(capsys, home, "demo")
    code, out, _ = run(capsys, home, "patients", "export", "all", "--format", "csv", "--deidentify")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == sum(len(b.visits) for b in demo_bundles()) and "DEMO" not in out
    code, out, _ = run(capsys, home, "patients", "export", "DEMO-0003", "--deidentify")
    assert code == 0 and "Chen" not in out and "DEMO-0003" not in out
    code, _, err = run(capsys, home, "patients", "export", "all", "--format", "fhir")
    assert code == 2 and "csv" in err
    code, _, err = run(capsys, home, "patients", "export", "NOPE")
    assert code == 2 and "no patient" in err
    code, out, _ = run(capsys, home, "patients", "audit", "--limit", "3")
    assert code == 0 and "export" in out


def test_rejected_import_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": "Bundle", "entry": [')
    code, _, err = run(capsys, tmp_path / "home", "patients", "import", str(bad))
    assert code == 2 and "truncated" in err


def test_backup_restore_and_broken_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    run(capsys, home, "demo")
    code, out, _ = run(capsys, home, "patients", "backup")
    assert code == 0 and "backup written" in out
    backup = Path(out.split("backup written: ")[1].splitlines()[0])
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        store.archive_patient(1)
    code, out, _ = run(capsys, home, "patients", "restore", str(backup))
    assert code == 0 and "9 patient(s)" in out
    code, out, _ = run(capsys, home, "patients", "list")
    assert "9 patient(s)" in out
    connection = sqlite3.connect(AppPaths.resolve(home).data / DB_NAME)
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("UPDATE audit_log SET action = 'view' WHERE seq = 2")
    connection.commit()
    connection.close()
    code, out, _ = run(capsys, home, "patients", "verify")
    assert code == 1 and "BROKEN at event 2" in out


def test_locked_store_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    with open_store(AppPaths.resolve(home)):
        code, _, err = run(capsys, home, "patients", "list")
    assert code == 3 and "already open" in err


@pytest.mark.skipif(os.name != "posix", reason="environment passphrase test uses POSIX env")
def test_encrypted_store_passphrase_from_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3")
    home = tmp_path / "home"
    open_store(AppPaths.resolve(home), "s3cret").close()
    monkeypatch.setenv("MYELOMA_DESK_PASSPHRASE", "s3cret")
    code, out, _ = run(capsys, home, "demo")
    assert code == 0 and "added 9" in out
    monkeypatch.setenv("MYELOMA_DESK_PASSPHRASE", "wrong")
    code, _, err = run(capsys, home, "patients", "list")
    assert code == 3 and "not correct" in err


def test_encrypt_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3")
    home = tmp_path / "home"
    run(capsys, home, "demo")
    code, _, err = run(capsys, home, "patients", "encrypt")
    assert code == 2 and "nothing changed" in err
    monkeypatch.setenv("MYELOMA_DESK_NEW_PASSPHRASE", "n3w")
    code, out, _ = run(capsys, home, "patients", "encrypt")
    assert code == 0 and "are encrypted" in out
    code, _, err = run(capsys, home, "patients", "list")
    assert code == 3 and "encrypted" in err
    monkeypatch.setenv("MYELOMA_DESK_PASSPHRASE", "n3w")
    code, out, _ = run(capsys, home, "patients", "list")
    assert code == 0 and "9 patient(s)" in out
    code, out, _ = run(capsys, home, "patients", "encrypt", "--remove")
    assert code == 0 and "no longer encrypted" in out
    monkeypatch.delenv("MYELOMA_DESK_PASSPHRASE")
    code, out, _ = run(capsys, home, "patients", "list")
    assert code == 0 and "9 patient(s)" in out
