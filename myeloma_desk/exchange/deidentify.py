"""De-identification: names, identifiers and free text removed; dates shifted consistently.

One random offset (±1..365 days, never 0) is drawn per patient per export and applied to every
date of that patient (birth date, visits, therapy lines), so intervals and ages are preserved
while the calendar dates no longer point at the person. Free-text notes are dropped because
they may name people or places. What remains can still be identifying in a small population
(a rare diagnosis plus an age): review an export before sharing it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.store.models import PatientBundle, PatientFields, VisitIn

MAX_SHIFT_DAYS = 365


def random_offset() -> dt.timedelta:
    """A fresh random shift in ±1..365 days (cryptographic randomness; never zero)."""
    days = secrets.randbelow(MAX_SHIFT_DAYS) + 1
    return dt.timedelta(days=days if secrets.randbelow(2) else -days)


def pseudonym() -> str:
    """A random label for a de-identified patient (not derived from anything stored)."""
    return f"Patient {secrets.token_hex(4).upper()}"


def _shift(day: dt.date | None, offset: dt.timedelta) -> dt.date | None:
    return day + offset if day is not None else None


def deidentify(bundle: PatientBundle, offset: dt.timedelta, label: str) -> PatientBundle:
    """A copy of ``bundle`` with identity removed and every date moved by ``offset``."""
    patient = PatientFields(
        name=label,
        identifier=None,
        birth_date=_shift(bundle.patient.birth_date, offset),
        sex=bundle.patient.sex,
        diagnosis=bundle.patient.diagnosis,
        notes="",
    )
    visits = [
        VisitIn(
            date=visit.date + offset,
            snapshot=visit.snapshot.model_copy(
                update={"date": visit.date + offset, "patient": None}
            ),
        )
        for visit in bundle.visits
    ]
    lines = [
        TherapyLine.model_validate(
            {
                **line.model_dump(),
                "start": _shift(line.start, offset),
                "end": _shift(line.end, offset),
            }
        )
        for line in bundle.therapy_lines
    ]
    return PatientBundle(patient=patient, visits=visits, therapy_lines=lines, notes=[])
