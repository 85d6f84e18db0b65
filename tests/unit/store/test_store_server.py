"""The clinic server store on a real PostgreSQL (throwaway cluster, SCRAM, unix socket).

Roles enforced by the server, the audit actor taken from the login role, optimistic
concurrency with two connections, clear messages when the server is unreachable or an address
carries a password, and moving a store in and out with counts and the audit chain verified.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import D, open_as, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, StaleRecordError, Store, StoreError
from myeloma_desk.store.demo import load_demo
from myeloma_desk.store.move import move_store

psycopg = pytest.importorskip("psycopg")
from myeloma_desk.store.server import ReadOnlyRoleError, ServerUnavailableError  # noqa: E402


@pytest.fixture
def site(server_site: Any) -> Any:
    return server_site


def actors(store: Store) -> list[tuple[str, str | None]]:
    rows = store.connection.execute("SELECT action, actor FROM audit_log ORDER BY seq").fetchall()
    return [(str(a), b) for a, b in rows]


# --- identity and roles -------------------------------------------------------------------------


def test_audit_records_each_clinicians_login_role(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    remy = open_as(site, "remy", opened)
    assert (cleo.user, remy.user) == ("cleo", "remy")
    assert cleo.roles() == {"myeloma_clinician"} and remy.roles() == {"myeloma_reader"}
    pid = cleo.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
    cleo.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")))
    remy.view_patient(pid)
    assert actors(cleo) == [("create", "cleo"), ("create", "cleo"), ("view", "remy")]
    assert remy.verify_audit().ok


def test_reader_reads_but_cannot_write(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    remy = open_as(site, "remy", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann")).id
    assert [p.name for p in remy.search("berg")] == ["Berg, Ann"]
    with pytest.raises(ReadOnlyRoleError, match="may read patient records but not change"):
        remy.save_visit(pid, D(2024, 6, 10), snap())
    with pytest.raises(ReadOnlyRoleError):
        remy.create_patient(PatientFields(name="Other, One"))
    with pytest.raises(ReadOnlyRoleError):
        remy.add_note(pid, "a note")
    assert remy.visit_dates(pid) == [] and remy.count_patients() == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'view'",
        "DELETE FROM audit_log",
        "DELETE FROM patients",
        "DELETE FROM visits",
        "INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash, actor) "
        "VALUES (999, 'x', 'view', '{}', 'x', 'x', 'ada')",
        "CREATE TABLE intruder (id int)",
    ],
)
def test_a_clinician_cannot_rewrite_history_or_forge_the_actor(
    site: Any, opened: list[Store], statement: str
) -> None:
    cleo = open_as(site, "cleo", opened)
    cleo.create_patient(PatientFields(name="Berg, Ann"))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        cleo.connection.execute(statement)


def test_even_the_owner_cannot_change_or_empty_the_audit_log(
    site: Any, opened: list[Store]
) -> None:
    ada = open_as(site, "ada", opened)
    ada.create_patient(PatientFields(name="Berg, Ann"))
    for statement in (
        "UPDATE audit_log SET action = 'view'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            ada.connection.execute(f"SET ROLE myeloma_admin; {statement}")
        ada.connection.execute("RESET ROLE")
    assert ada.verify_audit().ok and ada.verify_audit().checked == 1


def test_a_dropped_protection_is_reported(site: Any, opened: list[Store]) -> None:
    ada = open_as(site, "ada", opened)
    ada.connection.execute("SET ROLE myeloma_admin")
    ada.connection.execute("DROP TRIGGER audit_log_no_delete ON audit_log")
    report = ada.verify_audit()
    assert not report.ok and "audit_log_no_delete was removed" in report.message()


def test_only_an_administrator_creates_the_schema(
    postgres_cluster: Any, opened: list[Store]
) -> None:
    postgres_cluster.setup_site("fresh_site")  # the script is safe to run again
    postgres_cluster.setup_site("fresh_site")
    try:
        with pytest.raises(StoreError, match="an administrator must open it once"):
            Store.open_server(postgres_cluster.target("cleo", "fresh_site"))
        ada = Store.open_server(postgres_cluster.target("ada", "fresh_site"))
        opened.append(ada)
        assert ada.schema_version() >= 4 and ada.is_empty()
        cleo = Store.open_server(postgres_cluster.target("cleo", "fresh_site"))
        opened.append(cleo)
        assert cleo.create_patient(PatientFields(name="Berg, Ann")).id == 1
    finally:
        for store in opened:
            store.close()
        opened.clear()
        postgres_cluster.drop("fresh_site")


# --- optimistic concurrency (two connections) ---------------------------------------------------


def test_a_stale_visit_save_is_refused_with_both_versions(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    cato = open_as(site, "cato", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann")).id
    first = cleo.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")), 0)
    assert first.version == 1
    loaded = cato.get_visit(pid, D(2024, 6, 10))  # both workstations open the visit
    cleo.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(2.5, "g/dL")), first.version)
    mine = snap(serum_m_protein=(2.0, "g/dL"))
    with pytest.raises(StaleRecordError) as caught:
        cato.save_visit(pid, D(2024, 6, 10), mine, loaded.version)
    error = caught.value
    assert (error.expected, error.found, error.by) == (1, 2, "cleo")
    assert error.mine == mine
    assert error.theirs.snapshot.get("serum_m_protein") == 2.5
    assert "changed by cleo" in str(error) and "Nothing was overwritten" in str(error)
    stored = cleo.get_visit(pid, D(2024, 6, 10))
    assert stored.version == 2 and stored.snapshot.get("serum_m_protein") == 2.5
    # Having seen both, the second clinician saves on top of the current version.
    assert cato.save_visit(pid, D(2024, 6, 10), mine, stored.version).version == 3


def test_a_stale_patient_update_is_refused(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    cato = open_as(site, "cato", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann")).id
    seen = cato.get_patient(pid)
    cleo.update_patient(pid, PatientFields(name="Berg, Ann", notes="moved"), seen.version)
    with pytest.raises(StaleRecordError, match="patient record of Berg, Ann"):
        cato.update_patient(pid, PatientFields(name="Berg, Anne"), seen.version)
    assert cleo.get_patient(pid).name == "Berg, Ann" and cleo.get_patient(pid).version == 2


def test_stale_therapy_lines_are_refused(site: Any, opened: list[Store]) -> None:
    from myeloma_desk.domain.snapshot import TherapyLine
    from myeloma_desk.store.errors import ConflictError

    cleo = open_as(site, "cleo", opened)
    cato = open_as(site, "cato", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann")).id
    read = [s.line for s in cleo.therapy_lines(pid)]  # cleo opens the record: no lines
    cato.set_therapy_lines(pid, [TherapyLine(regimen="DRd")], expected=[])
    with pytest.raises(ConflictError, match="changed by cato after you opened them"):
        cleo.set_therapy_lines(pid, [*read, TherapyLine(regimen="VRd")], expected=read)
    assert [s.line.regimen for s in cleo.therapy_lines(pid)] == ["DRd"]
    now = [s.line for s in cleo.therapy_lines(pid)]
    cleo.set_therapy_lines(pid, [*now, TherapyLine(regimen="VRd")], expected=now)
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["DRd", "VRd"]
    assert cleo.verify_audit().ok


def test_two_new_visits_on_the_same_day_at_once_one_wins(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    cato = open_as(site, "cato", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann")).id
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(store: Store, value: float) -> None:
        barrier.wait()
        try:
            store.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(value, "g/dL")), 0)
            outcome[store.user or ""] = "saved"
        except StaleRecordError:
            outcome[store.user or ""] = "stale"

    threads = [threading.Thread(target=save, args=a) for a in ((cleo, 3.0), (cato, 2.0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcome.values()) == ["saved", "stale"]
    assert cleo.visit_dates(pid) == [D(2024, 6, 10)]
    assert cleo.get_visit(pid, D(2024, 6, 10)).version == 1
    assert cleo.verify_audit().ok


# --- reaching the server, and secrets -----------------------------------------------------------


def test_an_unreachable_server_says_so(tmp_path: Path) -> None:
    with pytest.raises(ServerUnavailableError, match="cannot be reached") as caught:
        Store.open_server(f"host={tmp_path} dbname=myeloma user=cleo connect_timeout=2")
    assert "nothing was changed" in str(caught.value)


def test_a_login_without_a_password_in_the_password_file_is_refused(site: Any) -> None:
    target = site.target("cleo").replace("passfile=", "passfile=/nonexistent")
    with pytest.raises(ServerUnavailableError, match="password"):
        Store.open_server(target)


@pytest.mark.parametrize(
    "target",
    ["postgresql://cleo:s3cret-pw@db.clinic/myeloma", "host=db user=cleo password=s3cret-pw"],
)
def test_a_password_in_the_address_is_refused_and_not_repeated(target: str) -> None:
    with pytest.raises(StoreError, match="password file") as caught:
        Store.open_server(target)
    assert "s3cret-pw" not in str(caught.value)


# --- moving a store in and out ------------------------------------------------------------------


def test_move_local_to_server_and_back(site: Any, tmp_path: Path, opened: list[Store]) -> None:
    local = Store.open(AppPaths.resolve(tmp_path / "a"))
    opened.append(local)
    load_demo(local)
    pid = local.list_patients()[0].id
    ada = open_as(site, "ada", opened)
    report = move_store(local, ada, "the local store", "the clinic server")
    assert report.counts["patients"] == local.count_patients(include_archived=True) > 0
    assert report.counts["visits"] > 0 and report.chain.ok
    assert report.counts["audit_log"] == local.audit_events()[1].seq  # before the export event
    # Same records, same chain, continued by one import event on the server.
    assert ada.snapshot_for(pid, local.visit_dates(pid)[-1]) == local.snapshot_for(
        pid, local.visit_dates(pid)[-1]
    )
    assert ada.audit_events(limit=1)[0].action == "import"
    assert local.audit_events(limit=1)[0].action == "export" and local.verify_audit().ok
    # New rows on the server continue after the copied ids.
    cleo = open_as(site, "cleo", opened)
    new = cleo.create_patient(PatientFields(name="Zeta, New"))
    assert new.id > max(p.id for p in local.list_patients(include_archived=True))
    back = Store.open(AppPaths.resolve(tmp_path / "b"), allow_new=True)
    opened.append(back)
    again = move_store(ada, back, "the clinic server", "the local store")
    assert again.counts["patients"] == report.counts["patients"] + 1 and again.chain.ok
    assert back.verify_audit().ok
    assert [p.name for p in back.search("zeta")] == ["Zeta, New"]


def test_move_refuses_a_target_that_is_not_empty(
    site: Any, tmp_path: Path, opened: list[Store]
) -> None:
    local = Store.open(AppPaths.resolve(tmp_path / "a"))
    opened.append(local)
    load_demo(local)
    ada = open_as(site, "ada", opened)
    ada.create_patient(PatientFields(name="Already, Here"))
    with pytest.raises(StoreError, match="not empty"):
        move_store(local, ada, "local", "server")
    assert ada.count_patients() == 1


def test_move_needs_an_administrator(site: Any, tmp_path: Path, opened: list[Store]) -> None:
    local = Store.open(AppPaths.resolve(tmp_path / "a"))
    opened.append(local)
    load_demo(local)
    cleo = open_as(site, "cleo", opened)
    with pytest.raises(StoreError, match="needs an administrator role; cleo"):
        move_store(local, cleo, "local", "server")
    assert cleo.is_empty()


def test_server_store_maintenance_is_the_servers(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    for action in (
        cleo.backup,
        lambda: cleo.change_passphrase("x y z"),
        lambda: cleo.restore(Path("x")),
    ):
        with pytest.raises(StoreError, match="pg_dump"):
            action()
    assert cleo.backups() == [] and cleo.integrity_check() is None


def test_dates_are_kept_exactly(site: Any, opened: list[Store]) -> None:
    cleo = open_as(site, "cleo", opened)
    pid = cleo.create_patient(PatientFields(name="Berg, Ann", birth_date=dt.date(1950, 3, 4))).id
    assert cleo.get_patient(pid).birth_date == dt.date(1950, 3, 4)


# --- the command line on the server -------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    from myeloma_desk.cli import main

    code = main(["--data-dir", str(home), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_moves_a_store_and_works_on_the_server(
    site: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    assert cli(capsys, home, "demo")[0] == 0
    code, out, err = cli(capsys, home, "patients", "move", "to-server", site.target("ada"))
    assert code == 0, err
    assert "copied 9 patients" in out and "every count verified" in out and "intact" in out
    server = site.target("cleo")
    code, out, _ = cli(capsys, home, "--store", server, "patients", "list", "--search", "nadia")
    assert code == 0 and "DEMO Ivanova, Nadia" in out and "1 patient(s)" in out
    code, out, _ = cli(capsys, home, "--store", server, "patients", "verify")
    assert code == 0 and "audit log intact" in out
    code, out, _ = cli(capsys, home, "--store", server, "patients", "audit", "--limit", "1")
    assert code == 0 and "import" in out and out.rstrip().endswith("by ada")
    code, _, err = cli(capsys, home, "--store", server, "patients", "backup")
    assert code == 3 and "pg_dump" in err
    # Back into an empty local store elsewhere.
    code, out, err = cli(
        capsys, tmp_path / "b", "patients", "move", "from-server", site.target("ada")
    )
    assert code == 0, err
    assert "copied 9 patients" in out
    code, out, _ = cli(capsys, tmp_path / "b", "patients", "verify")
    assert code == 0 and "audit log intact" in out


def test_cli_messages_for_a_bad_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    code, _, err = cli(
        capsys, home, "--store", f"host={tmp_path} dbname=x user=y", "patients", "list"
    )
    assert code == 3 and "cannot be reached" in err and "Traceback" not in err
    code, _, err = cli(capsys, home, "--store", "postgresql://u:pw-123@h/db", "patients", "list")
    assert code == 3 and "password file" in err and "pw-123" not in err
    code, _, err = cli(capsys, home, "patients", "move", "to-server", "postgresql://u:pw-123@h/d")
    assert code == 2 and "pw-123" not in err


# --- TLS with sslmode=verify-full (loopback port of the test cluster) ---------------------------


def test_tls_verify_full_connects_and_is_encrypted(site: Any, opened: list[Store]) -> None:
    store = Store.open_server(site.cluster.tls_target("cleo", site.dbname))
    opened.append(store)
    row = store.connection.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    assert row.fetchone()[0] is True
    assert store.count_patients() == 0


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"rootcert": "other-ca.crt"}, "certificate verify failed"),
        ({"host": "127.0.0.1"}, "does not match host name"),
        ({"sslmode": "disable"}, "no encryption"),
    ],
)
def test_tls_refuses_a_wrong_server_or_no_encryption(
    site: Any, options: dict[str, str], problem: str
) -> None:
    target = site.cluster.tls_target("cleo", site.dbname, **options)
    with pytest.raises(ServerUnavailableError, match=problem):
        Store.open_server(target)
