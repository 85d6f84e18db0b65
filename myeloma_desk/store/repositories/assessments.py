"""Stored engine assessments of visits, with the engine and evidence versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from myeloma_desk.domain.engine import Assessment
from myeloma_desk.store.models import StoredAssessment
from myeloma_desk.store.repositories.session import Session
from myeloma_desk.store.repositories.visits import VisitRepository


class AssessmentRepository:
    """The ``assessments`` table."""

    def __init__(self, session: Session, visits: VisitRepository) -> None:
        self._s = session
        self._visits = visits

    def save(self, pid: int, visit_date: dt.date, assessment: Assessment) -> StoredAssessment:
        now = self._s.now()
        payload = assessment.model_dump_json()
        with self._s.db.transaction():
            uid = self._s.uid(pid)
            visit_id = self._visits.id_of(pid, visit_date)
            row = (pid, visit_id, assessment.engine_version, assessment.evidence_version)
            aid = self._s.db.insert(
                "INSERT INTO assessments (patient_id, visit_id, engine_version, evidence_version, "
                "assessed_at, result_json) VALUES (?, ?, ?, ?, ?, ?)",
                (*row, now, payload),
            )
            self._s.log(now, "create", uid, {"what": "assessment", "date": visit_date.isoformat()})
        return StoredAssessment(aid, *row, now, payload)

    def all(self, pid: int, visit_date: dt.date | None = None) -> list[StoredAssessment]:
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
        return [StoredAssessment(*row) for row in self._s.db.execute(sql, params)]

    @staticmethod
    def load(stored: StoredAssessment) -> Assessment:
        return Assessment.model_validate_json(stored.result_json)
