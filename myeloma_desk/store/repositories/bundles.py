"""Whole patients in and out: a validated :class:`PatientBundle` as one transaction."""

from __future__ import annotations

import datetime as dt

from myeloma_desk.store.models import NoteIn, Patient, PatientBundle, VisitIn
from myeloma_desk.store.repositories.audit_log import AuditRepository
from myeloma_desk.store.repositories.lines import LineRepository
from myeloma_desk.store.repositories.notes import NoteRepository
from myeloma_desk.store.repositories.patients import PatientRepository
from myeloma_desk.store.repositories.session import Session
from myeloma_desk.store.repositories.visits import VisitRepository, visit_snapshot_json


class BundleRepository:
    """Import and export of whole patients (across the patient, visit, line and note tables)."""

    def __init__(
        self,
        session: Session,
        patients: PatientRepository,
        visits: VisitRepository,
        lines: LineRepository,
        notes: NoteRepository,
        audit_log: AuditRepository,
    ) -> None:
        self._s = session
        self._patients = patients
        self._visits = visits
        self._lines = lines
        self._notes = notes
        self._audit = audit_log

    def import_bundle(self, bundle: PatientBundle, source: str) -> Patient:
        now = self._s.now()
        payloads = [(v.date, visit_snapshot_json(v.snapshot, v.date)) for v in bundle.visits]
        with self._s.db.transaction():
            pid = self._patients.insert(bundle.patient, now)
            self._visits.insert_many(pid, payloads, now)
            self._lines.write(pid, bundle.therapy_lines, now)
            self._notes.insert_many(pid, bundle.notes)
            self._patients.touch_last_visit(pid, now)
            self._s.log(
                now, "import", self._s.uid(pid), {"source": source, "visits": len(bundle.visits)}
            )
        return self._patients.get(pid)

    def export_bundle(
        self, pid: int, purpose: str = "export", *, log: bool = True
    ) -> PatientBundle:
        patient = self._patients.get(pid)
        bundle = PatientBundle(
            patient=patient.fields(),
            visits=[VisitIn(date=v.date, snapshot=v.snapshot) for v in self._visits.all(pid)],
            therapy_lines=[stored.line for stored in self._lines.all(pid)],
            notes=[
                NoteIn(written_at=dt.datetime.fromisoformat(n.written_at), text=n.text)
                for n in self._notes.all(pid)
            ],
        )
        if log:
            self._audit.record("export", pid, {"purpose": purpose})
        return bundle
