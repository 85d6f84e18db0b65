"""Render a built report (build.py) on paper: PDF through QPdfWriter, or any QPrinter.

:func:`paint_report` is the one drawing path for both. It lays the report's HTML out in a
QTextDocument sized to the page body, paginates it itself and draws every page with QPainter:
the body slice of the document, then a running header (patient identifier, name, visit) and a
footer ("Page x of y" and a one-line disclaimer). The HTML comes from :func:`build.to_html`
(every user string escaped); :class:`_SealedDocument` refuses to load any resource except the
in-memory trend chart, so nothing outside the report can be pulled in.

Rendering needs a QGuiApplication (QApplication in the app); it works offscreen.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QDateTime,
    QIODevice,
    QMarginsF,
    QObject,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
    qVersion,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QWidget

from myeloma_desk import APP_NAME
from myeloma_desk.reports.build import CHART_RESOURCE, ReportDoc, to_html
from myeloma_desk.reports.chart import chart_image
from myeloma_desk.reports.course_report import CourseReportDoc, course_html
from myeloma_desk.store.db import write_private_bytes

# The assessment report (build.py) or the course report (course_report.py).
AnyReport = ReportDoc | CourseReportDoc

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_FAMILY = "DejaVu Sans"
PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGINS_MM = QMarginsF(15, 14, 15, 14)
PDF_RESOLUTION = 300  # dpi: sharp text and chart, small files, fast layout
BODY_POINTS = 9.5
HEADER_POINTS = 8.0
CHART_DPI = 200  # the chart image's own resolution on paper
CLIP_EDGE = 1.0  # device units by which the layout's clip is narrowed at each edge, see _draw_page

_fonts_registered: bool | None = None


def register_fonts() -> bool:
    """Register the bundled DejaVu Sans once (needs a QGuiApplication); True if it loaded."""
    global _fonts_registered
    if _fonts_registered is not None:
        return _fonts_registered
    folder = resources.files("myeloma_desk.resources") / "fonts"
    ok = True
    for name in FONT_FILES:
        data = (folder / name).read_bytes()
        ok = QFontDatabase.addApplicationFontFromData(data) != -1 and ok
    _fonts_registered = ok
    return ok


def ensure_gui_app() -> QGuiApplication:
    """The running Q(Gui)Application, or a new QGuiApplication (offscreen when headless)."""
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    if (
        os.name == "posix"
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and os.uname().sysname == "Linux"
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication([APP_NAME])


class _SealedDocument(QTextDocument):
    """A QTextDocument that loads only the resources it was given (no files, no network)."""

    def __init__(self, images: dict[str, QImage], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._images = images

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        key = name.toString() if isinstance(name, QUrl) else str(name)
        image = self._images.get(key)
        if image is not None and kind == QTextDocument.ResourceType.ImageResource.value:
            return image
        return None


def _report_font(points: float = BODY_POINTS) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(points)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    # No "fi"/"fl" ligatures: text copied or extracted from the PDF must read "Identifier",
    # not "Identiﬁer" (searching a chart PDF for a word has to work).
    font.setFeature(QFont.Tag("liga"), 0)
    return font


def _layout_document(doc: AnyReport, device: QPagedPaintDevice, body: QRectF) -> QTextDocument:
    """The report's QTextDocument laid out for ``device`` with pages ``body`` in size."""
    dpi = device.logicalDpiX()
    images: dict[str, QImage] = {}
    chart_w = chart_h = 0
    if doc.has_chart:
        chart_width_in = body.width() / dpi
        image = chart_image(
            doc.trends,
            int(chart_width_in * CHART_DPI),
            markers=doc.trend_markers,
            font_family=FONT_FAMILY,
            columns=2 if doc.detail else 3,  # the short report: one or two rows of panels
        )
        images[CHART_RESOURCE] = image
        # HTML sizes are in CSS pixels (96 per inch); Qt scales them to the paint device.
        # The short report's chart is a little narrower (and so lower) to keep two pages.
        scale = 0.98 if doc.detail else 0.9 if isinstance(doc, CourseReportDoc) else 0.72
        chart_w = int(chart_width_in * 96 * scale)
        chart_h = int(chart_w * image.height() / image.width())
    text = _SealedDocument(images)
    text.documentLayout().setPaintDevice(device)
    text.setDefaultFont(_report_font())
    text.setDocumentMargin(0)
    text.setUndoRedoEnabled(False)
    if isinstance(doc, CourseReportDoc):
        text.setHtml(course_html(doc, chart_width_px=chart_w, chart_height_px=chart_h))
    else:
        text.setHtml(to_html(doc, chart_width_px=chart_w, chart_height_px=chart_h))
    text.setPageSize(QSizeF(body.width(), body.height()))
    # Again while a pass changes something (at most three passes): Qt lays blocks out lazily,
    # and a block the first pass saw at a stale position (the caption under a tall chart) can
    # still straddle a page break afterwards, printed on both pages.
    for _ in range(3):
        if not _keep_headings_with_next(text, body.height()):
            break
    return text


