"""What goes into the store (validated pydantic inputs) and what comes out (frozen records)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.domain.vocabulary import Diagnosis

# The working diagnosis uses the `diagnosis` rule's categories (domain/vocabulary.py); the
# clinician records it, the engine's result is stored with each assessment.
Sex = Literal["female", "male"]

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
MAX_VISITS = 2_000
MAX_NOTES = 2_000
MAX_NOTE_CHARS = 20_000
# The error type of a bundle whose records disagree (a second visit on one date ...); its
# ``problems`` list one sentence per record.
BUNDLE_RECORD_ERROR = "bundle_record"


def _date_in_range(value: dt.date | None, what: str) -> dt.date | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"{what} {value.isoformat()} is not between {EARLIEST_DATE} and {LATEST_DATE}"
        )
    return value


def not_after_today(value: dt.date | None, what: str) -> dt.date | None:
    """A recorded date (birth, visit, therapy) cannot be later than today (the local date)."""
    today = dt.date.today()
    if value is not None and value > today:
        raise ValueError(
            f"{what} {value.isoformat()} is after today ({today.isoformat()}); a recorded date "
            "cannot be in the future"
        )
    return value


# Control, format (text direction, zero width), surrogate, private, unassigned and line/paragraph
# separator characters: nothing a clinician types in a name or identifier needs them.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def shown_visibly(value: str) -> str:
    """A stored name or identifier with any hidden character written out (``\\u202e``), so a
    record stored before names were checked (or edited outside the app) cannot clear a terminal
    or reverse how an MRN reads on screen, in exports or in print."""
    if value.isprintable():  # the fast, usual case: no C* or Z* character but the space
        return value
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in HIDDEN_CATEGORIES else char
        for char in value
    )


def _refuse_hidden_characters(value: str | None, what: str) -> str | None:
    """Control and text-direction characters are refused in names and identifiers.

    They can clear a terminal (ESC[2J) or reverse how an MRN reads on screen and in print
    (U+202E); nothing a clinician types needs them.
    """
    if value is None:
        return None
    for char in value:
        if unicodedata.category(char) in HIDDEN_CATEGORIES:
            raise ValueError(
                f"the {what} contains an invisible control or text-direction character "
                f"(U+{ord(char):04X}); remove it"
            )
    return value


class PatientFields(BaseModel):
    """A patient's identity and administrative fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    identifier: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: dt.date | None = None
    sex: Sex | None = None
    diagnosis: Diagnosis | None = None
    notes: str = Field(default="", max_length=MAX_NOTE_CHARS)

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, value: dt.date | None) -> dt.date | None:
        return not_after_today(_date_in_range(value, "birth date"), "birth date")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        checked = _refuse_hidden_characters(unicodedata.normalize("NFC", value), "name")
        assert checked is not None
        return checked

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        # NFKC: a full-width "ＭＲＮ１２３" is the same identifier as "MRN123" (and conflicts).
        if value is None:
            return None
        return _refuse_hidden_characters(unicodedata.normalize("NFKC", value).strip(), "identifier")


class VisitIn(BaseModel):
    """One dated snapshot to store."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    snapshot: Snapshot

    @field_validator("date")
    @classmethod
    def _date(cls, value: dt.date) -> dt.date:
        result = not_after_today(_date_in_range(value, "the date"), "the date")
        assert result is not None
        return result


class NoteIn(BaseModel):
    """A dated free-text note."""

    model_config = ConfigDict(extra="forbid")

    written_at: dt.datetime
    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)


class PatientBundle(BaseModel):
    """Everything about one patient, validated as a whole before any of it is written.

    Imports (FHIR, demo JSON) are turned into a bundle first, so a bad file never leaves half a
    patient behind.
    """

    model_config = ConfigDict(extra="forbid")

    patient: PatientFields
    visits: list[VisitIn] = Field(default_factory=list, max_length=MAX_VISITS)
    therapy_lines: list[TherapyLine] = Field(default_factory=list, max_length=100)
    notes: list[NoteIn] = Field(default_factory=list, max_length=MAX_NOTES)

    @model_validator(mode="after")
    def _records_agree(self) -> PatientBundle:
        problems = [*self._visit_problems(), *self._line_problems()]
        if problems:
            # One sentence per record, each naming it ("visit 9 (2024-05-21): ..."); the
            # importer puts the patient in front of each (exchange/messages.py).
            raise PydanticCustomError(
                BUNDLE_RECORD_ERROR,
                "{summary}",
                {"summary": "; ".join(problems), "problems": problems},
            )
        return self

    def _visit_problems(self) -> list[str]:
        problems: list[str] = []
        first_on: dict[dt.date, int] = {}
        for number, visit in enumerate(self.visits, start=1):
            day = visit.date.isoformat()
            where = f"visit {number} ({day})"
            if visit.date in first_on:
                problems.append(
                    f"{where}: two visits on the same date, {day} (visit {first_on[visit.date]} "
                    "is on that date too); one visit per date"
                )
            first_on.setdefault(visit.date, number)
            snap = visit.snapshot
            if snap.history or snap.therapy_lines:
                problems.append(
                    f"{where}: earlier results and lines of therapy belong to the patient (as "
                    "visits and lines of therapy of their own), not inside one visit"
                )
            if snap.date is not None and snap.date != visit.date:
                problems.append(f"{where}: its results are dated {snap.date}, not {day}")
        return problems

    def _line_problems(self) -> list[str]:
        problems: list[str] = []
        for number, line in enumerate(self.therapy_lines, start=1):
            for day, what in ((line.start, "the start date"), (line.end, "the end date")):
                try:
                    not_after_today(_date_in_range(day, what), what)
                except ValueError as error:
                    problems.append(f"line {number} ({shown_visibly(line.regimen)}): {error}")
        return problems


@dataclass(frozen=True)
class PatientSummary:
    """A row of the patient list."""

    id: int
    uid: str
    name: str
    identifier: str | None
    birth_date: dt.date | None
    sex: str | None
    diagnosis: str | None
    archived: bool
    last_visit: dt.date | None


@dataclass(frozen=True)
class Patient(PatientSummary):
    """A patient with the administrative fields the list does not show."""

    notes: str
    created_at: str
    updated_at: str
    version: int = 1  # goes up with every change (optimistic concurrency)

    def fields(self) -> PatientFields:
        return PatientFields.model_validate(
            {
                "name": self.name,
                "identifier": self.identifier,
                "birth_date": self.birth_date,
                "sex": self.sex,
                "diagnosis": self.diagnosis,
                "notes": self.notes,
            }
        )


@dataclass(frozen=True)
class Visit:
    """One stored visit: its date and the snapshot as entered (without history and lines)."""

    id: int
    patient_id: int
    date: dt.date
    snapshot: Snapshot
    updated_at: str
    version: int = 1  # goes up with every change (optimistic concurrency)


@dataclass(frozen=True)
class StoredLine:
    """A therapy line with its position (1 = first line)."""

    id: int
    patient_id: int
    position: int
    line: TherapyLine


@dataclass(frozen=True)
class Note:
    """A dated note."""

    id: int
    patient_id: int
    written_at: str
    text: str


@dataclass(frozen=True)
class StoredAssessment:
    """An engine assessment as it was stored, with the versions that produced it."""

    id: int
    patient_id: int
    visit_id: int
    engine_version: str
    evidence_version: str
    assessed_at: str
    result_json: str
