"""Faults on the clinic server store (issue 19): the server twins of the local store's fault,
kill and tamper tests (test_store_durability.py, test_store_faults.py, test_store_tamper.py).

Real PostgreSQL throughout (tests/pg_cluster.py). Tests that only disturb their own database
use the session's cluster (``server_site``); the ones that crash the server or fill its disk
start a cluster of their own (``own_cluster``), so no other test's server is touched.

- a client killed (SIGKILL) mid-save, many times: every committed record is there, every
  patient is whole, the audit chain verifies; a killed client's lock does not block others;
- the connection dropped mid-transaction (``pg_terminate_backend``), and during the commit:
  all or nothing, one clear message, and the next save works;
- the server crashed (``pg_ctl stop -m immediate``) mid-session and restarted: a plain message
  while it is down, nothing committed lost, the next save works without reopening the store;
- the server's disk full (a tablespace on a tiny tmpfs): a clear message, nothing lost;
- a bad import on the server writes nothing.

Tampering on the server (the superuser's edits, a clinician's grants) is in
test_store_tamper.py, beside the local file's cases.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pwd
import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import D, assert_reads_as_written, contents, snap

from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.store import PatientFields, Store, StoreError
from myeloma_desk.store.demo import demo_bundles
from myeloma_desk.store.models import PatientBundle

psycopg = pytest.importorskip("psycopg")
from myeloma_desk.store.server import (  # noqa: E402
    CommitUncertainError,
    ServerDiskFullError,
    ServerUnavailableError,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork")


def open_at(target: str, opened: list[Store]) -> Store:
    store = Store.open_server(target)
    opened.append(store)
    return store


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Any]:
    """A cluster of this module's own (set up like the session's): these tests crash it and
    fill its disk, which no other test may see."""
    import pg_cluster

    if pg_cluster.bin_dir() is None:
        pytest.fail("PostgreSQL is not installed: bash dev.sh test installs it (Debian)")
    with pg_cluster.with_site() as cluster:
        yield cluster


@pytest.fixture
def own_site(own_cluster: Any) -> Iterator[tuple[Any, str]]:
    name = own_cluster.clone("myeloma_template")
    try:
        yield own_cluster, name
    finally:
        own_cluster.drop(name)


def whole_bundle(mrn: str) -> PatientBundle:
    """The demo patient with the most records (9 visits, 4 therapy lines, a note) under a new
    identifier: a patient written in one transaction, so it is there whole or not at all."""
    bundle = max(demo_bundles(), key=lambda b: len(b.visits) + len(b.therapy_lines))
    patient = bundle.patient.model_copy(update={"identifier": mrn, "name": f"Whole, {mrn}"})
    return bundle.model_copy(update={"patient": patient})


WHOLE = whole_bundle("X")


def assert_whole(store: Store) -> None:
    """Every patient imported as a whole bundle has all of its records."""
    for row in store.list_patients(include_archived=True):
        if row.name.startswith("Whole, "):
            assert len(store.visits(row.id)) == len(WHOLE.visits), row.name
            assert len(store.therapy_lines(row.id)) == len(WHOLE.therapy_lines), row.name
            assert len(store.notes(row.id)) == len(WHOLE.notes), row.name


def app_backend(
    admin: Any, dbname: str, *, waiting: bool = True, query: str = "", running: Any = None
) -> int:
    """The process id of Myeloma Desk's server backend on ``dbname`` (waiting on a lock, or
    running ``query``), polled for up to 30 s."""
    condition = "wait_event_type = 'Lock'" if waiting else "query ILIKE %s"
    params: tuple[Any, ...] = (dbname,) if waiting else (dbname, f"{query}%")
    for _ in range(600):
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'Myeloma Desk' "
            f"AND datname = %s AND {condition}",
            params,
        ).fetchone()
        if row is not None:
            return int(row[0])
        if running is not None and not running.thread.is_alive():
            raise AssertionError(f"the save ended before it reached the lock: {running.error!r}")
        time.sleep(0.05)
    raise AssertionError("the app's save never reached the lock")


class InBackground:
    """Run one store call in a thread; keep its result or the error it raised."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self.thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self.result = call()
        except BaseException as error:  # handed to the test thread
            self.error = error

    def join(self) -> BaseException | None:
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()
        return self.error


