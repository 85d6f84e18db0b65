"""One patient's record as the patient page holds it: the patient, visits and therapy lines
read once from the store, and the engine input for any date built from them with the one
snapshot builder (store/snapshot_builder.py), so that a visit still being typed is assessed
with its history without querying the store on every keystroke.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.store import Store
from myeloma_desk.store.models import Patient, Visit
from myeloma_desk.store.snapshot_builder import DERIVED, base_for, build_snapshot, own_values

if TYPE_CHECKING:
    from myeloma_desk.course import Course

__all__ = ["DERIVED", "PatientRecord"]


class PatientRecord:
    """Cached patient, visits (oldest first) and therapy lines; reload after every write."""

    def __init__(self, store: Store, patient_id: int) -> None:
        self.store = store
        self.patient_id = patient_id
        self.patient: Patient = store.get_patient(patient_id)
        self.visits: list[Visit] = []
        self.lines: list[TherapyLine] = []
        self._course: Course | None = None
        self.version = 0  # changes with every reload: a course built before is out of date
        self.reload()

    def reload(self) -> None:
        self.patient = self.store.get_patient(self.patient_id)
        self.visits = self.store.visits(self.patient_id)
        self.lines = [stored.line for stored in self.store.therapy_lines(self.patient_id)]
        self._course = None
        self.version += 1

    def course_job(self) -> tuple[int, Callable[[], Course]]:
        """The course of the records as read now, as a job for a worker thread: the version
        it belongs to and a function that builds it (no store access; the records it reads
        are never changed, a reload replaces them)."""
        from myeloma_desk.course import build_course

        patient, visits, lines = self.patient, tuple(self.visits), tuple(self.lines)
        return self.version, lambda: build_course(patient, visits, lines)

    def adopt_course(self, version: int, course: Course) -> bool:
        """Keep a course built in the background if the records are still those of
        ``version`` (else it is dropped: a visit was saved meanwhile)."""
        if version != self.version:
            return False
        self._course = course
        return True

    @property
    def built_course(self) -> Course | None:
        """The course if it has been built for the records as read now (by a worker or on
        demand); None while it is being built. Never builds it (never blocks the GUI)."""
        return self._course

    @property
    def course(self) -> Course:
        """The patient's course of disease (built once per reload)."""
        if self._course is None:
            from myeloma_desk.course import build_course

            self._course = build_course(self.patient, self.visits, self.lines)
        return self._course

    def visit(self, day: dt.date) -> Visit | None:
        return next((v for v in self.visits if v.date == day), None)

    def visit_data(self, day: dt.date) -> dict[str, Any]:
        """A stored visit's own values as JSON data (what the visit form edits)."""
        visit = self.visit(day)
        return own_values(visit) if visit is not None else {"date": day.isoformat()}

    def base_for(self, day: dt.date | None) -> dict[str, Any]:
        """What a visit on ``day`` inherits: identity, sex, age, history, therapy lines and the
        facts carried forward from earlier visits."""
        return base_for(self.patient, self.visits, self.lines, day)

    def snapshot_for(self, day: dt.date) -> Snapshot:
        """The engine input for the stored visit on ``day``."""
        return build_snapshot(self.patient, self.visits, self.lines, day)

    def latest_snapshot(self) -> Snapshot | None:
        return self.snapshot_for(self.visits[-1].date) if self.visits else None