def _first_line_top(layout: QAbstractTextDocumentLayout, block: QTextBlock) -> float:
    """Where a block's first line is on the document (pagination may push it down)."""
    rect = layout.blockBoundingRect(block)
    lines = block.layout()
    if lines is None or lines.lineCount() == 0:
        return rect.top()
    return rect.top() + lines.lineAt(0).y()  # line y is relative to the block's top


def _page_of(y: float, page_h: float) -> int:
    # +1: the layout puts a line it moved to the next page at that page's top, rounded down a
    # fraction of a device unit
    return int((y + 1) // page_h)


def _split_at_page_break(text: QTextDocument, block: QTextBlock, page_h: float) -> bool:
    """Make the part of a paragraph that runs on to the next page a paragraph of its own, and
    move a paragraph whose first line would be cut by the page break to the next page.

    QTextLayout draws, with each page's clip, the line above the first one it shows as well;
    for a paragraph that runs across a page break that line is the last one of the page above,
    drawn again under the painter's clip: invisible, but in the PDF's text twice. A paragraph
    that starts on its page has no line above it. The split is at the start of the first line
    on the new page, so every line keeps its words. Qt also leaves a line that follows a table
    straddling the page break, half on each page: that paragraph starts the next page instead
    (in a table cell Qt moves such a line itself). Returns whether the block changed.
    """
    in_table = QTextCursor(block).currentTable() is not None
    # the rect first: asking for it lays the block out (a block below an edit has no lines yet)
    top = text.documentLayout().blockBoundingRect(block).top()
    lines = block.layout()
    if lines is None or lines.lineCount() == 0:
        return False
    first_page = _page_of(top + lines.lineAt(0).y(), page_h)
    for index in range(lines.lineCount()):
        line = lines.lineAt(index)
        line_top = top + line.y()
        on_page = _page_of(line_top, page_h)
        straddles = _page_of(line_top + line.height() - 2, page_h) != on_page
        if index == 0:
            if straddles and not in_table and line.height() < page_h:
                # a wider top margin, not a page break: Qt breaks a block right after a table
                # twice and leaves a blank page
                fmt = QTextBlockFormat()
                fmt.setTopMargin(
                    block.blockFormat().topMargin() + (on_page + 1) * page_h - line_top + 1
                )
                QTextCursor(block).mergeBlockFormat(fmt)
                text.markContentsDirty(block.position(), text.characterCount() - block.position())
                return True
        elif on_page != first_page or straddles:
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + line.textStart())
            cursor.insertBlock()
            text.markContentsDirty(block.position(), text.characterCount() - block.position())
            return True
    return False


def _keep_headings_with_next(text: QTextDocument, page_h: float) -> int:
    """Move a heading to the next page when what follows it starts there (no orphan headings),
    and split a paragraph where it runs on to the next page (``_split_at_page_break``).

    QTextDocument has no keep-with-next. One pass from the top: a moved heading or a split
    paragraph shifts only what comes after it, which the pass has not looked at yet. Returns
    how many changes it made (headings moved, paragraphs split or moved).
    """
    layout = text.documentLayout()
    moved = 0
    block = text.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 0 and _split_at_page_break(text, block, page_h):
            # the paragraph now ends on its page; look at what follows (the part split off to
            # the next page, whose first line may still straddle the break)
            moved += 1
            block = block.next()
            continue
        following = block.next()
        if block.blockFormat().headingLevel() > 0 and following.isValid():
            # The heading's own line, not its box: a heading pushed to a page top keeps its top
            # margin on the page before, and breaking it again would leave a blank page.
            top = _first_line_top(layout, block)
            next_top = _first_line_top(layout, following)
            if _page_of(top, page_h) != _page_of(next_top, page_h):
                # A run of headings ("Assessments" then the first rule's title) moves as one.
                first = block
                while first.previous().isValid() and first.previous().blockFormat().headingLevel():
                    first = first.previous()
                fmt = QTextBlockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(first).mergeBlockFormat(fmt)
                # Qt re-lays out only the changed block; tables further down then keep stale
                # positions and whole blocks vanish from the pages. Redo the layout.
                text.markContentsDirty(first.position(), text.characterCount() - first.position())
                # Qt sometimes breaks a block right after a table that ends at a page bottom
                # twice, leaving a blank page: then undo the break (an orphan heading is the
                # lesser harm than an empty page).
                now = _page_of(_first_line_top(layout, first), page_h)
                if now > _page_of(top, page_h) + 1:
                    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_Auto)
                    QTextCursor(first).mergeBlockFormat(fmt)
                    text.markContentsDirty(
                        first.position(), text.characterCount() - first.position()
                    )
                else:
                    moved += 1
        block = following
    return moved


