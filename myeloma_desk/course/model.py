"""The course model: established diagnosis, lines, per-visit responses, state now, options.

How each part is decided (docs/ui.md, "Course model"):
- **Established diagnosis**: the clinician's working diagnosis when the record has one;
  otherwise the engine's determined ``diagnosis`` at the *diagnosis visit* — the last visit
  before the first line of therapy started whose diagnosis is determined (with no therapy
  recorded, the latest such visit: a precursor that progresses is re-staged). It is never
  re-derived from a follow-up's labs, which change with treatment.
- **Diagnosis-visit rules** (diagnosis, myeloma-defining events, ISS, R-ISS, R2-ISS,
  cytogenetic risk, smoldering and MGUS risk) are shown at later visits as carried forward
  from the diagnosis visit, with its date.
- **Lines** are IMWG lines (domain/lines.py); each gets its best confirmed response and its
  time to events (domain/events.py) from the per-visit ``response_imwg`` results.
- **Response per visit** is the ``response_imwg`` result of that visit's engine input (the one
  snapshot builder), re-baselined at each new line by the rule itself, with its confirmation.
- **State now** reads the latest visit: the line in progress and its phase, prior lines, the
  latest response and refractoriness.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from myeloma_desk.domain.display import (
    line_words,
    phase_words,
    refractoriness_words,
    response_words,
)
from myeloma_desk.domain.engine import Assessment, assess
from myeloma_desk.domain.events import Assessment as Assessed
from myeloma_desk.domain.events import Interval, LineTimes, line_times
from myeloma_desk.domain.lines import Line, current_line, group_lines, prior_lines
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.domain.vocabulary import RESPONSE_LABELS, RESPONSE_ORDER, diagnosis_label
from myeloma_desk.store.models import Patient, Visit
from myeloma_desk.store.snapshot_builder import build_snapshot, carried_forward, lines_as_of

if TYPE_CHECKING:
    from myeloma_desk.course.trends import Trends
    from myeloma_desk.evidence.options import OptionsReport

# Rules that describe the disease at diagnosis: at a follow-up they are carried forward from
# the diagnosis visit instead of being recomputed from treated labs.
DIAGNOSIS_RULES = (
    "diagnosis",
    "myeloma_defining_events",
    "iss",
    "r_iss",
    "r2_iss",
    "cytogenetic_risk_pdq",
    "high_risk_ims_imwg",
    "smm_risk_20_2_20",
    "smm_risk_imwg_2020",
    "mgus_risk_mayo",
)
MYELOMA = ("active_multiple_myeloma", "plasma_cell_leukemia")


@dataclass(frozen=True)
class EstablishedDiagnosis:
    """The diagnosis the course rests on, where it came from and when."""

    value: str | None
    date: dt.date | None
    source: str  # "clinician", "engine" or "none"

    @property
    def label(self) -> str:
        return diagnosis_label(self.value)

    def shown(self) -> str:
        """E.g. "Active multiple myeloma (diagnosis visit of 2023-01-10)"."""
        if self.value is None:
            return "Not established: no visit with a determined diagnosis yet"
        if self.source == "clinician":
            return f"{self.label} (working diagnosis recorded by the clinician)"
        when = f" of {self.date.isoformat()}" if self.date else ""
        return f"{self.label} (diagnosis visit{when})"


@dataclass(frozen=True)
class VisitResponse:
    """The IMWG response at one visit, with its confirmation and baseline."""

    category: str | None
    status: str
    confirmed: str | None  # the confirmed category, if any
    baseline_date: str | None
    result: RuleResult

    def shown(self) -> str:
        """E.g. "PR (confirmed)", "VGPR (unconfirmed; PR confirmed)", "cannot be determined"."""
        if self.category is None:
            return "Cannot be determined" if self.status == "cannot_determine" else "Not assessed"
        return response_words(self.category, self.confirmed)

    @property
    def label(self) -> str:
        return RESPONSE_LABELS.get(self.category or "", self.shown())


@dataclass(frozen=True)
class VisitCourse:
    """One visit in the course."""

    date: dt.date
    snapshot: Snapshot
    assessment: Assessment
    line: Line | None  # the IMWG line in progress on that date
    part: TherapyLine | None  # the recorded regimen in progress on that date
    phase: str  # in words, e.g. "Line 1, maintenance (lenalidomide maintenance)"
    response: VisitResponse | None
    carried: dict[str, dt.date] = field(default_factory=dict)
    is_diagnosis_visit: bool = False
    # Between two planned parts of the line (induction done, maintenance to come): the next
    # part; the patient is still on that line (a planned sequence is one IMWG line).
    next_part: TherapyLine | None = None
    # Prior lines on that date (domain/lines.py; the engine's therapy rules count the same).
    prior_lines: int = 0


@dataclass(frozen=True)
class LineCourse:
    """One IMWG line with its outcome."""

    line: Line
    best_confirmed: str | None
    best_unconfirmed: str | None
    times: LineTimes  # PFS, duration of response, time to next treatment (domain/events.py)
    visit_dates: tuple[dt.date, ...]

    @property
    def intervals(self) -> dict[str, Interval]:
        """The line's times to event that could be given: ``pfs``, ``dor``, ``ttnt``."""
        found = {
            "pfs": self.times.pfs,
            "dor": self.times.duration_of_response,
            "ttnt": self.times.ttnt,
        }
        return {key: value for key, value in found.items() if value is not None and value.end}

    @property
    def number(self) -> int:
        return self.line.number

    @property
    def regimen(self) -> str:
        return self.line.regimen


