"""Report content, built without Qt: snapshot + assessment -> :class:`ReportDoc` -> HTML.

The renderer (render_qt.py) only lays the HTML out on pages and draws the trend chart from
:attr:`ReportDoc.trends`. Everything a clinician reads is decided here, so it is tested without a
display. Sections are built generically from ``Assessment.results``: a rule added to the engine
appears in the report without a change here; the staging/risk summary, the response section and
the trends key off the rule ids of ../shared/reference/assessment-interchange.md when present.

Safety: every string that reaches the HTML goes through :func:`html.escape` (user-entered names,
identifiers, clinician, institution, regimen names, and engine text alike), and the HTML refers
to no external resource: the only image is the trend chart, named :data:`CHART_RESOURCE`, which
the renderer supplies as an in-memory QTextDocument resource.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, field_validator

from myeloma_desk import __version__
from myeloma_desk.course.trends import LineMarker, Trends, TrendSeries, build_trends
from myeloma_desk.domain.criteria.diagnosis.events import EVENT_LABELS
from myeloma_desk.domain.display import (
    ABBREVIATIONS,
    choice_words,
    course_result_text,
    detail_label,
    field_label,
    field_labels,
    field_unit,
    inline_words,
    mid_sentence,
    part_label,
    result_label,
    setting_label,
    status_label,
)
from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.lines import has_started
from myeloma_desk.domain.results import PDQ, SOURCES, RuleResult
from myeloma_desk.domain.snapshot import HistoryEntry, PatientIdentity, Snapshot, TherapyLine
from myeloma_desk.domain.units import UNITS, fmt
from myeloma_desk.evidence.options import OptionsReport
from myeloma_desk.reference.pdq import PDQ_DATE  # the date of the bundled PDQ summary

if TYPE_CHECKING:
    from myeloma_desk.course import Course

PageSize = Literal["A4", "Letter"]


DISCLAIMER = (
    "This report is reference information compiled by Myeloma Desk from published criteria and "
    "the PDQ summary. It is not a guideline, not a treatment recommendation and not a substitute "
    "for clinical judgement. Check every value against the source record before acting on it."
)

# Name of the trend chart image in the HTML; render_qt.py adds it as a QTextDocument resource.
CHART_RESOURCE = "myeloma-desk-report-chart"

# Rule ids (interchange spec) shown in the "Staging and risk" summary, in this order.
STAGING_RULES: tuple[str, ...] = (
    "iss",
    "r_iss",
    "r2_iss",
    "al_stage_mayo_2012",
    "al_stage_mayo_2004_european",
    "al_stage_boston_university",
    "al_renal_stage",
)
RISK_RULES: tuple[str, ...] = (
    "cytogenetic_risk_pdq",
    "high_risk_ims_imwg",
    "smm_risk_20_2_20",
    "smm_risk_imwg_2020",
    "mgus_risk_mayo",
    "frailty_imwg",
    "impede_vte",
)
SUMMARY_RULES: tuple[str, ...] = ("diagnosis", "myeloma_defining_events", "response_imwg")
RESPONSE_RULE = "response_imwg"
# Kidney function and the PDQ's renal dose statements (the short report's "Kidney" table).
KIDNEY_RULES: tuple[str, ...] = (
    "egfr_ckd_epi_2021",
    "crcl_cockcroft_gault",
    "lenalidomide_renal_dose",
    "cybord_renal_pdq",
    "bone_agent_renal_pdq",
)
# Rules shown in the short report's "Disease state" table besides the diagnosis.
STATE_RULES: tuple[str, ...] = (
    "myeloma_defining_events",
    "refractoriness",
    "relapse_imwg",
    "mrd_imwg",
)
# Detail keys that are provenance notes for developers (how a source was checked): kept in the
# code and docs, never printed.
DEVELOPER_DETAIL_KEYS = frozenset({"verification", "survival_verification", "not_checked"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OptionInput(_Frozen):
    """One option the PDQ describes for the patient's setting (input from the evidence layer).

    A small shape of our own until the evidence package lands; its adapter maps onto this.
    """

    regimen: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    trials: list[str] = Field(default_factory=list)  # "MAIA (NCT02252172)"; NCT id when unnamed
    trial_names: list[str] = Field(default_factory=list)  # "MAIA" (the short report's column)
    settings: list[str] = Field(default_factory=list)  # the PDQ settings, in words
    level_of_evidence: str | None = None  # PDQ level-of-evidence code, e.g. "1iiA"
    flags: list[str] = Field(default_factory=list)  # e.g. "renal dose adjustment needed"
    references: list[str] = Field(default_factory=list)  # full citations


class HeaderRow(_Frozen):
    label: str
    value: str


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def visible(text: str) -> str:
    """``text`` with control and text-direction characters shown as "[U+202E]": a right-to-left
    override in a name must not reverse the identifier printed after it, nor an escape sequence
    reach a terminal. HTML escaping happens later, in :func:`to_html`."""
    return "".join(f"[U+{ord(c):04X}]" if unicodedata.category(c) in _HIDDEN else c for c in text)


class ReportHeader(_Frozen):
    """Who and when. ``patient_name``/``identifier`` are None for a calculator-only report.
    Control and text-direction characters are made visible (:func:`visible`)."""

    title: str
    patient_name: str | None = None
    identifier: str | None = None
    birth_date: dt.date | None = None
    visit_date: dt.date | None = None
    report_date: dt.date | None = None
    clinician: str = ""
    institution: str = ""
    # A course report covers the visits from ``course_from`` to ``course_to`` (no one visit).
    course_from: dt.date | None = None
    course_to: dt.date | None = None

    @field_validator("patient_name", "identifier", "clinician", "institution")
    @classmethod
    def _visible(cls, value: str | None) -> str | None:
        return visible(value) if value is not None else None

    @property
    def has_patient(self) -> bool:
        return bool(self.patient_name or self.identifier or self.birth_date)

    @property
    def running_label(self) -> str:
        """The text repeated at the top of every page (plain text, drawn not parsed)."""
        if not self.has_patient:
            return "Calculator report · no patient"
        parts = []
        if self.patient_name:
            parts.append(self.patient_name)
        parts.append(f"ID {self.identifier}" if self.identifier else "ID not recorded")
        if self.visit_date:
            parts.append(f"visit {self.visit_date.isoformat()}")
        if self.course_to:
            parts.append(f"course to {self.course_to.isoformat()}")
        return " · ".join(parts)

    def rows(self) -> list[HeaderRow]:
        def day(value: dt.date | None) -> str:
            return value.isoformat() if value else "not recorded"

        rows: list[HeaderRow] = []
        if self.has_patient:
            rows += [
                HeaderRow(label="Patient", value=self.patient_name or "not recorded"),
                HeaderRow(label="Identifier", value=self.identifier or "not recorded"),
                HeaderRow(label="Date of birth", value=day(self.birth_date)),
            ]
        else:
            rows.append(HeaderRow(label="Patient", value="none (calculator-only report)"))
        if self.course_to is not None:
            span = f"{day(self.course_from)} to {day(self.course_to)}"
            rows.append(HeaderRow(label="Visits", value=span))
        else:
            rows.append(HeaderRow(label="Visit date", value=day(self.visit_date)))
        rows.append(HeaderRow(label="Clinician", value=self.clinician or "not recorded"))
        rows.append(HeaderRow(label="Institution", value=self.institution or "not recorded"))
        if self.report_date:
            rows.append(HeaderRow(label="Report printed", value=self.report_date.isoformat()))
        return rows


class InputRow(_Frozen):
    """One recorded input, shown as entered (value with its unit) and with its date."""

    field: str
    label: str
    value: str
    date: str


class TherapyRow(_Frozen):
    regimen: str
    drugs: str
    start: str
    end: str
    best_response: str
    refractory: str


class CriterionRow(_Frozen):
    name: str
    met: Literal["met", "not met", "unknown"]
    value: str


class ResultSection(_Frozen):
    """One rule's result with the criteria that decided it and what was missing."""

    rule: str
    title: str
    status: str
    result: str
    criteria: list[CriterionRow]
    missing: list[str]
    notes: list[str]
    sources: list[int]  # numbers into ReportDoc.references


