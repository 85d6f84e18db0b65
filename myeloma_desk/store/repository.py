"""The patient store API used by the GUI, reports and the CLI.

``Store.open(paths)`` locks the store against a second instance, checks its integrity, migrates
it, takes a rotating backup and returns a :class:`Store`. Every method that writes does so in
one transaction together with its audit event, so either both are on disk or neither is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.paths import AppPaths, restrict_file
from myeloma_desk.store import audit, db, drafts
from myeloma_desk.store.errors import (
    BackupError,
    ConflictError,
    EncryptionUnavailableError,
    NotFoundError,
    PassphraseRequiredError,
    StoreCorruptError,
    StoreError,
    StoreMissingError,
    StoreUnavailableError,
    WrongPassphraseError,
)
from myeloma_desk.store.migrations import LATEST, SchemaTooNewError, migrate, schema_version
from myeloma_desk.store.migrations.v0003_search_and_audit import fold, terms
from myeloma_desk.store.models import (
    Note,
    NoteIn,
    Patient,
    PatientBundle,
    PatientFields,
    PatientSummary,
    StoredAssessment,
    StoredLine,
    Visit,
    VisitIn,
)
from myeloma_desk.store.snapshot_builder import build_snapshot

Clock = Callable[[], dt.datetime]
DEFAULT_KEEP_BACKUPS = 10
REKEY_STATE_NAME = "patients.rekey.json"  # an encrypt / change of passphrase under way
REKEY_SUFFIX = db.REKEY_SUFFIX

_SUMMARY_COLUMNS = "id, uid, name, identifier, birth_date, sex, diagnosis, archived, last_visit"
_PATIENT_COLUMNS = _SUMMARY_COLUMNS + ", notes, created_at, updated_at"
# Fields of a visit's snapshot that come from elsewhere in the store, not from the visit.
_DERIVED = {"patient", "history", "therapy_lines"}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _summary(row: Any) -> PatientSummary:
    return PatientSummary(
        id=row[0],
        uid=row[1],
        name=row[2],
        identifier=row[3],
        birth_date=_date(row[4]),
        sex=row[5],
        diagnosis=row[6],
        archived=bool(row[7]),
        last_visit=_date(row[8]),
    )


def _patient(row: Any) -> Patient:
    base = _summary(row)
    return Patient(**base.__dict__, notes=row[9], created_at=row[10], updated_at=row[11])


def _prefix_range(prefix: str) -> tuple[str, str]:
    """``[prefix, prefix + U+10FFFF)``: an index range scan equivalent to ``LIKE 'prefix%'``."""
    return prefix, prefix + "\U0010ffff"


def visit_snapshot_json(snapshot: Snapshot, visit_date: dt.date) -> str:
    """The JSON stored for a visit: the snapshot as entered, dated, without derived parts."""
    problems = [name for name in ("history", "therapy_lines") if getattr(snapshot, name)]
    if problems:
        raise ValueError(
            f"a visit's snapshot must not carry {' or '.join(problems)}: the store builds them "
            "from the patient's earlier visits and therapy lines (save each visit separately)"
        )
    if snapshot.date is not None and snapshot.date != visit_date:
        raise ValueError(
            f"the snapshot is dated {snapshot.date.isoformat()} but the visit is "
            f"{visit_date.isoformat()}"
        )
    dated = snapshot.model_copy(update={"date": visit_date, "patient": None})
    return dated.model_dump_json(exclude_none=True, exclude=_DERIVED)


class Store:
    """An open patient store. Create with :meth:`open`; call :meth:`close` when done."""

    def __init__(
        self,
        paths: AppPaths,
        connection: Any,
        lock: db.InstanceLock,
        passphrase: str | None,
        clock: Clock,
        keep_backups: int,
    ) -> None:
        self.paths = paths
        self._conn: Any = connection
        self._lock = lock
        self._passphrase = passphrase
        self._clock = clock
        self.keep_backups = keep_backups
        self.backup_due = False  # a start-up backup is due (see open(backup_on_open=False))

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
    ) -> Store:
        """Open (creating if needed) the store under ``paths.data``.

        Raises :class:`StoreLockedError` if another instance has it open,
        :class:`PassphraseRequiredError` / :class:`WrongPassphraseError` for encrypted stores,
        and :class:`StoreCorruptError` (after moving the damaged file aside) if the startup
        integrity check fails.
        """
        if passphrase is not None and not passphrase.strip():
            # "" or spaces is never a passphrase: refused the same way for new and old stores.
            raise StoreError("A passphrase that is empty or only spaces is not a passphrase.")
        paths.ensure()
        data = paths.data
        db_path = data / db.DB_NAME
        meta_path = data / db.META_NAME
        lock = db.InstanceLock(data / db.LOCK_NAME)
        lock.acquire()
        connection: Any = None
        try:
            # Leftovers of an atomic write or a backup that was interrupted (kill, disk full).
            db.remove_stale_temp_files(data)
            db.remove_stale_temp_files(data / db.BACKUP_DIR)
            try:
                missing = not db_path.exists()
                new = missing or db_path.stat().st_size == 0
            except OSError as error:
                raise StoreUnavailableError(db_path, error.strerror or str(error)) from None
            if new and not allow_new:
                # A store that vanished or became 0 bytes while backups exist is never
                # silently replaced by an empty one (its backups would rotate away).
                backups = db.list_backups(data / db.BACKUP_DIR)
                if backups:
                    newest = db.newest_good_backup(data / db.BACKUP_DIR, passphrase, LATEST)
                    raise StoreMissingError(
                        db_path, "missing" if missing else "empty (0 bytes)", newest
                    )
            unchanged = not new and db.unchanged_since_backup(db_path, data / db.BACKUP_DIR)
            meta = db.StoreMeta.read(meta_path)
            if new:
                if passphrase is not None and not db.encryption_available():
                    raise EncryptionUnavailableError()
                db.create_private_file(db_path)
                meta = db.StoreMeta(passphrase is not None, clock().isoformat())
                meta.write(meta_path)
            else:
                encrypted = db.is_encrypted(db_path, meta)
                if encrypted and passphrase is None:
                    raise PassphraseRequiredError()
                if not encrypted and passphrase is not None:
                    raise StoreError(
                        "This patient store is not encrypted: open it without a passphrase."
                    )
                if meta is None or meta.encrypted != encrypted:
                    meta = db.StoreMeta(encrypted, meta.created if meta else clock().isoformat())
                    meta.write(meta_path)
            connection = db.connect(db_path, passphrase if meta.encrypted else None)
            if not new:
                try:
                    problem = db.quick_check(connection)
                except StoreUnavailableError as error:
                    raise StoreUnavailableError(db_path, error.problem) from None
                if problem is not None:
                    connection.close()
                    connection = None
                    moved = db.move_aside(db_path, data / db.CORRUPT_DIR, clock())
                    newest = db.newest_good_backup(data / db.BACKUP_DIR, passphrase, LATEST)
                    raise StoreCorruptError(moved, problem, newest)
            found = schema_version(connection)
            if found > LATEST:
                raise StoreError(
                    f"This patient store has schema version {found}, newer than this Myeloma "
                    f"Desk understands ({LATEST}); update Myeloma Desk to open it. "
                    "The file was not changed."
                )
            db.configure(connection)
            store = cls(paths, connection, lock, passphrase, clock, keep_backups)
            store._restrict_files()
            store._migrate()
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
            if connection is not None:
                connection.close()
            lock.release()
            raise

    def _migrate(self) -> None:
        try:
            version = schema_version(self._conn)
            saved: Path | None = None
            if 0 < version < LATEST and not self.is_empty():
                saved = self.backup(reason=f"before-migration-from-v{version}")
            with db.transaction(self._conn):
                applied = migrate(self._conn)
                if applied and version > 0:
                    audit.append(
                        self._conn,
                        self._now(),
                        "change",
                        None,
                        {
                            "what": "schema",
                            "from": version,
                            "to": applied[-1],
                            "backup": saved.name if saved else None,
                        },
                    )
        except SchemaTooNewError as error:
            raise StoreError(str(error)) from None

    def close(self) -> None:
        """Checkpoint, close the database and release the instance lock (idempotent)."""
        if self._conn is not None:
            self._anchor_audit()
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except db.database_errors(self._conn):
                # Disk full or I/O error: the committed writes stay in the WAL, which the next
                # open replays; closing must not fail (or hide the error that led here).
                pass
            finally:
                self._conn.close()
                self._conn = None
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    @property
    def encrypted(self) -> bool:
        return self._passphrase is not None

    @property
    def db_path(self) -> Path:
        return self.paths.data / db.DB_NAME

    @property
    def backup_dir(self) -> Path:
        return self.paths.data / db.BACKUP_DIR

    @property
    def connection(self) -> Any:
        """The open connection (for tests and maintenance; do not write through it)."""
        if self._conn is None:
            raise StoreError("the patient store is closed (locked); open it again")
        return self._conn

    def _now(self) -> str:
        return self._clock().isoformat(timespec="microseconds")

    def _restrict_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            restrict_file(Path(str(self.db_path) + suffix))

    def schema_version(self) -> int:
        return schema_version(self.connection)

    def is_empty(self) -> bool:
        """True when the store holds no patient (archived ones count): offer the demo then."""
        try:
            row = self.connection.execute("SELECT 1 FROM patients LIMIT 1").fetchone()
        except db.database_errors(self.connection):
            return True  # no tables yet
        return row is None

    # --- patients -----------------------------------------------------------------------------

    def _insert_patient(self, fields: PatientFields, now: str, uid: str | None = None) -> int:
        if fields.identifier is not None:
            clash = self.connection.execute(
                "SELECT name FROM patients WHERE identifier_fold = ?", (fold(fields.identifier),)
            ).fetchone()
            if clash is not None:
                raise ConflictError(
                    f"a patient with identifier {fields.identifier!r} already exists"
                )
        cursor = self.connection.execute(
            "INSERT INTO patients (uid, name, identifier, birth_date, sex, diagnosis, notes, "
            "archived, created_at, updated_at, name_fold, identifier_fold) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            (
                uid or uuid.uuid4().hex,
                fields.name,
                fields.identifier,
                fields.birth_date.isoformat() if fields.birth_date else None,
                fields.sex,
                fields.diagnosis,
                fields.notes,
                now,
                now,
                fold(fields.name),
                fold(fields.identifier) if fields.identifier else None,
            ),
        )
        pid = int(cursor.lastrowid)
        self._write_terms(pid, fields.name)
        return pid

    def _write_terms(self, pid: int, name: str) -> None:
        self.connection.execute("DELETE FROM patient_terms WHERE patient_id = ?", (pid,))
        self.connection.executemany(
            "INSERT INTO patient_terms (term, patient_id) VALUES (?, ?)",
            [(term, pid) for term in sorted(terms(name))],
        )

    def create_patient(self, fields: PatientFields) -> Patient:
        """Add a patient; the identifier (MRN), when given, must be unique."""
        now = self._now()
        with db.transaction(self.connection):
            pid = self._insert_patient(fields, now)
            uid = self._uid(pid)
            audit.append(self.connection, now, "create", uid, {"what": "patient"})
        return self.get_patient(pid)

    def update_patient(self, pid: int, fields: PatientFields) -> Patient:
        """Replace a patient's identity and administrative fields."""
        now = self._now()
        with db.transaction(self.connection):
            uid = self._uid(pid)
            if fields.identifier is not None:
                clash = self.connection.execute(
                    "SELECT id FROM patients WHERE identifier_fold = ? AND id != ?",
                    (fold(fields.identifier), pid),
                ).fetchone()
                if clash is not None:
                    raise ConflictError(
                        f"another patient already has identifier {fields.identifier!r}"
                    )
            before = self.get_patient(pid).fields()
            changed = sorted(
                name
                for name in PatientFields.model_fields
                if getattr(before, name) != getattr(fields, name)
            )
            self.connection.execute(
                "UPDATE patients SET name = ?, identifier = ?, birth_date = ?, sex = ?, "
                "diagnosis = ?, notes = ?, updated_at = ?, name_fold = ?, identifier_fold = ? "
                "WHERE id = ?",
                (
                    fields.name,
                    fields.identifier,
                    fields.birth_date.isoformat() if fields.birth_date else None,
                    fields.sex,
                    fields.diagnosis,
                    fields.notes,
                    now,
                    fold(fields.name),
                    fold(fields.identifier) if fields.identifier else None,
                    pid,
                ),
            )
            self._write_terms(pid, fields.name)
            audit.append(
                self.connection, now, "change", uid, {"what": "patient", "fields": changed}
            )
        return self.get_patient(pid)

    def archive_patient(self, pid: int, archived: bool = True) -> Patient:
        """Hide a patient from the default list (records are kept; nothing is deleted)."""
        now = self._now()
        with db.transaction(self.connection):
            uid = self._uid(pid)
            self.connection.execute(
                "UPDATE patients SET archived = ?, updated_at = ? WHERE id = ?",
                (int(archived), now, pid),
            )
            audit.append(self.connection, now, "archive", uid, {"archived": archived})
        return self.get_patient(pid)

    def _uid(self, pid: int) -> str:
        row = self.connection.execute("SELECT uid FROM patients WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no patient with id {pid}")
        return str(row[0])

    def get_patient(self, pid: int) -> Patient:
        """A patient by id (no audit event; use :meth:`view_patient` when a user opens it)."""
        row = self.connection.execute(
            f"SELECT {_PATIENT_COLUMNS} FROM patients WHERE id = ?", (pid,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no patient with id {pid}")
        return _patient(row)

    def view_patient(self, pid: int) -> Patient:
        """A patient opened by the user: logged as a ``view`` event."""
        now = self._now()
        with db.transaction(self.connection):
            patient = self.get_patient(pid)
            audit.append(self.connection, now, "view", patient.uid, {})
        return patient

    def find_by_identifier(self, identifier: str) -> Patient | None:
        """The patient with this identifier (case-insensitive), if any."""
        row = self.connection.execute(
            f"SELECT {_PATIENT_COLUMNS} FROM patients WHERE identifier_fold = ?",
            (fold(identifier),),
        ).fetchone()
        return _patient(row) if row else None

    def find_by_uid(self, uid: str) -> Patient | None:
        row = self.connection.execute(
            f"SELECT {_PATIENT_COLUMNS} FROM patients WHERE uid = ?", (uid,)
        ).fetchone()
        return _patient(row) if row else None

    def count_patients(self, include_archived: bool = False) -> int:
        sql = "SELECT count(*) FROM patients" + ("" if include_archived else " WHERE archived = 0")
        return int(self.connection.execute(sql).fetchone()[0])

    def list_patients(
        self, include_archived: bool = False, limit: int | None = None, offset: int = 0
    ) -> list[PatientSummary]:
        """Patients ordered by name (case-insensitive), archived ones only on request."""
        where = "" if include_archived else "WHERE archived = 0"
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM patients {where} ORDER BY name_fold, id"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (limit, offset)
        return [_summary(row) for row in self.connection.execute(sql, params)]

    def search(
        self, text: str, include_archived: bool = False, limit: int = 200
    ) -> list[PatientSummary]:
        """Patients whose name, any word of the name, or identifier starts with ``text``.

        Case-insensitive prefix search on indexed columns; every word typed must match
        (``"ann ber"`` finds "Berg, Ann"). Results ordered by name.
        """
        words = sorted(terms(text))
        whole = fold(text)
        if not whole:
            return self.list_patients(include_archived, limit=limit)
        low, high = _prefix_range(whole)
        clauses = [
            "SELECT id FROM patients WHERE name_fold >= ? AND name_fold < ?",
            "SELECT id FROM patients WHERE identifier_fold >= ? AND identifier_fold < ?",
        ]
        params: list[Any] = [low, high, low, high]
        if words:
            term_sets = []
            for word in words:
                term_sets.append(
                    "SELECT patient_id FROM patient_terms WHERE term >= ? AND term < ?"
                )
                params.extend(_prefix_range(word))
            clauses.append(f"SELECT * FROM ({' INTERSECT '.join(term_sets)})")
        archived = "" if include_archived else "AND archived = 0"
        sql = (
            f"SELECT {_SUMMARY_COLUMNS} FROM patients WHERE id IN "
            f"({' UNION '.join(clauses)}) {archived} ORDER BY name_fold, id LIMIT ?"
        )
        params.append(limit)
        return [_summary(row) for row in self.connection.execute(sql, params)]

    # --- visits -------------------------------------------------------------------------------

    def save_visit(self, pid: int, visit_date: dt.date, snapshot: Snapshot) -> Visit:
        """Store the snapshot of ``visit_date`` (replacing that date's earlier version)."""
        payload = visit_snapshot_json(snapshot, visit_date)
        now = self._now()
        with db.transaction(self.connection):
            uid = self._uid(pid)
            existing = self.connection.execute(
                "SELECT id FROM visits WHERE patient_id = ? AND visit_date = ?",
                (pid, visit_date.isoformat()),
            ).fetchone()
            if existing is None:
                cursor = self.connection.execute(
                    "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?)",
                    (pid, visit_date.isoformat(), payload, now, now),
                )
                vid = int(cursor.lastrowid)
                action = "create"
            else:
                vid = int(existing[0])
                self.connection.execute(
                    "UPDATE visits SET snapshot_json = ?, updated_at = ? WHERE id = ?",
                    (payload, now, vid),
                )
                action = "change"
            self._touch_last_visit(pid, now)
            audit.append(
                self.connection, now, action, uid, {"what": "visit", "date": visit_date.isoformat()}
            )
        return self.get_visit(pid, visit_date)

    def _touch_last_visit(self, pid: int, now: str) -> None:
        self.connection.execute(
            "UPDATE patients SET updated_at = ?, last_visit = "
            "(SELECT MAX(visit_date) FROM visits WHERE patient_id = ?), visit_count = "
            "(SELECT count(*) FROM visits WHERE patient_id = ?) WHERE id = ?",
            (now, pid, pid, pid),
        )

    def _visit(self, row: Any) -> Visit:
        return Visit(
            id=row[0],
            patient_id=row[1],
            date=dt.date.fromisoformat(row[2]),
            snapshot=Snapshot.model_validate_json(row[3]),
            updated_at=row[4],
        )

    def get_visit(self, pid: int, visit_date: dt.date) -> Visit:
        row = self.connection.execute(
            "SELECT id, patient_id, visit_date, snapshot_json, updated_at FROM visits "
            "WHERE patient_id = ? AND visit_date = ?",
            (pid, visit_date.isoformat()),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"patient {pid} has no visit on {visit_date.isoformat()}")
        return self._visit(row)

    def visits(self, pid: int) -> list[Visit]:
        """All visits of a patient, oldest first."""
        self._uid(pid)
        rows = self.connection.execute(
            "SELECT id, patient_id, visit_date, snapshot_json, updated_at FROM visits "
            "WHERE patient_id = ? ORDER BY visit_date",
            (pid,),
        ).fetchall()
        return [self._visit(row) for row in rows]

    def visit_dates(self, pid: int) -> list[dt.date]:
        rows = self.connection.execute(
            "SELECT visit_date FROM visits WHERE patient_id = ? ORDER BY visit_date", (pid,)
        ).fetchall()
        return [dt.date.fromisoformat(row[0]) for row in rows]

    def snapshot_for(self, pid: int, visit_date: dt.date) -> Snapshot:
        """The engine's input for a stored visit (store/snapshot_builder.py builds it)."""
        patient = self.get_patient(pid)
        visits = self.visits(pid)
        if not any(v.date == visit_date for v in visits):
            raise NotFoundError(f"patient {pid} has no visit on {visit_date.isoformat()}")
        lines = [stored.line for stored in self.therapy_lines(pid)]
        return build_snapshot(patient, visits, lines, visit_date)

    # --- therapy lines ------------------------------------------------------------------------

    def therapy_lines(self, pid: int) -> list[StoredLine]:
        rows = self.connection.execute(
            "SELECT id, patient_id, position, line_json FROM therapy_lines "
            "WHERE patient_id = ? ORDER BY position",
            (pid,),
        ).fetchall()
        return [
            StoredLine(row[0], row[1], row[2], TherapyLine.model_validate_json(row[3]))
            for row in rows
        ]

    def _write_lines(self, pid: int, lines: list[TherapyLine], now: str) -> None:
        self.connection.execute("DELETE FROM therapy_lines WHERE patient_id = ?", (pid,))
        self.connection.executemany(
            "INSERT INTO therapy_lines (patient_id, position, start_date, line_json, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    pid,
                    position,
                    line.start.isoformat() if line.start else None,
                    line.model_dump_json(exclude_none=True),
                    now,
                    now,
                )
                for position, line in enumerate(lines, start=1)
            ],
        )

    def set_therapy_lines(self, pid: int, lines: list[TherapyLine]) -> list[StoredLine]:
        """Replace the patient's therapy lines (oldest first) in one transaction."""
        if len(lines) > 100:
            raise ValueError("at most 100 therapy lines")
        now = self._now()
        with db.transaction(self.connection):
            uid = self._uid(pid)
            self._write_lines(pid, lines, now)
            audit.append(
                self.connection, now, "change", uid, {"what": "therapy_lines", "count": len(lines)}
            )
        return self.therapy_lines(pid)

    def add_therapy_line(self, pid: int, line: TherapyLine) -> StoredLine:
        """Append a line after the existing ones."""
        lines = [stored.line for stored in self.therapy_lines(pid)]
        return self.set_therapy_lines(pid, [*lines, line])[-1]

    # --- assessments and notes ----------------------------------------------------------------

    def save_assessment(
        self, pid: int, visit_date: dt.date, assessment: Assessment
    ) -> StoredAssessment:
        """Keep an engine assessment of a visit, with its engine and evidence versions."""
        now = self._now()
        payload = assessment.model_dump_json()
        with db.transaction(self.connection):
            uid = self._uid(pid)
            visit = self.connection.execute(
                "SELECT id FROM visits WHERE patient_id = ? AND visit_date = ?",
                (pid, visit_date.isoformat()),
            ).fetchone()
            if visit is None:
                raise NotFoundError(f"patient {pid} has no visit on {visit_date.isoformat()}")
            cursor = self.connection.execute(
                "INSERT INTO assessments (patient_id, visit_id, engine_version, evidence_version, "
                "assessed_at, result_json) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    visit[0],
                    assessment.engine_version,
                    assessment.evidence_version,
                    now,
                    payload,
                ),
            )
            aid = int(cursor.lastrowid)
            audit.append(
                self.connection,
                now,
                "create",
                uid,
                {"what": "assessment", "date": visit_date.isoformat()},
            )
        return StoredAssessment(
            aid,
            pid,
            int(visit[0]),
            assessment.engine_version,
            assessment.evidence_version,
            now,
            payload,
        )

    def assessments(self, pid: int, visit_date: dt.date | None = None) -> list[StoredAssessment]:
        """Stored assessments, newest first (of one visit if ``visit_date`` is given)."""
        sql = (
            "SELECT a.id, a.patient_id, a.visit_id, a.engine_version, a.evidence_version, "
            "a.assessed_at, a.result_json FROM assessments a JOIN visits v ON v.id = a.visit_id "
            "WHERE a.patient_id = ?"
        )
        params: list[Any] = [pid]
        if visit_date is not None:
            sql += " AND v.visit_date = ?"
            params.append(visit_date.isoformat())
        sql += " ORDER BY a.assessed_at DESC, a.id DESC"
        return [StoredAssessment(*row) for row in self.connection.execute(sql, params)]

    @staticmethod
    def load_assessment(stored: StoredAssessment) -> Assessment:
        return Assessment.model_validate_json(stored.result_json)

    def add_note(self, pid: int, text: str, written_at: dt.datetime | None = None) -> Note:
        note = NoteIn(written_at=written_at or self._clock(), text=text)
        now = self._now()
        with db.transaction(self.connection):
            uid = self._uid(pid)
            cursor = self.connection.execute(
                "INSERT INTO notes (patient_id, written_at, text) VALUES (?, ?, ?)",
                (pid, note.written_at.isoformat(), note.text),
            )
            audit.append(self.connection, now, "create", uid, {"what": "note"})
        return Note(int(cursor.lastrowid), pid, note.written_at.isoformat(), note.text)

    def notes(self, pid: int) -> list[Note]:
        rows = self.connection.execute(
            "SELECT id, patient_id, written_at, text FROM notes WHERE patient_id = ? "
            "ORDER BY written_at, id",
            (pid,),
        ).fetchall()
        return [Note(*row) for row in rows]

    # --- whole patients in and out ------------------------------------------------------------

    def import_bundle(self, bundle: PatientBundle, source: str) -> Patient:
        """Write a validated bundle as a new patient, all in one transaction."""
        now = self._now()
        payloads = [(v.date, visit_snapshot_json(v.snapshot, v.date)) for v in bundle.visits]
        with db.transaction(self.connection):
            pid = self._insert_patient(bundle.patient, now)
            self.connection.executemany(
                "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?)",
                [(pid, day.isoformat(), payload, now, now) for day, payload in payloads],
            )
            self._write_lines(pid, bundle.therapy_lines, now)
            self.connection.executemany(
                "INSERT INTO notes (patient_id, written_at, text) VALUES (?, ?, ?)",
                [(pid, note.written_at.isoformat(), note.text) for note in bundle.notes],
            )
            self._touch_last_visit(pid, now)
            audit.append(
                self.connection,
                now,
                "import",
                self._uid(pid),
                {"source": source, "visits": len(bundle.visits)},
            )
        return self.get_patient(pid)

    def export_bundle(
        self, pid: int, purpose: str = "export", *, log: bool = True
    ) -> PatientBundle:
        """Everything about a patient as one bundle; logged as an ``export`` event.

        A caller that writes the bundle somewhere passes ``log=False`` and calls
        :meth:`record_export` only once the file is completely on disk, so a failed export
        (disk full, bad path) never appears in the audit log as done.
        """
        patient = self.get_patient(pid)
        bundle = PatientBundle(
            patient=patient.fields(),
            visits=[VisitIn(date=v.date, snapshot=v.snapshot) for v in self.visits(pid)],
            therapy_lines=[stored.line for stored in self.therapy_lines(pid)],
            notes=[
                NoteIn(written_at=dt.datetime.fromisoformat(n.written_at), text=n.text)
                for n in self.notes(pid)
            ],
        )
        if log:
            self.record_export(pid, purpose)
        return bundle

    def record_export(self, pid: int, purpose: str = "export") -> audit.AuditEvent:
        """Log the ``export`` event of a patient whose export has been written completely."""
        return self.record_event("export", pid, {"purpose": purpose})

    # --- audit --------------------------------------------------------------------------------

    def record_event(
        self, action: str, pid: int | None = None, detail: dict[str, Any] | None = None
    ) -> audit.AuditEvent:
        """Log an event the store cannot see itself (``print`` of a report, an export file)."""
        now = self._now()
        with db.transaction(self.connection):
            uid = self._uid(pid) if pid is not None else None
            return audit.append(self.connection, now, action, uid, detail)

    def audit_events(
        self, pid: int | None = None, limit: int = 1000, offset: int = 0
    ) -> list[audit.AuditEvent]:
        uid = self._uid(pid) if pid is not None else None
        return audit.events(self.connection, uid, limit, offset)

    def verify_audit(self) -> audit.TamperReport:
        """The hash chain, plus the anchors outside it, the triggers and deleted patients."""
        connection = self.connection
        chain = audit.verify(connection)
        problems: list[str] = []
        anchor = audit.read_anchor(self.paths.data / audit.ANCHOR_NAME)
        if anchor is not None and not audit.holds(connection, anchor):
            problems.append(
                f"event {anchor[0]}, the newest when the store was last closed or backed up, "
                "is missing or changed (the log was emptied, cut or rewritten)"
            )
        restored_at = audit.last_restore(connection)
        for backup in self.backups():
            taken = db.backup_time(backup)
            if restored_at is not None and (taken is None or taken <= restored_at):
                continue  # from before the last restore: a history the restore replaced
            try:
                source = db.connect(backup, self._passphrase, read_only=True)
            except StoreError:
                continue
            try:
                backup_head = audit.head(source)
            except db.database_errors(source):
                continue
            finally:
                source.close()
            if not audit.holds(connection, backup_head):
                problems.append(
                    f"event {backup_head[0]} of backup {backup.name} is missing or changed "
                    "in the store (the log was emptied, cut or rewritten)"
                )
        for name in audit.missing_triggers(connection):
            problems.append(f"the protection {name} was removed from the database")
        for uid in audit.deleted_patients(connection):
            problems.append(f"patient {uid[:8]} was deleted outside the app")
        return audit.TamperReport(chain, tuple(problems))

    def _anchor_audit(self) -> None:
        """Record the chain's head outside the database; never fails a close or a backup."""
        if self._conn is None or schema_version(self._conn) < 3:
            return
        path = self.paths.data / audit.ANCHOR_NAME
        errors: tuple[type[BaseException], ...] = (OSError, *db.database_errors(self._conn))
        try:
            anchor = audit.read_anchor(path)
            if anchor is not None and not audit.holds(self._conn, anchor):
                return  # keep the evidence: verify reports the cut until someone looks
            audit.write_anchor(path, self._conn)
        except errors:
            pass

    # --- integrity, backup, restore -----------------------------------------------------------

    def integrity_check(self) -> str | None:
        """None if the full integrity check passes, else its message."""
        return db.integrity_check(self.connection)

    def backups(self) -> list[Path]:
        """Backup files, newest first."""
        return db.list_backups(self.backup_dir)

    def backup_detached(self) -> Path:
        """The start-up backup through a connection of its own, safe in a worker thread.

        It reads the database file (WAL lets it read while this store's connection writes) and
        writes a backup file; it touches neither this store's connection nor its audit log (a
        start-up backup is not audited, as in :meth:`open`).
        """
        target = self.backup_dir / db.backup_name(self._clock())
        source = db.connect(self.db_path, self._passphrase)
        try:
            db.online_backup(source, target, self._passphrase)
        finally:
            source.close()
        for old in self.backups()[max(self.keep_backups, 1) :]:
            old.unlink(missing_ok=True)
        self.backup_due = False
        return target

    def backup(self, reason: str = "manual") -> Path:
        """Take an online backup now and keep only the newest :attr:`keep_backups`.

        A backup of an empty store never rotates older backups away: they may be the only copy
        of a store that had patients."""
        target = self.backup_dir / db.backup_name(self._clock())
        db.online_backup(self.connection, target, self._passphrase)
        if not self.is_empty():
            for old in self.backups()[max(self.keep_backups, 1) :]:
                old.unlink(missing_ok=True)
        if schema_version(self.connection) >= 3 and reason != "open":
            self.record_event("backup", None, {"reason": reason, "file": target.name})
        self._anchor_audit()
        return target

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
        if new is not None and not new.strip():
            raise ValueError("a passphrase of only spaces (or empty) is not a passphrase")
        if not db.encryption_available():
            raise EncryptionUnavailableError()
        cipher = db.sqlcipher_module()
        skip: tuple[type[BaseException], ...] = (WrongPassphraseError,)
        if cipher is not None:
            skip = (cipher.Error, WrongPassphraseError)
        meta_path = self.paths.data / db.META_NAME
        state_path = self.paths.data / REKEY_STATE_NAME
        created = self._clock().isoformat()
        old = self._passphrase
        db.write_private_text(
            state_path, json.dumps({"encrypted": new is not None, "started": created}) + "\n"
        )
        set_aside: list[Path] = []
        for backup in self.backups():
            if self._rekey_backup(backup, old, new, skip):
                continue
            moved = db.move_aside(backup, self.paths.data / db.CORRUPT_DIR, self._clock())
            if new is not None and db.is_plain_sqlite(moved):
                moved.unlink(missing_ok=True)  # never leave plain text behind an encrypted store
            set_aside.append(moved)
        connection = self.connection
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        temp = self.db_path.with_name(self.db_path.name + REKEY_SUFFIX)
        db.rekey_copy(self.db_path, old, temp, new)
        connection.close()
        self._conn = None
        try:
            if new is not None:  # the sidecar first when encrypting (see db.is_encrypted)
                db.StoreMeta(True, created).write(meta_path)
            for suffix in ("-wal", "-shm"):
                Path(str(self.db_path) + suffix).unlink(missing_ok=True)
            os.replace(temp, self.db_path)
            db.fsync_dir(self.db_path.parent)
            if new is None:
                db.StoreMeta(False, created).write(meta_path)
            vault_errors: tuple[type[BaseException], ...] = (OSError, *skip)
            try:
                drafts.rekey_vault(self.paths.data, old, new)
            except vault_errors:
                # A draft under the old key cannot be read any more: drop it (never plain).
                drafts.vault_path(self.paths.data).unlink(missing_ok=True)
        finally:
            self._conn = db.connect(self.db_path, new)
            self._passphrase = new
            db.configure(self._conn)
            self._restrict_files()
        state_path.unlink(missing_ok=True)
        self.record_event("change", None, {"what": "encryption", "encrypted": new is not None})
        return set_aside

    def _rekey_backup(
        self,
        backup: Path,
        old: str | None,
        new: str | None,
        skip: tuple[type[BaseException], ...],
    ) -> bool:
        """Put one backup under ``new`` (atomically); True if it is (or already was) there."""
        part = backup.with_name(backup.name + REKEY_SUFFIX)
        unreadable: tuple[type[BaseException], ...] = (BackupError, *skip)
        for key in (old, new) if old != new else (old,):
            try:
                db.check_backup(backup, key, LATEST)
            except unreadable:
                continue
            if key == new:
                return True  # converted by an earlier, interrupted run
            try:
                db.rekey_copy(backup, key, part, new)
            except skip:
                part.unlink(missing_ok=True)
                return False
            os.replace(part, backup)
            db.fsync_dir(backup.parent)
            return True
        return False

    @property
    def rekey_interrupted(self) -> bool:
        """True when an ``encrypt`` / change of passphrase was interrupted: run it again."""
        return (self.paths.data / REKEY_STATE_NAME).exists()

    def drafts_vault(self) -> drafts.DraftVault:
        """Where unsaved visit drafts go: keyed like this store (encrypted when it is)."""
        return drafts.DraftVault(drafts.vault_path(self.paths.data), self._passphrase)

    def restore(self, backup_file: Path) -> None:
        """Replace the store's content with ``backup_file`` (validated first).

        The current content is backed up before it is replaced, so a restore can be undone.
        """
        db.check_backup(backup_file, self._passphrase, LATEST)
        if not self.is_empty():
            self.backup(reason="before-restore")
        source = db.connect(backup_file, self._passphrase, read_only=True)
        try:
            source.backup(self.connection)
        finally:
            source.close()
        db.configure(self.connection)
        self._restrict_files()
        self._migrate()
        problem = db.quick_check(self.connection)
        if problem:
            raise BackupError(f"the restored store fails its check ({problem})")
        self.record_event("restore", None, {"file": backup_file.name})
        # A restore legitimately replaces the chain with the backup's: anchor the new head.
        with contextlib.suppress(OSError):
            audit.write_anchor(self.paths.data / audit.ANCHOR_NAME, self.connection)


def open_store(
    paths: AppPaths,
    passphrase: str | None = None,
    *,
    keep_backups: int = DEFAULT_KEEP_BACKUPS,
    backup_on_open: bool = True,
    clock: Clock = _utc_now,
) -> Store:
    """Same as :meth:`Store.open`."""
    return Store.open(
        paths, passphrase, keep_backups=keep_backups, backup_on_open=backup_on_open, clock=clock
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
