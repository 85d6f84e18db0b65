"""What every repository shares: the connection, the clock, and the patient id look-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from myeloma_desk.store import audit
from myeloma_desk.store.errors import NotFoundError
from myeloma_desk.store.sql import Database

Clock = Callable[[], dt.datetime]


class Session:
    """One open store's connection and clock, shared by its repositories."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.db = database
        self.clock = clock

    def now(self) -> str:
        return self.clock().isoformat(timespec="microseconds")

    def uid(self, pid: int) -> str:
        """The patient's stable uid (what the audit log names); NotFoundError if none."""
        row = self.db.execute("SELECT uid FROM patients WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no patient with id {pid}")
        return str(row[0])

    def last_actor(self, uid: str) -> str | None:
        """Who wrote the newest audit event of a patient (the login role on a server)."""
        row = self.db.execute(
            "SELECT actor FROM audit_log WHERE patient_uid = ? AND action != 'view' "
            "ORDER BY seq DESC LIMIT 1",
            (uid,),
        ).fetchone()
        return str(row[0]) if row is not None and row[0] else None

    def log(
        self, now: str, action: str, uid: str | None, detail: dict[str, Any] | None = None
    ) -> audit.AuditEvent:
        """Append an audit event inside the caller's transaction.

        The first patient record a local store receives (created or imported) also logs the
        record protection, in the same transaction: from that commit on, a record trigger that
        is missing is reported as tampering, within the store's first session too (before, the
        event waited for the session's close, and a trigger dropped and re-created meanwhile
        went unseen)."""
        event = audit.append(self.db, now, action, uid, detail)
        if action in ("create", "import") and uid is not None and self.db.dialect == "sqlite":
            audit.log_protection_at_first_record(self.db, now)
        return event