class SummaryRow(_Frozen):
    rule: str
    title: str
    result: str


class ResponseSection(_Frozen):
    """Response against baseline (IMWG) when the engine assessed it."""

    available: bool
    result: str = ""
    baseline_date: str = ""
    notes: list[str] = Field(default_factory=list)
    comparison: list[InputRow] = Field(default_factory=list)  # label / baseline / current


class ReferenceEntry(_Frozen):
    number: int
    label: str
    citation: str


class PrintedDoc(_Frozen):
    """What every printed document has: the page size and running header, the trend chart of
    the one trend pipeline (course/trends.py, as on the patient's Trends tab) and the versions
    and disclaimer of the last page. ``ReportDoc`` (a visit) and ``CourseReportDoc`` (the
    course) add their own sections."""

    page_size: PageSize = "A4"
    header: ReportHeader
    trends: list[InstanceOf[TrendSeries]]
    trend_notes: list[str]
    trend_markers: list[InstanceOf[LineMarker]] = Field(default_factory=list)
    app_version: str
    engine_version: str
    pdq_date: str
    disclaimer: str = DISCLAIMER
    # The short report (default) leaves the full criteria out; ``detail`` adds them as an
    # appendix (the print dialog's option and ``report --detail``).
    detail: bool = False

    @property
    def has_chart(self) -> bool:
        return any(len(series.points) >= 1 for series in self.trends)

    @property
    def has_trend(self) -> bool:
        """Whether any series has two dated values (a single point is a table row, not a
        trend)."""
        return any(len(series.points) >= 2 for series in self.trends)


class ReportDoc(PrintedDoc):
    """Everything printed, in order. Rendering adds only layout, page headers and the chart."""

    summary: list[SummaryRow]
    inputs: list[InputRow]
    not_recorded: list[str]
    therapy_lines: list[TherapyRow]
    results: list[ResultSection]
    staging_risk: list[SummaryRow]
    response: ResponseSection
    options: list[OptionInput] | None
    options_setting: str = ""
    options_notes: list[str] = Field(default_factory=list)
    # Evidence notes the short report leaves to the appendix (they repeat a section above).
    options_more: list[str] = Field(default_factory=list)
    references: list[ReferenceEntry]
    evidence_version: str
    diagnosis: str = ""  # the established diagnosis, in words
    state: str = ""  # the disease state now (course model), in words
    visit_response: str = ""  # this visit's IMWG response with its confirmation (course model)
    state_rows: list[SummaryRow] = Field(default_factory=list)
    kidney: list[SummaryRow] = Field(default_factory=list)
    eligibility: list[SummaryRow] = Field(default_factory=list)
    needed: list[str] = Field(default_factory=list)  # "Creatinine, weight: for eGFR, CrCl"
    not_applicable: list[str] = Field(default_factory=list)  # titles of rules left out


# ---------------------------------------------------------------------------------------------
# building


