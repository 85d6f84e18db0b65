"""Patients: identity and administrative fields, archive, look-ups, list and search."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from myeloma_desk.store.errors import ConflictError, NotFoundError, StaleRecordError
from myeloma_desk.store.folding import fold, prefix_range, terms
from myeloma_desk.store.models import Patient, PatientFields, PatientSummary, shown_visibly
from myeloma_desk.store.repositories.session import Session

SUMMARY_COLUMNS = "id, uid, name, identifier, birth_date, sex, diagnosis, archived, last_visit"
PATIENT_COLUMNS = SUMMARY_COLUMNS + ", notes, created_at, updated_at, version"


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a damaged date shows as unknown; `verify` names the record


def _entered(fields: PatientFields) -> tuple[str | None, ...]:
    """The columns ``name, identifier, birth_date, sex, diagnosis, notes`` of a record."""
    birth = fields.birth_date.isoformat() if fields.birth_date else None
    return (fields.name, fields.identifier, birth, fields.sex, fields.diagnosis, fields.notes)


def _folded(fields: PatientFields) -> tuple[str | None, str | None]:
    """The search columns ``name_fold, identifier_fold`` of a record."""
    return fold(fields.name), fold(fields.identifier) if fields.identifier else None


def summary_of(row: Any) -> PatientSummary:
    return PatientSummary(
        id=row[0],
        uid=row[1],
        name=shown_visibly(row[2]),
        identifier=shown_visibly(row[3]) if row[3] is not None else None,
        birth_date=_date(row[4]),
        sex=row[5],
        diagnosis=row[6],
        archived=bool(row[7]),
        last_visit=_date(row[8]),
    )


def patient_of(row: Any) -> Patient:
    base = summary_of(row)
    return Patient(
        **base.__dict__, notes=row[9], created_at=row[10], updated_at=row[11], version=row[12]
    )


class PatientRepository:
    """The ``patients`` table and its search terms."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def insert(self, fields: PatientFields, now: str, uid: str | None = None) -> int:
        """Insert a patient inside the caller's transaction (the MRN must be unique)."""
        db = self._s.db
        if fields.identifier is not None:
            clash = db.execute(
                "SELECT name FROM patients WHERE identifier_fold = ?", (fold(fields.identifier),)
            ).fetchone()
            if clash is not None:
                raise ConflictError(
                    f"a patient with identifier {fields.identifier!r} already exists"
                )
        pid = db.insert(
            "INSERT INTO patients (uid, name, identifier, birth_date, sex, diagnosis, notes, "
            "archived, created_at, updated_at, name_fold, identifier_fold) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            (uid or uuid.uuid4().hex, *_entered(fields), now, now, *_folded(fields)),
        )
        self._write_terms(pid, fields.name)
        return pid

    def _write_terms(self, pid: int, name: str) -> None:
        self._s.db.execute("DELETE FROM patient_terms WHERE patient_id = ?", (pid,))
        self._s.db.executemany(
            "INSERT INTO patient_terms (term, patient_id) VALUES (?, ?)",
            [(term, pid) for term in sorted(terms(name))],
        )

    def touch_last_visit(self, pid: int, now: str) -> None:
        """Refresh the denormalised ``last_visit`` and ``visit_count`` (the patient list shows
        and sorts by them) after a visit was written."""
        self._s.db.execute(
            "UPDATE patients SET updated_at = ?, last_visit = "
            "(SELECT MAX(visit_date) FROM visits WHERE patient_id = ?), visit_count = "
            "(SELECT count(*) FROM visits WHERE patient_id = ?) WHERE id = ?",
            (now, pid, pid, pid),
        )

    def create(self, fields: PatientFields) -> Patient:
        now = self._s.now()
        with self._s.db.transaction():
            pid = self.insert(fields, now)
            self._s.log(now, "create", self._s.uid(pid), {"what": "patient"})
        return self.get(pid)

    def update(
        self, pid: int, fields: PatientFields, expected_version: int | None = None
    ) -> Patient:
        db = self._s.db
        now = self._s.now()
        with db.transaction():
            uid = self._s.uid(pid)
            if fields.identifier is not None:
                clash = db.execute(
                    "SELECT id FROM patients WHERE identifier_fold = ? AND id != ?",
                    (fold(fields.identifier), pid),
                ).fetchone()
                if clash is not None:
                    raise ConflictError(
                        f"another patient already has identifier {fields.identifier!r}"
                    )
            current = self.get(pid)
            if expected_version is not None and current.version != expected_version:
                raise StaleRecordError(
                    f"the patient record of {current.name}",
                    expected_version,
                    current.version,
                    fields,
                    current,
                    self._s.last_actor(uid),
                )
            before = current.fields()
            changed = sorted(
                name
                for name in PatientFields.model_fields
                if getattr(before, name) != getattr(fields, name)
            )
            db.execute(
                "UPDATE patients SET name = ?, identifier = ?, birth_date = ?, sex = ?, "
                "diagnosis = ?, notes = ?, updated_at = ?, name_fold = ?, identifier_fold = ?, "
                "version = version + 1 WHERE id = ?",
                (*_entered(fields), now, *_folded(fields), pid),
            )
            self._write_terms(pid, fields.name)
            self._s.log(now, "change", uid, {"what": "patient", "fields": changed})
        return self.get(pid)

    def archive(self, pid: int, archived: bool = True) -> Patient:
        now = self._s.now()
        with self._s.db.transaction():
            uid = self._s.uid(pid)
            self._s.db.execute(
                "UPDATE patients SET archived = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ?",
                (int(archived), now, pid),
            )
            self._s.log(now, "archive", uid, {"archived": archived})
        return self.get(pid)

    def get(self, pid: int) -> Patient:
        row = self._s.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE id = ?", (pid,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no patient with id {pid}")
        return patient_of(row)

    def view(self, pid: int) -> Patient:
        now = self._s.now()
        with self._s.db.transaction():
            patient = self.get(pid)
            self._s.log(now, "view", patient.uid, {})
        return patient

    def find_by_identifier(self, identifier: str) -> Patient | None:
        row = self._s.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE identifier_fold = ?",
            (fold(identifier),),
        ).fetchone()
        return patient_of(row) if row else None

    def find_by_uid(self, uid: str) -> Patient | None:
        row = self._s.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE uid = ?", (uid,)
        ).fetchone()
        return patient_of(row) if row else None

    def count(self, include_archived: bool = False) -> int:
        sql = "SELECT count(*) FROM patients" + ("" if include_archived else " WHERE archived = 0")
        return int(self._s.db.execute(sql).fetchone()[0])

    def is_empty(self) -> bool:
        return self._s.db.execute("SELECT 1 FROM patients LIMIT 1").fetchone() is None

    def all(
        self, include_archived: bool = False, limit: int | None = None, offset: int = 0
    ) -> list[PatientSummary]:
        where = "" if include_archived else "WHERE archived = 0"
        sql = f"SELECT {SUMMARY_COLUMNS} FROM patients {where} ORDER BY name_fold, id"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (limit, offset)
        return [summary_of(row) for row in self._s.db.execute(sql, params)]

    def search(
        self, text: str, include_archived: bool = False, limit: int = 200
    ) -> list[PatientSummary]:
        words = sorted(terms(text))
        whole = fold(text)
        if not whole:
            return self.all(include_archived, limit=limit)
        low, high = prefix_range(whole)
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
                params.extend(prefix_range(word))
            clauses.append(f"SELECT * FROM ({' INTERSECT '.join(term_sets)}) AS words")
        archived = "" if include_archived else "AND archived = 0"
        sql = (
            f"SELECT {SUMMARY_COLUMNS} FROM patients WHERE id IN "
            f"({' UNION '.join(clauses)}) {archived} ORDER BY name_fold, id LIMIT ?"
        )
        params.append(limit)
        return [summary_of(row) for row in self._s.db.execute(sql, params)]
