"""One patient's record as the patient page holds it: the patient, visits and therapy lines
read once from the store, and the engine input for any date built from them.

``snapshot_for`` mirrors ``Store.snapshot_for`` (identity, sex and age from the record when the
visit lacks them, earlier visits as history, therapy lines as known on that date) but works on
the cached visits, so the live assessment does not query the store on every keystroke and a
visit that is still being typed (not saved yet) can be assessed with its history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from myeloma_desk.domain.snapshot import HistoryEntry, PatientIdentity, Snapshot, TherapyLine
from myeloma_desk.store import Store
from myeloma_desk.store.models import Patient, Visit
from myeloma_desk.store.repository import MAX_HISTORY, age_on, lines_as_of

_HISTORY_FIELDS = set(HistoryEntry.model_fields)
DERIVED = ("patient", "history", "therapy_lines")


class PatientRecord:
    """Cached patient, visits (oldest first) and therapy lines; reload after every write."""

    def __init__(self, store: Store, patient_id: int) -> None:
        self.store = store
        self.patient_id = patient_id
        self.patient: Patient = store.get_patient(patient_id)
        self.visits: list[Visit] = []
        self.lines: list[TherapyLine] = []
        self.reload()

    def reload(self) -> None:
        self.patient = self.store.get_patient(self.patient_id)
        self.visits = self.store.visits(self.patient_id)
        self.lines = [stored.line for stored in self.store.therapy_lines(self.patient_id)]

    def visit(self, day: dt.date) -> Visit | None:
        return next((v for v in self.visits if v.date == day), None)

    def visit_data(self, day: dt.date) -> dict[str, Any]:
        """A stored visit's own values as JSON data (what the visit form edits)."""
        visit = self.visit(day)
        if visit is None:
            return {"date": day.isoformat()}
        data: dict[str, Any] = visit.snapshot.model_dump(
            mode="json", exclude_none=True, exclude=set(DERIVED)
        )
        data["date"] = day.isoformat()
        return data

    def base_for(self, day: dt.date | None) -> dict[str, Any]:
        """What a visit on ``day`` inherits: identity, sex, age, history and therapy lines."""
        patient = self.patient
        base: dict[str, Any] = {
            "patient": PatientIdentity(
                name=patient.name, identifier=patient.identifier, birth_date=patient.birth_date
            ).model_dump(mode="json", exclude_none=True)
        }
        if patient.sex is not None:
            base["sex"] = patient.sex
        if day is None:
            return base
        if patient.birth_date is not None:
            age = age_on(patient.birth_date, day)
            if 0 <= age <= 120:
                base["age_years"] = age
        earlier = [v for v in self.visits if v.date < day]
        if len(earlier) > MAX_HISTORY:
            earlier = [earlier[0], *earlier[-(MAX_HISTORY - 1) :]]  # keep the baseline
        base["history"] = [
            v.snapshot.model_dump(mode="json", include=_HISTORY_FIELDS, exclude_none=True)
            for v in earlier
        ]
        base["therapy_lines"] = [
            line.model_dump(mode="json", exclude_none=True) for line in lines_as_of(self.lines, day)
        ]
        return base

    def snapshot_for(self, day: dt.date) -> Snapshot:
        """The engine input for the stored visit on ``day``."""
        data = self.base_for(day)
        data.update(self.visit_data(day))
        return Snapshot.model_validate(data)

    def latest_snapshot(self) -> Snapshot | None:
        return self.snapshot_for(self.visits[-1].date) if self.visits else None