def build_report(
    snapshot: Snapshot,
    assessment: Assessment,
    *,
    patient: PatientIdentity | None = None,
    visit_date: dt.date | None = None,
    report_date: dt.date | None = None,
    clinician: str = "",
    institution: str = "",
    options: Sequence[OptionInput] | None = None,
    options_setting: str = "",
    options_notes: Sequence[str] = (),
    options_more: Sequence[str] = (),
    evidence_version: str | None = None,
    pdq_date: str = PDQ_DATE,
    page_size: PageSize = "A4",
    detail: bool = False,
    diagnosis: str = "",
    state: str = "",
    visit_response: str = "",
    trends: Trends | None = None,
) -> ReportDoc:
    """The report for ``snapshot`` assessed as ``assessment``.

    ``trends`` are the course's trends up to this visit (``build_trends(course, until=day)``);
    without them, those of the snapshot's own history (:func:`snapshot_course`).

    ``diagnosis``, ``state`` and ``visit_response`` are the course model's words for the
    established diagnosis, the disease state and this visit's response (confirmation); without
    them the engine's own results of this snapshot are shown.

    ``patient`` defaults to ``snapshot.patient``; without either the report is calculator-only.
    ``options`` are the options the PDQ describes for the setting (None: not available, which
    the report says; :func:`options_from_evidence` adapts the evidence layer's answer), with
    ``options_setting`` naming the setting and ``options_notes`` what the evidence layer could
    not decide. ``evidence_version`` defaults to the assessment's.
    """
    who = patient if patient is not None else snapshot.patient
    header = ReportHeader(
        title="Assessment report" if who is not None else "Calculator report",
        patient_name=(who.name or None) if who else None,
        identifier=(who.identifier or None) if who else None,
        birth_date=who.birth_date if who else None,
        visit_date=visit_date or snapshot.date,
        report_date=report_date,
        clinician=clinician.strip(),
        institution=institution.strip(),
    )
    refs = _References()
    refs.add(PDQ.label)  # the report's own frame of reference, always cited
    # Rules that do not apply are left out of the report, and so are their sources.
    results = [
        _result_section(r, refs if r.status != "not_applicable" else _References())
        for r in assessment.results
    ]
    option_list = list(options) if options is not None else None
    for option in option_list or []:
        for citation in option.references:
            refs.add_citation(citation)
    by_rule = {r.rule: r for r in assessment.results}
    applicable = [r for r in assessment.results if r.status != "not_applicable"]
    # Eligibility that matters now: before any line of therapy, a statement that turns on the
    # prior lines (CAR-T, bispecifics, selinexor) is for later and is left out of the short
    # report (the appendix keeps it).
    relevant = [
        r
        for r in applicable
        if snapshot.therapy_lines
        or not (r.rule.endswith("_eligibility") and "therapy_lines" in r.missing)
    ]
    if not diagnosis and "diagnosis" in by_rule:
        diagnosis = _diagnosis_words(by_rule["diagnosis"])
    if not visit_response and RESPONSE_RULE in by_rule:
        visit_response = format_result(by_rule[RESPONSE_RULE])
    if trends is None:
        from myeloma_desk.reports.snapshot_course import course_of_snapshot

        trends = build_trends(course_of_snapshot(snapshot, header.visit_date))
    trend_notes = list(trends.notes)
    if snapshot.date is None and visit_date is None:
        trend_notes.append("The current values are undated and are not plotted.")
    return ReportDoc(
        detail=detail,
        diagnosis=diagnosis,
        state=state,
        visit_response=visit_response,
        state_rows=_summary(by_rule, STATE_RULES),
        kidney=_summary(by_rule, KIDNEY_RULES),
        eligibility=[
            SummaryRow(rule=r.rule, title=r.title, result=_eligibility_words(r))
            for r in relevant
            if r.rule.endswith("_eligibility")
        ],
        needed=_needed(relevant),
        not_applicable=[r.title for r in assessment.results if r.status == "not_applicable"],
        page_size=page_size,
        header=header,
        summary=_summary(by_rule, SUMMARY_RULES),
        inputs=_inputs(snapshot, header.visit_date),
        not_recorded=_not_recorded(assessment.results),
        therapy_lines=_therapy_rows(snapshot),
        results=results,
        staging_risk=_summary(by_rule, STAGING_RULES + RISK_RULES),
        response=_response(snapshot, by_rule.get(RESPONSE_RULE)),
        trends=list(trends.series),
        trend_notes=trend_notes,
        trend_markers=list(trends.markers),
        options=option_list,
        options_setting=options_setting,
        options_notes=list(options_notes),
        options_more=list(options_more),
        references=refs.entries(),
        app_version=__version__,
        engine_version=assessment.engine_version,
        evidence_version=evidence_version or assessment.evidence_version,
        pdq_date=pdq_date,
    )


def _diagnosis_words(result: RuleResult) -> str:
    from myeloma_desk.domain.vocabulary import diagnosis_label

    if result.status == "determined" and isinstance(result.result, str):
        return diagnosis_label(result.result)
    possible = result.detail.get("possible")
    if result.status == "cannot_determine" and isinstance(possible, list) and possible:
        return undecided_words([diagnosis_label(str(p)) for p in possible])
    return format_result(result)


def _eligibility_words(result: RuleResult) -> str:
    if result.status == "determined" and result.result == "unknown":
        needs = ", ".join(field_label(m) for m in result.missing)
        return "cannot be decided from the record" + (f" (needs {needs})" if needs else "")
    return format_result(result)


def _needed(results: Sequence[RuleResult]) -> list[str]:
    """What is missing that would change a result: each set of missing inputs once, with the
    results it would decide ("Creatinine, Weight: eGFR (CKD-EPI 2021), ...")."""
    by_missing: dict[tuple[str, ...], list[str]] = {}
    for result in results:
        undecided = result.status == "cannot_determine" or result.result == "unknown"
        if not undecided or not result.missing:
            continue
        key = tuple(field_labels(result.missing))
        by_missing.setdefault(key, []).append(result.title)
    return [f"{', '.join(k)} — for {'; '.join(v)}" for k, v in by_missing.items()]


class _References:
    """Numbers sources in order of first citation."""

    def __init__(self) -> None:
        self._entries: dict[str, ReferenceEntry] = {}

    def add(self, label: str) -> int:
        found = self._entries.get(label)
        if found is not None:
            return found.number
        known = SOURCES.get(label)
        citation = (
            printed_citation(known.citation)
            if known
            else f"{label} (full citation not in the registry)"
        )
        entry = ReferenceEntry(number=len(self._entries) + 1, label=label, citation=citation)
        self._entries[label] = entry
        return entry.number

    def add_citation(self, citation: str) -> int:
        found = self._entries.get(citation)
        if found is not None:
            return found.number
        entry = ReferenceEntry(number=len(self._entries) + 1, label="", citation=citation)
        self._entries[citation] = entry
        return entry.number

    def entries(self) -> list[ReferenceEntry]:
        return list(self._entries.values())


_CODE_NOTE = re.compile(r"\s*\([^()]*\b[a-z0-9]+_[a-z0-9_]+\b[^()]*\)")


def printed_message(message: str) -> str:
    """An evidence-layer message as printed: a parenthesis that quotes internal codes
    ("(lenalidomide_renal_dose = 15_mg_every_other_day)") is left out; the words around it
    say the same for a reader."""
    return _CODE_NOTE.sub("", message)


_DEV_NOTE = re.compile(r"\s*\([^()]*\.md\b[^()]*\)")


def printed_citation(citation: str) -> str:
    """A citation as printed: without notes about the project's own files ("(as summarised in
    criteria-summary.md: …)"), which are provenance for developers."""
    return _DEV_NOTE.sub("", citation)