def _page_frame(layout: QPageLayout, resolution: int, font_h: float) -> tuple[QRectF, QRectF]:
    """(paint rect, body rect) in device pixels: the body leaves room for header and footer."""
    paint = QRectF(layout.paintRectPixels(resolution))
    paint.moveTo(0, 0)  # QPainter's origin is the paint rect's top-left
    band = font_h * 2.2
    body = paint.adjusted(0, band, 0, -band)
    return paint, body


def paint_report(doc: AnyReport, device: QPagedPaintDevice) -> int:
    """Draw the whole report on ``device`` (QPdfWriter or QPrinter); returns the page count.

    The device's page size and margins are used as they are (:func:`configure_device` sets
    them for a report); every page gets the running header and "Page x of y".
    """
    register_fonts()
    resolution = device.logicalDpiY()
    header_font = _report_font(HEADER_POINTS)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot paint on the output device (is the output file writable?)")
    try:
        painter.setFont(header_font)
        metrics = QFontMetricsF(header_font, device)
        paint, body = _page_frame(device.pageLayout(), resolution, metrics.height())
        text = _layout_document(doc, device, body)
        line_h = QFontMetricsF(_report_font(), device).lineSpacing()
        pages = max(1, text.pageCount())
        page_h = text.pageSize().height()
        for index in range(pages):
            if index:
                device.newPage()
            painter.save()
            painter.translate(body.left(), body.top() - index * page_h)
            _draw_page(text, painter, QRectF(0, index * page_h, body.width(), page_h), line_h)
            painter.restore()
            _draw_running_text(painter, doc, paint, metrics, index + 1, pages)
    finally:
        painter.end()
    return pages


def _draw_page(text: QTextDocument, painter: QPainter, page: QRectF, line_h: float) -> None:
    """One page of the laid-out document; every line is drawn on exactly one page.

    The painter is clipped to the page. QTextLayout draws each line that touches the layout's
    clip, and a line that Qt moved to the next page sits at that page's top edge, a fraction of
    a device unit above it (floating point): with the page itself as the clip it would be drawn
    on both pages, once hidden by the painter's clip but still in the PDF's text. The clip is
    therefore narrowed by ``CLIP_EDGE`` device units at the top and at the foot: a line that
    ends on the edge above stays with the page above, a line that starts on the foot's edge
    goes to the page below, and a head row that Qt repeats at the top of a page is drawn
    (``test_a_table_running_onto_the_next_page_repeats_its_head_row``,
    ``test_long_report_loses_no_section``)."""
    del line_h  # kept for the signature: the edge no longer depends on the line height
    painter.setClipRect(page)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.clip = page.adjusted(0, CLIP_EDGE, 0, -CLIP_EDGE)
    context.palette.setColor(QPalette.ColorRole.Text, QColor("black"))
    text.documentLayout().draw(painter, context)


