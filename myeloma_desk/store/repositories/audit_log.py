"""The audit log as the store's callers see it: record an event, list events, walk the chain.

The hash chain itself lives in :mod:`myeloma_desk.store.audit`; the checks that need the local
files (anchor file, backups) are the local store's (:mod:`myeloma_desk.store.local`).
"""

from __future__ import annotations

from typing import Any

from myeloma_desk.store import audit
from myeloma_desk.store.repositories.session import Session


class AuditRepository:
    """The ``audit_log`` table."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def record(
        self, action: str, pid: int | None = None, detail: dict[str, Any] | None = None
    ) -> audit.AuditEvent:
        now = self._s.now()
        with self._s.db.transaction():
            uid = self._s.uid(pid) if pid is not None else None
            return self._s.log(now, action, uid, detail)

    def events(
        self, pid: int | None = None, limit: int = 1000, offset: int = 0
    ) -> list[audit.AuditEvent]:
        uid = self._s.uid(pid) if pid is not None else None
        return audit.events(self._s.db, uid, limit, offset)

    def verify_chain(self) -> audit.VerifyResult:
        return audit.verify(self._s.db)