def format_result(result: RuleResult) -> str:
    """The result as read on paper: vocabulary codes with spaces, numbers without float noise."""
    if result.status == "cannot_determine":
        possible = result.detail.get("possible")
        if isinstance(possible, list) and possible:
            return undecided_words([_code(str(p)) for p in possible])
        return "cannot be determined"
    if result.status == "not_applicable":
        return "not applicable"
    value = result.result
    if value is None:
        return "none"
    words = course_result_text(result.rule, value)  # the one display vocabulary
    if words is not None:
        return words
    if isinstance(value, list):
        return ", ".join(_listed(result)) if value else "none"
    if isinstance(value, float | int):
        unit = result.detail.get("unit")
        return fmt(float(value), unit if isinstance(unit, str) else "")
    return _code(value)


def _listed(result: RuleResult) -> list[str]:
    """A list result in words. The myeloma-defining events (the met events, in the order of
    their criteria) read as their criteria's own names ("clonal bone marrow plasma cells
    ≥ 60%", made from the rule's constants), never as codes ("bmpc_60")."""
    value = result.result if isinstance(result.result, list) else []
    met = [c.name.partition(": ")[0] for c in result.criteria if c.met is True]
    if result.rule == "myeloma_defining_events" and len(met) == len(value):
        return met
    return [_code(str(v)) for v in value]


UNDECIDED = "(not determined)"


def undecided_words(possible: Sequence[str]) -> str:
    """A result the record cannot decide, by what it can still be: "II or III (not
    determined)", "fit, intermediate or frail (not determined)"; what would decide it is listed
    once under "Missing that would change a result"."""
    values = list(dict.fromkeys(possible))
    either = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
    return f"{either} {UNDECIDED}"


def _code(value: str) -> str:
    """A result value mid-sentence in the display vocabulary's words ("non-IgM MGUS",
    "intermediate"); a response abbreviation stays ("VGPR")."""
    return value if value in ABBREVIATIONS else mid_sentence(result_label(value))


def _plain(value: Any) -> str | None:
    """A scalar (or list of scalars) as text; None for structures the report does not print."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return fmt(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list) and all(
        isinstance(v, str | int | float | bool | dt.date) for v in value
    ):
        return ", ".join(_plain(v) or "" for v in value) if value else "none"
    return None


def _result_section(result: RuleResult, refs: _References) -> ResultSection:
    criteria = [
        CriterionRow(
            name=c.name,
            met="met" if c.met is True else "not met" if c.met is False else "unknown",
            # A criterion met or not met without a value of its own is derived (refractory to
            # a drug, from the lines): its value cell stays empty, not "not recorded".
            value=c.value if c.value is not None else "not recorded" if c.met is None else "",
        )
        for c in result.criteria
    ]
    notes: list[str] = []
    reason = result.detail.get("reason")
    if isinstance(reason, str):
        notes.append(f"Not applicable: {reason}")
    for assumption in result.detail.get("assumptions", []) or []:
        notes.append(f"Assumption: {assumption}")
    for key, value in result.detail.items():
        if key in ("reason", "assumptions", "possible", "unit") or key in DEVELOPER_DETAIL_KEYS:
            continue
        if isinstance(value, list):  # event ids by their criteria's names
            value = [EVENT_LABELS.get(v, v) if isinstance(v, str) else v for v in value]
        text = _plain(value)
        if text is not None:
            notes.append(f"{detail_label(key)}: {inline_words(text)}")
    return ResultSection(
        rule=result.rule,
        title=result.title,
        status=mid_sentence(status_label(result.status)),
        result=format_result(result),
        criteria=criteria,
        missing=[f"{field_label(m)}" for m in result.missing],
        notes=notes,
        sources=sorted({refs.add(label) for label in result.sources}),
    )


def _summary(by_rule: dict[str, RuleResult], ids: Iterable[str]) -> list[SummaryRow]:
    """Summary rows; rules that do not apply (AL stages for myeloma) stay in Assessments only."""
    return [
        SummaryRow(rule=rid, title=by_rule[rid].title, result=format_result(by_rule[rid]))
        for rid in ids
        if rid in by_rule and by_rule[rid].status != "not_applicable"
    ]


def _choices(value: Any, inside: bool = False) -> Any:
    """A field's choice (or list of choices) in words ("del(17p)", "Prophylactic LMWH or
    aspirin"; ``inside`` a record's row, mid-sentence); other values as they are."""
    if isinstance(value, str):
        return mid_sentence(choice_words(value)) if inside else choice_words(value)
    if isinstance(value, list):
        return [_choices(v, inside) if isinstance(v, str) else v for v in value]
    return value


def _describe(name: str, value: Any) -> str | None:
    """A non-measured snapshot field as text (a record as "its field: value; ...", with the
    labels of the display vocabulary; a plain number with its unit, "67 years")."""
    if isinstance(value, BaseModel):
        parts = []
        for key, item in value.model_dump(exclude_none=True).items():
            text = _plain(_choices(item, inside=True))
            if text is not None:
                parts.append(f"{part_label(f'{name}.{key}')}: {text}")
        return "; ".join(parts) if parts else None
    if isinstance(value, list) and not value:
        return "none found"  # e.g. FISH done, none of the listed findings
    text = _plain(_choices(value))
    unit = field_unit(name)
    return f"{text} {unit}" if text is not None and unit else text


_NOT_INPUTS = {"date", "patient", "history", "therapy_lines"}


def _inputs(snapshot: Snapshot, visit_date: dt.date | None) -> list[InputRow]:
    day = snapshot.date or visit_date
    when = day.isoformat() if day else ""
    rows: list[InputRow] = []
    for name in type(snapshot).model_fields:
        if name in _NOT_INPUTS:
            continue
        value = getattr(snapshot, name)
        if value is None:
            continue
        if name in MEASURED_FIELDS:
            text = snapshot.shown(name)
        else:
            described = _describe(name, value)
            if described is None:
                continue
            text = described
        rows.append(InputRow(field=name, label=field_label(name), value=text, date=when))
    return rows


def _not_recorded(results: Sequence[RuleResult]) -> list[str]:
    """Inputs some rule needed and did not have (each once, in order of first mention)."""
    return field_labels([name for result in results for name in result.missing])


def _therapy_rows(snapshot: Snapshot) -> list[TherapyRow]:
    def day(value: dt.date | None, empty: str) -> str:
        return value.isoformat() if value else empty

    def planned(line: TherapyLine) -> bool:
        # A later part of the line in progress recorded to start after the visit
        # (domain/lines.py): not begun on the visit date, so not "ongoing".
        return not has_started(line, snapshot.date)

    return [
        TherapyRow(
            regimen=line.regimen,
            drugs=", ".join(line.drugs) if line.drugs else "not recorded",
            start=day(line.start, "not recorded") + (" (planned)" if planned(line) else ""),
            end="not started" if planned(line) else day(line.end, "ongoing"),
            best_response=line.best_response or "not recorded",
            refractory="not recorded" if line.refractory is None else _plain(line.refractory) or "",
        )
        for line in snapshot.therapy_lines
    ]


