"""Tampering with the file directly is reported by ``verify`` (issue 17 item 9).

Each case edits a closed store with plain sqlite3, as someone with the file would, then checks
that ``store.verify_audit()`` and ``myeloma-desk patients verify`` (exit 1) name what happened.

On the clinic server (issue 19) the same promises, against the most powerful outsider there
is: the database superuser with ``psql``. A plain edit of a patient or audit row is refused
(the guards of migration 6 and the append-only triggers bind superusers too); an edit made by
switching triggers off is reported by ``verify`` when it leaves a trace the chain or the
guards can see; a clinician's role cannot change the audit log at all (grants).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import contents

from myeloma_desk.cli import main
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import open_store
from myeloma_desk.store.audit import ANCHOR_NAME
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.store.demo import demo_bundles


def make(home: Path) -> AppPaths:
    paths = AppPaths.resolve(home)
    with open_store(paths) as store:
        for bundle in demo_bundles()[:3]:
            store.import_bundle(bundle, source="test")
        store.backup()
        for n in range(1, 4):
            store.view_patient(n)
    return paths


def edit(paths: AppPaths, *sql: str) -> None:
    connection = sqlite3.connect(paths.data / DB_NAME, isolation_level=None)
    try:
        for statement in sql:
            connection.execute(statement)
    finally:
        connection.close()


DROP = ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")
RECREATE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
)


def emptied(paths: AppPaths) -> None:
    edit(paths, *DROP, "DELETE FROM audit_log", *RECREATE)


def tail_cut(paths: AppPaths) -> None:
    edit(paths, *DROP, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 2 FROM audit_log)")
    edit(paths, *RECREATE)


def cut_and_anchor_removed(paths: AppPaths) -> None:
    (paths.data / ANCHOR_NAME).unlink()
    edit(paths, *DROP, "DELETE FROM audit_log WHERE seq > 2", *RECREATE)


def triggers_dropped(paths: AppPaths) -> None:
    edit(paths, *DROP)


UNGUARD = tuple(
    f"DROP TRIGGER {table}_written_by_app_{op}"
    for table in ("patients", "visits")
    for op in ("update", "delete")
)


def patient_deleted(paths: AppPaths) -> None:
    edit(
        paths,
        *UNGUARD,
        "DELETE FROM visits WHERE patient_id = 2",
        "DELETE FROM patients WHERE id = 2",
    )


def name_edited(paths: AppPaths) -> None:
    edit(paths, "DROP TRIGGER patients_written_by_app_update", "UPDATE patients SET name = 'X'")


def visit_edited(paths: AppPaths) -> None:
    edit(
        paths,
        "DROP TRIGGER visits_written_by_app_update",
        "UPDATE visits SET snapshot_json = replace(snapshot_json, '\"value\":', '\"value\":1')",
    )


def row_edited(paths: AppPaths) -> None:
    edit(paths, *DROP, "UPDATE audit_log SET action = 'view' WHERE seq = 1", *RECREATE)


CASES: dict[str, tuple[Callable[[AppPaths], None], str]] = {
    "emptied log": (emptied, "newest when the store was last closed"),
    "tail cut": (tail_cut, "newest when the store was last closed"),
    "cut, anchor file removed": (cut_and_anchor_removed, "of backup"),
    "triggers dropped": (triggers_dropped, "protection audit_log_no_delete was removed"),
    "patient deleted": (patient_deleted, "was deleted outside the app"),
    "patient deleted, its protection dropped": (
        patient_deleted,
        "protection patients_written_by_app_delete was removed",
    ),
    "name edited": (name_edited, "protection patients_written_by_app_update was removed"),
    "visit edited": (visit_edited, "protection visits_written_by_app_update was removed"),
    "row edited": (row_edited, "does not match its hash"),
}


def test_an_untouched_store_verifies(tmp_path: Path) -> None:
    paths = make(tmp_path / "home")
    assert (paths.data / ANCHOR_NAME).exists()
    with open_store(paths, backup_on_open=False) as store:
        result = store.verify_audit()
    assert result.ok, result.message()
    assert "intact" in result.message()


@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_tampering_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    tamper, words = CASES[case]
    paths = make(tmp_path / "home")
    tamper(paths)
    with open_store(paths, backup_on_open=False) as store:
        result = store.verify_audit()
    assert not result.ok
    assert words in result.message()
    code = main(["--data-dir", str(tmp_path / "home"), "patients", "verify"])
    out = capsys.readouterr().out
    assert code == 1 and words in out


def test_the_anchor_keeps_the_evidence_across_restarts(tmp_path: Path) -> None:
    paths = make(tmp_path / "home")
    emptied(paths)
    for _ in range(2):  # opening and closing again must not bless the emptied log
        open_store(paths, backup_on_open=False).close()
    with open_store(paths, backup_on_open=False) as store:
        assert not store.verify_audit().ok


DIRECT_EDITS = [
    "UPDATE patients SET name = 'Someone, Else' WHERE id = 1",
    "UPDATE patients SET identifier = 'MRN-X' WHERE id = 1",
    "DELETE FROM patients WHERE id = 3",
    "UPDATE visits SET visit_date = '2001-01-01'",
    "DELETE FROM visits",
    "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, updated_at) "
    "VALUES (1, '1999-01-01', '{}', '', '')",
    "UPDATE therapy_lines SET line_json = '{}'",
    "DELETE FROM therapy_lines",
    "DELETE FROM notes",
    "UPDATE notes SET text = 'x'",
    "DELETE FROM assessments",
]


@pytest.mark.parametrize("sql", DIRECT_EDITS)
def test_direct_edits_of_patient_records_are_refused(tmp_path: Path, sql: str) -> None:
    """With any other SQLite tool, patient records cannot be changed without first dropping
    a trigger (which verify reports, above)."""
    paths = make(tmp_path / "home")
    before = (paths.data / DB_NAME).read_bytes()
    with pytest.raises(sqlite3.OperationalError, match="myeloma_desk_writer"):
        edit(paths, sql)
    assert (paths.data / DB_NAME).read_bytes() == before
    with open_store(paths, backup_on_open=False) as store:
        assert store.verify_audit().ok


def test_the_protection_is_installed_once_and_logged(tmp_path: Path) -> None:
    paths = make(tmp_path / "home")
    for _ in range(2):
        open_store(paths, backup_on_open=False).close()
    with open_store(paths, backup_on_open=False) as store:
        events = [
            e for e in store.audit_events(limit=1000) if e.detail.get("what") == "record protection"
        ]
        assert len(events) == 1
        assert store.verify_audit().ok


def test_tampering_in_the_stores_first_session_is_reported(tmp_path: Path) -> None:
    """A new store's first patient logs the record protection in its own transaction: a
    trigger dropped (and a name edited) while that first session is still open is reported
    by verify afterwards. (The event used to wait for the session's close, and was then not
    logged because a trigger was missing, so verify had nothing to compare with.)"""
    paths = AppPaths.resolve(tmp_path / "home")
    with open_store(paths, backup_on_open=False) as store:
        assert store.audit_events(limit=10) == []  # empty: a store can still be moved into it
        store.import_bundle(demo_bundles()[0], source="test")
        protection = [
            e for e in store.audit_events(limit=100) if e.detail.get("what") == "record protection"
        ]
        assert len(protection) == 1
        name_edited(paths)  # another program, while the app has the store open
    with open_store(paths, backup_on_open=False) as store:
        report = store.verify_audit()
        assert not report.ok
        assert "protection patients_written_by_app_update was removed" in report.message()


# --- the clinic server: the superuser behind the app's back ------------------------------------


@pytest.fixture
def server(server_site: Any, tmp_path: Path) -> Any:
    """A clinic database with three demo patients, each viewed once (as ``make`` above), and
    one stored assessment."""
    from myeloma_desk.domain.engine import assess
    from myeloma_desk.store import Store

    server_site.paths = AppPaths.resolve(tmp_path / "ws").ensure()  # the workstation's folder
    with Store.open_server(server_site.target("cleo"), server_site.paths) as store:
        for bundle in demo_bundles()[:3]:
            store.import_bundle(bundle, source="test")
        for n in range(1, 4):
            store.view_patient(n)
        day = store.visit_dates(1)[0]  # a stored assessment, for the edits of assessments
        store.save_assessment(1, day, assess(store.snapshot_for(1, day), evidence_version="t"))
    server_site.argv = ["--data-dir", str(tmp_path / "ws"), "--store", server_site.target("cleo")]
    return server_site


def superuser_edit(site: Any, *sql: str, replica: bool = False) -> None:
    """``psql`` as the database superuser; ``replica`` switches every ordinary trigger off
    for the session (``session_replication_role``), the superuser's way past them."""
    connection: Any = site.cluster.superuser(site.dbname)
    with contextlib.closing(connection), connection.transaction():
        if replica:
            connection.execute("SET LOCAL session_replication_role = replica")
        for statement in sql:
            connection.execute(statement)