@dataclass(frozen=True)
class DiseaseState:
    """Where the patient stands now (at the latest visit)."""

    phase: str  # "no_visits", "precursor", "newly_diagnosed", "on_therapy", "off_therapy"
    line_number: int | None
    prior_lines: int
    regimen: str | None
    response: VisitResponse | None
    refractoriness: str | None
    text: str


@dataclass(frozen=True)
class Course:
    """The patient's whole course, as every screen and report reads it."""

    patient: Patient
    visits: tuple[VisitCourse, ...]
    lines: tuple[LineCourse, ...]
    diagnosis: EstablishedDiagnosis
    diagnosis_visit: VisitCourse | None
    state: DiseaseState
    therapy: tuple[TherapyLine, ...]

    def visit(self, day: dt.date) -> VisitCourse | None:
        return next((v for v in self.visits if v.date == day), None)

    @property
    def latest(self) -> VisitCourse | None:
        return self.visits[-1] if self.visits else None

    @property
    def staging_at_diagnosis(self) -> dict[str, RuleResult]:
        """ISS, R-ISS, R2-ISS and cytogenetic risk from the diagnosis visit."""
        if self.diagnosis_visit is None:
            return {}
        wanted = ("iss", "r_iss", "r2_iss", "cytogenetic_risk_pdq", "high_risk_ims_imwg")
        return {r.rule: r for r in self.diagnosis_visit.assessment.results if r.rule in wanted}

    def carried_at(self, day: dt.date | None) -> dict[str, tuple[RuleResult, dt.date]]:
        """The diagnosis-visit rules as they stand for a visit on ``day`` (stored or still
        being typed): from the diagnosis visit, with its date, when ``day`` is after it;
        empty at or before the diagnosis visit (there they are the visit's own)."""
        source = self.diagnosis_visit
        if source is None or day is None or source.date >= day:
            return {}
        return {
            rule: (source.assessment.get(rule), source.date)
            for rule in DIAGNOSIS_RULES
            if any(r.rule == rule for r in source.assessment.results)
        }

    def results_at(self, day: dt.date) -> list[tuple[RuleResult, dt.date | None]]:
        """The results to show for the visit on ``day``: the visit's own, except the
        diagnosis-visit rules at a follow-up, which come from the diagnosis visit (with its
        date)."""
        visit = self.visit(day)
        if visit is None:
            return []
        carried = self.carried_at(day)
        out: list[tuple[RuleResult, dt.date | None]] = []
        for result in visit.assessment.results:
            if result.rule in carried:
                out.append(carried[result.rule])
            else:
                out.append((result, None))
        return out

    @cached_property
    def trends(self) -> Trends:
        """The one trend pipeline (course/trends.py): series, line markers, responses."""
        from myeloma_desk.course.trends import build_trends

        return build_trends(self)

    def options(self, day: dt.date | None = None) -> OptionsReport:
        """The options the PDQ describes for the disease state at the visit on ``day`` (latest)."""
        from myeloma_desk.evidence.options import options_for

        visit = self.visit(day) if day is not None else self.latest
        if visit is None:
            raise LookupError("the patient has no visit")
        return options_for(
            visit.assessment, self.setting_input(visit.snapshot), diagnosis=self.diagnosis.value
        )

    def setting_input(self, snapshot: Snapshot) -> Snapshot:
        """The engine input the options' setting is read from, for a visit on the snapshot's
        date (stored or still being typed): the snapshot itself. Between two planned parts of
        one line the snapshot already carries the part to come as planned
        (store/snapshot_builder.py ``lines_as_of``), so the line is in progress and the setting
        is that of the part to come (domain/lines.py ``Line.next_part``): after transplant with
        maintenance planned the maintenance setting, never "relapsed after 1 prior line"."""
        return snapshot