@contextlib.contextmanager
def audit_log_held(admin_conn: Any) -> Iterator[None]:
    """Hold the audit log against appends (reads still pass): every save of the app writes
    its records and then waits at its audit event, in the middle of its transaction."""
    with admin_conn.transaction():
        admin_conn.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        yield


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text and "psycopg" not in text
    return text


# --- a client killed mid-save ------------------------------------------------------------------

KILL_ROUNDS = 40


def _writer(target: str, report_fd: int, seed: int) -> None:
    """Child process: save forever, reporting each record only after its save returned."""
    rnd = random.Random(seed)
    store = Store.open_server(target)
    pid = store.create_patient(PatientFields(name=f"Kill, Round {seed}", identifier=f"K{seed}")).id
    os.write(report_fd, f"P K{seed} {pid}\n".encode())
    for n in range(1, 200):
        choice = rnd.random()
        if choice < 0.25:
            mrn = f"W{seed}-{n}"
            whole = store.import_bundle(whole_bundle(mrn), source="kill test").id
            os.write(report_fd, f"P {mrn} {whole}\n".encode())
        elif choice < 0.85:
            # A date no other write uses, so a reported value is never overwritten later.
            day = D(1900, 1, 1) + dt.timedelta(days=seed * 200 + n)
            value = round(rnd.uniform(0.1, 9.9), 2)
            store.save_visit(pid, day, snap(serum_m_protein=(value, "g/dL")))
            os.write(report_fd, f"V {pid} {day.isoformat()} {value}\n".encode())
        else:
            note = store.add_note(pid, f"note {seed}-{n}")
            os.write(report_fd, f"N {pid} {note.id} note {seed}-{n}\n".encode())


def _kill_round(target: str, seed: int, rnd: random.Random) -> list[str]:
    read_fd, write_fd = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_fd)
        try:
            _writer(target, write_fd, seed)
        finally:
            os._exit(0)
    os.close(write_fd)
    received = b""
    while b"P K" not in received and (chunk := os.read(read_fd, 65536)):
        received += chunk  # open, and its first patient saved: it is saving from now on
    time.sleep(rnd.uniform(0.0, 0.25))
    os.kill(child, signal.SIGKILL)
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    while chunk := os.read(read_fd, 65536):
        received += chunk
    os.close(read_fd)
    return received.decode().splitlines()


def _check_reported(store: Store, lines: list[str]) -> None:
    for line in lines:
        kind, *rest = line.split(maxsplit=3)
        if kind == "P":
            found = store.find_by_identifier(rest[0])
            assert found is not None and found.id == int(rest[1]), line
        elif kind == "V":
            visit = store.get_visit(int(rest[0]), dt.date.fromisoformat(rest[1]))
            assert visit.snapshot.get("serum_m_protein") == float(rest[2]), line
        else:
            texts = {note.id: note.text for note in store.notes(int(rest[0]))}
            assert texts.get(int(rest[1])) == rest[2], line


