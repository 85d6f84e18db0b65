"""Print preview and "Save as PDF…" for a built report: one path for every page that prints.

Both draw through ``reports.render_qt`` (the same painter as the headless ``report`` command),
so what is previewed, printed and saved is the same document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QToolBar, QWidget

if TYPE_CHECKING:  # the renderer is imported when a report is printed, not with the window
    from PySide6.QtPrintSupport import QPrinter

    from myeloma_desk.reports.render_qt import AnyReport, ReportPreviewDialog

Doc = TypeVar("Doc")
NOT_AVAILABLE = "Printing is not available in this build."


def reports_available() -> bool:
    """Whether this build has the report renderer."""
    try:
        import myeloma_desk.reports.render_qt  # noqa: F401
    except ImportError:
        return False
    return True


def report_or_message(build: Callable[[], Doc], status: QLabel) -> Doc | None:
    """The report ``build()`` makes, or None with the reason on ``status``: this build has no
    report renderer, or there is nothing to report (``build`` raises ValueError with a
    message for the user)."""
    if not reports_available():
        status.setText(NOT_AVAILABLE)
        return None
    try:
        return build()
    except ValueError as error:
        status.setText(str(error))
        return None


def saved_message(target: Path, pages: int) -> str:
    """ "Saved /path/report.pdf (2 pages)." for the status line."""
    return f"Saved {target} ({pages} page{'s' if pages != 1 else ''})."


def save_pdf_to_status(
    parent: QWidget, doc: AnyReport, status: QLabel, path: str | Path | None = None
) -> tuple[Path, int] | None:
    """:func:`save_pdf` with its outcome on ``status``: where it was saved and how many pages,
    or why nothing was written. Returns (path, pages), or None (cancelled or not written)."""
    try:
        saved = save_pdf(parent, doc, path)
    except OSError as error:
        status.setText(not_saved_message(error))
        return None
    if saved is not None:
        status.setText(saved_message(*saved))
    return saved


def paint_report(printer: QPrinter, doc: AnyReport) -> int:
    """A print preview's paint callback: draws ``doc`` on its printer (pages drawn)."""
    from myeloma_desk.reports.render_qt import print_to

    return int(print_to(printer, doc))


def open_preview(
    parent: QWidget,
    doc: AnyReport,
    show: bool = True,
    rebuild: Callable[[bool], AnyReport] | None = None,
) -> ReportPreviewDialog:
    """A print preview of ``doc`` (opened when ``show``; tests only build it).

    With ``rebuild`` (``detail -> document``) the preview's toolbar has a "Full criteria
    (appendix)" option: ticked, the report is rebuilt with the full criteria of every rule
    (as ``report --detail``) and the preview redrawn.
    """
    from myeloma_desk.reports.render_qt import preview_dialog

    dialog = preview_dialog(doc, parent)
    if rebuild is not None:
        box = QCheckBox("&Full criteria (appendix)")
        box.setObjectName("report-detail")
        box.setAccessibleName("Add the full criteria of every rule as an appendix")
        box.setChecked(bool(getattr(doc, "detail", False)))
        box.toggled.connect(lambda checked: dialog.set_doc(rebuild(checked)))
        bar = dialog.findChild(QToolBar)
        if bar is not None:
            bar.addSeparator()
            bar.addWidget(box)
        dialog.detail_box = box  # the option, for keyboard users and tests
    if show:
        dialog.open()
    return dialog


def default_pdf_name(doc: AnyReport) -> str:
    """A file name from the report's identifier and date (no characters a file system dislikes)."""
    header = getattr(doc, "header", None)
    parts = [
        str(getattr(header, "identifier", "") or "report"),
        str(getattr(header, "visit_date", "") or ""),
    ]
    if getattr(header, "course_to", None) is not None:
        parts.append(f"course-{header.course_to}")  # type: ignore[union-attr]
    stem = "-".join(p for p in parts if p and p != "None")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"myeloma-desk-{stem}") + ".pdf"


def not_saved_message(error: OSError) -> str:
    """Why a PDF was not saved, for the status line (nothing was written, nothing logged)."""
    reason = error.strerror or str(error)
    where = f" ({error.filename})" if error.filename else ""
    return f"The PDF was not saved: {reason}{where}. No file was written."


def save_pdf(
    parent: QWidget, doc: AnyReport, path: str | Path | None = None
) -> tuple[Path, int] | None:
    """Write ``doc`` as a PDF; asks where (Qt's file dialog) unless ``path`` is given.

    Returns (path, pages), or None when the user cancels. The file is owner-only and written
    all or nothing; a failed write (disk full, read-only folder) raises OSError.
    """
    from myeloma_desk.reports.render_qt import render_pdf

    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parent,
            "Save report as PDF",
            str(Path.home() / default_pdf_name(doc)),
            "PDF documents (*.pdf)",
        )
        if not chosen:
            return None
        path = chosen
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    pages = render_pdf(doc, target)
    return target, pages
