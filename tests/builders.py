"""A patient's course as the store returns it, written in a line per record: the patient,
their visits and their lines of therapy. Used by the course and planned-line tests and by
benchmarks/bench_course.py (which puts ``tests/`` on its path; pytest does so through
``pythonpath`` in pyproject.toml).

Only the bookkeeping a course does not read (ids, timestamps, notes) is filled in here; every
clinical value — dates, measurements, regimens, drugs, phases, refractoriness — stays written
in the test that asserts on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.store import Store
from myeloma_desk.store.models import Patient, Visit

D = dt.date.fromisoformat


def q(value: float, unit: str) -> dict[str, Any]:
    """A measured value as a snapshot holds it."""
    return {"value": value, "unit": unit}


def patient(
    name: str, birth_date: str, sex: str, diagnosis: str | None = None, identifier: str = "T-1"
) -> Patient:
    """A stored patient (id 1, not archived, no visit yet)."""
    return Patient(
        id=1,
        uid=f"uid-{identifier}",
        name=name,
        identifier=identifier,
        birth_date=D(birth_date),
        sex=sex,
        diagnosis=diagnosis,
        archived=False,
        last_visit=None,
        notes="",
        created_at="",
        updated_at="",
    )


def visit(day: str, visit_id: int = 0, **values: Any) -> Visit:
    """A stored visit of patient 1 on ``day`` with the snapshot ``values``."""
    snapshot = Snapshot.model_validate({"date": day, **values})
    return Visit(id=visit_id, patient_id=1, date=D(day), snapshot=snapshot, updated_at="")


def line(
    regimen: str, drugs: str, start: str | None, end: str | None = None, **more: Any
) -> TherapyLine:
    """A line of therapy: ``drugs`` comma-separated, dates ISO; ``more`` are its other fields
    (``phase``, ``refractory``, ``best_response``)."""
    return TherapyLine(
        regimen=regimen,
        drugs=[d.strip() for d in drugs.split(",") if d.strip()],
        start=D(start) if start else None,
        end=D(end) if end else None,
        **more,
    )


def stored_records(store: Store, identifier: str) -> tuple[Patient, list[Visit], list[TherapyLine]]:
    """A stored patient's records by identifier, as the course is built from them."""
    found = store.find_by_identifier(identifier)
    assert found is not None, identifier
    lines = [s.line for s in store.therapy_lines(found.id)]
    return store.get_patient(found.id), store.visits(found.id), lines


def staging_inputs(
    b2m: float | None,
    albumin: float | None,
    ldh: tuple[float, float] | None,
    fish: list[str] | None,
) -> dict[str, Any]:
    """The snapshot fields of ISS, R-ISS and R2-ISS: β2-microglobulin in mg/L, albumin in g/dL,
    LDH and its upper limit in U/L, FISH findings; None leaves the input out."""
    data: dict[str, Any] = {}
    if b2m is not None:
        data["beta2_microglobulin"] = q(b2m, "mg/L")
    if albumin is not None:
        data["albumin"] = q(albumin, "g/dL")
    if ldh is not None:
        data["ldh"] = q(ldh[0], "U/L")
        data["ldh_upper_limit"] = q(ldh[1], "U/L")
    if fish is not None:
        data["fish"] = fish
    return data