@posix_only
def test_sigkill_of_a_client_mid_save_loses_no_committed_record(
    server_site: Any, opened: list[Store]
) -> None:
    """40 times a client saving patients (whole bundles), visits and notes in a loop is killed
    at a random moment; the server discards its unfinished transaction. Every reported save is
    there with its value, every patient is whole, and the audit chain verifies."""
    target = server_site.target("cleo")
    rnd = random.Random(20261203)
    reported: list[str] = []
    killed_mid_write = 0
    for seed in range(KILL_ROUNDS):
        lines = _kill_round(target, seed, rnd)
        killed_mid_write += len(lines) > 1
        reported += lines
        if seed % 10 == 9:
            with contextlib.closing(Store.open_server(target)) as store:
                _check_reported(store, reported)
                assert_whole(store)
                assert store.verify_audit().ok
    store = open_at(target, opened)
    _check_reported(store, reported)
    assert_whole(store)
    report = store.verify_audit()
    assert report.ok, report.message()
    # Every patient in the store was created by an audited save (no orphan of a killed one).
    created = {
        e.patient_uid for e in store.audit_events(limit=100_000) if e.action in ("create", "import")
    }
    stored = {row[0] for row in store.database.execute("SELECT uid FROM patients").fetchall()}
    assert created == stored
    # The kills hit clients that were saving (kept loose: a loaded machine saves slower).
    assert killed_mid_write >= KILL_ROUNDS // 4
    assert sum(line.startswith("V") for line in reported) >= 50


@posix_only
def test_a_client_killed_inside_a_save_releases_it_whole(
    server_site: Any, opened: list[Store]
) -> None:
    """A client killed while its save waits in the middle of its transaction (its patient and
    visits written, the audit event not yet): the server drops the transaction, the write
    lock with it, and another workstation saves at once (the server twin of "the lock of a
    killed process does not block")."""
    target = server_site.target("cleo")
    other = open_at(server_site.target("cato"), opened)
    pid = other.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
    before = contents(other)
    with contextlib.closing(server_site.cluster.superuser(server_site.dbname)) as admin:
        holder = server_site.cluster.superuser(server_site.dbname)
        with contextlib.closing(holder), audit_log_held(holder):
            child = os.fork()
            if child == 0:
                try:
                    Store.open_server(target).import_bundle(whole_bundle("KILLED"), source="t")
                finally:
                    os._exit(0)
            app_backend(admin, server_site.dbname)  # the child's save is mid-transaction
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
        started = time.monotonic()
        other.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")))
        assert time.monotonic() - started < 10
    assert other.find_by_identifier("KILLED") is None
    after = contents(other)
    assert after[0] == before[0] and after[1][0] != before[1][0]  # only the new visit
    assert other.verify_audit().ok


# --- the connection dropped mid-transaction ----------------------------------------------------


def _lines() -> list[TherapyLine]:
    return [TherapyLine(regimen="VRd", start=D(2023, 1, 5))]


SAVES: dict[str, Callable[[Store, int], Any]] = {
    "import a patient": lambda s, _p: s.import_bundle(whole_bundle("NEW"), source="test"),
    "new visit": lambda s, p: s.save_visit(p, D(2024, 7, 1), snap(serum_m_protein=(1.0, "g/dL"))),
    "replace a visit": lambda s, p: s.save_visit(
        p, D(2024, 6, 10), snap(serum_m_protein=(9.0, "g/dL"))
    ),
    "patient details": lambda s, p: s.update_patient(
        p, s.get_patient(p).fields().model_copy(update={"name": "Renamed, Ann", "notes": "x"})
    ),
    "therapy lines": lambda s, p: s.set_therapy_lines(p, _lines()),
    "note": lambda s, p: s.add_note(p, "a new note"),
    "archive": lambda s, p: s.archive_patient(p, True),
}


@pytest.fixture
def with_patient(server_site: Any, opened: list[Store]) -> tuple[Store, int]:
    store = open_at(server_site.target("cleo"), opened)
    pid = store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
    store.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")))
    store.add_note(pid, "first note")
    return store, pid


@pytest.mark.parametrize("save", list(SAVES))
def test_a_connection_dropped_mid_save_writes_nothing(
    server_site: Any, with_patient: tuple[Store, int], save: str
) -> None:
    """The app's server backend is terminated (``pg_terminate_backend``) while the save waits
    in the middle of its transaction: nothing of it is written, the user gets one plain
    message, and the same save then works on a new connection."""
    store, pid = with_patient
    before = contents(store)
    with contextlib.closing(server_site.cluster.superuser(server_site.dbname)) as admin:
        holder = server_site.cluster.superuser(server_site.dbname)
        with contextlib.closing(holder), audit_log_held(holder):
            running = InBackground(lambda: SAVES[save](store, pid))
            backend = app_backend(admin, server_site.dbname, running=running)
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
            error = running.join()
    assert isinstance(error, ServerUnavailableError), error
    assert not isinstance(error, CommitUncertainError)
    assert "nothing was changed" in one_line(error)
    assert contents(store) == before
    SAVES[save](store, pid)  # connected again
    assert contents(store) != before
    assert store.verify_audit().ok


