"""Append-only, tamper-evident audit log: a SHA-256 hash chain over canonical JSON.

Each event's hash is ``sha256(prev_hash + canonical_json(event))`` where the event is
``{"seq", "at", "action", "patient", "detail"}`` and canonical JSON has sorted keys, no spaces
and UTF-8 text. The first event's ``prev_hash`` is 64 zeros. SQLite triggers refuse UPDATE and
DELETE on the table, so the app itself cannot rewrite history; anyone who edits the file
directly breaks the chain at the first edited row, and :func:`verify` names that row.

The head is also anchored outside the table: in ``patients.audit-head.json`` (written when the
store is opened, backed up and closed) and in every backup (each is a copy of the chain). The
checks beyond the chain (:class:`TamperReport`): the anchored head and every backup's head must
still be in the chain unchanged (an emptied or cut log is caught), the append-only triggers
must exist, and every patient the log created must still be in the store. Limits (also in
docs/store.md): rows appended after the newest anchor can be cut unseen, and someone who
rewrites the file, the anchor and every backup together is not caught.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Action = Literal[
    "create", "view", "change", "archive", "export", "print", "import", "backup", "restore"
]
ACTIONS: tuple[str, ...] = (
    "create",
    "view",
    "change",
    "archive",
    "export",
    "print",
    "import",
    "backup",
    "restore",
)
GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """The one serialisation hashed: sorted keys, compact separators, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """SHA-256 (hex) over the previous hash followed by the canonical event."""
    return hashlib.sha256((prev_hash + canonical_json(event)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit log."""

    seq: int
    at: str
    action: str
    patient_uid: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "action": self.action,
            "patient": self.patient_uid,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``ok`` or the first broken link and why."""

    ok: bool
    checked: int
    head: str
    broken_seq: int | None = None
    reason: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} events, head {self.head}"
        return (
            f"audit log BROKEN at event {self.broken_seq}: {self.reason} "
            f"({self.checked} events checked before it)"
        )


def append(
    connection: Any,
    at: str,
    action: str,
    patient_uid: str | None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    row = connection.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(row[0]) + 1, str(row[1])) if row else (1, GENESIS)
    event = AuditEvent(seq, at, action, patient_uid, dict(detail or {}), prev, "")
    digest = event_hash(prev, event.body())
    connection.execute(
        "INSERT INTO audit_log (seq, at, action, patient_uid, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at, action, patient_uid, canonical_json(event.detail), prev, digest),
    )
    return AuditEvent(seq, at, action, patient_uid, event.detail, prev, digest)


def _row_event(row: Any) -> AuditEvent:
    seq, at, action, patient_uid, detail, prev_hash, digest = row
    return AuditEvent(int(seq), at, action, patient_uid, json.loads(detail), prev_hash, digest)


def events(
    connection: Any, patient_uid: str | None = None, limit: int = 1000, offset: int = 0
) -> list[AuditEvent]:
    """Events newest first (optionally of one patient), for the viewer."""
    columns = "seq, at, action, patient_uid, detail, prev_hash, hash"
    if patient_uid is None:
        rows = connection.execute(
            f"SELECT {columns} FROM audit_log ORDER BY seq DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
    else:
        rows = connection.execute(
            f"SELECT {columns} FROM audit_log WHERE patient_uid = ? "
            "ORDER BY seq DESC LIMIT ? OFFSET ?",
            (patient_uid, limit, offset),
        ).fetchall()
    return [_row_event(row) for row in rows]


def verify(connection: Any) -> VerifyResult:
    """Walk the whole chain oldest first; report the first link that does not hold."""
    cursor = connection.execute(
        "SELECT seq, at, action, patient_uid, detail, prev_hash, hash FROM audit_log ORDER BY seq"
    )
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for row in cursor:
        seq = int(row[0])
        if seq != expected_seq:
            return VerifyResult(
                False, checked, prev, expected_seq, f"event {expected_seq} is missing"
            )
        try:
            event = _row_event(row)
        except (ValueError, TypeError):
            return VerifyResult(False, checked, prev, seq, "its detail is not valid JSON")
        if event.prev_hash != prev:
            return VerifyResult(
                False, checked, prev, seq, "its previous-hash does not match the event before it"
            )
        if event_hash(prev, event.body()) != event.hash:
            return VerifyResult(
                False, checked, prev, seq, "its content does not match its hash (edited)"
            )
        prev = event.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked, prev)


# --- anchoring the chain outside its table --------------------------------------------------

ANCHOR_NAME = "patients.audit-head.json"
TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")


def head(connection: Any) -> tuple[int, str]:
    """``(seq, hash)`` of the newest event, ``(0, GENESIS)`` for an empty log."""
    row = connection.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def read_anchor(path: Path) -> tuple[int, str] | None:
    """The head recorded in the anchor file, or None if there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return int(data["seq"]), str(data["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_anchor(path: Path, connection: Any) -> None:
    """Record the chain's head outside the database (atomic write, 0600)."""
    from myeloma_desk.store.db import write_private_text

    seq, digest = head(connection)
    write_private_text(path, json.dumps({"seq": seq, "hash": digest}) + "\n")


def holds(connection: Any, anchor: tuple[int, str]) -> bool:
    """True if the chain still contains the anchored event unchanged (it may have grown)."""
    seq, digest = anchor
    if seq == 0:
        return True
    row = connection.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return row is not None and str(row[0]) == digest


def last_restore(connection: Any) -> dt.datetime | None:
    """When the newest ``restore`` event happened (aware UTC), or None."""
    row = connection.execute("SELECT max(at) FROM audit_log WHERE action = 'restore'").fetchone()
    if row is None or row[0] is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(row[0]))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- patient records are written only through the app ----------------------------------------
