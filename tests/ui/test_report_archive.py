"""The report as an archival PDF (PDF/A-1b metadata, embedded fonts, no encryption) and written
all or nothing (a full disk leaves no file, logs no print, exits 2 with the reason)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from myeloma_desk.cli import main
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.reports import render_qt
from myeloma_desk.reports.build import assessment_report
from myeloma_desk.store import db

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}

SNAPSHOT = {
    "date": "2025-03-10",
    "patient": {"name": "Ada Example", "identifier": "MRN-5", "birth_date": "1951-04-02"},
    "serum_m_protein": {"value": 2.1, "unit": "g/dL"},
    "beta2_microglobulin": {"value": 6.0, "unit": "mg/L"},
    "albumin": {"value": 3.0, "unit": "g/dL"},
    "history": [{"date": "2024-12-01", "serum_m_protein": {"value": 3.0, "unit": "g/dL"}}],
}


def _doc(clinician: str = "Dr Grace Hopper") -> Any:
    return assessment_report(parse_snapshot(SNAPSHOT), clinician=clinician)


def _xmp(reader: PdfReader) -> ET.Element:
    stream = reader.trailer["/Root"]["/Metadata"].get_object()
    return ET.fromstring(stream.get_data())


def _attribute(root: ET.Element, prefix: str, name: str) -> str | None:
    key = f"{{{NS[prefix]}}}{name}"
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        if key in description.attrib:
            return description.attrib[key]
    return None


def _text(root: ET.Element, path: str) -> list[str]:
    return [el.text or "" for el in root.findall(path, NS)]


def _pdf_date(value: str) -> dt.datetime:
    """``D:20261203103155Z`` or ``D:20261203103155+01'00'`` as an aware datetime."""
    body = value.removeprefix("D:")
    moment = dt.datetime.strptime(body[:14], "%Y%m%d%H%M%S")
    zone = body[14:]
    if zone in ("", "Z"):
        return moment.replace(tzinfo=dt.UTC)
    sign = -1 if zone[0] == "-" else 1
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.replace(tzinfo=dt.timezone(sign * offset))


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory, qapp: object) -> PdfReader:
    out = tmp_path_factory.mktemp("archive") / "report.pdf"
    render_qt.render_pdf(_doc(), out)
    return PdfReader(out)


def test_pdfa_identification_in_xmp(archived: PdfReader) -> None:
    root = _xmp(archived)
    assert _attribute(root, "pdfaid", "part") == "1"
    assert _attribute(root, "pdfaid", "conformance") == "B"
    assert archived.pdf_header == "%PDF-1.4"  # PDF/A-1 is based on PDF 1.4
    # An output intent (sRGB) is required for device colours in PDF/A-1.
    intents = archived.trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"


def test_metadata_title_author_subject_date_agree(archived: PdfReader) -> None:
    info = archived.metadata
    assert info is not None
    root = _xmp(archived)
    assert info["/Title"] == "Myeloma Desk: Assessment report"
    assert _text(root, ".//dc:title/rdf:Alt/rdf:li") == [info["/Title"]]
    assert info["/Author"] == "Dr Grace Hopper"  # the clinician of the report
    assert _text(root, ".//dc:creator/rdf:Seq/rdf:li") == ["Dr Grace Hopper"]
    assert _text(root, ".//dc:description/rdf:Alt/rdf:li") == [
        "Assessment report (ID MRN-5, visit of 2025-03-10), A4"
    ]
    assert _attribute(root, "xmp", "CreatorTool") == info["/Creator"] == "Myeloma Desk"
    assert _attribute(root, "pdf", "Producer") == info["/Producer"]
    created = _pdf_date(info["/CreationDate"])
    assert dt.datetime.fromisoformat(_attribute(root, "xmp", "CreateDate") or "") == created
    assert dt.datetime.fromisoformat(_attribute(root, "xmp", "ModifyDate") or "") == created
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(hours=1)


def test_every_font_is_embedded_and_nothing_encrypted(archived: PdfReader) -> None:
    assert not archived.is_encrypted
    assert "/Encrypt" not in archived.trailer
    fonts: dict[str, DictionaryObject] = {}
    for page in archived.pages:
        for name, ref in page["/Resources"]["/Font"].items():
            fonts[f"{name}"] = ref.get_object()
    assert fonts
    for font in fonts.values():
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
        assert "DejaVu" in str(target["/BaseFont"])


def test_author_falls_back_to_the_application_without_a_clinician(
    tmp_path: Path, qapp: object
) -> None:
    out = tmp_path / "r.pdf"
    render_qt.render_pdf(_doc(clinician=""), out)
    info = PdfReader(out).metadata
    assert info is not None and info["/Author"] == "Myeloma Desk"
    render_qt.render_pdf(_doc(clinician=""), out, author="Dr <b>&\"'")
    reader = PdfReader(out)
    assert reader.metadata is not None and reader.metadata["/Author"] == "Dr <b>&\"'"
    assert _text(_xmp(reader), ".//dc:creator/rdf:Seq/rdf:li") == ["Dr <b>&\"'"]


def test_xmp_date_follows_the_information_dictionary() -> None:
    """Qt reads its clock when the painter begins; the XMP packet gets that exact date."""
    xmp = render_qt._xmp(render_qt.PdfMetadata("T", "A", "S"), "2026-01-01T00:00:59+00:00")
    pdf = b"%PDF-1.4\n/CreationDate (D:20260101000100Z)\n" + xmp + b"\n%%EOF\n"
    fixed = render_qt._same_dates(pdf)
    assert len(fixed) == len(pdf)  # in place: the cross-reference offsets stay right
    assert fixed.count(b'"2026-01-01T00:01:00+00:00"') == 3
    assert b"00:00:59" not in fixed
    offset = pdf.replace(b"D:20260101000100Z", b"D:20260101010100+01'00'")
    assert b'"2026-01-01T01:01:00+01:00"' in render_qt._same_dates(offset)


def test_cli_author_option(tmp_path: Path, qapp: object) -> None:
    snap = tmp_path / "s.json"
    snap.write_text(__import__("json").dumps(SNAPSHOT), encoding="utf-8")
    out = tmp_path / "r.pdf"
    argv = ["--data-dir", str(tmp_path / "h"), "report", str(snap), "-o", str(out)]
    assert main([*argv, "--author", "Dr Who"]) == 0
    info = PdfReader(out).metadata
    assert info is not None and info["/Author"] == "Dr Who"


# --- all or nothing ---------------------------------------------------------------------------


def _stored_home(home: Path) -> None:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import PatientFields, open_store

    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        patient = store.create_patient(PatientFields(name="Full Disk", identifier="MRN-9"))
        store.save_visit(
            patient.id,
            dt.date(2025, 1, 2),
            parse_snapshot({"serum_m_protein": {"value": 2.0, "unit": "g/dL"}}),
        )


def _prints(home: Path) -> list[Any]:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store

    with open_store(AppPaths.resolve(home), backup_on_open=False) as store:
        return [e for e in store.audit_events() if e.action == "print"]


def _assert_refused(
    code: int, capsys: pytest.CaptureFixture[str], folder: Path, home: Path, out: Path
) -> None:
    captured = capsys.readouterr()
    assert code == 2
    assert "not written: the disk is full" in captured.err
    assert "Traceback" not in captured.err
    assert "page" not in captured.out  # no "N pages (A4)" for a file that is not there
    assert not out.exists()
    assert [p.name for p in folder.iterdir() if p.name.endswith(".part")] == []
    assert _prints(home) == []


def test_failing_write_leaves_nothing_and_logs_no_print(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    home = tmp_path / "home"
    _stored_home(home)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "r.pdf"
    real = db.write_all

    def half_then_full(fd: int, data: bytes) -> None:
        real(fd, data[: len(data) // 2])  # a partial file on disk, then the disk fills up
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(db, "write_all", half_then_full)
    argv = ["--data-dir", str(home), "report", "--patient", "MRN-9", "--visit", "2025-01-02"]
    _assert_refused(main([*argv, "-o", str(out)]), capsys, folder, home, out)
    monkeypatch.setattr(db, "write_all", real)
    assert main([*argv, "-o", str(out)]) == 0
    assert out.exists() and len(_prints(home)) == 1


def test_a_failed_write_keeps_the_earlier_file(
    tmp_path: Path, qapp: object, monkeypatch: Any
) -> None:
    out = tmp_path / "r.pdf"
    render_qt.render_pdf(_doc(), out)
    before = out.read_bytes()

    def fsync_fails(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(db.os, "fsync", fsync_fails)
    with pytest.raises(OSError):
        render_qt.render_pdf(_doc(clinician="Other"), out)
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


@contextlib.contextmanager
def _tiny_tmpfs(where: Path) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("a 1 MB tmpfs needs root (mount)")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_full_disk_tmpfs(tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    _stored_home(home)
    with _tiny_tmpfs(tmp_path / "disk") as disk:
        # Leave 8 KB free: less than the PDF needs.
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "filler").write_bytes(b"\0" * max(0, free - 8 * 1024))
        out = disk / "r.pdf"
        argv = ["--data-dir", str(home), "report", "--patient", "MRN-9", "--visit", "2025-01-02"]
        code = main([*argv, "-o", str(out)])
        _assert_refused(code, capsys, disk, home, out)
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_patient_page_save_pdf_on_a_full_disk(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's "Save as PDF…": one clear status message, no file, no print in the audit."""
    from myeloma_desk.ui.app import create_window
    from myeloma_desk.ui.views.patients.section import PatientsView

    win, reporter = create_window(str(tmp_path / "home"))
    reporter.show_dialogs = False
    qtbot.addWidget(win)
    view = win.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    view.open_first_patient()
    page = view.patient_page
    assert page.record is not None
    page.show_dialogs = False

    def full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(db, "write_all", full)
    assert page.save_pdf(str(tmp_path / "visit.pdf")) is None
    assert page.status.text().startswith("The PDF was not saved: No space left on device")
    assert not (tmp_path / "visit.pdf").exists()
    events = page.record.store.audit_events(page.record.patient_id)
    assert [e for e in events if e.action == "print"] == []
    win.close()