def _response(snapshot: Snapshot, result: RuleResult | None) -> ResponseSection:
    # One baseline: the one the engine measured the response against (the line's baseline),
    # else the first history entry.
    baseline: HistoryEntry | None = snapshot.history[0] if snapshot.history else None
    chosen = result.detail.get("baseline_date") if result is not None else None
    for entry in snapshot.history:
        if chosen is not None and entry.date.isoformat() == str(chosen):
            baseline = entry
    comparison: list[InputRow] = []
    if baseline is not None:
        for name in (
            "serum_m_protein",
            "urine_m_protein_24h",
            "free_kappa",
            "free_lambda",
            "bone_marrow_plasma_cells_percent",
        ):
            if getattr(baseline, name) is None and getattr(snapshot, name) is None:
                continue
            comparison.append(
                InputRow(
                    field=name,
                    label=field_label(name),
                    # both in the canonical unit, so that baseline and now compare at a glance
                    value=_canonical(baseline, name),  # baseline
                    date=_canonical(snapshot, name),  # current
                )
            )
    base_date = baseline.date.isoformat() if baseline else ""
    if result is None:
        notes = ["Response was not assessed by this engine version."]
        if baseline is None:
            notes.append("No baseline (earlier dated values) was recorded.")
        return ResponseSection(
            available=False, baseline_date=base_date, notes=notes, comparison=comparison
        )
    section = _result_section(result, _References())
    notes = list(section.notes)
    if result.missing:
        notes.append("Missing: " + ", ".join(field_label(m) for m in result.missing))
    return ResponseSection(
        available=True,
        result=section.result,
        baseline_date=base_date,
        notes=notes,
        comparison=comparison,
    )


def _canonical(entry: HistoryEntry | Snapshot, name: str) -> str:
    """A measured value in its field's canonical unit ("1.9 g/dL" for 19 g/L)."""
    value = entry.get(name)
    if value is None:
        return "not recorded"
    return fmt(value, UNITS[MEASURED_FIELDS[name].dim].canonical)


# ---------------------------------------------------------------------------------------------
# HTML (the Qt rich-text subset: tables, headings, paragraphs; no scripts, no external resources)

