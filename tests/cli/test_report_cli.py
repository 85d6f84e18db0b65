"""``myeloma-desk report``: a visit's PDF from a snapshot file or from the store, the course
report, and their argument checks (in process through ``cli.main``; the PDF text read back)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pdf_text import layout_texts, page_texts
from pypdf import PdfReader

from myeloma_desk.cli import main
from myeloma_desk.domain.snapshot import parse_snapshot

SNAPSHOT_FILE = Path(__file__).parents[1] / "unit" / "reports" / "data" / "patient_snapshot.json"
LETTER_POINTS = (612, 792)  # a Letter page in points (8.5 x 11 in)


# --- a visit's report ------------------------------------------------------------------------


def test_cli_writes_pdf(tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.pdf"
    code = main(
        [
            "--data-dir",
            str(tmp_path / "home"),
            "report",
            str(SNAPSHOT_FILE),
            "-o",
            str(out),
            "--page-size",
            "Letter",
        ]
    )
    assert code == 0
    pages = len(PdfReader(out).pages)
    assert capsys.readouterr().out.strip() == f"{out}: {pages} pages (Letter)"
    assert "ID MRN-0042" in page_texts(out)[0]
    from myeloma_desk.evidence import EVIDENCE_VERSION

    joined = " ".join(page_texts(out))
    assert f"evidence database {EVIDENCE_VERSION}" in joined  # the CLI asks the evidence layer
    assert "treatment-evidence database is not available" not in joined


def test_cli_uses_clinician_and_institution_from_settings(tmp_path: Path, qapp: object) -> None:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.settings import Settings, save_settings

    home = tmp_path / "home"
    save_settings(
        AppPaths.resolve(home),
        Settings(clinician="Dr Settings", institution="Clinic <One>", page_size="Letter"),
    )
    out = tmp_path / "out.pdf"
    assert main(["--data-dir", str(home), "report", str(SNAPSHOT_FILE), "-o", str(out)]) == 0
    first = page_texts(out)[0]
    assert "Clinician Dr Settings" in first and "Institution Clinic <One>" in first
    page = PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == LETTER_POINTS[0]


def test_cli_invalid_snapshot_exits_2(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"albumin": 3, "colour": "blue"}', encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert main(["--data-dir", str(tmp_path), "report", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "albumin: a unit is required" in err
    assert "colour: unknown field" in err
    assert not out.exists()
    bad.write_text("{not json", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "report", str(bad), "-o", str(out)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def _store_with_patient(home: Path) -> None:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import PatientFields, open_store

    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        patient = store.create_patient(
            PatientFields(
                name="Stored <i>Patient</i>", identifier="MRN-77", birth_date=dt.date(1950, 1, 2)
            )
        )
        for day, m_protein in (("2024-01-10", 3.0), ("2024-06-12", 0.8)):
            snap = parse_snapshot(
                {
                    "serum_m_protein": {"value": m_protein, "unit": "g/dL"},
                    "beta2_microglobulin": {"value": 6.1, "unit": "mg/L"},
                    "albumin": {"value": 3.2, "unit": "g/dL"},
                }
            )
            store.save_visit(patient.id, dt.date.fromisoformat(day), snap)


def test_cli_report_of_a_stored_visit(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store

    home = tmp_path / "home"
    _store_with_patient(home)
    out = tmp_path / "visit.pdf"
    argv = ["--data-dir", str(home), "report", "--patient", "mrn-77", "--visit", "2024-06-12"]
    assert main([*argv, "-o", str(out)]) == 0
    texts = page_texts(out)
    assert all("ID MRN-77 · visit 2024-06-12" in t for t in texts)
    joined = " ".join(texts)
    assert "Patient Stored <i>Patient</i>" in joined
    assert "Date of birth 1950-01-02" in joined
    assert "Serum M-protein 3 g/dL 0.8 g/dL" in joined  # baseline from the earlier visit
    assert "International Staging System (ISS) III" in joined
    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        printed = [e for e in store.audit_events() if e.action == "print"]
    assert [e.detail for e in printed] == [
        {"visit": "2024-06-12", "format": "pdf", "pages": len(texts)}
    ]
    capsys.readouterr()

    assert main([*argv[:-1], "2024-06-13", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "visits: 2024-01-10, 2024-06-12" in capsys.readouterr().err
    assert main([*argv[:4], "MRN-78", *argv[5:], "-o", str(tmp_path / "x.pdf")]) == 2
    assert "no patient with identifier 'MRN-78'" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_patient_arguments_checked(tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    argv = ["--data-dir", str(tmp_path), "report", "--patient", "P1", "--visit"]
    assert main([*argv, "yesterday", "-o", str(out)]) == 2
    assert main(["report", "--patient", "P1", "-o", str(out)]) == 2
    assert main(["report", "x.json", "--patient", "P1", "--visit", "2025-01-02", "-o", "o"]) == 2
    assert not out.exists()


def test_cli_patient_path_without_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.pdf"
    home = tmp_path / "empty"
    argv = ["--data-dir", str(home), "report", "--patient", "P1", "--visit", "2025-01-02"]
    assert main([*argv, "-o", str(out)]) == 1
    assert "no patient store in" in capsys.readouterr().err
    assert not out.exists()
    assert not home.exists()  # asking for a report does not create a store


# --- the course report ------------------------------------------------------------------------

SNAKE_OR_ID = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\bnct\d{8}\b|\b[a-z]+-ref\d+\b")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_cli_course_report_of_every_demo_patient(
    demo_home: Path, tmp_path: Path, qapp: object, size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store

    with open_store(AppPaths.resolve(str(demo_home)), None, backup_on_open=False) as store:
        identifiers = [p.identifier for p in store.list_patients()]
    for identifier in identifiers:
        out = tmp_path / f"{identifier}.pdf"
        argv = ["--data-dir", str(demo_home), "report", "--course", "--patient", identifier]
        assert main([*argv, "-o", str(out), "--page-size", size]) == 0
        texts = layout_texts(out)
        assert 1 <= len(texts) <= 2, (identifier, len(texts))
        for number, text in enumerate(texts, start=1):
            assert f"ID {identifier}" in text and f"Page {number} of {len(texts)}" in text
        joined = " ".join(texts)
        assert "Course report" in joined and "Lines of therapy" in joined
        assert not SNAKE_OR_ID.findall(joined), (identifier, SNAKE_OR_ID.findall(joined))
    capsys.readouterr()
    with open_store(AppPaths.resolve(str(demo_home)), None, backup_on_open=False) as store:
        found = store.find_by_identifier(identifiers[-1])
        assert found is not None
        printed = [e.detail for e in store.audit_events(found.id) if e.action == "print"]
    assert {"report": "course", "format": "pdf", "pages": len(texts)} in printed


def test_cli_course_arguments(demo_home: Path, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "c.pdf"
    base = ["--data-dir", str(demo_home), "report", "--course"]
    assert main([*base, "-o", str(out)]) == 2
    assert main([*base, "--patient", "DEMO-0009", "--visit", "2024-05-21", "-o", str(out)]) == 2
    assert main([*base, "--patient", "NOBODY", "-o", str(out)]) == 2
    assert "no patient with identifier" in capsys.readouterr().err
    assert main([*base, "--patient", "DEMO-0009", "-o", str(tmp_path / "no" / "c.pdf")]) == 2
    assert not out.exists()
