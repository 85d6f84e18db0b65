"""The one builder of the engine input for a stored visit (or a visit still being typed).

A visit's snapshot is stored as entered. What it inherits from the patient's record is added
here, and only here: identity; sex and age on the visit date from the record when the visit did
not record them; every earlier visit as ``history`` (oldest first, the first is the baseline);
the therapy lines as known on that date, planned parts of the line in progress included
(:func:`lines_as_of`); and the facts that do not change
between visits — the M-protein's heavy and light chain and the cytogenetics (FISH) — carried
forward from the latest earlier visit that recorded them, each with the date it came from.
``Store.snapshot_for``, the patient page, the course model and the reports all call this.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from myeloma_desk.domain.lines import group_lines, has_started
from myeloma_desk.domain.snapshot import HistoryEntry, PatientIdentity, Snapshot, TherapyLine
from myeloma_desk.store.models import Patient, Visit

MAX_HISTORY = 500  # Snapshot.history accepts at most 500 entries (the baseline is always kept)
DERIVED = ("patient", "history", "therapy_lines")
# Facts of the disease, not of the visit: carried into later visits that did not record them.
CARRIED_FIELDS = (
    "m_protein_heavy_chain",
    "m_protein_light_chain",
    "fish",
    "del17p_clonal_fraction_percent",
)
_HISTORY_FIELDS = set(HistoryEntry.model_fields)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day`` (a birthday counts from that day)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def lines_as_of(lines: Iterable[TherapyLine], day: dt.date) -> list[TherapyLine]:
    """The therapy lines as they were known on ``day``.

    Lines (IMWG lines, domain/lines.py) started after ``day`` are left out. The parts of a line
    that had started by then and begin after ``day`` are kept as *planned*: with their start
    date, and no end, best response or refractoriness — so between induction and the planned
    maintenance the line is still in progress, not a prior line (Rajkumar 2015), while the
    engine counts exposure only from the parts already started. A part that ended after ``day``
    is shown as still running (no end, best response or refractoriness, not yet known). Lines
    without a start date are kept, because they cannot be placed in time.
    """
    unknown_outcome = {"end": None, "best_response": None, "refractory": None}
    known: list[TherapyLine] = []
    for line in group_lines(list(lines)):
        if not has_started(line.first, day):
            continue
        for part in line.parts:
            if not has_started(part, day) or (part.end is not None and part.end > day):
                part = part.model_copy(update=unknown_outcome)
            known.append(part)
    return known


def own_values(visit: Visit) -> dict[str, Any]:
    """A stored visit's own values as JSON data (what the visit form edits), dated."""
    data: dict[str, Any] = visit.snapshot.model_dump(
        mode="json", exclude_none=True, exclude=set(DERIVED)
    )
    data["date"] = visit.date.isoformat()
    return data


def carried_forward(visits: Sequence[Visit], day: dt.date) -> dict[str, tuple[Any, dt.date]]:
    """For each carried field, its JSON value and the date of the latest visit before ``day``
    that recorded it."""
    carried: dict[str, tuple[Any, dt.date]] = {}
    for visit in visits:
        if visit.date >= day:
            continue
        for name in CARRIED_FIELDS:
            value = getattr(visit.snapshot, name)
            if value is not None:
                dumped = visit.snapshot.model_dump(mode="json", include={name})[name]
                carried[name] = (dumped, visit.date)
    return carried


def base_for(
    patient: Patient, visits: Sequence[Visit], lines: Sequence[TherapyLine], day: dt.date | None
) -> dict[str, Any]:
    """What a visit on ``day`` inherits: identity, sex, age, history, lines and carried facts
    (as JSON data; the visit's own values are laid over it)."""
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
    for name, (value, _) in carried_forward(visits, day).items():
        base[name] = value
    earlier = [v for v in visits if v.date < day]
    if len(earlier) > MAX_HISTORY:
        earlier = [earlier[0], *earlier[-(MAX_HISTORY - 1) :]]  # keep the baseline
    base["history"] = [
        v.snapshot.model_dump(mode="json", include=_HISTORY_FIELDS, exclude_none=True)
        | {"date": v.date.isoformat()}
        for v in earlier
    ]
    base["therapy_lines"] = [
        line.model_dump(mode="json", exclude_none=True) for line in lines_as_of(lines, day)
    ]
    return base


def build_snapshot(
    patient: Patient,
    visits: Sequence[Visit],
    lines: Sequence[TherapyLine],
    day: dt.date,
    own: dict[str, Any] | None = None,
) -> Snapshot:
    """The engine input for the visit on ``day``: its own values (``own``, or the stored
    visit's) laid over what it inherits."""
    if own is None:
        visit = next((v for v in visits if v.date == day), None)
        own = own_values(visit) if visit is not None else {"date": day.isoformat()}
    data = base_for(patient, visits, lines, day)
    data.update(own)
    return Snapshot.model_validate(data)
