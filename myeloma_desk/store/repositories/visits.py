"""Visits: one dated snapshot per patient and date, and the engine input built from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.store.errors import DamagedRecordError, NotFoundError, StaleRecordError
from myeloma_desk.store.models import Visit, not_after_today
from myeloma_desk.store.readable import first_problem
from myeloma_desk.store.repositories.patients import PatientRepository
from myeloma_desk.store.repositories.session import Session

# Fields of a visit's snapshot that come from elsewhere in the store, not from the visit.
DERIVED = {"patient", "history", "therapy_lines"}
_COLUMNS = "id, patient_id, visit_date, snapshot_json, updated_at, version"


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
    return dated.model_dump_json(exclude_none=True, exclude=DERIVED)


def _visit(row: Any) -> Visit:
    try:
        return Visit(
            id=row[0],
            patient_id=row[1],
            date=dt.date.fromisoformat(row[2]),
            snapshot=Snapshot.model_validate_json(row[3]),
            updated_at=row[4],
            version=row[5],
        )
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        # Never skipped: a missing visit would silently change what the engine sees.
        raise DamagedRecordError(
            f"The visit of {row[2]} of patient {row[1]}", first_problem(error)
        ) from None


class VisitRepository:
    """The ``visits`` table."""

    def __init__(self, session: Session, patients: PatientRepository) -> None:
        self._s = session
        self._patients = patients

    def save(
        self,
        pid: int,
        visit_date: dt.date,
        snapshot: Snapshot,
        expected_version: int | None = None,
    ) -> Visit:
        """Save a visit; with ``expected_version`` (0 = a new visit) refuse a stale save."""
        not_after_today(visit_date, "the visit date")
        payload = visit_snapshot_json(snapshot, visit_date)
        db = self._s.db
        now = self._s.now()
        with db.transaction():
            uid = self._s.uid(pid)
            existing = db.execute(
                "SELECT id, version FROM visits WHERE patient_id = ? AND visit_date = ?",
                (pid, visit_date.isoformat()),
            ).fetchone()
            found = int(existing[1]) if existing is not None else 0
            if expected_version is not None and found != expected_version:
                raise StaleRecordError(
                    f"the visit of {visit_date.isoformat()}",
                    expected_version,
                    found,
                    snapshot,
                    self.get(pid, visit_date) if existing is not None else None,
                    self._s.last_actor(uid),
                )
            if existing is None:
                db.insert(
                    "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?)",
                    (pid, visit_date.isoformat(), payload, now, now),
                )
                action = "create"
            else:
                db.execute(
                    "UPDATE visits SET snapshot_json = ?, updated_at = ?, version = version + 1 "
                    "WHERE id = ?",
                    (payload, now, int(existing[0])),
                )
                action = "change"
            self._patients.touch_last_visit(pid, now)
            self._s.log(now, action, uid, {"what": "visit", "date": visit_date.isoformat()})
        return self.get(pid, visit_date)

    def insert_many(self, pid: int, payloads: list[tuple[dt.date, str]], now: str) -> None:
        """Insert already-checked visit JSON inside the caller's transaction (imports)."""
        self._s.db.executemany(
            "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?)",
            [(pid, day.isoformat(), payload, now, now) for day, payload in payloads],
        )

    def get(self, pid: int, visit_date: dt.date) -> Visit:
        row = self._s.db.execute(
            f"SELECT {_COLUMNS} FROM visits WHERE patient_id = ? AND visit_date = ?",
            (pid, visit_date.isoformat()),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"patient {pid} has no visit on {visit_date.isoformat()}")
        return _visit(row)

    def id_of(self, pid: int, visit_date: dt.date) -> int:
        row = self._s.db.execute(
            "SELECT id FROM visits WHERE patient_id = ? AND visit_date = ?",
            (pid, visit_date.isoformat()),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"patient {pid} has no visit on {visit_date.isoformat()}")
        return int(row[0])

    def all(self, pid: int) -> list[Visit]:
        self._s.uid(pid)
        rows = self._s.db.execute(
            f"SELECT {_COLUMNS} FROM visits WHERE patient_id = ? ORDER BY visit_date", (pid,)
        ).fetchall()
        return [_visit(row) for row in rows]

    def dates(self, pid: int) -> list[dt.date]:
        rows = self._s.db.execute(
            "SELECT visit_date FROM visits WHERE patient_id = ? ORDER BY visit_date", (pid,)
        ).fetchall()
        return [dt.date.fromisoformat(row[0]) for row in rows]