def _draw_running_text(
    painter: QPainter,
    doc: AnyReport,
    paint: QRectF,
    metrics: QFontMetricsF,
    page: int,
    pages: int,
) -> None:
    """Header: app + patient identity; footer: disclaimer and "Page x of y" (plain text)."""
    line_h = metrics.height()
    pen = QPen(QColor("black"))
    pen.setWidthF(max(1.0, line_h / 14))
    painter.setPen(pen)
    left = f"{APP_NAME} · {doc.header.title}"
    right = metrics.elidedText(
        doc.header.running_label, Qt.TextElideMode.ElideMiddle, paint.width() * 0.62
    )
    top = QRectF(paint.left(), paint.top(), paint.width(), line_h)
    painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left)
    painter.drawText(top, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), right)
    rule_y = paint.top() + line_h * 1.3
    painter.drawLine(QPointF(paint.left(), rule_y), QPointF(paint.right(), rule_y))

    bottom = QRectF(paint.left(), paint.bottom() - line_h, paint.width(), line_h)
    footer_rule = paint.bottom() - line_h * 1.3
    painter.drawLine(QPointF(paint.left(), footer_rule), QPointF(paint.right(), footer_rule))
    page_text = f"Page {page} of {pages}"
    note = metrics.elidedText(
        "Reference information, not a guideline or a substitute for clinical judgement.",
        Qt.TextElideMode.ElideRight,
        paint.width() - metrics.horizontalAdvance(page_text) - line_h * 2,
    )
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), note)
    painter.drawText(
        bottom, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), page_text
    )


def configure_device(device: QPagedPaintDevice, page_size: str) -> None:
    """Page size (A4 or Letter, portrait) and the report's margins on a writer or printer."""
    layout = QPageLayout(
        QPageSize(PAGE_SIZES[page_size]),
        QPageLayout.Orientation.Portrait,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )
    device.setPageLayout(layout)


def pdf_bytes(doc: AnyReport, *, author: str = "") -> tuple[bytes, int]:
    """The report as an archival PDF (PDF/A-1b) in memory: (bytes, page count).

    Metadata: title, author (``author``, else the report's clinician, else the application),
    subject and creation date, in the document information dictionary and, identical, in the
    XMP packet (``pdfaid:part`` 1, ``conformance`` B). Qt embeds every font as a subset and
    removes transparency in PDF/A-1b mode; the file is not encrypted. Raises OSError when Qt
    cannot paint or the result is not a complete PDF.
    """
    meta = _metadata(doc, author)
    data = QByteArray()
    buffer = QBuffer(data)
    if not buffer.open(QIODevice.OpenModeFlag.WriteOnly):
        raise OSError("cannot open a memory buffer for the PDF")
    writer = QPdfWriter(buffer)
    writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)
    writer.setResolution(PDF_RESOLUTION)
    writer.setCreator(APP_NAME)
    writer.setTitle(meta.title)
    writer.setAuthor(meta.author)
    # The XMP packet is written at once, before the pages; its date is put right afterwards.
    writer.setDocumentXmpMetadata(QByteArray(_xmp(meta, _xmp_date(QDateTime.currentDateTime()))))
    configure_device(writer, doc.page_size)
    pages = paint_report(doc, writer)
    del writer  # the PDF's tail is written when the painter ends; nothing is left open
    buffer.close()
    pdf = bytes(data.data())
    if not pdf.startswith(b"%PDF-") or not pdf.rstrip().endswith(b"%%EOF"):
        raise OSError("the PDF was not completed")
    return _same_dates(pdf), pages


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str
    subject: str


def _metadata(doc: AnyReport, author: str) -> PdfMetadata:
    h = doc.header
    about = []
    if h.identifier:
        about.append(f"ID {h.identifier}")
    if h.visit_date:
        about.append(f"visit of {h.visit_date.isoformat()}")
    if h.course_to:
        about.append(f"course to {h.course_to.isoformat()}")
    subject = f"{h.title} ({', '.join(about)})" if about else h.title
    return PdfMetadata(
        title=f"{APP_NAME}: {h.title}",
        author=(author.strip() or h.clinician.strip() or APP_NAME),
        subject=f"{subject}, {doc.page_size}",
    )


def _xmp_date(moment: QDateTime) -> str:
    """``2026-12-03T10:30:08+00:00``: always this length (the date is patched in place)."""
    offset = moment.offsetFromUtc()
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset) // 60, 60)
    return moment.toString("yyyy-MM-ddTHH:mm:ss") + f"{sign}{hours:02d}:{minutes:02d}"


