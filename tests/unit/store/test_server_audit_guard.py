"""Server-side audit (migration 6): on the clinic server, a patient record changed directly
(``psql`` with a clinician's password, say) without an audit event in the same transaction is
refused by the server; ``verify`` reports a guard that was dropped or disabled. Real roles on
the throwaway cluster (tests/pg_cluster.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pytest
from storetest_helpers import D, open_as, snap

from myeloma_desk.store import PatientFields, Store
from myeloma_desk.store.migrations.v0006_server_audit_guard import GUARD_TRIGGERS, GUARDED

psycopg = pytest.importorskip("psycopg")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _psql(server_site: Any, user: str) -> Any:
    """A plain connection, as psql would make one (not through Myeloma Desk)."""
    return psycopg.connect(server_site.target(user), autocommit=True)


@pytest.fixture
def patient(server_site: Any, opened: list[Store]) -> tuple[Store, int]:
    cleo = open_as(server_site, "cleo", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
    cleo.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")))
    cleo.add_note(pid, "first note")
    return cleo, pid


DIRECT_EDITS = [
    "UPDATE patients SET name = 'Changed, Quietly' WHERE id = {pid}",
    "UPDATE patients SET notes = 'x', version = version + 1 WHERE id = {pid}",
    "INSERT INTO patients (uid, name, created_at, updated_at) VALUES ('u1', 'New, Quiet', "
    "'2024-01-01', '2024-01-01')",
    "UPDATE visits SET snapshot_json = '{{}}' WHERE patient_id = {pid}",
    "INSERT INTO notes (patient_id, written_at, text) VALUES ({pid}, '2024-01-01', 'psql')",
    "UPDATE notes SET text = 'rewritten' WHERE patient_id = {pid}",
    "DELETE FROM patient_terms WHERE patient_id = {pid}",
]


@pytest.mark.parametrize("statement", DIRECT_EDITS)
def test_a_direct_edit_without_an_audit_event_is_refused(
    server_site: Any, patient: tuple[Store, int], statement: str
) -> None:
    cleo, pid = patient
    before = cleo.database.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with (
        _psql(server_site, "cleo") as conn,
        pytest.raises(
            psycopg.errors.InsufficientPrivilege, match="change only through Myeloma Desk"
        ) as refused,
    ):
        conn.execute(statement.format(pid=pid))
    assert "by cleo refused" in str(refused.value)
    stored = cleo.get_patient(pid)
    assert (stored.name, stored.notes, stored.version) == ("Berg, Ann", "", 1)
    assert [n.text for n in cleo.notes(pid)] == ["first note"]
    assert cleo.count_patients() == 1
    assert cleo.search("berg") and cleo.visits(pid)[0].snapshot.serum_m_protein is not None
    after = cleo.database.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert after == before and cleo.verify_audit().ok


def test_a_direct_edit_in_a_transaction_is_refused_at_commit(
    server_site: Any, patient: tuple[Store, int]
) -> None:
    cleo, pid = patient
    with _psql(server_site, "cleo") as conn:
        conn.autocommit = False
        conn.execute("UPDATE patients SET name = 'Changed, Quietly' WHERE id = %s", (pid,))
        conn.execute("UPDATE notes SET text = 'rewritten' WHERE patient_id = %s", (pid,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.commit()
    assert cleo.get_patient(pid).name == "Berg, Ann"


def test_the_audit_transaction_column_cannot_be_forged(
    server_site: Any, patient: tuple[Store, int]
) -> None:
    cleo, _pid = patient
    with _psql(server_site, "cleo") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash, xact) "
            "VALUES (999, 'x', 'view', '{}', 'x', 'x', pg_current_xact_id())"
        )
    assert cleo.verify_audit().ok


def test_a_direct_edit_that_writes_its_own_audit_event_is_recorded(
    server_site: Any, patient: tuple[Store, int]
) -> None:
    """Someone who appends an audit event with the edit gets through, but the event names
    their login role and, not continuing the hash chain, is reported by verify."""
    cleo, pid = patient
    with _psql(server_site, "cato") as conn:
        conn.autocommit = False
        conn.execute("UPDATE patients SET name = 'Changed, Openly' WHERE id = %s", (pid,))
        conn.execute(
            "INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash) "
            "SELECT max(seq) + 1, 'now', 'change', '{}', 'forged', 'forged' FROM audit_log"
        )
        conn.commit()
    assert cleo.get_patient(pid).name == "Changed, Openly"
    row = cleo.database.execute("SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert row[0] == "cato"
    assert not cleo.verify_audit().ok


def test_the_apps_own_writes_and_the_list_summary_pass(
    server_site: Any, opened: list[Store], patient: tuple[Store, int]
) -> None:
    """Every write path of the app carries its audit event (the repository tests run on the
    server too); the patient list's derived course summary is the one unaudited change."""
    from myeloma_desk.course import build_course
    from myeloma_desk.course.summary import course_summary
    from myeloma_desk.store.patient_index import PatientIndex

    cleo, pid = patient
    cleo.update_patient(pid, cleo.get_patient(pid).fields().model_copy(update={"notes": "n"}))
    cleo.archive_patient(pid, True)
    cleo.set_therapy_lines(pid, [])
    index = PatientIndex(get=lambda: cleo.database)
    stamp = index.stamp(pid)
    assert stamp is not None
    summary = course_summary(build_course(cleo.get_patient(pid), cleo.visits(pid), []))
    assert index.record_course(pid, summary, stamp)
    assert index.get(pid) is not None and index.get(pid).course == summary
    assert cleo.verify_audit().ok