_CSS = """
body { font-size: 9pt; }
h1 { font-size: 13pt; margin-top: 0; margin-bottom: 2pt; }
h2 { font-size: 10.5pt; margin-top: 6pt; margin-bottom: 2pt; }
h3 { font-size: 10pt; margin-top: 6pt; margin-bottom: 2pt; }
p { margin-top: 2pt; margin-bottom: 2pt; }
th { text-align: left; background-color: #e6e6e6; }
td, th { padding: 1pt 3pt; }
.small { font-size: 7.5pt; }
ul { margin-top: 0; margin-bottom: 0; margin-left: 0; -qt-list-indent: 1; }
.disclaimer { font-size: 7.5pt; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> str:
    """A bordered table; with all-empty headings it is a key/value table without a head row."""
    if any(headings):
        cols = "".join(
            f'<th width="{w}%">{_e(h)}</th>' for h, w in zip(headings, widths, strict=True)
        )
        head = f"<thead><tr>{cols}</tr></thead>"
        cells = ["<td>{}</td>" for _ in widths]
    else:
        head = ""
        cells = [f'<td width="{w}%">{{}}</td>' for w in widths]
    body = "".join(
        "<tr>" + "".join(cell.format(_e(c)) for cell, c in zip(cells, row, strict=True)) + "</tr>"
        for row in rows
    )
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        f'style="border-collapse: collapse; border-color: #808080;">{head}{body}</table>'
    )


def _pairs(
    rows: Sequence[tuple[str, str]],
    widths: Sequence[int] = (30, 20, 30, 20),
    *,
    keep_possible: bool = False,
) -> str:
    """Label/value rows two to a table row (the short report's compact tables). Rows that
    cannot be determined are named once, in a line under the table (what they need is under
    "Missing that would change a result")."""

    def undecided_row(row: tuple[str, str]) -> bool:
        if row[1].startswith("cannot be"):
            return True
        return row[1].endswith(UNDECIDED) and not keep_possible

    flat = [r for r in rows if not undecided_row(r)]
    undecided = [r[0] for r in rows if undecided_row(r)]
    tail = (
        '<p class="small">Cannot be determined from the record: '
        + _e("; ".join(undecided))
        + ".</p>"
        if undecided
        else ""
    )
    if not flat:
        return tail
    # A value too long for a quarter of the line gets a row of its own (label, then the value
    # across the other three cells); the others go two to a row.
    long = [r for r in flat if len(r[1]) > LONG_VALUE]
    short = [r for r in flat if len(r[1]) <= LONG_VALUE]
    if len(short) % 2:
        short.append(("", ""))
    cell = [f'<td width="{w}%">{{}}</td>' for w in widths]
    body = "".join(
        "<tr>"
        + "".join(c.format(_e(v)) for c, v in zip(cell, short[i] + short[i + 1], strict=True))
        + "</tr>"
        for i in range(0, len(short), 2)
    ) + "".join(
        f'<tr><td width="{widths[0]}%">{_e(label)}</td><td colspan="3">{_e(value)}</td></tr>'
        for label, value in long
    )
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        f'style="border-collapse: collapse; border-color: #808080;">{body}</table>' + tail
    )


LONG_VALUE = 30  # characters that fit a 20 % cell in two lines at the report's 9.5 pt


_CARRIED = re.compile(r" \(at diagnosis, visit of \d{4}-\d{2}-\d{2}\)$")


def _uncarried(title: str) -> str:
    """A carried rule's title without its "(at diagnosis, visit of …)" tail (the heading says
    it once)."""
    return _CARRIED.sub("", title)


def _carried_date(rows: Sequence[SummaryRow]) -> str:
    for row in rows:
        found = re.search(r"visit of (\d{4}-\d{2}-\d{2})\)$", row.title)
        if found:
            return found.group(1)
    return ""


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def to_html(doc: ReportDoc, *, chart_width_px: int = 640, chart_height_px: int = 0) -> str:
    """The report as HTML for QTextDocument. Every string is escaped; nothing external.

    The short report (the default) holds what a clinician files: identity and visit, the
    established diagnosis and disease state, stage and risk at diagnosis, this visit's response,
    kidney function and dose statements, eligibility, the options the PDQ describes, the trend
    chart, what is missing that would change a result, and compact sources. Rules that do not
    apply are left out. With ``doc.detail`` the full criteria of every rule follow as an
    appendix.

    ``chart_width_px``/``chart_height_px`` size the chart image (the renderer passes the image it
    made); with a height of 0 the image keeps its own aspect ratio.
    """
    h = doc.header
    out: list[str] = [f"<html><head><style>{_CSS}</style></head><body>"]
    out.append(f"<h1>{_e(h.title)}</h1>")
    # Printed on is in the versions line at the end (three header rows, not four).
    rows = [(r.label, r.value) for r in h.rows() if r.label != "Report printed"]
    if len(rows) % 2:
        rows.append(("", ""))
    out.append(
        _table(
            ("", "", "", ""),
            (rows[i] + rows[i + 1] for i in range(0, len(rows), 2)),
            (14, 36, 14, 36),
        )
    )

    out.append("<h2>Diagnosis and disease state</h2>")
    state: list[tuple[str, str]] = []
    state.append(("Diagnosis", doc.diagnosis or "not assessed by this engine version"))
    if doc.state:
        state.append(("Disease state", doc.state))
    out.append(_table(("", ""), state, (25, 75)))
    if doc.state_rows:
        out.append(_pairs([(_uncarried(s.title), s.result) for s in doc.state_rows]))

    when = _carried_date(doc.staging_risk)
    out.append(
        "<h2>Stage and risk at diagnosis" + (f" (visit of {_e(when)})" if when else "") + "</h2>"
    )
    if doc.staging_risk:
        out.append(
            _pairs([(_uncarried(s.title), s.result) for s in doc.staging_risk], keep_possible=True)
        )
    else:
        out.append("<p>No staging or risk system was assessed.</p>")

    out.append(_response_html(doc))

    if doc.kidney:
        out.append("<h2>Kidney function and dose statements</h2>")
        out.append(_pairs([(s.title, s.result) for s in doc.kidney]))
    if doc.eligibility:
        out.append("<h2>Eligibility as the PDQ states it</h2>")
        # The statements a patient does not meet are named in one line under those that apply.
        unmet = [s.title for s in doc.eligibility if s.result == "does not meet"]
        out.append(_pairs([(s.title, s.result) for s in doc.eligibility if s.title not in unmet]))
        if unmet:
            out.append('<p class="small">Does not meet: ' + _e("; ".join(unmet)) + ".</p>")

    out.append("<h2>Options described in the PDQ</h2>")
    out.append('<div class="small">' + _options_html(doc) + "</div>")

    out.append("<h2>Trends</h2>")
    if doc.has_chart and not doc.has_trend and not doc.detail:
        out.append("<p>One dated value per marker so far; the chart starts at the next visit.</p>")
        out.append(_trend_table(doc.trends))
    elif doc.has_chart:
        size = f'width="{chart_width_px}"' + (
            f' height="{chart_height_px}"' if chart_height_px else ""
        )
        out.append(f'<p><img src="{_e(CHART_RESOURCE)}" {size} alt="Trend chart"></p>')
    else:
        out.append("<p>No dated values to plot.</p>")
    if doc.trend_notes:
        out.append('<p class="small">' + " ".join(_e(n) for n in doc.trend_notes) + "</p>")

    if doc.needed:
        out.append("<h2>Missing that would change a result</h2>")
        out.append('<p class="small">' + "; ".join(_e(n) for n in doc.needed) + ".</p>")

    if doc.detail:
        out.append(_appendix_html(doc))

    out.append("<h3>Sources</h3>")
    out.append(
        '<p class="small">'
        + " ".join(
            f"[{ref.number}] {_e(ref.citation if doc.detail else short_citation(ref.citation))}"
            for ref in doc.references
        )
        + "</p>"
    )
    facts = [
        f"Myeloma Desk {doc.app_version}",
        f"criteria engine {doc.engine_version}",
        f"evidence database {doc.evidence_version}",
        f"PDQ summary of {doc.pdq_date}",
        doc.page_size,
    ]
    out.append(colophon_html(facts, h.report_date, doc.disclaimer))
    return "".join(out)


def colophon_html(facts: Sequence[str], printed: dt.date | None, disclaimer: str) -> str:
    """What closes every report: the versions it was made with, the day it was printed, and
    the disclaimer (the assessment and the course report)."""
    line = " · ".join([*facts, *([f"printed {printed.isoformat()}"] if printed else [])])
    closing = f'<p class="disclaimer">{_e(disclaimer)}</p></body></html>'
    return f'<p class="small">{_e(line)}</p>{closing}'


def short_citation(citation: str) -> str:
    """ "Greipp PR et al. J Clin Oncol 2005" from a full citation (first author, journal, year);
    the citation itself when it does not parse. The full citations are in the appendix."""
    parts = citation.split(". ")
    year = re.search(r"\b(19|20)\d{2}\b", citation)
    if len(parts) < 3 or year is None or "," not in parts[0]:
        return citation
    first = parts[0].split(",")[0].strip()
    journal = parts[2].rstrip(".")
    if len(journal) > 40 or year.group(0) in journal:
        return f"{first} et al. {year.group(0)}"
    return f"{first} et al. {journal} {year.group(0)}"


def _response_html(doc: ReportDoc) -> str:
    r = doc.response
    if r.available and r.result == "not applicable" and not r.comparison:
        return ""  # e.g. at diagnosis, before any therapy
    out = ["<h2>Response at this visit</h2>"]
    if r.available or doc.visit_response:
        words = doc.visit_response or r.result
        base = f" against the baseline of {r.baseline_date}" if r.baseline_date else ""
        out.append(f"<p><b>IMWG response:</b> {_e(words)}{_e(base)}</p>")
    if r.comparison:
        out.append(
            _table(
                ("Marker", f"Baseline {r.baseline_date}".strip(), "This visit"),
                ((c.label, c.value, c.date) for c in r.comparison),
                (40, 30, 30),
            )
        )
    notes = [n for n in r.notes if not n.startswith("Baseline date")]
    if not r.available:
        out.append(_list(notes))
    return "".join(out)


def _appendix_html(doc: ReportDoc) -> str:
    out = ["<h2>Appendix: inputs and the full criteria of every rule</h2>"]
    out.append("<h3>Inputs</h3>")
    if doc.inputs:
        out.append(
            _table(
                ("Input", "Value (as entered)", "Date"),
                ((r.label, r.value, r.date or "undated") for r in doc.inputs),
                (40, 40, 20),
            )
        )
    else:
        out.append("<p>No inputs were recorded.</p>")
    if doc.not_recorded:
        out.append(
            "<p><b>Not recorded</b> (needed by at least one assessment): "
            + _e(", ".join(doc.not_recorded))
            + "</p>"
        )
    if doc.therapy_lines:
        out.append("<h3>Lines of therapy</h3>")
        out.append(
            _table(
                ("Regimen", "Drugs", "Start", "End", "Best response", "Refractory"),
                (
                    (t.regimen, t.drugs, t.start, t.end, t.best_response, t.refractory)
                    for t in doc.therapy_lines
                ),
                (16, 32, 13, 13, 13, 13),
            )
        )
    if doc.has_chart:
        out.append("<h3>Plotted values</h3>")
        out.append(_trend_table(doc.trends))
    out.append("<h3>Response against baseline</h3>")
    r = doc.response
    if r.available:
        out.append(f"<p><b>IMWG response:</b> {_e(r.result)}</p>")
    if r.notes:
        out.append(_list(r.notes))
    shown = [s for s in doc.results if s.status != "not applicable"]
    if not shown:
        out.append("<p>No assessment was run.</p>")
    for section in shown:
        out.append(_result_html(section))
    if doc.not_applicable:
        out.append(
            '<p class="small">Not applicable to this patient: '
            + _e("; ".join(doc.not_applicable))
            + ".</p>"
        )
    return "".join(out)


def _trend_table(trends: Sequence[TrendSeries]) -> str:
    dates = sorted({p.date for s in trends for p in s.points})
    headings = ["Date"] + [s.label_with_unit for s in trends]
    by_series = [{p.date: p.value for p in s.points} for s in trends]
    rows = [
        [day.isoformat()] + [fmt(round(v[day], 3)) if day in v else "–" for v in by_series]
        for day in dates
    ]
    first = 16
    rest = (100 - first) // max(1, len(trends))
    return _table(headings, rows, [first] + [rest] * len(trends))


def _result_html(section: ResultSection) -> str:
    out = [f"<h3>{_e(section.title)}</h3>"]
    out.append(f"<p><b>Result:</b> {_e(section.result)}</p>")
    if section.criteria:
        out.append(
            _table(
                ("Criterion", "Met?", "Value"),
                ((c.name, c.met, c.value) for c in section.criteria),
                (58, 14, 28),
            )
        )
    if section.missing:
        out.append(f"<p><b>Missing:</b> {_e(', '.join(section.missing))}</p>")
    if section.notes:
        out.append('<div class="small">' + _list(section.notes) + "</div>")
    if section.sources:
        out.append(
            '<p class="small">Sources: ' + _e(", ".join(f"[{n}]" for n in section.sources)) + "</p>"
        )
    return "".join(out)


def _options_html(doc: ReportDoc) -> str:
    """One row per option: regimen (with its flags as letters), setting when the options span
    more than one, level of evidence, trial names. The flags are printed once, above the table,
    as (a), (b) …; the full trial names with NCT numbers are in the appendix."""
    if doc.options is None:
        return (
            "<p>Not included: the treatment-evidence database is not available to this report. "
            "Consult the PDQ summary for the options described for this setting.</p>"
        )
    if doc.options_setting:
        intro = f"<p>Options the PDQ describes for the setting <b>{_e(doc.options_setting)}</b>"
    else:
        intro = "<p>No setting could be chosen from this assessment"
    intro += " (as described in the source, not as a recommendation).</p>"
    notes = [*doc.options_notes, *(doc.options_more if doc.detail else ())]
    out = [intro]
    if notes:
        out.append("<p>" + "<br>".join(_e(n) for n in notes) + "</p>")
    if not doc.options:
        out.append("<p>The evidence database lists no option for this setting.</p>")
        return "".join(out)
    flag_sets = [list(dict.fromkeys(o.flags)) for o in doc.options]
    letters: dict[str, str] = {}
    for flags in flag_sets:
        for flag in flags:
            letters.setdefault(flag, _letter(len(letters)))
    if letters:
        lettered = (f"<b>({tag})</b> {_e(_sentence(flag))}" for flag, tag in letters.items())
        out.append("<p>" + " ".join(lettered) + "</p>")
    with_setting = len({tuple(o.settings) for o in doc.options}) > 1

    def regimen(option: OptionInput, flags: list[str]) -> str:
        text = option.regimen + (f" ({option.description})" if option.description else "")
        tags = "".join(f"({letters[f]})" for f in flags)
        return f"{text} {tags}" if tags else text

    def trials(option: OptionInput) -> str:
        names = option.trials if doc.detail else (option.trial_names or option.trials)
        return ", ".join(names) or "none listed"

    rows = [
        (
            regimen(o, flags),
            *((settings_words(o.settings) or "not stated",) if with_setting else ()),
            o.level_of_evidence or "not graded",  # as the screens say: the PDQ gives none
            trials(o),
        )
        for o, flags in zip(doc.options, flag_sets, strict=True)
    ]
    headings = ("Regimen", *(("Setting",) if with_setting else ()), "Level of evidence", "Trials")
    widths = (40, 19, 15, 26) if with_setting else (52, 15, 33)
    out.append(_table(headings, rows, widths))
    return "".join(out)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def settings_words(labels: Sequence[str]) -> str:
    """Setting labels with a shared head said once: "Newly diagnosed, fit" and "Newly
    diagnosed, less fit" read "Newly diagnosed: fit, less fit"."""
    heads: dict[str, list[str]] = {}
    for label in labels:
        head, sep, rest = label.partition(", ")
        heads.setdefault(head, []).extend([rest] if sep else [])
    return "; ".join(f"{h}: {', '.join(r)}" if r else h for h, r in heads.items())