#
# Triggers on every table of patient data refuse INSERT, UPDATE and DELETE unless the
# connection has the SQL function WRITER_FUNCTION, which only the app's connections register
# (db.connect). A direct edit with any other SQLite tool fails ("no such function"), so the
# records cannot be changed without first dropping a trigger, which `verify` reports. Someone
# who registers the function in their own program is not stopped (tamper-evident for the
# common case, not tamper-proof; see docs/store.md). The triggers are installed at the first
# open by this version; the `change` event {"what": "record protection"} is logged once the store
# holds a patient (at that open, in the transaction that writes its first patient record, or,
# for a store moved in, when that session closes: an empty store keeps an empty log, so it can
# still receive a moved store). Once that event is in
# the log, a missing trigger is reported, never silently re-created.

WRITER_FUNCTION = "myeloma_desk_writer"
RECORD_TABLES = ("patients", "visits", "therapy_lines", "notes", "assessments")
RECORD_TRIGGERS = tuple(
    f"{table}_written_by_app_{op.lower()}"
    for table in RECORD_TABLES
    for op in ("INSERT", "UPDATE", "DELETE")
)
_PROTECTION = "record protection"


def register_writer(connection: Any) -> None:
    """Mark a connection as the app's own: the record triggers let it write."""
    connection.create_function(WRITER_FUNCTION, 0, lambda: 1, deterministic=True)


def _protection_logged(connection: Any) -> bool:
    row = connection.execute(
        "SELECT 1 FROM audit_log WHERE action = 'change' AND detail LIKE ? LIMIT 1",
        (f'%"what":"{_PROTECTION}"%',),
    ).fetchone()
    return row is not None


def _holds_patients(connection: Any) -> bool:
    return connection.execute("SELECT 1 FROM patients LIMIT 1").fetchone() is not None


def protect_records(connection: Any, at: str) -> bool:
    """Install the record triggers (at open) and log their event once the store holds a patient.

    True if anything was installed or logged. When the log shows they were installed before, a
    missing trigger is tampering: it is left missing, for :func:`missing_triggers` to report.
    """
    present = _trigger_names(connection)
    complete = all(name in present for name in RECORD_TRIGGERS)
    logged = _protection_logged(connection)
    if logged or (complete and not _holds_patients(connection)):
        return False
    from myeloma_desk.store.db import transaction

    with transaction(connection):
        for table in RECORD_TABLES:
            for op in ("INSERT", "UPDATE", "DELETE"):
                connection.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_written_by_app_{op.lower()} "
                    f"BEFORE {op} ON {table} WHEN {WRITER_FUNCTION}() IS NOT 1 BEGIN SELECT "
                    "RAISE(ABORT, 'patient records are changed only through Myeloma Desk'); END"
                )
        if _holds_patients(connection):
            append(connection, at, "change", None, {"what": _PROTECTION})
    return True


def log_protection_at_first_record(connection: Any, at: str) -> None:
    """Inside the transaction that writes a store's first patient record: log the record
    protection now, whether or not every trigger still stands (they were installed at open,
    so one missing here was dropped in this session, and ``missing_triggers`` reports it)."""
    if not _protection_logged(connection):
        append(connection, at, "change", None, {"what": _PROTECTION})


def log_protection_if_due(connection: Any, at: str) -> None:
    """At close: the session added the store's first patient while every trigger stood."""
    if _protection_logged(connection) or not _holds_patients(connection):
        return
    present = _trigger_names(connection)
    if all(name in present for name in RECORD_TRIGGERS):
        from myeloma_desk.store.db import transaction

        with transaction(connection):
            append(connection, at, "change", None, {"what": _PROTECTION})


def _trigger_names(connection: Any) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    return {str(row[0]) for row in rows}


def missing_triggers(connection: Any) -> list[str]:
    """The protecting triggers that are no longer there (dropped by someone): the audit log's
    append-only pair, and the record triggers once they were installed."""
    present = _trigger_names(connection)
    expected = TRIGGERS + (RECORD_TRIGGERS if _protection_logged(connection) else ())
    return [name for name in expected if name not in present]


def deleted_patients(connection: Any) -> list[str]:
    """Patients the log says were created or imported who are no longer in the store."""
    rows = connection.execute(
        "SELECT DISTINCT patient_uid FROM audit_log WHERE action IN ('create', 'import') "
        "AND patient_uid IS NOT NULL AND patient_uid NOT IN (SELECT uid FROM patients)"
    ).fetchall()
    return sorted(str(row[0]) for row in rows)


@dataclass(frozen=True)
class TamperReport:
    """Everything :meth:`Store.verify_audit` checks beyond the chain itself."""

    chain: VerifyResult
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    @property
    def checked(self) -> int:
        return self.chain.checked

    @property
    def head(self) -> str:
        return self.chain.head

    @property
    def broken_seq(self) -> int | None:
        return self.chain.broken_seq

    @property
    def reason(self) -> str | None:
        return self.chain.reason if not self.chain.ok else (self.problems or (None,))[0]

    def message(self) -> str:
        if self.ok:
            return self.chain.message()
        lines = [] if self.chain.ok else [self.chain.message()]
        lines.extend(f"audit log TAMPERED: {problem}" for problem in self.problems)
        return "\n".join(lines)