def test_a_connection_lost_during_the_commit_says_the_save_is_uncertain(
    server_site: Any, with_patient: tuple[Store, int]
) -> None:
    """Lost while the server commits, the client cannot know whether the save was written:
    the message says so and asks to look, rather than claiming either. (A constraint trigger
    of the test's own that waits at commit time stands in for a slow commit.)"""
    store, pid = with_patient
    before = contents(store)
    with contextlib.closing(server_site.cluster.superuser(server_site.dbname)) as admin:
        admin.execute(
            "CREATE FUNCTION test_wait_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_advisory_xact_lock_shared(77); RETURN NULL; END $$"
        )
        admin.execute(
            "CREATE CONSTRAINT TRIGGER test_wait_at_commit AFTER INSERT ON notes "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_wait_at_commit()"
        )
        admin.execute("SELECT pg_advisory_lock(77)")
        running = InBackground(lambda: store.add_note(pid, "at commit"))
        backend = app_backend(admin, server_site.dbname, waiting=False, query="COMMIT")
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        error = running.join()
        admin.execute("SELECT pg_advisory_unlock(77)")
        admin.execute("DROP TRIGGER test_wait_at_commit ON notes")
    assert isinstance(error, CommitUncertainError), error
    assert "whole or not at all" in one_line(error) and "nothing was changed" not in str(error)
    assert contents(store) == before  # (this time the server had not committed it)
    store.add_note(pid, "at commit")
    assert [n.text for n in store.notes(pid)] == ["first note", "at commit"]
    assert store.verify_audit().ok


# --- the server dies mid-session ---------------------------------------------------------------


def test_the_server_crashing_mid_session_loses_nothing_committed(
    own_site: tuple[Any, str], opened: list[Store]
) -> None:
    """``pg_ctl stop -m immediate`` (every server process killed) while the app is open, once
    while a save is in the middle of its transaction: while the server is down every call
    says so plainly; after the restart (crash recovery) every committed record is there, the
    interrupted save is not, and the same open store saves again without reopening."""
    cluster, dbname = own_site
    store = open_at(cluster.target("cleo", dbname), opened)
    pid = store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
    for month in range(1, 7):
        store.save_visit(pid, D(2024, month, 1), snap(serum_m_protein=(month * 0.5, "g/dL")))
    store.import_bundle(whole_bundle("WHOLE1"), source="test")
    before = contents(store)

    holder = cluster.superuser(dbname)
    with contextlib.closing(cluster.superuser(dbname)) as admin:
        holder.autocommit = False
        holder.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        running = InBackground(lambda: store.import_bundle(whole_bundle("LOST"), source="t"))
        app_backend(admin, dbname)
    cluster.crash()
    with contextlib.suppress(Exception):
        holder.close()
    try:
        error = running.join()
        assert isinstance(error, ServerUnavailableError), error
        assert "cannot be reached" in one_line(error)
        for call in (
            lambda: store.save_visit(pid, D(2024, 8, 1), snap(serum_m_protein=(1.0, "g/dL"))),
            lambda: store.list_patients(),
            lambda: store.verify_audit(),
        ):
            with pytest.raises(ServerUnavailableError) as down:
                call()
            assert "Check the network and that the server is running" in one_line(down.value)
    finally:
        cluster.start_server()
    assert contents(store) == before
    assert store.find_by_identifier("LOST") is None
    store.save_visit(pid, D(2024, 8, 1), snap(serum_m_protein=(1.0, "g/dL")))
    assert store.get_visit(pid, D(2024, 8, 1)).snapshot.get("serum_m_protein") == 1.0
    assert_whole(store)
    assert store.verify_audit().ok