def _verify(site: Any) -> Any:
    from myeloma_desk.store import Store

    with Store.open_server(site.target("cleo"), site.paths) as store:
        return store.verify_audit()


SERVER_CASES: dict[str, tuple[tuple[str, ...], bool, str]] = {
    # name: (statements, with triggers off, what verify says)
    "audit row edited": (
        (
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
            "UPDATE audit_log SET action = 'view' WHERE seq = 1",
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update",
        ),
        False,
        "does not match its hash",
    ),
    "audit row edited, triggers off": (
        ("UPDATE audit_log SET detail = '{}' WHERE seq = 2",),
        True,
        "does not match its hash",
    ),
    "audit row removed mid-chain": (
        ("DELETE FROM audit_log WHERE seq = 3",),
        True,
        "event 3 is missing",
    ),
    "name edited with a forged event": (
        (
            "UPDATE patients SET name = 'Quiet, Change' WHERE id = 1",
            "INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash) "
            "SELECT max(seq) + 1, 'now', 'change', '{}', 'forged', 'forged' FROM audit_log",
        ),
        False,
        "previous-hash does not match",
    ),
    "patient deleted": (
        (
            *(
                f"DELETE FROM {table} WHERE patient_id = 2"
                for table in ("notes", "visits", "therapy_lines", "patient_terms", "assessments")
            ),
            "DELETE FROM patients WHERE id = 2",
        ),
        True,
        "was deleted outside the app",
    ),
    "tail cut": (
        ("DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 2 FROM audit_log)",),
        True,
        "the newest when this workstation last closed the clinic database",
    ),
    "emptied log": (
        ("DELETE FROM audit_log",),
        True,
        "the newest when this workstation last closed the clinic database",
    ),
    "append-only trigger dropped": (
        ("DROP TRIGGER audit_log_no_delete ON audit_log",),
        False,
        "protection audit_log_no_delete was removed",
    ),
    "guard disabled, visit edited": (
        (
            "ALTER TABLE visits DISABLE TRIGGER visits_audited",
            "UPDATE visits SET snapshot_json = replace(snapshot_json, '\"value\":', '\"value\":1')",
        ),
        False,
        "protection visits_audited was disabled",
    ),
}


