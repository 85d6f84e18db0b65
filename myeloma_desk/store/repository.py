"""The patient store API used by the GUI, reports and the CLI: a small facade.

``Store.open(paths)`` locks the store against a second instance, checks its integrity, migrates
it, takes a rotating backup and returns a :class:`Store`. Every method that writes does so in
one transaction together with its audit event, so either both are on disk or neither is.

The work is done by focused repositories (``store/repositories/``: patients, visits, therapy
lines, assessments, notes, bundles, audit log), written against the small connection interface
in ``store/sql.py``, and by :class:`~myeloma_desk.store.local.LocalFiles` (the local file's
backups, restore, encryption and audit anchors). The facade keeps one public API for callers,
as Anki's ``Collection`` delegates to its managers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import audit, db, drafts, readable
from myeloma_desk.store.errors import (
    StoreCorruptError,
    StoreDamagedError,
    StoreUnavailableError,
    WrongPassphraseError,
)
from myeloma_desk.store.local import REKEY_STATE_NAME, REKEY_SUFFIX, LocalFiles, connect_local
from myeloma_desk.store.migrations import LATEST, schema_version
from myeloma_desk.store.models import (
    Note,
    Patient,
    PatientBundle,
    PatientFields,
    PatientSummary,
    StoredAssessment,
    StoredLine,
    Visit,
)
from myeloma_desk.store.repositories import (
    AssessmentRepository,
    AuditRepository,
    BundleRepository,
    LineRepository,
    NoteRepository,
    PatientRepository,
    Session,
    VisitRepository,
    visit_snapshot_json,
)
from myeloma_desk.store.snapshot_builder import build_snapshot
from myeloma_desk.store.sql import Database, SqliteDatabase

if TYPE_CHECKING:
    from myeloma_desk.store.patient_index import PatientIndex
    from myeloma_desk.store.server import ServerFiles

Clock = Callable[[], dt.datetime]
DEFAULT_KEEP_BACKUPS = 10

__all__ = [
    "DEFAULT_KEEP_BACKUPS",
    "REKEY_STATE_NAME",
    "REKEY_SUFFIX",
    "Store",
    "open_store",
    "restore_store",
    "visit_snapshot_json",
]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store:
    """An open patient store. Create with :meth:`open`; call :meth:`close` when done."""

    def __init__(self, files: LocalFiles | ServerFiles, database: Database | None = None) -> None:
        self._files = files
        self.paths = files.paths
        self.backup_due = False  # a start-up backup is due (see open(backup_on_open=False))
        # Set when the last open found committed data it could not recover (a damaged WAL).
        self.recovery_notice: str | None = None
        # The integrity check left for later by open(check_on_open=False): every write waits
        # for it (or runs it) and is refused if it found damage.
        self.check_pending = False
        self.check_problem: str | None = None
        self._check_lock = threading.Lock()
        self._db: Database = database or SqliteDatabase(
            lambda: self.connection, before_write=self._before_write
        )
        session = self._session = Session(self._db, files.clock)
        self._patients = PatientRepository(session)
        self._visits = VisitRepository(session, self._patients)
        self._lines = LineRepository(session)
        self._assessments = AssessmentRepository(session, self._visits)
        self._notes = NoteRepository(session)
        self._audit = AuditRepository(session)
        self._bundles = BundleRepository(
            session, self._patients, self._visits, self._lines, self._notes, self._audit
        )
        files.record_event = self.record_event
        files.is_empty = self.is_empty

    # --- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        paths: AppPaths,
        passphrase: str | None = None,
        *,
        keep_backups: int = DEFAULT_KEEP_BACKUPS,
        backup_on_open: bool = True,
        clock: Clock = _utc_now,
        allow_new: bool = False,
        check_on_open: bool = True,
    ) -> Store:
        """Open (creating if needed) the store under ``paths.data``.

        Raises :class:`StoreLockedError` if another instance has it open,
        :class:`PassphraseRequiredError` / :class:`WrongPassphraseError` for encrypted stores,
        and :class:`StoreCorruptError` (after moving the damaged file aside) if the startup
        integrity check fails.

        ``check_on_open=False`` (the GUI, so that start-up does not grow with the store) leaves
        the integrity check to :meth:`run_start_check`, in a worker thread; until it has passed
        every write waits for it, and after a failure every write raises
        :class:`StoreDamagedError` (the file is left where it is; opening it again with the
        check moves it aside and offers the newest good backup). A store that needs a migration
        is always checked first.
        """
        connection, lock, _new, unchanged, wal_loss, deferred = connect_local(
            paths, passphrase, clock, allow_new, check=check_on_open
        )
        files = LocalFiles(paths, connection, lock, passphrase, clock, keep_backups)
        try:
            store = cls(files)
            store.check_pending = deferred
            files.restrict_files()
            files.migrate()
            if wal_loss is not None:
                store.recovery_notice = files.record_wal_loss(wal_loss)
            # A backup at every start, unless nothing changed since the newest one (so a day of
            # restarts does not rotate the older, different backups away). With
            # ``backup_on_open=False`` the caller takes it later (``backup_due`` says whether one
            # is due), e.g. the GUI in a worker thread with :meth:`backup_detached`.
            store.backup_due = not unchanged and not store.is_empty()
            if backup_on_open and store.backup_due:
                store.backup(reason="open")
                store.backup_due = False
            return store
        except BaseException:
            connection.close()
            lock.release()
            raise

    @classmethod
    def open_server(
        cls, target: str, paths: AppPaths | None = None, *, clock: Clock = _utc_now
    ) -> Store:
        """Open the clinic's PostgreSQL store at ``target`` (a ``postgresql://`` address,
        libpq ``key=value`` pairs or a service name; never with a password in it).

        The server knows who connects (each clinician's own role). An administrator's first
        open creates or upgrades the schema and its grants; clinicians and readers get a clear
        message while it is out of date. Raises
        :class:`~myeloma_desk.store.server.ServerUnavailableError` when the server cannot be
        reached or refuses the login.
        """
        from myeloma_desk.store import server

        connection = server.connect(target)
        database = server.PostgresDatabase(
            connection, server.describe(server.conninfo_of(target)), target
        )
        files = server.ServerFiles(database, paths, clock)
        try:
            store = cls(files, database)
            files.migrate()
            return store
        except BaseException:
            database.close()
            raise

    @property
    def server(self) -> bool:
        """True for a clinic server (PostgreSQL) store, False for the local file."""
        return self._db.dialect == "postgresql"

    @property
    def user(self) -> str | None:
        """The database role this store is used as (a server store), else None."""
        if not self.server:
            return None
        return str(self.connection.info.user)

    @property
    def database(self) -> Database:
        """The connection interface the repositories use (maintenance: ``store/move.py``)."""
        return self._db

    def patient_index(self) -> PatientIndex:
        """The paged, sorted and filtered patient list over this store, read through its
        current connection (a server store through its Database: ``?`` placeholders and its
        own transaction; the local file through its connection, reopened after an unlock)."""
        from myeloma_desk.store.patient_index import PatientIndex

        if self.server:
            return PatientIndex(get=lambda: self.database)
        return PatientIndex(get=lambda: self.connection)

    def now(self) -> str:
        """The store's clock as stored in records (ISO 8601, microseconds)."""
        return self._session.now()

    def roles(self) -> set[str]:
        """The site's group roles the server user belongs to (empty for a local store)."""
        if not self.server:
            return set()
        from myeloma_desk.store import server

        assert isinstance(self._db, server.PostgresDatabase)
        return server.roles_of(self._db)

    def close(self) -> None:
        """Checkpoint, close the database and release the instance lock (idempotent)."""
        self._files.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._files.conn is None

    @property
    def encrypted(self) -> bool:
        return self._files.passphrase is not None

    @property
    def keep_backups(self) -> int:
        return self._files.keep_backups

    @keep_backups.setter
    def keep_backups(self, value: int) -> None:
        self._files.keep_backups = value

    @property
    def db_path(self) -> Path:
        return self._files.db_path

    @property
    def backup_dir(self) -> Path:
        return self._files.backup_dir

    @property
    def connection(self) -> Any:
        """The open connection (for tests and maintenance; do not write through it)."""
        return self._files.connection

    def schema_version(self) -> int:
        return schema_version(self._db)

    def is_empty(self) -> bool:
        """True when the store holds no patient (archived ones count): offer the demo then."""
        try:
            return self._patients.is_empty()
        except self._files.database_errors():
            return True  # no tables yet

    # --- patients (repositories/patients.py) --------------------------------------------------

    def create_patient(self, fields: PatientFields) -> Patient:
        """Add a patient; the identifier (MRN), when given, must be unique."""
        return self._patients.create(fields)

    def update_patient(
        self, pid: int, fields: PatientFields, expected_version: int | None = None
    ) -> Patient:
        """Replace a patient's identity and administrative fields.

        With ``expected_version`` (the :attr:`Patient.version` the edit started from) a save
        after someone else's raises :class:`StaleRecordError`; nothing is overwritten."""
        return self._patients.update(pid, fields, expected_version)

    def archive_patient(self, pid: int, archived: bool = True) -> Patient:
        """Hide a patient from the default list (records are kept; nothing is deleted)."""
        return self._patients.archive(pid, archived)

    def get_patient(self, pid: int) -> Patient:
        """A patient by id (no audit event; use :meth:`view_patient` when a user opens it)."""
        return self._patients.get(pid)

    def view_patient(self, pid: int) -> Patient:
        """A patient opened by the user: logged as a ``view`` event."""
        return self._patients.view(pid)

    def find_by_identifier(self, identifier: str) -> Patient | None:
        """The patient with this identifier (case-insensitive), if any."""
        return self._patients.find_by_identifier(identifier)

    def find_by_uid(self, uid: str) -> Patient | None:
        return self._patients.find_by_uid(uid)

    def count_patients(self, include_archived: bool = False) -> int:
        return self._patients.count(include_archived)

    def list_patients(
        self, include_archived: bool = False, limit: int | None = None, offset: int = 0
    ) -> list[PatientSummary]:
        """Patients ordered by name (case-insensitive), archived ones only on request."""
        return self._patients.all(include_archived, limit, offset)

    def search(
        self, text: str, include_archived: bool = False, limit: int = 200
    ) -> list[PatientSummary]:
        """Patients whose name, any word of the name, or identifier starts with ``text``.

        Case-insensitive prefix search on indexed columns; every word typed must match
        (``"ann ber"`` finds "Berg, Ann"). Results ordered by name.
        """
        return self._patients.search(text, include_archived, limit)

    # --- visits (repositories/visits.py) ------------------------------------------------------

    def save_visit(
        self,
        pid: int,
        visit_date: dt.date,
        snapshot: Snapshot,
        expected_version: int | None = None,
    ) -> Visit:
        """Store the snapshot of ``visit_date`` (replacing that date's earlier version).

        With ``expected_version`` (the :attr:`Visit.version` the form was loaded from, 0 for a
        new visit) a save after someone else's raises :class:`StaleRecordError` carrying both
        versions; nothing is overwritten."""
        return self._visits.save(pid, visit_date, snapshot, expected_version)

    def get_visit(self, pid: int, visit_date: dt.date) -> Visit:
        return self._visits.get(pid, visit_date)

    def visits(self, pid: int) -> list[Visit]:
        """All visits of a patient, oldest first."""
        return self._visits.all(pid)

    def visit_dates(self, pid: int) -> list[dt.date]:
        return self._visits.dates(pid)

    def snapshot_for(self, pid: int, visit_date: dt.date) -> Snapshot:
        """The engine's input for a stored visit (store/snapshot_builder.py builds it)."""
        patient = self.get_patient(pid)
        visits = self.visits(pid)
        if not any(v.date == visit_date for v in visits):
            self._visits.get(pid, visit_date)  # raises NotFoundError
        lines = [stored.line for stored in self.therapy_lines(pid)]
        return build_snapshot(patient, visits, lines, visit_date)

    # --- therapy lines (repositories/lines.py) ------------------------------------------------

    def therapy_lines(self, pid: int) -> list[StoredLine]:
        return self._lines.all(pid)

    def set_therapy_lines(
        self, pid: int, lines: list[TherapyLine], expected: list[TherapyLine] | None = None
    ) -> list[StoredLine]:
        """Replace the patient's therapy lines (oldest first) in one transaction.

        With ``expected`` (the lines the edit started from) a change saved by someone else in
        between raises :class:`ConflictError`; nothing is overwritten."""
        return self._lines.set(pid, lines, expected)

    def add_therapy_line(self, pid: int, line: TherapyLine) -> StoredLine:
        """Append a line after the existing ones."""
        return self._lines.add(pid, line)

    # --- assessments and notes (repositories/assessments.py, notes.py) ------------------------

    def save_assessment(
        self, pid: int, visit_date: dt.date, assessment: Assessment
    ) -> StoredAssessment:
        """Keep an engine assessment of a visit, with its engine and evidence versions."""
        return self._assessments.save(pid, visit_date, assessment)

    def assessments(self, pid: int, visit_date: dt.date | None = None) -> list[StoredAssessment]:
        """Stored assessments, newest first (of one visit if ``visit_date`` is given)."""
        return self._assessments.all(pid, visit_date)

    @staticmethod
    def load_assessment(stored: StoredAssessment) -> Assessment:
        return AssessmentRepository.load(stored)

    def add_note(self, pid: int, text: str, written_at: dt.datetime | None = None) -> Note:
        return self._notes.add(pid, text, written_at)

    def notes(self, pid: int) -> list[Note]:
        return self._notes.all(pid)

    # --- whole patients in and out (repositories/bundles.py) ----------------------------------

    def import_bundle(self, bundle: PatientBundle, source: str) -> Patient:
        """Write a validated bundle as a new patient, all in one transaction."""
        return self._bundles.import_bundle(bundle, source)

    def export_bundle(
        self, pid: int, purpose: str = "export", *, log: bool = True
    ) -> PatientBundle:
        """Everything about a patient as one bundle; logged as an ``export`` event.

        A caller that writes the bundle somewhere passes ``log=False`` and calls
        :meth:`record_export` only once the file is completely on disk, so a failed export
        (disk full, bad path) never appears in the audit log as done.
        """
        return self._bundles.export_bundle(pid, purpose, log=log)

    def record_export(self, pid: int, purpose: str = "export") -> audit.AuditEvent:
        """Log the ``export`` event of a patient whose export has been written completely."""
        return self.record_event("export", pid, {"purpose": purpose})

    # --- audit (repositories/audit_log.py; file checks in local.py) ---------------------------

    def record_event(
        self, action: str, pid: int | None = None, detail: dict[str, Any] | None = None
    ) -> audit.AuditEvent:
        """Log an event the store cannot see itself (``print`` of a report, an export file)."""
        return self._audit.record(action, pid, detail)

    def audit_events(
        self, pid: int | None = None, limit: int = 1000, offset: int = 0
    ) -> list[audit.AuditEvent]:
        return self._audit.events(pid, limit, offset)

    def audit_actors(self, seqs: list[int]) -> dict[int, str | None]:
        """The login role that wrote each event (server store); None in a local store."""
        return self._audit.actors(seqs)

    def verify_audit(self) -> audit.TamperReport:
        """The hash chain, plus the anchors outside it, the triggers and deleted patients."""
        return self._files.verify_audit()

    # --- integrity, backup, restore, encryption (local.py) ------------------------------------

    def integrity_check(self) -> str | None:
        """None if the full integrity check passes, else its message."""
        return self._files.integrity_check()

    def run_start_check(self) -> str | None:
        """The start-up integrity check left by ``open(check_on_open=False)``: ``PRAGMA
        quick_check`` on a read-only connection of its own (safe in a worker thread while this
        store's connection reads). Returns None when the store is sound (writes go ahead from
        then on), else the problem (every write is refused). Runs once; later calls return the
        same answer."""
        with self._check_lock:
            if not self.check_pending:
                return self.check_problem
            try:
                source = db.connect(self.db_path, self._files.passphrase, read_only=True)
                try:
                    problem = db.quick_check(source)
                finally:
                    source.close()
            except StoreUnavailableError as error:
                problem = f"the check could not be run: {error.problem}"
            except db.database_errors(self.connection) as error:
                problem = str(error)
            self.check_problem = problem
            self.check_pending = False
            return problem

    def _before_write(self) -> None:
        if self.check_pending:
            self.run_start_check()  # waits for the check under way, or runs it now
        if self.check_problem is not None:
            raise StoreDamagedError(self.check_problem)

    def unreadable_records(self) -> list[str]:
        """Records that cannot be read back (invalid text, visit or line JSON): for verify."""
        if self.server:  # PostgreSQL enforces valid UTF-8; the JSON is checked the same way
            return readable.unreadable_records(self._db, text=False)
        return readable.unreadable_records(self.connection)

    def backups(self) -> list[Path]:
        """Backup files, newest first."""
        return self._files.backups()

    def backup_detached(self) -> Path:
        """The start-up backup through a connection of its own, safe in a worker thread.

        It reads the database file (WAL lets it read while this store's connection writes) and
        writes a backup file; it touches neither this store's connection nor its audit log (a
        start-up backup is not audited, as in :meth:`open`).
        """
        target = self._files.backup_detached()
        self.backup_due = False
        return target

    def backup(self, reason: str = "manual") -> Path:
        """Take an online backup now and keep only the newest :attr:`keep_backups`.

        A backup of an empty store never rotates older backups away: they may be the only copy
        of a store that had patients."""
        return self._files.backup(reason)

    def change_passphrase(self, new: str | None) -> list[Path]:
        """Encrypt (plain → passphrase), re-key, or decrypt (``new=None``) the store in place.

        Crash-safe (a kill at any moment loses nothing, and running it again finishes the job):
        the intent is recorded first (``patients.rekey.json``); then every **backup** is
        rewritten under the new key into a temporary file and renamed over the old one; the
        store itself comes last (copy, sidecar, rename), and the record is removed. A rerun
        opens the store with the key it still has, skips backups already under the new key
        and converts the rest. A backup that opens with neither key is moved to ``corrupt/``
        (or deleted, if it is plain text while the store becomes encrypted: plain text must not
        stay behind an encrypted store); those are returned so the caller can say so. The old
        files are replaced, not wiped: on SSDs and journaling file systems their blocks may
        survive (see docs/store.md).
        """
        return self._files.change_passphrase(new)

    @property
    def rekey_interrupted(self) -> bool:
        """True when an ``encrypt`` / change of passphrase was interrupted: run it again."""
        return self._files.rekey_interrupted

    def drafts_vault(self) -> drafts.DraftVault:
        """Where unsaved visit drafts go: keyed like this store (encrypted when it is)."""
        return self._files.drafts_vault()

    def restore(self, backup_file: Path) -> None:
        """Replace the store's content with ``backup_file`` (validated first).

        The current content is backed up before it is replaced, so a restore can be undone.
        """
        self._files.restore(backup_file)


def open_store(
    paths: AppPaths,
    passphrase: str | None = None,
    *,
    keep_backups: int = DEFAULT_KEEP_BACKUPS,
    backup_on_open: bool = True,
    clock: Clock = _utc_now,
    check_on_open: bool = True,
) -> Store:
    """Same as :meth:`Store.open`."""
    return Store.open(
        paths,
        passphrase,
        keep_backups=keep_backups,
        backup_on_open=backup_on_open,
        clock=clock,
        check_on_open=check_on_open,
    )


def restore_store(paths: AppPaths, backup_file: Path, passphrase: str | None = None) -> Store:
    """Restore ``backup_file`` even when the current store is damaged.

    A damaged store is moved aside by the first open attempt; the second opens a fresh one,
    into which the backup is restored. An encrypted store whose first page is damaged looks
    like a wrong passphrase; if the same passphrase opens the backup, the store is moved aside
    (kept in ``corrupt/``) and the backup restored.
    """
    try:
        store = Store.open(paths, passphrase, backup_on_open=False, allow_new=True)
    except StoreCorruptError:
        store = Store.open(paths, passphrase, backup_on_open=False, allow_new=True)
    except WrongPassphraseError:
        # An encrypted store that this passphrase cannot open, while the backup opens with it:
        # the store is damaged (or was re-keyed since). Keep it aside, never delete it.
        db.check_backup(backup_file, passphrase, LATEST)
        paths.ensure()
        lock = db.InstanceLock(paths.data / db.LOCK_NAME)
        lock.acquire()
        try:
            db.move_aside(paths.data / db.DB_NAME, paths.data / db.CORRUPT_DIR, _utc_now())
        finally:
            lock.release()
        store = Store.open(paths, passphrase, backup_on_open=False, allow_new=True)
    try:
        store.restore(backup_file)
    except BaseException:
        store.close()
        raise
    return store
