"""Names and identifiers: no hidden characters, one identifier per patient (issue 17 item 10)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pydantic import ValidationError

from myeloma_desk.cli import main
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import (
    ConflictError,
    PatientFields,
    Store,
    StoreError,
    StoreLockedError,
    open_store,
)
from myeloma_desk.store.audit import register_writer
from myeloma_desk.store.db import DB_NAME, LOCK_NAME


@pytest.mark.parametrize(
    "bad",
    ["Doe\x1b[2J, Jane", "Doe, Jane\x00", "Doe\u202e, Jane", "Doe\u2066, Jane", "Doe\u200f"],
)
def test_control_and_direction_characters_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="invisible control or text-direction"):
        PatientFields(name=bad)
    with pytest.raises(ValidationError, match="invisible control or text-direction"):
        PatientFields(name="Doe, Jane", identifier=bad.replace(", ", "-"))


@pytest.fixture
def store(both_backends: Store) -> Store:
    """Every test of this file on both backends: the local file and the clinic server."""
    return both_backends


def test_ordinary_names_pass_unchanged() -> None:
    for name in ("Dubois, Hélène", "O'Neil-Smith, Ann", "Çelik, Ayşe", "李, 伟", "Müller, Jürgen"):
        assert PatientFields(name=name).name == name


def test_a_full_width_duplicate_identifier_is_refused(store: Store) -> None:
    store.create_patient(PatientFields(name="First, A", identifier="MRN123"))
    fields = PatientFields(name="Second, B", identifier="ＭＲＮ１２３")
    assert fields.identifier == "MRN123"
    with pytest.raises(ConflictError):
        store.create_patient(fields)


def test_old_records_with_hidden_characters_are_escaped_when_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    with open_store(paths) as store:
        store.create_patient(PatientFields(name="Plain, Name", identifier="X-1"))
    connection = sqlite3.connect(paths.data / DB_NAME)
    register_writer(connection)  # as stored by an older version, before names were checked
    connection.execute("UPDATE patients SET name = 'Evil\x1b[2J\u202eName' WHERE id = 1")
    connection.commit()
    connection.close()
    assert main(["--data-dir", str(tmp_path / "home"), "patients", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "Evil\\u001b[2J\\u202eName" in out
    # Every read shows it written out: the record page, exports and print (snapshot_for).
    with open_store(paths, backup_on_open=False) as store:
        assert store.get_patient(1).name == "Evil\\u001b[2J\\u202eName"
        assert store.list_patients()[0].name == "Evil\\u001b[2J\\u202eName"
        exported = store.export_bundle(1, log=False)
        assert exported.patient.name == "Evil\\u001b[2J\\u202eName"


@pytest.mark.parametrize("passphrase", ["", " ", "\t "])
def test_an_empty_or_blank_passphrase_is_refused_on_open(tmp_path: Path, passphrase: str) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    with pytest.raises(StoreError, match="not a passphrase"):
        open_store(paths, passphrase)
    assert not (paths.data / DB_NAME).exists() or (paths.data / DB_NAME).stat().st_size == 0
    open_store(paths).close()  # nothing was half-created: it opens plain
    with pytest.raises(StoreError, match="not a passphrase"):
        open_store(paths, passphrase)


def test_deleting_the_lock_file_does_not_let_a_second_writer_in(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    with open_store(paths):
        (paths.data / LOCK_NAME).unlink()
        with pytest.raises(StoreLockedError):
            open_store(paths)
    open_store(paths).close()  # released on close


def test_future_dates_are_refused(tmp_path: Path) -> None:
    """Issue 17 item 10: future visit, birth and therapy dates were accepted."""
    import datetime as dt

    from storetest_helpers import snap

    from myeloma_desk.store.models import PatientBundle

    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    with open_store(AppPaths.resolve(tmp_path / "home")) as store:
        pid = store.create_patient(PatientFields(name="TEST Today, Ada", birth_date=today)).id
        store.save_visit(pid, today, snap())
        with pytest.raises(ValueError, match="is after today"):
            store.save_visit(pid, tomorrow, snap())
        with pytest.raises(ValidationError, match=r"birth date .* is after today"):
            PatientFields(name="TEST Later, Ada", birth_date=tomorrow)
        bundle = {
            "patient": {"name": "TEST Import, Ada"},
            "visits": [{"date": "x", "snapshot": {}}],
        }
        for key, value in (
            ("visits", [{"date": tomorrow.isoformat(), "snapshot": {}}]),
            ("therapy_lines", [{"regimen": "VRd", "start": tomorrow.isoformat()}]),
        ):
            with pytest.raises(ValidationError, match="is after today"):
                PatientBundle.model_validate(
                    {**bundle, key: value, **({} if key == "visits" else {"visits": []})}
                )
        assert store.visit_dates(pid) == [today]