def test_a_server_restarted_while_the_app_is_idle_is_not_an_error(
    own_site: tuple[Any, str], opened: list[Store]
) -> None:
    """The server restarted (a crash, or its nightly maintenance) while the app sat idle: the
    next read and the next save just work; the app connects again by itself."""
    cluster, dbname = own_site
    store = open_at(cluster.target("cleo", dbname), opened)
    pid = store.create_patient(PatientFields(name="Berg, Ann", identifier="MRN1")).id
    for first in ("read", "save"):
        cluster.crash()
        cluster.start_server()
        if first == "read":
            assert store.get_patient(pid).name == "Berg, Ann"
        else:
            store.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(3.0, "g/dL")))
    assert len(store.visits(pid)) == 1 and store.verify_audit().ok


# --- the server's disk is full -----------------------------------------------------------------


@contextlib.contextmanager
def tablespace_on_tiny_tmpfs(cluster: Any, size_kb: int) -> Iterator[tuple[Path, str]]:
    """A tablespace on a tmpfs of ``size_kb`` (root only: mount), in the cluster's own folder
    (which the server's user can reach). Yields the mount and the tablespace's name; drops
    it and unmounts afterwards."""
    if os.geteuid() != 0:
        pytest.skip("a real full disk needs root to mount a tmpfs")
    mount = Path(cluster.base) / f"tmpfs-{os.getpid()}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    name = f"tiny_{os.getpid()}"
    try:
        folder = mount / "tablespace"
        folder.mkdir(mode=0o700)
        if cluster.owner:
            owner = pwd.getpwnam(cluster.owner)
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        with contextlib.closing(cluster.superuser()) as admin:
            admin.execute(f"CREATE TABLESPACE {name} LOCATION '{folder}'")
        yield mount, name
    finally:
        with contextlib.suppress(Exception), contextlib.closing(cluster.superuser()) as admin:
            admin.execute(f"DROP TABLESPACE IF EXISTS {name}")
        subprocess.run(["umount", "-l", str(mount)], check=False)
        with contextlib.suppress(OSError):
            mount.rmdir()


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size) > 0:
                    pass
    finally:
        os.close(fd)


STORED_TABLES = ("patients", "patient_terms", "visits", "therapy_lines", "notes", "audit_log")


def test_a_full_server_disk_loses_no_committed_record(
    own_cluster: Any, opened: list[Store]
) -> None:
    """The patient tables on a 1 MB tmpfs that is then filled up: saves fail with one clear
    message (the server's disk, not "cannot be reached"), nothing committed is lost, the
    chain verifies, and saving works again once there is space."""
    with tablespace_on_tiny_tmpfs(own_cluster, 1024) as (mount, tablespace):
        dbname = own_cluster.clone("myeloma_template")
        try:
            with contextlib.closing(own_cluster.superuser(dbname)) as admin:
                for table in STORED_TABLES:
                    admin.execute(f"ALTER TABLE {table} SET TABLESPACE {tablespace}")
            store = open_at(own_cluster.target("cleo", dbname), opened)
            for bundle in demo_bundles()[:3]:
                store.import_bundle(bundle, source="test")
            fill(mount)
            failures: list[StoreError] = []
            for n in range(200):
                try:
                    store.import_bundle(whole_bundle(f"FULL{n}"), source="test")
                except ServerDiskFullError as error:
                    failures.append(error)
                    if len(failures) >= 3:
                        break
            assert failures, "the disk never filled up"
            message = one_line(failures[0])
            assert "no disk space left" in message and "not written" in message
            assert "pg_tblspc" not in message  # the server's file names are for its log
            assert "No space left on device" in failures[0].problem
            committed = contents(store)
            (mount / "filler").unlink()
            assert contents(store) == committed
            assert_whole(store)
            report = store.verify_audit()
            assert report.ok, report.message()
            store.import_bundle(whole_bundle("AFTER"), source="test")
            assert store.find_by_identifier("AFTER") is not None
            store.close()
        finally:
            own_cluster.drop(dbname)


