"""The course report: a patient's whole course of disease on one or two pages (pure, no Qt).

It reads the course model (course/model.py) and nothing else: the established diagnosis and the
staging at the diagnosis visit, the IMWG lines (maintenance inside its line) with their dates,
best confirmed response and times to event (domain/events.py: PFS and time to next treatment,
censored where no event was seen), and the one trend pipeline across all lines
(course/trends.py). Labels are the engine's rule titles and the display vocabulary
(domain/display.py, domain/vocabulary.py); the renderer (render_qt.py) draws it like the
assessment report, with the running header and "Page x of y".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from myeloma_desk import __version__
from myeloma_desk.domain.events import Interval
from myeloma_desk.domain.vocabulary import RESPONSE_LABELS
from myeloma_desk.reference.pdq import PDQ_DATE
from myeloma_desk.reports.build import (
    _CSS,
    CHART_RESOURCE,
    PageSize,
    PrintedDoc,
    ReportHeader,
    SummaryRow,
    _e,
    _Frozen,
    _pairs,
    _References,
    _table,
    _trend_table,
    colophon_html,
    format_result,
    short_citation,
)

if TYPE_CHECKING:
    from myeloma_desk.course import Course, LineCourse


class LineRow(_Frozen):
    """One IMWG line as printed."""

    number: int
    regimen: str
    start: str
    end: str
    best_response: str
    pfs: str
    ttnt: str


class CourseReportDoc(PrintedDoc):
    """Everything the course report prints, in order (it has no appendix: ``detail`` only
    sets the renderer's chart layout)."""

    diagnosis: str
    state: str
    staging_date: str
    staging: list[SummaryRow]
    lines: list[LineRow]
    visits: int
    references: list[str]
    pdq_date: str = PDQ_DATE  # the bundled PDQ text's (the visit report's is the evidence's)


def interval_words(interval: Interval | None) -> str:
    """A time to event in months: "14.2 months", or "≥ 14.2 months (censored)" when no event
    was seen by the end of follow-up; "not reached yet" without a follow-up date."""
    if interval is None or interval.months is None:
        return "not assessable"
    months = f"{interval.months:g} months"
    return f"≥ {months} (censored)" if interval.censored else months


def response_words(line: LineCourse) -> str:
    """Best confirmed response, "VGPR (very good partial response)"; else the best
    unconfirmed one, said so."""
    if line.best_confirmed:
        name = RESPONSE_LABELS.get(line.best_confirmed, line.best_confirmed)
        return f"{line.best_confirmed} ({name.lower()})"
    if line.best_unconfirmed:
        return f"none confirmed ({line.best_unconfirmed} unconfirmed)"
    return "none assessed"


def course_report(
    course: Course,
    *,
    report_date: dt.date | None = None,
    clinician: str = "",
    institution: str = "",
    page_size: PageSize = "A4",
) -> CourseReportDoc:
    """The course report of ``course`` (see the module docstring)."""
    from myeloma_desk.domain import ENGINE_VERSION

    patient = course.patient
    latest = course.latest
    header = ReportHeader(
        title="Course report",
        patient_name=patient.name or None,
        identifier=patient.identifier,
        birth_date=patient.birth_date,
        course_to=latest.date if latest else None,
        course_from=course.visits[0].date if course.visits else None,
        report_date=report_date,
        clinician=clinician.strip(),
        institution=institution.strip(),
    )
    refs = _References()
    staging = course.staging_at_diagnosis
    for result in staging.values():
        if result.status != "not_applicable":
            for label in result.sources:
                refs.add(label)
    lines = [
        LineRow(
            number=lc.number,
            regimen=lc.regimen,
            start=lc.line.start.isoformat() if lc.line.start else "not recorded",
            end=lc.line.end.isoformat() if lc.line.end else "ongoing",
            best_response=response_words(lc),
            pfs=interval_words(lc.times.pfs),
            ttnt=interval_words(lc.times.ttnt),
        )
        for lc in course.lines
    ]
    trends = course.trends
    source = course.diagnosis_visit
    return CourseReportDoc(
        page_size=page_size,
        header=header,
        diagnosis=course.diagnosis.shown(),
        state=course.state.text,
        staging_date=source.date.isoformat() if source else "",
        staging=[
            SummaryRow(rule=r.rule, title=r.title, result=format_result(r))
            for r in staging.values()
            if r.status != "not_applicable"
        ],
        lines=lines,
        visits=len(course.visits),
        trends=list(trends.series),
        trend_notes=list(trends.notes),
        trend_markers=list(trends.markers),
        references=[e.citation for e in refs.entries()],
        app_version=__version__,
        engine_version=ENGINE_VERSION,
    )


def course_html(
    doc: CourseReportDoc, *, chart_width_px: int = 640, chart_height_px: int = 0
) -> str:
    """The course report as HTML for QTextDocument. Every string is escaped; nothing external."""
    h = doc.header
    out: list[str] = [f"<html><head><style>{_CSS}</style></head><body>"]
    out.append(f"<h1>{_e(h.title)}</h1>")
    rows = [(r.label, r.value) for r in h.rows() if r.label != "Report printed"]
    out.append(_pairs(rows, (14, 36, 14, 36)))

    out.append("<h2>Diagnosis and staging at diagnosis</h2>")
    out.append(_table(("", ""), [("Diagnosis", doc.diagnosis), ("Now", doc.state)], (25, 75)))
    if doc.staging:
        when = f" (diagnosis visit of {doc.staging_date})" if doc.staging_date else ""
        out.append(f"<p><b>Stage and risk at diagnosis</b>{_e(when)}</p>")
        out.append(_pairs([(s.title, s.result) for s in doc.staging], keep_possible=True))

    out.append("<h2>Lines of therapy</h2>")
    if doc.lines:
        out.append(
            _table(
                (
                    "Line",
                    "Regimen",
                    "Start",
                    "End",
                    "Best confirmed response",
                    "Progression-free survival",
                    "Time to next treatment",
                ),
                (
                    (str(r.number), r.regimen, r.start, r.end, r.best_response, r.pfs, r.ttnt)
                    for r in doc.lines
                ),
                (6, 26, 11, 11, 16, 15, 15),
            )
        )
        out.append(
            '<p class="small">IMWG lines of therapy: a planned transplant, consolidation and '
            "maintenance belong to their line. Times in months from the start of the line "
            "(IMWG); ≥ … (censored): no progression, or no next line, by the last visit. Best "
            "response: the deepest confirmed IMWG response (two consecutive assessments).</p>"
        )
    else:
        out.append("<p>No line of therapy recorded.</p>")

    out.append("<h2>Trends across lines</h2>")
    if doc.has_trend:
        size = f'width="{chart_width_px}"' + (
            f' height="{chart_height_px}"' if chart_height_px else ""
        )
        out.append(f'<p><img src="{_e(CHART_RESOURCE)}" {size} alt="Trend chart"></p>')
    elif doc.has_chart:
        out.append("<p>One dated value per marker so far.</p>")
        out.append(_trend_table(doc.trends))
    else:
        out.append("<p>No dated values to plot.</p>")
    if doc.trend_notes:
        out.append('<p class="small">' + " ".join(_e(n) for n in doc.trend_notes) + "</p>")

    out.append("<h3>Sources</h3>")
    out.append(
        '<p class="small">'
        + " ".join(f"[{n}] {_e(short_citation(c))}" for n, c in enumerate(doc.references, start=1))
        + "</p>"
    )
    facts = [
        f"Myeloma Desk {doc.app_version}",
        f"criteria engine {doc.engine_version}",
        f"PDQ summary of {doc.pdq_date}",
        f"{doc.visits} visit{'s' if doc.visits != 1 else ''}",
        doc.page_size,
    ]
    out.append(colophon_html(facts, h.report_date, doc.disclaimer))
    return "".join(out)