def _xmp(meta: PdfMetadata, date: str) -> bytes:
    """The XMP packet of a PDF/A-1b report; mirrors the information dictionary Qt writes
    (Title, Author, Creator, Producer, CreationDate, ModDate, Trapped) and adds the subject."""

    def x(text: str) -> str:
        return xml_escape(text, {'"': "&quot;"})

    return (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(meta.title)}</rdf:li></rdf:Alt>'
        f"</dc:title><dc:creator><rdf:Seq><rdf:li>{x(meta.author)}</rdf:li></rdf:Seq>"
        '</dc:creator><dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
        f"{x(meta.subject)}</rdf:li></rdf:Alt></dc:description></rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        f'pdf:Producer="Qt {x(qVersion())}" pdf:Trapped="False"/>'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        f'xmp:CreatorTool="{x(APP_NAME)}" xmp:CreateDate="{date}" xmp:ModifyDate="{date}" '
        f'xmp:MetadataDate="{date}"/>'
        '<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
        f'xmpMM:DocumentID="uuid:{uuid.uuid4()}" xmpMM:VersionID="1" '
        'xmpMM:RenditionClass="default"/>'
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        'pdfaid:part="1" pdfaid:conformance="B"/>'
        "</rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    ).encode()


_INFO_DATE = re.compile(rb"/CreationDate \(D:(\d{14})(Z|[+-]\d\d'\d\d')\)")
_XMP_DATE = re.compile(rb'xmp:CreateDate="([^"]{25})"')


def _same_dates(pdf: bytes) -> bytes:
    """Give the XMP packet the information dictionary's creation date (PDF/A requires them
    equal; Qt takes its own clock reading when the painter begins). Same length, in place."""
    info = _INFO_DATE.search(pdf)
    xmp = _XMP_DATE.search(pdf)
    if info is None or xmp is None:
        raise OSError("the PDF has no creation date")
    digits, zone = info.group(1).decode(), info.group(2).decode()
    offset = "+00:00" if zone == "Z" else zone[:3] + ":" + zone[4:6]
    day = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:{digits[12:]}"
    wanted = (day + offset).encode()
    old = xmp.group(1)
    if old == wanted:
        return pdf
    head, tail = pdf[: xmp.start()], pdf[xmp.start() :]
    return head + tail.replace(old, wanted, 3)


def render_pdf(doc: AnyReport, path: str | os.PathLike[str], *, author: str = "") -> int:
    """Write ``doc`` as an archival PDF (:func:`pdf_bytes`) at ``path``; returns the pages.

    Nothing partial is ever left at ``path``: the PDF is made in memory, then written to a
    hidden temporary file in the same folder, every write and the fsync checked, and renamed
    over ``path`` (store/db.py ``write_private_bytes``; owner-only, as a report holds patient
    data). A full disk, a read-only or missing folder raise OSError with ``path`` untouched.
    """
    pdf, pages = pdf_bytes(doc, author=author)
    write_private_bytes(Path(path), pdf)
    return pages


def new_printer(doc: AnyReport) -> QPrinter:
    """A high-resolution QPrinter set up for ``doc`` (for QPrintDialog/QPrintPreviewDialog)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_device(printer, doc.page_size)
    printer.setDocName(f"{APP_NAME} {doc.header.title}")
    return printer


def print_to(printer: QPrinter, doc: AnyReport) -> int:
    """Print ``doc`` on ``printer`` as the user set it up (connect QPrintPreviewDialog's
    ``paintRequested`` to ``lambda p: print_to(p, doc)``); returns the page count."""
    return paint_report(doc, printer)


class ReportPreviewDialog(QPrintPreviewDialog):
    """A print preview of a report whose document can be swapped (the "Full criteria"
    option rebuilds it with the appendix); printing and "save as PDF" from it paint through
    :func:`paint_report`."""

    def __init__(self, doc: AnyReport, parent: QWidget | None = None) -> None:
        self._printer = new_printer(doc)  # kept alive with the dialog
        super().__init__(self._printer, parent)
        self.doc = doc
        self.detail_box: QWidget | None = None  # the "Full criteria" option, when offered
        self.setWindowTitle(f"{APP_NAME}: print preview")
        self.paintRequested.connect(self._paint)

    def _paint(self, printer: QPrinter) -> None:
        print_to(printer, self.doc)

    def set_doc(self, doc: AnyReport) -> None:
        """Show ``doc`` instead (the preview is redrawn)."""
        self.doc = doc
        preview = self.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.updatePreview()


def preview_dialog(doc: AnyReport, parent: QWidget | None = None) -> ReportPreviewDialog:
    """A print preview for ``doc`` (not shown: the caller calls ``exec()``/``open()``).

    Printing from the preview and "save as PDF" in the system dialog both go through
    :func:`paint_report`. Needs a QApplication (widgets).
    """
    return ReportPreviewDialog(doc, parent)
