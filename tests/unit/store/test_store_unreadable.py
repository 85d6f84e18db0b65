"""Issue 17, item 7 (last part): invalid UTF-8 in a stored name, or a visit whose JSON cannot be
read, crashed list, export and report while `verify` called the store ok. Now the list shows a
placeholder (U+FFFD), reading the visit gives one message naming it, every command exits with
one line (never a traceback), and `verify` names each damaged record and exits 1.

The visit and therapy-line cases run on both backends: on the clinic server the damage is an
edit by the database superuser with the triggers switched off (``session_replication_role``),
the one way past the server's guards. PostgreSQL refuses invalid UTF-8 outright, so the
placeholder cases are the local file's only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import D, snap

from myeloma_desk.cli import main
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import DamagedRecordError, Store, open_store
from myeloma_desk.store.models import PatientFields


@dataclass
class Backend:
    """One store to damage: the CLI's global options, how to open it, how to edit it."""

    argv: list[str]
    open: Callable[[], Store]
    damage: Callable[[str], None]


def run(
    capsys: pytest.CaptureFixture[str], home: Path | Backend, *args: str
) -> tuple[int, str, str]:
    argv = home.argv if isinstance(home, Backend) else ["--data-dir", str(home)]
    code = main([*argv, *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def _fill(store: Store) -> None:
    pid = store.create_patient(PatientFields(name="TEST Bytes, Ada", identifier="U-1")).id
    assert pid == 1
    store.save_visit(pid, D(2024, 1, 2), snap(serum_m_protein=(2.0, "g/dL")))
    store.save_visit(pid, D(2024, 3, 2), snap(serum_m_protein=(1.0, "g/dL")))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    with open_store(AppPaths.resolve(folder)) as store:
        _fill(store)
    return folder


def _damage(home: Path, sql: str) -> None:
    """Write bytes the app never writes (as a damaged file or an outside edit would)."""
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        store.connection.execute(sql)


@pytest.fixture(params=["local", "server"])
def backend(request: pytest.FixtureRequest, home: Path) -> Backend:
    if request.param == "local":
        return Backend(
            ["--data-dir", str(home)],
            lambda: open_store(AppPaths.resolve(home), backup_on_open=False),
            lambda sql: _damage(home, sql),
        )
    site: Any = request.getfixturevalue("server_site")
    target = site.target("cleo")
    with Store.open_server(target) as store:
        _fill(store)

    def damage(sql: str) -> None:
        superuser: Any = site.cluster.superuser(site.dbname)
        with superuser:
            superuser.execute("SET session_replication_role = replica")  # triggers off
            superuser.execute(sql)

    return Backend(
        ["--data-dir", str(home.parent / "workstation"), "--store", target],
        lambda: Store.open_server(target),
        damage,
    )


def test_an_untouched_store_has_no_unreadable_record(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, backend, "patients", "verify")
    assert code == 0 and "records: all readable" in out


def test_invalid_utf8_in_a_name_shows_a_placeholder(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(home, "UPDATE patients SET name = CAST(X'544553542042FF7465' AS TEXT)")
    code, out, _ = run(capsys, home, "patients", "list")
    assert code == 0 and "TEST B\ufffdte" in out
    code, out, _ = run(capsys, home, "patients", "export", "U-1", "--format", "json")
    assert code == 0 and "TEST B\ufffdte" in out
    code, out, _ = run(capsys, home, "patients", "verify")
    assert code == 1
    assert "records: 1 cannot be read as stored (DAMAGED)" in out
    assert "patient 1: the name of patients record 1 is not valid text" in out


@pytest.mark.parametrize(
    "payload", ['\'{"date": "2024-03-02", "serum_m_protein": \'', "'[1, 2]'", "'{\"x\": 1}'"]
)
def test_an_unreadable_visit_gives_one_message(
    backend: Backend, capsys: pytest.CaptureFixture[str], tmp_path: Path, payload: str
) -> None:
    backend.damage(f"UPDATE visits SET snapshot_json = {payload} WHERE visit_date = '2024-03-02'")
    with backend.open() as store:
        with pytest.raises(DamagedRecordError) as caught:
            store.visits(1)
        assert "The visit of 2024-03-02 of patient 1 cannot be read" in str(caught.value)
        with pytest.raises(DamagedRecordError):
            store.snapshot_for(1, D(2024, 3, 2))
    code, out, _ = run(capsys, backend, "patients", "list")
    assert code == 0 and "TEST Bytes, Ada" in out
    for args in (
        ("patients", "export", "U-1", "--format", "fhir"),
        ("report", "--patient", "U-1", "--visit", "2024-03-02", "-o", str(tmp_path / "r.pdf")),
    ):
        code, _, err = run(capsys, backend, *args)
        assert code == 3, args
        assert err.count("\n") == 1 and "cannot be read: the stored record is damaged" in err
    assert not (tmp_path / "r.pdf").exists()
    code, out, _ = run(capsys, backend, "patients", "verify")
    assert code == 1 and "patient 1: the visit of 2024-03-02 cannot be read" in out


def test_an_unreadable_therapy_line_is_named(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    backend.damage(
        "INSERT INTO therapy_lines (patient_id, position, start_date, line_json, created_at, "
        "updated_at) VALUES (1, 1, NULL, '{\"regimen\": 5}', '', '')",
    )
    with (
        backend.open() as store,
        pytest.raises(DamagedRecordError, match="Therapy line 1 of patient 1"),
    ):
        store.therapy_lines(1)
    code, out, _ = run(capsys, backend, "patients", "verify")
    assert code == 1 and "patient 1: therapy line 1 cannot be read" in out


def test_a_healthy_store_keeps_sqlite_fast_text_decoding(home: Path) -> None:
    """The lenient decoding costs ~40% on the full list: only a store that needs it gets it."""
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        store.list_patients()
        store.visits(1)
        assert store.connection.text_factory is str
        store.connection.execute("UPDATE patients SET name = CAST(X'41FF' AS TEXT)")
        rows = store.list_patients()
        assert rows[0].name == "A\ufffd"
        assert store.connection.text_factory is not str  # from now on, for this connection