# --- imports on the server are validated before anything is written ---------------------------


def _bad_bundle_files(tmp_path: Path) -> dict[str, Path]:
    """Whole-patient JSON files that fail validation only deep inside (the last of nine
    visits), or clash with the store (an identifier it already holds)."""
    good = whole_bundle("BAD1").model_dump(mode="json")
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    cases: dict[str, Any] = {
        "a visit after today": {
            **good,
            "visits": [*good["visits"][:-1], {**good["visits"][-1], "date": future}],
        },
        "two visits on one date": {**good, "visits": [*good["visits"], good["visits"][0]]},
        "a therapy line starting after today": {
            **good,
            "therapy_lines": [
                *good["therapy_lines"][:-1],
                {**good["therapy_lines"][-1], "start": future},
            ],
        },
        "an identifier already in the store": whole_bundle("MRN1").model_dump(mode="json"),
    }
    files = {}
    for name, content in cases.items():
        files[name] = tmp_path / f"{name.replace(' ', '-')}.json"
        native = {"format": "myeloma-desk-patient", "version": 1, "bundle": content}
        files[name].write_text(json.dumps(native))
    return files


BAD_BUNDLES = [
    "a visit after today",
    "two visits on one date",
    "a therapy line starting after today",
    "an identifier already in the store",
]


def test_the_good_bundle_file_imports(
    server_site: Any, with_patient: tuple[Store, int], tmp_path: Path
) -> None:
    """The control of the cases below: the same file, unbroken, imports whole."""
    from myeloma_desk.cli import main

    store, _pid = with_patient
    good = tmp_path / "good.json"
    native = {
        "format": "myeloma-desk-patient",
        "version": 1,
        "bundle": WHOLE.model_dump(mode="json"),
    }
    good.write_text(json.dumps(native))
    argv = ["--data-dir", str(tmp_path / "home"), "--store", server_site.target("cleo")]
    assert main([*argv, "patients", "import", str(good)]) == 0
    assert_whole(store)
    assert store.find_by_identifier("X") is not None


@pytest.mark.parametrize("case", BAD_BUNDLES)
def test_a_bad_import_on_the_server_writes_nothing(
    server_site: Any,
    with_patient: tuple[Store, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
) -> None:
    """``patients import`` on the server: one message, exit 2, and not one row written (the
    bundle is validated whole before the transaction; a clash with the store rolls it back)."""
    from myeloma_desk.cli import main

    store, _pid = with_patient
    before = contents(store)
    path = _bad_bundle_files(tmp_path)[case]
    argv = ["--data-dir", str(tmp_path / "home"), "--store", server_site.target("cleo")]
    code = main([*argv, "patients", "import", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "nothing was written" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert_reads_as_written(err.strip())
    assert contents(store) == before and store.verify_audit().ok


# --- a missing clinic database (the twin of test_store_missing.py) -----------------------------


def test_a_missing_clinic_database_is_reported_and_not_created(
    server_site: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that is gone (dropped, or a wrong name) is said so plainly; no new, empty
    store is created in its place, by a clinician or by an administrator."""
    from myeloma_desk.cli import main

    cluster = server_site.cluster
    for user in ("cleo", "ada"):
        with pytest.raises(ServerUnavailableError) as missing:
            Store.open_server(cluster.target(user, "myeloma_gone"))
        assert 'database "myeloma_gone" does not exist' in one_line(missing.value)
    target = cluster.target("cleo", "myeloma_gone")
    code = main(["--data-dir", str(tmp_path / "ws"), "--store", target, "patients", "list"])
    err = capsys.readouterr().err
    assert code == 3 and "does not exist" in err and len(err.strip().splitlines()) == 1
    with contextlib.closing(cluster.superuser()) as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = 'myeloma_gone'")
        assert row.fetchone() is None