def _letter(index: int) -> str:
    """a … z, then aa, ab … (flags are lettered in order of first appearance)."""
    first, second = divmod(index, 26)
    return (chr(ord("a") + first - 1) if first else "") + chr(ord("a") + second)


class EvidenceOptions(_Frozen):
    """The evidence layer's answer in the report's terms (see :func:`options_from_evidence`)."""

    options: list[OptionInput]
    setting: str
    notes: list[str]
    more: list[str] = Field(default_factory=list)  # for the appendix only
    evidence_version: str
    pdq_date: str


def options_from_evidence(found: OptionsReport) -> EvidenceOptions:
    """Adapt :func:`myeloma_desk.evidence.options.options_for`'s report for :func:`build_report`.

    Trials are named with their NCT ids; the levels of evidence are those of the trials'
    findings; the flags keep the evidence layer's wording. Inputs the evidence layer could not
    decide from (``unknown``) and its general flags become notes above the table.
    """
    chosen = set(found.settings)
    options: list[OptionInput] = []
    for option in found.options:
        trials = []
        names = []
        levels: dict[str, None] = {}
        for study in option.studies:
            ncts = ", ".join(study.nct_ids)
            if study.name:
                trials.append(f"{study.name} ({ncts})" if ncts else study.name)
                names.append(study.name)
            elif ncts:  # no trial name: the registry number, never the database's own key
                trials.append(ncts)
                names.append(ncts)
            for level in study.levels:
                levels.setdefault(level, None)
        options.append(
            OptionInput(
                regimen=option.label,
                # labels usually spell the components out ("VRd: bortezomib + ..."): no repeat
                description=""
                if all(c in option.label for c in option.components)
                else ", ".join(option.components),
                trials=trials,
                trial_names=list(dict.fromkeys(names)),
                settings=[setting_label(st) for st in option.settings if st in chosen],
                # strongest first, as the Regimens table lists them ("A1, B1", never "B1, A1")
                level_of_evidence=", ".join(sorted(levels)) or None,
                flags=[printed_message(flag.message) for flag in option.flags],
            )
        )
    notes = ["Setting from: " + "; ".join(found.setting_basis)] if found.setting_basis else []
    notes += [f"Unknown: {u}" for u in found.unknown]
    # The CAR-T trial populations repeat "Eligibility as the PDQ states it", the refractoriness
    # repeats "Disease state": the short report leaves them (and the disclaimer, which the
    # report's own closes) to the appendix.
    more: list[str] = []
    for flag in found.flags:
        repeated = flag.code == "car_t_criteria" or flag.message.startswith("Refractoriness:")
        (more if repeated else notes).append(printed_message(flag.message))
    more.append(found.disclaimer)
    return EvidenceOptions(
        options=options,
        setting=settings_words([setting_label(setting) for setting in found.settings]),
        notes=notes,
        more=more,
        evidence_version=found.evidence_version,
        pdq_date=found.pdq_date,
    )