@pytest.mark.parametrize(
    "how", ["DROP TRIGGER {t} ON {table}", "ALTER TABLE {table} DISABLE TRIGGER {t}"]
)
def test_verify_reports_a_guard_dropped_or_disabled(
    server_site: Any, opened: list[Store], how: str
) -> None:
    ada = open_as(server_site, "ada", opened)
    assert ada.verify_audit().ok
    assert len(GUARD_TRIGGERS) == 2 * len(GUARDED)
    ada.connection.execute("SET ROLE myeloma_admin")
    ada.connection.execute(how.format(t="visits_audited", table="visits"))
    ada.connection.execute("RESET ROLE")
    report = ada.verify_audit()
    word = "removed" if how.startswith("DROP") else "disabled"
    assert not report.ok and f"visits_audited was {word}" in report.message()


def test_verify_checks_exactly_the_guards_migration_6_creates(
    server_site: Any, opened: list[Store]
) -> None:
    """store/server.py keeps its own list of the guards ``verify`` checks (run time does not
    import from a frozen migration): it is the migration's list and what the server holds."""
    from myeloma_desk.store import server

    ada = open_as(server_site, "ada", opened)
    rows = ada.connection.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
        "AND (tgname LIKE '%\\_audited' OR tgname LIKE '%\\_no\\_truncate')"
    ).fetchall()
    created = {str(row[0]) for row in rows} - set(server.PG_TRIGGERS)
    assert server.GUARD_TRIGGERS == GUARD_TRIGGERS
    assert server.GUARDED_TABLES == GUARDED
    assert set(server.GUARD_TRIGGERS) == created and len(created) == 2 * len(GUARDED)


def test_nobody_empties_a_patient_table(server_site: Any, opened: list[Store]) -> None:
    ada = open_as(server_site, "ada", opened)
    ada.create_patient(PatientFields(name="Berg, Ann"))
    with pytest.raises(psycopg.errors.RaiseException, match="never emptied"):
        ada.connection.execute("SET ROLE myeloma_admin; TRUNCATE notes")
    ada.connection.execute("RESET ROLE")
    assert ada.count_patients() == 1


def test_a_site_at_version_5_is_upgraded_with_its_records_and_chain(
    postgres_cluster: Any, opened: list[Store]
) -> None:
    """An existing clinic database (schema 5, records and an audit chain) gets the guards
    when its administrator first opens it with this version; nothing is lost."""
    from myeloma_desk.store import server
    from myeloma_desk.store.migrations import LATEST, migrate, schema_version
    from myeloma_desk.store.server import PostgresDatabase, ServerFiles

    name = "myeloma_v5_" + secrets.token_hex(3)
    postgres_cluster.setup_site(name)
    try:
        target = postgres_cluster.target("ada", name)
        database = PostgresDatabase(server.connect(target), name, target)
        with database.transaction():
            database.execute("SET LOCAL ROLE myeloma_admin")
            assert migrate(database, target=5) == [1, 2, 3, 4, 5]
            server.grant_site_roles(database)
        old = Store(ServerFiles(database, None, _utc_now), database)  # as version 5 wrote
        opened.append(old)
        pid = old.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
        old.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")))
        assert schema_version(database) == 5
        old.close()

        ada = Store.open_server(target)
        opened.append(ada)
        assert ada.schema_version() == LATEST
        assert ada.get_visit(pid, D(2024, 6, 10)).version == 1
        report = ada.verify_audit()
        assert report.ok, report.message()
        cleo = Store.open_server(postgres_cluster.target("cleo", name))
        opened.append(cleo)
        cleo.save_visit(pid, D(2024, 7, 1), snap(serum_m_protein=(2.0, "g/dL")))
        direct = psycopg.connect(postgres_cluster.target("cleo", name), autocommit=True)
        with direct, pytest.raises(psycopg.errors.InsufficientPrivilege):
            direct.execute("UPDATE patients SET name = 'Quiet, Change'")
        assert cleo.verify_audit().ok and cleo.get_patient(pid).name == "Berg, Ann"
    finally:
        for store in opened:
            store.close()
        postgres_cluster.drop(name)
