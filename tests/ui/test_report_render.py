"""Rendering reports to PDF and to a QPrinter (offscreen), checked with pypdf (the command
line's ``report``: tests/cli/test_report_cli.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from pdf_text import page_texts
from pypdf import PdfReader
from ui_helpers import OpenWindow, demo_patient_page

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFontDatabase, QFontMetricsF, QImage, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from myeloma_desk.course import LineMarker
from myeloma_desk.domain.engine import Assessment, assess
from myeloma_desk.domain.results import Criterion, RuleResult
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.reports import render_qt
from myeloma_desk.reports.build import ReportDoc, build_report, to_html
from myeloma_desk.reports.chart import chart_image

SNAPSHOT_FILE = Path(__file__).parents[1] / "unit" / "reports" / "data" / "patient_snapshot.json"
SCRIPT_NAME = "<script>alert(1)</script>"

# PDF page sizes in points (1/72 in): A4 210 x 297 mm, Letter 8.5 x 11 in.
A4_POINTS = (595, 842)
LETTER_POINTS = (612, 792)


def patient_doc(page_size: str = "A4", detail: bool = True) -> ReportDoc:
    """The example patient's report with the appendix (full criteria); detail=False is the
    short report."""
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    return build_report(
        snap,
        assess(snap),
        clinician="Dr <b>Grey</b>",
        institution="St Elsewhere",
        page_size=page_size,  # type: ignore[arg-type]
        detail=detail,
    )


def calculator_doc() -> ReportDoc:
    snap = parse_snapshot(
        {
            "beta2_microglobulin": {"value": 6.0, "unit": "mg/L"},
            "albumin": {"value": 30, "unit": "g/L"},
        }
    )
    return build_report(snap, assess(snap))


@pytest.fixture(scope="module")
def patient_pdf(tmp_path_factory: pytest.TempPathFactory, qapp: object) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("report") / "patient.pdf"
    pages = render_qt.render_pdf(patient_doc(), path)
    return path, pages


def test_pdf_written_with_its_page_count(patient_pdf: tuple[Path, int]) -> None:
    path, pages = patient_pdf
    assert path.read_bytes().startswith(b"%PDF-")
    assert pages >= 2  # a patient with history does not fit one page
    assert len(PdfReader(path).pages) == pages


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_pdf_is_owner_only(patient_pdf: tuple[Path, int]) -> None:
    path, _ = patient_pdf
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_every_page_has_identifier_and_page_x_of_y(patient_pdf: tuple[Path, int]) -> None:
    path, pages = patient_pdf
    texts = page_texts(path)
    for number, text in enumerate(texts, start=1):
        assert "ID MRN-0042" in text, number
        assert "visit 2025-03-10" in text, number
        assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(number), str(pages))]
        assert "not a guideline or a substitute for clinical judgement" in text


def test_sections_and_values_in_pdf_text(patient_pdf: tuple[Path, int]) -> None:
    text = " ".join(page_texts(patient_pdf[0]))
    for expected in (
        "Assessment report",
        "Identifier MRN-0042",
        "Date of birth 1956-02-01",
        "Clinician Dr <b>Grey</b>",
        "Institution St Elsewhere",
        "Inputs",
        "Albumin 33 g/L 2025-03-10",
        "Creatinine 97.3 µmol/L",
        "Lines of therapy",
        "VRd <i>cycle</",  # the narrow column may wrap after the slash
        "Stage and risk at diagnosis",
        "International Staging System (ISS) II",
        "Response against baseline",
        "Serum M-protein 3.1 g/dL 0.4 g/dL",
        "Trends",
        "2024-06-01 3.1 820 91.111 1.9 9.2",  # the trend table under the chart
        "Appendix: inputs and the full criteria of every rule",
        "microglobulin ≥ 5.5 mg/L (stage III) not met 4.1 mg/L",  # pypdf splits "β2-"
        "Options described in the PDQ",
        "Sources",
        "International staging system for multiple myeloma. J Clin Oncol",
        "PDQ summary of 2025-04-25",
        "criteria engine 0.1.0",
        "not a substitute for clinical judgement",
    ):
        assert expected in text, expected


def test_script_and_markup_in_name_print_literally(patient_pdf: tuple[Path, int]) -> None:
    first = page_texts(patient_pdf[0])[0]
    assert f"Patient Ada <b>Example</b> {SCRIPT_NAME}" in first


@pytest.mark.parametrize(("size", "points"), [("A4", A4_POINTS), ("Letter", LETTER_POINTS)])
def test_page_sizes(tmp_path: Path, qapp: object, size: str, points: tuple[int, int]) -> None:
    path = tmp_path / f"{size}.pdf"
    render_qt.render_pdf(patient_doc(size), path)
    for page in PdfReader(path).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == points
    assert f"PDQ summary of 2025-04-25 · {size}" in " ".join(page_texts(path))


def test_calculator_only_report(tmp_path: Path, qapp: object) -> None:
    path = tmp_path / "calc.pdf"
    pages = render_qt.render_pdf(calculator_doc(), path)
    texts = page_texts(path)
    assert len(texts) == pages >= 1
    for number, text in enumerate(texts, start=1):
        assert "Calculator report · no patient" in text
        assert f"Page {number} of {pages}" in text
    joined = " ".join(texts)
    assert "Patient none (calculator-only report)" in joined
    assert "International Staging System (ISS) III" in joined
    assert "No dated values to plot." in joined


def test_print_path_uses_the_same_painter(tmp_path: Path, qapp: object) -> None:
    """QPrinter (what QPrintPreviewDialog hands to paintRequested) renders the same report."""
    doc = patient_doc("Letter")
    printer = render_qt.new_printer(doc)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = render_qt.print_to(printer, doc)
    texts = page_texts(tmp_path / "printed.pdf")
    assert len(texts) == pages
    assert all(f"Page {n} of {pages}" in t for n, t in enumerate(texts, start=1))
    assert all("ID MRN-0042" in t for t in texts)
    page = PdfReader(tmp_path / "printed.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == LETTER_POINTS


def test_bundled_font_is_registered(qapp: object) -> None:
    assert render_qt.register_fonts()
    assert render_qt.FONT_FAMILY in QFontDatabase.families()


def test_document_loads_only_its_own_images(qapp: object) -> None:
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    sealed = render_qt._SealedDocument({"chart": image})
    kind = QTextDocument.ResourceType.ImageResource.value
    assert sealed.loadResource(kind, QUrl("chart")) is image
    for name in ("file:///etc/hostname", "/etc/hostname", "http://example.org/x.png"):
        assert sealed.loadResource(kind, QUrl(name)) is None


def test_rendering_opens_no_connection(network_guard, tmp_path: Path, qapp: object) -> None:  # type: ignore[no-untyped-def]
    """Hostile strings that name remote resources are printed as text; nothing is fetched."""
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    doc = build_report(
        snap,
        assess(snap),
        institution="<img src='http://198.51.100.7/x.png'><link rel=stylesheet href=http://x/>",
    )
    render_qt.render_pdf(doc, tmp_path / "hostile.pdf")
    assert network_guard.attempts == []
    # the header cell may wrap the long institution: compare without spaces
    first = page_texts(tmp_path / "hostile.pdf")[0].replace(" ", "")
    assert "<imgsrc='http://198.51.100.7/x.png'>" in first


def test_long_report_loses_no_section(tmp_path: Path, qapp: object) -> None:
    """Forty results with tables: every title, result line and source line is on some page.

    (Moving a heading to the next page once made Qt drop whole blocks after later tables.)
    """
    results = [
        RuleResult(
            rule=f"rule_{k}",
            title=f"Synthetic rule number {k}",
            status="determined",
            result=f"value_{k}",
            criteria=[
                Criterion(name=f"criterion {k}.{j} with a longer wording to wrap", met=j % 2 == 0)
                for j in range(1 + k % 7)
            ],
            detail={"note": f"detail line for rule {k}"},
            sources=["Greipp 2005 J Clin Oncol"],
        )
        for k in range(40)
    ]
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    assessment = Assessment(engine_version="t", evidence_version="t", results=results)
    doc = build_report(snap, assessment, detail=True)
    pages = render_qt.render_pdf(doc, tmp_path / "long.pdf")
    texts = page_texts(tmp_path / "long.pdf")
    assert len(texts) == pages >= 5
    joined = " ".join(texts)
    for k in range(40):
        assert f"Synthetic rule number {k} Result: value {k}" in joined, k
        assert f"Note: detail line for rule {k}" in joined, k
    assert joined.count("Sources: [2]") >= 40
    assert "acting on it." in texts[-1]


def test_headings_are_kept_with_what_follows(qapp: object, tmp_path: Path) -> None:
    writer = QPdfWriter(str(tmp_path / "layout.pdf"))
    writer.setResolution(render_qt.PDF_RESOLUTION)
    render_qt.configure_device(writer, "A4")
    render_qt.register_fonts()
    font_h = QFontMetricsF(render_qt._report_font(), writer).height()
    _, body = render_qt._page_frame(writer.pageLayout(), writer.logicalDpiY(), font_h)
    text = render_qt._layout_document(patient_doc(), writer, body)
    layout = text.documentLayout()
    page_h = text.pageSize().height()
    block = text.begin()
    headings = 0
    while block.isValid():
        following = block.next()
        if block.blockFormat().headingLevel() and following.isValid():
            headings += 1
            # the heading's own line (its top margin may stay at the foot of the page before)
            top = render_qt._first_line_top(layout, block)
            next_top = render_qt._first_line_top(layout, following)
            assert int((top + 1) // page_h) == int((next_top + 1) // page_h), block.text()
        block = following
    assert headings >= 10
    del text, writer


def test_chart_draws_one_panel_per_series(qapp: object) -> None:
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    series = build_report(snap, assess(snap)).trends
    image = chart_image(series, 1200)
    assert image.width() == 1200
    assert image.height() == pytest.approx(3 * 600 * 0.55, abs=2)  # 5 panels: 3 rows of 2
    # something black is drawn in each of the five panel cells, the sixth stays blank
    for index in range(6):
        col, row = index % 2, index // 2
        x0, y0 = col * 600, int(row * 600 * 0.55)
        dark = sum(
            1
            for x in range(x0 + 60, x0 + 560, 7)
            for y in range(y0 + 20, y0 + 300, 7)
            if QImage.pixelColor(image, x, y).lightness() < 100
        )
        assert (dark > 0) == (index < 5), index


# --- environment ------------------------------------------------------------------------------


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_pyside_keeps_none_alive(qapp: object) -> None:
    """PySide6 6.12.0 on Python 3.11 loses a reference to None per void call; a report makes
    ~500 such calls, so a few reports abort the interpreter ("deallocating None")."""
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    before = sys.getrefcount(None)
    for _ in range(500):
        image.fill(0)
    assert sys.getrefcount(None) - before >= 0


def test_preview_dialog_paints_through_paint_report(tmp_path: Path, qapp: object) -> None:
    """The dialog is built but never shown; its paintRequested signal is emitted directly."""
    doc = calculator_doc()
    dialog = render_qt.preview_dialog(doc)
    try:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "preview.pdf"))
        dialog.paintRequested.emit(printer)
        del printer  # closes the file
        texts = page_texts(tmp_path / "preview.pdf")
        assert texts and "Calculator report · no patient" in texts[0]
        assert not dialog.isVisible()
    finally:
        dialog.deleteLater()


def test_chart_marks_therapy_starts_inside_the_dates(qapp: object) -> None:
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    series = build_report(snap, assess(snap)).trends[:1]  # one panel: 2024-06-01 .. 2025-03-10
    inside = LineMarker(date=dt.date(2024, 10, 15), number=1, tag="L1", label="VRd")
    outside = LineMarker(date=dt.date(2020, 1, 1), number=0, tag="L0", label="old")
    plain = chart_image(series, 1000, columns=1)
    marked = chart_image(series, 1000, columns=1, markers=[inside])
    ignored = chart_image(series, 1000, columns=1, markers=[outside])
    assert marked != plain
    assert ignored == plain


def test_print_preview_offers_the_full_criteria(open_window: OpenWindow, tmp_path: Path) -> None:
    """The app's print preview has a "Full criteria (appendix)" option: ticked, the report is
    rebuilt with the appendix (as ``report --detail``) and the preview paints that one."""
    from PySide6.QtWidgets import QCheckBox, QToolBar

    win = open_window(tmp_path / "home", show=False)
    page = demo_patient_page(win)
    page.show_dialogs = False
    dialog = page.print_preview()
    assert dialog is not None
    box = dialog.detail_box
    assert isinstance(box, QCheckBox) and not box.isChecked()
    assert box.parent() is dialog.findChild(QToolBar)  # in the preview's own toolbar
    assert not dialog.doc.detail

    def painted(name: str) -> list[str]:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / name))
        dialog.paintRequested.emit(printer)
        return page_texts(tmp_path / name)

    short = painted("short.pdf")
    assert "Appendix" not in " ".join(short)
    box.setChecked(True)
    assert dialog.doc.detail and dialog.doc.header == page.report_doc().header
    full = painted("full.pdf")
    assert "Appendix: inputs and the full criteria of every rule" in " ".join(full)
    assert len(full) > len(short)
    box.setChecked(False)
    assert not dialog.doc.detail
    dialog.deleteLater()
    win.close()


def _page_lines(path: Path) -> list[list[str]]:
    """Each page's body lines as pypdf reads them (a table cell is a line of its own; the
    running header and footer are left out)."""
    pages = []
    for page in PdfReader(path).pages:
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        pages.append(
            [
                line
                for line in lines
                if line
                and " · ID " not in line
                and not line.startswith(("Myeloma Desk · ", "Reference information, not a"))
                and not re.fullmatch(r"Page \d+ of \d+", line)
            ]
        )
    return pages


def test_a_table_running_onto_the_next_page_repeats_its_head_row(
    tmp_path: Path, qapp: object
) -> None:
    """A criteria table longer than a page: every page it runs onto opens with its head row
    (Criterion, Met?, Value), and no line at a page foot is printed again at the next top."""
    results = [
        RuleResult(
            rule="long_rule",
            title="A rule with many criteria",
            status="determined",
            result="meets",
            criteria=[
                Criterion(name=f"criterion number {j}", met=j % 3 != 0, value=f"value {j}")
                for j in range(140)
            ],
            sources=["Greipp 2005 J Clin Oncol"],
        )
    ]
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    assessment = Assessment(engine_version="t", evidence_version="t", results=results)
    doc = build_report(snap, assessment, detail=True)
    path = tmp_path / "long-table.pdf"
    pages = render_qt.render_pdf(doc, path)
    lines = _page_lines(path)
    assert len(lines) == pages >= 3

    def in_table(page: list[str]) -> bool:
        return any(line.startswith("criterion number") for line in page)

    runs_on = [k for k in range(1, pages) if in_table(lines[k - 1]) and in_table(lines[k])]
    assert len(runs_on) >= 2
    for k in runs_on:
        assert lines[k][:3] == ["Criterion", "Met?", "Value"], (k, lines[k][:3])
    for above, below in itertools.pairwise(lines):
        assert not (above and below and above[-1] == below[0]), below[0]
    joined = " ".join(" ".join(page) for page in lines)
    for j in range(140):
        assert f"criterion number {j} " in joined + " ", j


def test_a_derived_criterion_has_no_not_recorded_value() -> None:
    """'lenalidomide-refractory: met' is read from the lines: no value of its own, so its value
    cell is empty; 'not recorded' is kept for a criterion that could not be decided."""
    result = RuleResult(
        rule="r",
        title="Eligibility",
        status="determined",
        result="meets",
        criteria=[
            Criterion(name="lenalidomide-refractory", met=True),
            Criterion(name="refractory to daratumumab", met=None),
        ],
        sources=["Rajkumar 2015"],
    )
    snap = parse_snapshot(json.loads(SNAPSHOT_FILE.read_text("utf-8")))
    doc = build_report(
        snap, Assessment(engine_version="t", evidence_version="t", results=[result]), detail=True
    )
    text = to_html(doc)
    row_met = re.search(r"lenalidomide-refractory</td><td>met</td><td>([^<]*)</td>", text)
    row_unknown = re.search(r"refractory to daratumumab</td><td>unknown</td><td>([^<]*)</td>", text)
    assert row_met is not None and row_met.group(1) == ""
    assert row_unknown is not None and row_unknown.group(1) == "not recorded"


def test_date_labels_under_a_chart_panel_never_overlap(qapp: object) -> None:
    """Under a narrow printed panel the middle date is left out rather than printed into the
    last one ("2022-10-11" and "2024-05-21" ran together in the course report's FLC-ratio
    panel); a wide panel shows first, middle and last; the first date is always shown."""
    from PySide6.QtCore import QRectF

    from myeloma_desk.reports.chart import date_labels

    days = [
        dt.date(2019, 2, 20),
        dt.date(2019, 6, 18),
        dt.date(2019, 12, 10),
        dt.date(2022, 5, 24),
        dt.date(2022, 10, 11),
        dt.date(2023, 9, 5),
        dt.date(2024, 5, 21),
    ]
    metrics = QFontMetricsF(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
    label = metrics.horizontalAdvance("2024-05-21")
    for width in (label * 1.5, label * 2.5, label * 3.2, label * 6, label * 12):
        rect = QRectF(0, 0, width, 100)

        def to_x(day: dt.date, rect: QRectF = rect) -> float:
            span = (days[-1] - days[0]).days
            return rect.left() + rect.width() * (day - days[0]).days / span

        placed = date_labels(days, to_x, metrics, rect, 90)
        boxes = [box for _, box in placed]
        assert placed[0][0] == days[0]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.intersects(b), (width, placed)
        for box in boxes:
            assert rect.left() <= box.left() and box.right() <= rect.right() + 0.01
        if width >= label * 6:
            assert [d for d, _ in placed] == [days[0], days[3], days[-1]]
        if width == label * 3.2:  # the middle date would run into the last: left out
            assert [d for d, _ in placed] == [days[0], days[-1]]
    # a panel no wider than one label: the first date only, never two printed into each other
    assert len(date_labels(days, lambda d: 0.0, metrics, QRectF(0, 0, label, 10), 0)) == 1
