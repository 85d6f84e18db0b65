"""Kills during ``patients encrypt`` / change of passphrase (issue 17 item 4).

A child process encrypts the store and is killed (``os._exit``, no clean-up, like SIGKILL) at
every step: before and after each copy under the new key, for every backup and the store. The
command is then run again, as a user would. Afterwards the store opens with the new passphrase,
every committed record is there, no backup (and nothing in ``corrupt/``) is plain text, and no
temporary file is left.

Local only: a clinic server's data is encrypted by the server's disk and TLS, not by the app
(a server store refuses ``change_passphrase`` and says so: test_store_server.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, WrongPassphraseError, open_store
from myeloma_desk.store.db import SQLITE_MAGIC, check_backup, list_backups
from myeloma_desk.store.migrations import LATEST

pytest.importorskip("sqlcipher3")

OLD = "first secret 1"
NEW = "second secret 2"
BACKUPS = 2

CHILD = """
import os, sys
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import db, open_store
home, old, new, kill_at, when = sys.argv[1:6]
calls = {"n": 0}
real = db.rekey_copy
def rekey_copy(*args, **kwargs):
    calls["n"] += 1
    if when == "before" and calls["n"] == int(kill_at):
        os._exit(137)
    real(*args, **kwargs)
    if when == "after" and calls["n"] == int(kill_at):
        os._exit(137)
db.rekey_copy = rekey_copy
store = open_store(AppPaths.resolve(home), None if old == "-" else old, backup_on_open=False)
store.change_passphrase(None if new == "-" else new)
store.close()
"""


def make_store(home: Path, passphrase: str | None) -> int:
    paths = AppPaths.resolve(home)
    with open_store(paths, passphrase, keep_backups=10) as store:
        for n in range(3):
            pid = store.create_patient(
                PatientFields(name=f"Kill, Test {n}", identifier=f"K-{n}")
            ).id
            store.save_visit(pid, D(2024, 1, 1 + n), snap(hemoglobin=(9.0 + n, "g/dL")))
        for _ in range(BACKUPS):
            store.backup()
        return store.count_patients()


def opening_key(home: Path, keys: list[str | None]) -> str | None:
    for key in keys:
        try:
            open_store(AppPaths.resolve(home), key, backup_on_open=False).close()
        except WrongPassphraseError:
            continue
        except Exception:
            continue
        return key
    raise AssertionError("the store opens with no passphrase at all")


def assert_finished(home: Path, patients: int) -> None:
    paths = AppPaths.resolve(home)
    with open_store(paths, NEW, backup_on_open=False) as store:
        assert store.count_patients() == patients
        assert store.integrity_check() is None
        assert not store.rekey_interrupted
        backups = list_backups(store.backup_dir)
    assert len(backups) >= BACKUPS
    for backup in backups:
        assert not backup.read_bytes().startswith(SQLITE_MAGIC)
        assert check_backup(backup, NEW, LATEST) >= 1
    corrupt = paths.data / "corrupt"
    if corrupt.is_dir():
        for path in corrupt.iterdir():
            assert not path.read_bytes().startswith(SQLITE_MAGIC)
    leftovers = [p for p in paths.data.rglob("*") if p.name.endswith((".rekey", ".part"))]
    assert leftovers == []


# Every step of encrypting a plain store (each backup, then the store; before and after each
# copy); for a re-key (slower: every open derives a key) the first and the last step.
ENCRYPT_KILLS = [(n, when) for n in range(1, BACKUPS + 2) for when in ("before", "after")]
REKEY_KILLS = [(1, "before"), (BACKUPS + 1, "after")]


@pytest.mark.parametrize(
    ("old", "label", "kills"), [(None, "encrypt", ENCRYPT_KILLS), (OLD, "re-key", REKEY_KILLS)]
)
def test_kills_during_encrypt_lose_nothing_and_a_rerun_finishes(
    tmp_path: Path, old: str | None, label: str, kills: list[tuple[int, str]]
) -> None:
    survived = 0
    for kill_at, when in kills:
        home = tmp_path / f"{label}-{kill_at}-{when}"
        patients = make_store(home, old)
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(home), old or "-", NEW, str(kill_at), when],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert child.returncode == 137, child.stderr
        key = opening_key(home, [old, NEW])
        with open_store(AppPaths.resolve(home), key, backup_on_open=False) as store:
            assert store.count_patients() == patients  # nothing lost by the kill
            assert store.rekey_interrupted
            store.change_passphrase(NEW)  # the user runs the command again
        assert_finished(home, patients)
        survived += 1
    assert survived == len(kills)


def test_a_passphrase_of_spaces_is_refused(tmp_path: Path) -> None:
    with open_store(AppPaths.resolve(tmp_path / "home")) as store:
        for bad in ("", " ", "   \t"):
            with pytest.raises(ValueError, match="only spaces"):
                store.change_passphrase(bad)
        assert not store.encrypted
