"""The short assessment report a clinician files: at most two pages (A4 and Letter) for every
visit of every demo patient and for a new-diagnosis snapshot, also with the regimens the
evidence database still parks in ``described_settings`` (the longer options list), with the
identifier and "Page x of y" on every page, no internal codes in the text (pdftotext), and user
strings printed literally."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from builders import stored_records

from myeloma_desk.course import build_course
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.evidence import loader
from myeloma_desk.reports.build import assessment_report
from myeloma_desk.reports.render_qt import pdf_bytes

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

NEW_DIAGNOSIS = (
    Path(__file__).parents[1] / "unit" / "reports" / "data" / "new_diagnosis_snapshot.json"
)
# snake_case codes, NCT numbers in the database's lower-case form, internal reference ids
SNAKE_OR_ID = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\bnct\d{8}\b|\b[a-z]+-ref\d+\b|\bbmpc\b")
NEVER = ("(determined)", "not applicable (not applicable)", "search tool", ".md", "possible:")


def text_pages(pdf: bytes) -> list[str]:
    """The PDF's text as pdftotext extracts it, one string per page."""
    command = ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"]
    done = subprocess.run(command, input=pdf, capture_output=True, check=True)
    pages = done.stdout.decode("utf-8").split("\f")
    return [" ".join(p.split()) for p in pages if p.strip()]


def expanded_evidence() -> loader.Evidence:
    """The evidence database with every described setting listed as a setting. Since the
    evidence work moved the parked regimens into ``settings`` (version 2025-04-25.5) this is the
    bundled data itself; it stays so that a regimen parked again is still printed here."""
    base = loader.load()
    regimens = [
        r.model_copy(update={"settings": list(dict.fromkeys([*r.settings, *r.described_settings]))})
        for r in base.db.regimens
    ]
    assert sum(1 for r in regimens if r.settings) >= 45
    db = base.db.model_copy(update={"regimens": regimens})
    return dataclasses.replace(base, db=db, regimens={r.id: r for r in regimens})


def check_pages(pdf: bytes, pages: int, identifier: str, what: str) -> str:
    texts = text_pages(pdf)
    assert len(texts) == pages <= 2, (what, pages)
    for number, text in enumerate(texts, start=1):
        assert f"ID {identifier}" in text, (what, number)
        assert f"Page {number} of {pages}" in text, (what, number)
    joined = " ".join(texts)
    assert not SNAKE_OR_ID.findall(joined), (what, SNAKE_OR_ID.findall(joined))
    for bad in NEVER:
        assert bad not in joined, (what, bad)
    return joined


@pytest.fixture(scope="module")
def demo_courses(demo_store: Any) -> list[tuple[str, Any, list[Any]]]:
    """(identifier, course, [(visit date, snapshot)]) of every demo patient."""
    out = []
    for p in demo_store.list_patients():
        course = build_course(*stored_records(demo_store, p.identifier))
        visits = [(v.date, demo_store.snapshot_for(p.id, v.date)) for v in course.visits]
        out.append((p.identifier, course, visits))
    assert len(out) >= 9
    return out


@pytest.mark.parametrize("size", ["A4", "Letter"])
@pytest.mark.parametrize("longer_options", [False, True], ids=["options", "longer-options"])
def test_every_demo_visit_fits_two_pages(
    demo_courses: list[tuple[str, Any, list[Any]]], qapp: object, size: str, longer_options: bool
) -> None:
    evidence = expanded_evidence() if longer_options else None
    most_options = 0
    for identifier, course, visits in demo_courses:
        for day, snapshot in visits:
            doc = assessment_report(
                snapshot, visit_date=day, course=course, page_size=size, evidence=evidence
            )
            most_options = max(most_options, len(doc.options or []))
            pdf, pages = pdf_bytes(doc)
            check_pages(pdf, pages, identifier, f"{identifier} {day} {size}")
    # the longer list is longer: the test does carry the parked regimens
    assert most_options >= (25 if longer_options else 10)


