"""The course of a snapshot file: its history and therapy lines read as the store's records.

A report of a snapshot file (``report SNAPSHOT.json``, the visit form, a calculator report) has
no stored patient, but it must print the same trends as the patient page: the one trend pipeline
(course/trends.py) on the one course model (course/model.py). So the snapshot's ``history``
entries become visits, the snapshot itself the latest visit (when dated), its ``therapy_lines``
the lines, and :func:`myeloma_desk.course.build_course` does the rest. Pure: no Qt, no I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.store.models import Patient, Visit
from myeloma_desk.store.snapshot_builder import DERIVED

if TYPE_CHECKING:
    from myeloma_desk.course import Course

_NOT_OWN = set(DERIVED) | {"date"}


def course_of_snapshot(snapshot: Snapshot, visit_date: dt.date | None = None) -> Course:
    """The course of ``snapshot``: earlier entries of its history, then the snapshot itself
    on ``snapshot.date`` (or ``visit_date``); an undated snapshot adds no visit of its own.
    A history entry on the snapshot's own date is replaced by the snapshot."""
    from myeloma_desk.course import build_course

    day = snapshot.date or visit_date
    who = snapshot.patient
    visits: dict[dt.date, Snapshot] = {}
    for entry in snapshot.history:
        visits[entry.date] = Snapshot.model_validate(
            entry.model_dump(mode="json", exclude_none=True, exclude={"date"})
        )
    if day is not None:
        visits[day] = Snapshot.model_validate(
            snapshot.model_dump(mode="json", exclude_none=True, exclude=_NOT_OWN)
        )
    ordered = sorted(visits.items())
    patient = Patient(
        id=0,
        uid="snapshot",
        name=(who.name if who and who.name else ""),
        identifier=who.identifier if who else None,
        birth_date=who.birth_date if who else None,
        sex=snapshot.sex,
        diagnosis=None,
        archived=False,
        last_visit=ordered[-1][0] if ordered else None,
        notes="",
        created_at="",
        updated_at="",
    )
    records = [
        Visit(id=index, patient_id=0, date=date, snapshot=snap, updated_at="")
        for index, (date, snap) in enumerate(ordered, start=1)
    ]
    return build_course(patient, records, list(snapshot.therapy_lines))