@pytest.mark.parametrize("case", list(SERVER_CASES))
def test_each_kind_of_superuser_tampering_is_reported(
    server: Any, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    assert _verify(server).ok
    statements, replica, words = SERVER_CASES[case]
    superuser_edit(server, *statements, replica=replica)
    report = _verify(server)
    assert not report.ok and words in report.message()
    code = main([*server.argv, "patients", "verify"])
    out = capsys.readouterr().out
    assert code == 1 and words in out


# The local file's direct edits, less three that PostgreSQL refuses for other reasons (foreign
# keys, a unique date) in a form it lets reach the guards, plus the audit log's own.
OTHERWISE_REFUSED = (
    "DELETE FROM patients WHERE id = 3",
    "UPDATE visits SET visit_date = '2001-01-01'",
    "DELETE FROM visits",  # the stored assessment's visit: a foreign key
)
SUPERUSER_EDITS = [
    *(sql for sql in DIRECT_EDITS if sql not in OTHERWISE_REFUSED),
    "UPDATE patients SET birth_date = NULL WHERE id = 3",
    "UPDATE visits SET visit_date = '2001-01-01' WHERE id = (SELECT min(id) FROM visits)",
    "DELETE FROM visits WHERE patient_id = 2",
    "DELETE FROM patient_terms",
    "UPDATE audit_log SET action = 'view' WHERE seq = 1",
    "DELETE FROM audit_log WHERE seq > 2",
    "TRUNCATE audit_log",
    "TRUNCATE visits, assessments",
]


def _contents(site: Any) -> tuple[Any, ...]:
    from myeloma_desk.store import Store

    with Store.open_server(site.target("cleo")) as store:
        return contents(store)


def test_the_workstations_anchor_keeps_the_evidence_across_restarts(server: Any) -> None:
    """The server twin of the local anchor file: the head as this workstation last saw it is
    kept outside the database; reopening and closing a cut log does not bless it."""
    from myeloma_desk.store import Store

    superuser_edit(server, "DELETE FROM audit_log WHERE seq > 5", replica=True)
    for _ in range(2):
        Store.open_server(server.target("cleo"), server.paths).close()
    report = _verify(server)
    assert not report.ok and "last closed the clinic database" in report.message()
    # Another workstation, which never saw the longer log, has nothing to compare with.
    other = AppPaths.resolve(server.paths.data.parent.parent / "other").ensure()
    with Store.open_server(server.target("cleo"), other) as store:
        assert store.verify_audit().ok


@pytest.mark.parametrize("sql", SUPERUSER_EDITS)
def test_plain_edits_by_the_superuser_are_refused(server: Any, sql: str) -> None:
    """Without first switching a trigger off (which verify reports, above), not even the
    superuser changes a patient record or the audit log."""
    psycopg = pytest.importorskip("psycopg")
    before = _contents(server)
    with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.RaiseException)):
        superuser_edit(server, sql)
    assert _contents(server) == before and _verify(server).ok


CLINICIAN_EDITS = [
    "UPDATE audit_log SET action = 'view' WHERE seq = 1",
    "UPDATE audit_log SET actor = 'someone' WHERE seq = 1",
    "DELETE FROM audit_log WHERE seq > 1",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
    "DROP TRIGGER audit_log_no_delete ON audit_log",
    "ALTER TABLE visits DISABLE TRIGGER visits_audited",
    "SET session_replication_role = replica",
    "DROP TABLE audit_log",
]


@pytest.mark.parametrize("sql", CLINICIAN_EDITS)
def test_a_clinician_cannot_touch_the_audit_log_or_its_protection(server: Any, sql: str) -> None:
    """With a clinician's password and ``psql``, the audit log cannot be edited, emptied or
    unprotected at all: the server's grants refuse it before any trigger is needed."""
    psycopg = pytest.importorskip("psycopg")
    before = _contents(server)
    with (
        psycopg.connect(server.target("cleo"), autocommit=True) as psql,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        psql.execute(sql)
    assert _contents(server) == before and _verify(server).ok


def test_an_untouched_server_store_verifies(
    server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _verify(server)
    assert report.ok, report.message()
    assert main([*server.argv, "patients", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