@pytest.mark.parametrize("size", ["A4", "Letter"])
@pytest.mark.parametrize("longer_options", [False, True], ids=["options", "longer-options"])
def test_new_diagnosis_snapshot_fits_two_pages(
    qapp: object, size: str, longer_options: bool
) -> None:
    snapshot = parse_snapshot(json.loads(NEW_DIAGNOSIS.read_text("utf-8")))
    evidence = expanded_evidence() if longer_options else None
    doc = assessment_report(snapshot, page_size=size, evidence=evidence)
    assert doc.options and doc.diagnosis == "Active multiple myeloma"
    pdf, pages = pdf_bytes(doc)
    text = check_pages(pdf, pages, "NDMM-001", f"new diagnosis {size}")
    # the myeloma-defining events by their criteria's names, not their codes
    events = next(r for r in doc.state_rows if r.rule == "myeloma_defining_events")
    assert events.result.endswith("bone lesions, clonal bone marrow plasma cells ≥ 60%")
    assert "Stage and risk at diagnosis" in text
    assert "Response at this visit" not in text  # before any therapy: not applicable


def test_user_strings_print_literally_and_direction_marks_are_shown(qapp: object) -> None:
    raw = json.loads(NEW_DIAGNOSIS.read_text("utf-8"))
    raw["patient"]["name"] = "<b>&\"' Evil\u202eDIMSIER"
    doc = assessment_report(
        parse_snapshot(raw), clinician="Dr <i>X</i> & co", institution="\u202eLatigsoh"
    )
    pdf, pages = pdf_bytes(doc)
    texts = text_pages(pdf)
    joined = " ".join(texts)
    assert "<b>&\"' Evil[U+202E]DIMSIER" in joined
    assert "Dr <i>X</i> & co" in joined and "[U+202E]Latigsoh" in joined
    assert "\u202e" not in joined
    for number, text in enumerate(texts, start=1):
        # the override does not turn the identifier after the name around
        assert "ID NDMM-001" in text and f"Page {number} of {pages}" in text


def test_running_header_reads_clean_on_every_page(
    demo_courses: list[tuple[str, Any, list[Any]]], qapp: object
) -> None:
    """No body line is drawn again under the next page's header (hidden by the clip, it was
    still in the PDF's text and text tools read "Myeloma [13] Kumar Desk S et al. …")."""
    for identifier, course, visits in demo_courses:
        day, snapshot = visits[-1]
        doc = assessment_report(snapshot, visit_date=day, course=course)
        pdf, pages = pdf_bytes(doc)
        command = ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"]
        out = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout
        tops = [p.strip().splitlines()[0] for p in out.decode("utf-8").split("\f") if p.strip()]
        assert len(tops) == pages
        for top in tops:
            words = " ".join(top.split())
            assert words == f"Myeloma Desk · Assessment report {doc.header.running_label}", (
                identifier,
                words,
            )


def test_the_full_criteria_appendix_prints_no_code(
    demo_courses: list[tuple[str, Any, list[Any]]], qapp: object
) -> None:
    """The appendix (--detail, the print dialog's option) reads as words too: no interchange
    code from a result's detail ("renal_insufficiency", "crcl_cockcroft_gault")."""
    for identifier, course, visits in demo_courses:
        day, snapshot = visits[-1]
        doc = assessment_report(snapshot, visit_date=day, course=course, detail=True)
        pdf, _pages = pdf_bytes(doc)
        joined = " ".join(text_pages(pdf))
        assert not SNAKE_OR_ID.findall(joined), (identifier, SNAKE_OR_ID.findall(joined))


def _body_lines(page: str) -> list[str]:
    lines = [" ".join(line.split()) for line in page.splitlines()]
    return [
        line
        for line in lines[1:]  # the running header
        if line and not line.startswith("Reference information, not a guideline")
    ]


@pytest.mark.parametrize("detail", [False, True], ids=["short", "appendix"])
def test_no_line_is_printed_on_two_pages(
    demo_courses: list[tuple[str, Any, list[Any]]], qapp: object, detail: bool
) -> None:
    """A paragraph that runs across a page break, or a line Qt left straddling it, is printed
    once: not again at the next page's top (where text tools read it twice), not cut in half."""
    for identifier, course, visits in demo_courses:
        day, snapshot = visits[-1]
        doc = assessment_report(snapshot, visit_date=day, course=course, detail=detail)
        pdf, pages = pdf_bytes(doc)
        command = ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"]
        out = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout
        texts = [_body_lines(p) for p in out.decode("utf-8").split("\f") if p.strip()]
        assert len(texts) == pages
        for number, (above, below) in enumerate(itertools.pairwise(texts), start=1):
            assert above and below, (identifier, number)
            assert above[-1] != below[0], (identifier, number, below[0])
