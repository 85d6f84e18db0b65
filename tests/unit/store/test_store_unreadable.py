"""Issue 17, item 7 (last part): invalid UTF-8 in a stored name, or a visit whose JSON cannot be
read, crashed list, export and report while `verify` called the store ok. Now the list shows a
placeholder (U+FFFD), reading the visit gives one message naming it, every command exits with
one line (never a traceback), and `verify` names each damaged record and exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from storetest_helpers import D, snap

from myeloma_desk.cli import main
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import DamagedRecordError, open_store
from myeloma_desk.store.models import PatientFields


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(home), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    with open_store(AppPaths.resolve(folder)) as store:
        pid = store.create_patient(PatientFields(name="TEST Bytes, Ada", identifier="U-1")).id
        store.save_visit(pid, D(2024, 1, 2), snap(serum_m_protein=(2.0, "g/dL")))
        store.save_visit(pid, D(2024, 3, 2), snap(serum_m_protein=(1.0, "g/dL")))
    return folder


def _damage(home: Path, sql: str) -> None:
    """Write bytes the app never writes (as a damaged file or an outside edit would)."""
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        store.connection.execute(sql)


def test_an_untouched_store_has_no_unreadable_record(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, home, "patients", "verify")
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
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, payload: str
) -> None:
    _damage(home, f"UPDATE visits SET snapshot_json = {payload} WHERE visit_date = '2024-03-02'")
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        with pytest.raises(DamagedRecordError) as caught:
            store.visits(1)
        assert "The visit of 2024-03-02 of patient 1 cannot be read" in str(caught.value)
        with pytest.raises(DamagedRecordError):
            store.snapshot_for(1, D(2024, 3, 2))
    code, out, _ = run(capsys, home, "patients", "list")
    assert code == 0 and "TEST Bytes, Ada" in out
    for args in (
        ("patients", "export", "U-1", "--format", "fhir"),
        ("report", "--patient", "U-1", "--visit", "2024-03-02", "-o", str(tmp_path / "r.pdf")),
    ):
        code, _, err = run(capsys, home, *args)
        assert code == 3, args
        assert err.count("\n") == 1 and "cannot be read: the stored record is damaged" in err
    assert not (tmp_path / "r.pdf").exists()
    code, out, _ = run(capsys, home, "patients", "verify")
    assert code == 1 and "patient 1: the visit of 2024-03-02 cannot be read" in out


def test_an_unreadable_therapy_line_is_named(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(
        home,
        "INSERT INTO therapy_lines (patient_id, position, start_date, line_json, created_at, "
        "updated_at) VALUES (1, 1, NULL, '{\"regimen\": 5}', '', '')",
    )
    with (
        open_store(AppPaths.resolve(home), backup_on_open=False) as store,
        pytest.raises(DamagedRecordError, match="Therapy line 1 of patient 1"),
    ):
        store.therapy_lines(1)
    code, out, _ = run(capsys, home, "patients", "verify")
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
