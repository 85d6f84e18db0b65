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
from ui_helpers import OpenWindow, demo_patient_page

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
    open_window: OpenWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's "Save as PDF…": one clear status message, no file, no print in the audit."""

    win = open_window(tmp_path / "home", show=False)
    page = demo_patient_page(win)
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


def _objects(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every dictionary (and stream dictionary) among the file's indirect objects."""
    for number in range(1, int(reader.trailer["/Size"])):
        with contextlib.suppress(Exception):
            obj = reader.get_object(number)
            if isinstance(obj, DictionaryObject):
                yield obj


def pdfa1b_findings(path: Path) -> list[str]:
    """The PDF/A-1b rules (ISO 19005-1, level B) that a file's structure shows, checked with
    pypdf: what veraPDF would check first, as far as a tool available offline can. An empty
    list is a pass of these rules, not a full conformance check (docs/reports.md)."""
    reader = PdfReader(path)
    found = _document_findings(reader) + _page_findings(reader)
    for obj in _objects(reader):
        found += _object_findings(obj)
    return sorted(set(found))


def _document_findings(reader: PdfReader) -> list[str]:
    found: list[str] = []
    if reader.pdf_header != "%PDF-1.4":
        found.append(f"header {reader.pdf_header}, not %PDF-1.4")
    if reader.is_encrypted or "/Encrypt" in reader.trailer:
        found.append("encrypted")
    ids = reader.trailer.get("/ID")
    if not ids or len(ids) != 2:
        found.append("no file identifier (/ID) in the trailer")
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    if metadata is None:
        found.append("no XMP metadata stream")
    elif "/Filter" in metadata.get_object():
        found.append("the XMP metadata stream is filtered")
    intents = root.get("/OutputIntents") or []
    profiles = [i.get_object().get("/DestOutputProfile") for i in intents]
    if not profiles or profiles[0] is None or profiles[0].get_object().get("/N") != 3:
        found.append("no RGB output intent profile")
    names = root.get("/Names")
    if names is not None and {"/JavaScript", "/EmbeddedFiles"} & set(names.get_object()):
        found.append("JavaScript or embedded files")
    if "/AA" in root or ("/OpenAction" in root and "/JS" in str(root["/OpenAction"])):
        found.append("document actions")
    return found


def _page_findings(reader: PdfReader) -> list[str]:
    found: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        annotations = page.get("/Annots")
        for ref in annotations.get_object() if annotations is not None else []:
            annotation = ref.get_object()
            flags = int(annotation.get("/F", 0))
            if annotation.get("/Subtype") in ("/FileAttachment", "/Sound", "/Movie"):
                found.append(f"page {number}: a {annotation['/Subtype']} annotation")
            elif not flags & 4 or flags & (1 | 2 | 32):
                found.append(f"page {number}: an annotation that is not printed as shown")
        if "/Group" in page and page["/Group"].get_object().get("/S") == "/Transparency":
            found.append(f"page {number}: a transparency group")
    return found


def _object_findings(obj: DictionaryObject) -> list[str]:
    found: list[str] = []
    filters = obj.get("/Filter")
    if filters is not None and "/LZWDecode" in str(filters):
        found.append("an LZW-compressed stream")
    if obj.get("/Type") == "/ExtGState":
        if obj.get("/SMask", "/None") != "/None":
            found.append("a soft mask in a graphics state")
        for key in ("/CA", "/ca"):
            if key in obj and float(obj[key]) != 1.0:
                found.append(f"a graphics state with {key} {obj[key]} (transparency)")
        if obj.get("/BM", "/Normal") not in ("/Normal", "/Compatible"):
            found.append(f"blend mode {obj['/BM']}")
    if obj.get("/Subtype") == "/Image":
        if "/SMask" in obj:
            found.append("an image with a soft mask (transparency)")
        if obj.get("/Interpolate") is True:
            found.append("an image with /Interpolate true")
    return found


def test_the_pdfa1b_rules_a_structure_check_can_see(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo patient with the most history (trend chart, tables, two pages) and the course
    report: no transparency, no LZW, no actions or annotations, an RGB output intent, an
    unfiltered XMP stream, a file identifier, PDF 1.4."""
    home = tmp_path / "home"
    assert main(["--data-dir", str(home), "demo"]) == 0
    out = tmp_path / "visit.pdf"
    code = main(
        [
            "--data-dir",
            str(home),
            "report",
            "--patient",
            "DEMO-0009",
            "--visit",
            "2024-05-21",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    course = tmp_path / "course.pdf"
    assert (
        main(
            [
                "--data-dir",
                str(home),
                "report",
                "--patient",
                "DEMO-0009",
                "--course",
                "-o",
                str(course),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert pdfa1b_findings(out) == []
    assert pdfa1b_findings(course) == []
    images = [o for o in _objects(PdfReader(out)) if o.get("/Subtype") == "/Image"]
    assert images  # the trend chart is in it, so the image rules were exercised


def test_the_structure_check_finds_what_it_looks_for(tmp_path: Path, qapp: object) -> None:
    """A plain (not PDF/A) Qt PDF with a half-transparent fill and an image with alpha: the
    check above names the transparency, so its empty list for the reports means something."""
    from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter

    path = tmp_path / "plain.pdf"
    writer = QPdfWriter(str(path))
    image = QImage(40, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor(255, 0, 0, 100))
    painter = QPainter(writer)
    painter.setOpacity(0.5)
    painter.fillRect(0, 0, 500, 500, QColor("blue"))
    painter.setOpacity(1.0)
    painter.drawImage(600, 600, image)
    painter.end()
    found = pdfa1b_findings(path)
    assert any("transparency" in f for f in found), found
    assert "no RGB output intent profile" in found