def assessment_report(
    snapshot: Snapshot,
    *,
    visit_date: dt.date | None = None,
    report_date: dt.date | None = None,
    clinician: str = "",
    institution: str = "",
    page_size: PageSize = "A4",
    evidence: Any = None,
    course: Course | None = None,
    detail: bool = False,
) -> ReportDoc:
    """Assess ``snapshot`` and build its report with the options the PDQ describes.

    The one path from a snapshot to a report: the ``report`` command, the patient page and the
    visit form all use it, so what is printed anywhere is the same document. If the evidence
    database cannot answer, the report says that options are not available and why.

    With the patient's ``course`` (course model), a follow-up shows the established diagnosis
    and the diagnosis-visit rules as carried forward from the diagnosis visit, and the options
    are those of the established diagnosis and the disease state, never re-derived from the
    follow-up's treated labs.
    """
    from myeloma_desk.domain.engine import assess
    from myeloma_desk.evidence import EVIDENCE_VERSION
    from myeloma_desk.evidence.loader import EvidenceError
    from myeloma_desk.evidence.options import options_for

    assessment = assess(snapshot, evidence_version=EVIDENCE_VERSION)
    established = course.diagnosis.value if course is not None else None
    if course is not None and visit_date is not None:
        assessment = _with_carried(assessment, course, visit_date)
    try:
        found: EvidenceOptions | None = options_from_evidence(
            options_for(
                assessment,
                # between two planned parts of a line: the setting of the part to come
                course.setting_input(snapshot) if course is not None else snapshot,
                evidence,
                diagnosis=established,
            )
        )
    except EvidenceError as error:
        found = None
        problem = f"Options are not available: {error}"
    words = _course_words(course, visit_date)
    return build_report(
        snapshot,
        assessment,
        visit_date=visit_date,
        report_date=report_date,
        clinician=clinician,
        institution=institution,
        options=found.options if found else None,
        options_setting=found.setting if found else "",
        options_notes=found.notes if found else (problem,),
        options_more=found.more if found else (),
        evidence_version=found.evidence_version if found else EVIDENCE_VERSION,
        pdq_date=found.pdq_date if found else PDQ_DATE,
        page_size=page_size,
        detail=detail,
        diagnosis=words.get("diagnosis", ""),
        state=words.get("state", ""),
        visit_response=words.get("visit_response", ""),
        trends=build_trends(course, until=visit_date) if course is not None else None,
    )


def _course_words(course: Course | None, day: dt.date | None) -> dict[str, str]:
    """The course model's words for the diagnosis, the disease state and this visit's response."""
    if course is None:
        return {}
    words = {"diagnosis": course.diagnosis.shown()}
    visit = course.visit(day) if day is not None else course.latest
    if visit is not None:
        state = visit.phase
        words["state"] = state[:1].upper() + state[1:] if state else course.state.text
        if visit.response is not None:
            words["visit_response"] = visit.response.shown()
    else:
        words["state"] = course.state.text
    return words


def _with_carried(assessment: Assessment, course: Course, day: dt.date) -> Assessment:
    """The assessment with the diagnosis-visit rules taken from the diagnosis visit at a
    follow-up (titled with that visit's date), as the course model shows them."""
    from myeloma_desk.course import DIAGNOSIS_RULES

    source = course.diagnosis_visit
    if source is None or source.date >= day:
        return assessment
    results = []
    for result in assessment.results:
        if result.rule in DIAGNOSIS_RULES:
            carried = source.assessment.get(result.rule)
            title = f"{carried.title} (at diagnosis, visit of {source.date.isoformat()})"
            results.append(carried.model_copy(update={"title": title}))
        else:
            results.append(result)
    return assessment.model_copy(update={"results": results})