def _phase_words(
    line: Line | None, part: TherapyLine | None, prior: int, next_part: TherapyLine | None = None
) -> str:
    if line is None:
        return line_words("off_therapy" if prior else "not_on_therapy", None, None, prior)
    if next_part is not None:
        phase = phase_words(part.phase if part else None, next_part.phase)
        # The whole planned line, the parts done and the one to come.
        regimen = " → ".join(p.regimen for p in line.parts[: line.parts.index(next_part) + 1])
    else:
        phase = phase_words(part.phase) if part else ""
        regimen = part.regimen if part else line.regimen
    return line_words("on_therapy", line.number, phase, prior, regimen=regimen)


def visit_response(result: RuleResult) -> VisitResponse:
    """The ``response_imwg`` result read as a response with its confirmation (also for a
    visit still being typed, which is not in the course yet)."""
    confirmation: dict[str, Any] = result.detail.get("confirmation") or {}
    category = result.result if isinstance(result.result, str) else None
    return VisitResponse(
        category=category,
        status=result.status,
        confirmed=confirmation.get("category"),
        baseline_date=result.detail.get("baseline_date"),
        result=result,
    )


def _deeper(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if RESPONSE_ORDER.index(a) >= RESPONSE_ORDER.index(b) else b


def _established(
    patient: Patient, visits: list[VisitCourse], therapy: Sequence[TherapyLine]
) -> tuple[EstablishedDiagnosis, VisitCourse | None]:
    starts = [line.start for line in therapy if line.start is not None]
    first_start = min(starts) if starts else None

    def determined(v: VisitCourse) -> str | None:
        result = v.assessment.get("diagnosis")
        if result.status == "determined" and isinstance(result.result, str):
            return result.result
        return None

    candidates = [v for v in visits if determined(v) and determined(v) != "no_plasma_cell_neoplasm"]
    before = [v for v in candidates if first_start is None or v.date <= first_start]
    chosen = before[-1] if before else (candidates[0] if candidates else None)
    if patient.diagnosis is not None:
        # The clinician's working diagnosis rules; the visit that showed it (if any) dates it.
        agreeing = [v for v in candidates if determined(v) == patient.diagnosis]
        visit = (agreeing[-1] if agreeing and agreeing[-1] in before else None) or (
            agreeing[0] if agreeing else chosen
        )
        return EstablishedDiagnosis(
            patient.diagnosis, visit.date if visit else None, "clinician"
        ), visit
    if chosen is None:
        return EstablishedDiagnosis(None, None, "none"), None
    return EstablishedDiagnosis(determined(chosen), chosen.date, "engine"), chosen


# Memo of built courses, keyed by the records' content (the GUI asks for the same patient's
# course from several views; a course is immutable, so one object can be shared).
MEMO_SIZE = 16
_memo: OrderedDict[tuple[Any, ...], Course] = OrderedDict()
_memo_lock = threading.Lock()


def _fingerprint(
    patient: Patient,
    visits: Sequence[Visit],
    lines: Sequence[TherapyLine],
    today: dt.date | None,
) -> tuple[Any, ...]:
    return (
        patient,
        tuple((v.id, v.date, v.updated_at, v.snapshot.model_dump_json()) for v in visits),
        tuple(line.model_dump_json() for line in lines),
        today,
    )


def clear_course_memo() -> None:
    """Forget every memoized course (tests and benchmarks)."""
    with _memo_lock:
        _memo.clear()


def build_course(
    patient: Patient,
    visits: Sequence[Visit],
    lines: Sequence[TherapyLine],
    *,
    today: dt.date | None = None,
) -> Course:
    """The course of disease from the store's records (visits in any order).

    Memoized on the records' content: the same patient, visits and lines give the same
    (immutable) :class:`Course` object without running the engine again."""
    key = _fingerprint(patient, visits, lines, today)
    with _memo_lock:
        known = _memo.get(key)
        if known is not None:
            _memo.move_to_end(key)
            return known
    course = _build_course(patient, visits, lines, today)
    with _memo_lock:
        _memo[key] = course
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return course


def _build_course(
    patient: Patient,
    visits: Sequence[Visit],
    lines: Sequence[TherapyLine],
    today: dt.date | None,
) -> Course:
    ordered = sorted(visits, key=lambda v: v.date)
    if today is not None:
        ordered = [v for v in ordered if v.date <= today]
    therapy = tuple(lines)
    grouped = group_lines(therapy)
    raw: list[VisitCourse] = []
    for visit in ordered:
        snapshot = build_snapshot(patient, ordered, therapy, visit.date)
        assessment = assess(snapshot)
        # The lines as they were known on that date (a progression recorded later does not end
        # a line that was still running then).
        known = lines_as_of(therapy, visit.date)
        line = current_line(known, visit.date)
        prior = prior_lines(known, visit.date)
        # Between two planned parts of the line (Rajkumar 2015): still on it, the part done
        # last and the one to come.
        part = line.part_on(visit.date) if line is not None else None
        next_part = line.next_part(visit.date) if line is not None else None
        carried = {
            name: day
            for name, (_, day) in carried_forward(ordered, visit.date).items()
            if getattr(visit.snapshot, name) is None
        }
        # Response is to therapy: only once a line has started (the rule itself measures from
        # the first visit when no line is recorded, which says nothing for an untreated MGUS).
        started = any(t.start is not None and t.start <= visit.date for t in therapy)
        response_result = assessment.get("response_imwg")
        response = (
            visit_response(response_result)
            if started and response_result.status != "not_applicable"
            else None
        )
        raw.append(
            VisitCourse(
                date=visit.date,
                snapshot=snapshot,
                assessment=assessment,
                line=line,
                part=part,
                phase=_phase_words(line, part, prior, next_part),
                response=response,
                carried=carried,
                next_part=next_part,
                prior_lines=prior,
            )
        )
    diagnosis, diagnosis_visit = _established(patient, raw, therapy)
    course_visits = tuple(
        VisitCourse(**{**v.__dict__, "is_diagnosis_visit": v is diagnosis_visit}) for v in raw
    )
    diagnosis_visit = next((v for v in course_visits if v.is_diagnosis_visit), None)
    last_seen = course_visits[-1].date if course_visits else None
    # Times to event per line from the engine (domain/events.py), on the per-visit responses.
    times = line_times(
        therapy,
        [Assessed(v.date, v.response.category) for v in course_visits if v.response is not None],
        today=last_seen,
    )
    line_courses: list[LineCourse] = []
    for index, line in enumerate(grouped):
        next_start = grouped[index + 1].start if index + 1 < len(grouped) else None
        inside = [
            v
            for v in course_visits
            if v.line is not None and v.line.number == line.number and v.date != line.start
        ]
        # The visit at which the line stopped (progression on it) belongs to it too.
        if line.end is not None:
            inside += [
                v
                for v in course_visits
                if v.line is None
                and v.date >= line.end
                and (next_start is None or v.date <= next_start)
                and v not in inside
            ][:1]
        best_confirmed: str | None = None
        best_unconfirmed: str | None = None
        for v in inside:
            if v.response is None or v.response.category is None:
                continue
            best_unconfirmed = _deeper(best_unconfirmed, v.response.category)
            if v.response.confirmed and v.response.confirmed != "PD":
                best_confirmed = _deeper(best_confirmed, v.response.confirmed)
        line_courses.append(
            LineCourse(
                line=line,
                best_confirmed=best_confirmed,
                best_unconfirmed=best_unconfirmed,
                times=times[index],
                visit_dates=tuple(v.date for v in inside),
            )
        )
    state = _state(course_visits, therapy, diagnosis)
    return Course(
        patient=patient,
        visits=course_visits,
        lines=tuple(line_courses),
        diagnosis=diagnosis,
        diagnosis_visit=diagnosis_visit,
        state=state,
        therapy=therapy,
    )


def _state(
    visits: Sequence[VisitCourse], therapy: Sequence[TherapyLine], diagnosis: EstablishedDiagnosis
) -> DiseaseState:
    if not visits:
        return DiseaseState("no_visits", None, 0, None, None, None, "No visits recorded")
    latest = visits[-1]
    prior = latest.prior_lines
    refr = latest.assessment.get("refractoriness")
    refractoriness = (
        refr.result if refr.status == "determined" and isinstance(refr.result, str) else None
    )
    response = latest.response
    parts: list[str] = []
    if diagnosis.value is not None and diagnosis.value not in MYELOMA and not therapy:
        phase = (
            "precursor"
            if "mgus" in diagnosis.value or "smoldering" in diagnosis.value
            else "newly_diagnosed"
        )
        parts.append(diagnosis.label)
        parts.append("no therapy recorded")
    elif latest.line is not None:
        phase = "on_therapy"
        parts.append(latest.phase)
        parts.append(f"{prior} prior line{'s' if prior != 1 else ''}")
    elif prior == 0:
        phase = "newly_diagnosed"
        planned = [line for line in group_lines(therapy) if line.start and line.start > latest.date]
        if planned:
            first = planned[0]
            parts.append(f"Newly diagnosed; line 1 ({first.regimen}) from {first.start}")
        else:
            parts.append(
                "Newly diagnosed, no therapy recorded" if diagnosis.value else "No therapy recorded"
            )
    else:
        phase = "off_therapy"
        parts.append(latest.phase)
    if response is not None and response.category is not None:
        parts.append(f"response {response.shown()}")
        if response.category == "PD":
            parts.append("progressive disease" if latest.line else "relapsed or progressive")
    if refractoriness and refractoriness != "not_refractory":
        parts.append(refractoriness_words(refractoriness))
    return DiseaseState(
        phase=phase,
        line_number=latest.line.number if latest.line else None,
        prior_lines=prior,
        regimen=latest.part.regimen if latest.part else None,
        response=response,
        refractoriness=refractoriness,
        text=" · ".join(parts),
    )
