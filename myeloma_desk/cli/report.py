"""``myeloma-desk report``: assess a snapshot (or a stored visit) and write a printable PDF.

    myeloma-desk report SNAPSHOT.json -o out.pdf [--page-size A4|Letter] [--detail]
    myeloma-desk report --patient ID --visit DATE -o out.pdf [--detail]
    myeloma-desk report --course --patient ID -o out.pdf

Exit codes: 0 written; 1 the patient store cannot be opened; 2 invalid input (unreadable or
invalid snapshot, unknown patient or visit, bad arguments) or the PDF cannot be written (folder
missing, read-only, disk full: no file is left and no print is logged), one message per problem
on stderr. Clinician and institution come from the settings
(``--data-dir`` honoured). A report from the store is logged as a ``print`` audit event.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
PASSPHRASE_ENV = "MYELOMA_DESK_PASSPHRASE"


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="write an assessment report as PDF (from a snapshot file or a stored visit)",
        description="Assess a clinical snapshot and write the printable report as a PDF.",
    )
    parser.add_argument(
        "snapshot", nargs="?", metavar="SNAPSHOT.json", help="snapshot file ('-' for stdin)"
    )
    parser.add_argument("--patient", metavar="ID", help="patient identifier in the local store")
    parser.add_argument("--visit", metavar="DATE", help="visit date (YYYY-MM-DD) with --patient")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="PDF to write")
    parser.add_argument(
        "--page-size",
        choices=("A4", "Letter"),
        default=None,
        help="paper size (default: the one in settings, A4 unless changed)",
    )
    parser.add_argument(
        "--detail",
        action="store_true",
        help="add the appendix: the inputs and the full criteria of every rule",
    )
    parser.add_argument(
        "--course",
        action="store_true",
        help="the course report of --patient: lines, responses, times to event, trends",
    )
    parser.add_argument(
        "--author",
        metavar="NAME",
        help="author in the PDF's metadata (default: the clinician in settings)",
    )
    parser.set_defaults(handler=run)


def _fail(code: int, *messages: str) -> int:
    for message in messages:
        print(f"myeloma-desk report: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Handler: validate arguments, load the snapshot (file or store), assess, build, render."""
    if getattr(args, "course", False):
        if args.snapshot is not None or args.visit is not None or args.patient is None:
            return _fail(EXIT_INVALID, "--course takes --patient ID (no SNAPSHOT.json, no --visit)")
        return report_from_store(args, None)
    if args.patient is not None or args.visit is not None:
        if args.snapshot is not None:
            return _fail(EXIT_INVALID, "give either SNAPSHOT.json or --patient/--visit, not both")
        if args.patient is None or args.visit is None:
            return _fail(EXIT_INVALID, "--patient and --visit go together")
        try:
            visit = dt.date.fromisoformat(args.visit)
        except ValueError:
            return _fail(EXIT_INVALID, f"--visit: {args.visit!r} is not a date (YYYY-MM-DD)")
        return report_from_store(args, visit)
    if args.snapshot is None:
        return _fail(EXIT_INVALID, "give SNAPSHOT.json (or --patient ID --visit DATE)")

    from myeloma_desk.domain.snapshot import SnapshotError, parse_snapshot

    try:
        if args.snapshot == "-":
            raw = json.load(sys.stdin)
        else:
            raw = json.loads(Path(args.snapshot).read_text(encoding="utf-8"))
    except OSError as error:
        return _fail(EXIT_INVALID, f"{args.snapshot}: {error.strerror or error}")
    except (ValueError, UnicodeDecodeError) as error:
        return _fail(EXIT_INVALID, f"{args.snapshot}: not valid JSON ({error})")
    try:
        snapshot = parse_snapshot(raw)
    except SnapshotError as error:
        return _fail(EXIT_INVALID, *(f"{field}: {message}" for field, message in error.problems))
    code, _pages = write_report(args, snapshot)
    return code


def report_from_store(args: argparse.Namespace, visit: dt.date | None) -> int:
    """The report of a stored visit (or, with ``visit`` None, the patient's course report);
    the print is recorded in the store's audit log."""
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import (
        PassphraseRequiredError,
        Store,
        StoreError,
        open_store,
    )
    from myeloma_desk.store.db import DB_NAME

    paths = AppPaths.resolve(args.data_dir)
    server = getattr(args, "store", None)
    if server:  # the clinic's PostgreSQL store (--store): the print is audited there
        try:
            store = Store.open_server(server, paths)
        except StoreError as error:
            return _fail(EXIT_FAILED, str(error))
        return _report_of(args, store, visit)
    if not (paths.data / DB_NAME).exists():
        # Opening would create an empty store; a report must not have that side effect.
        return _fail(EXIT_FAILED, f"no patient store in {paths.data} (see `myeloma-desk demo`)")
    # An encrypted store's passphrase: $MYELOMA_DESK_PASSPHRASE (as `patients` reads it), else
    # a prompt on a terminal.
    passphrase = os.environ.get(PASSPHRASE_ENV) or None
    try:
        try:
            store = open_store(paths, passphrase, backup_on_open=False)
        except PassphraseRequiredError:
            if not sys.stdin.isatty():
                raise
            import getpass

            passphrase = getpass.getpass("Passphrase of the patient store: ")
            store = open_store(paths, passphrase, backup_on_open=False)
    except StoreError as error:
        return _fail(EXIT_FAILED, str(error))
    return _report_of(args, store, visit)


def _report_of(args: argparse.Namespace, store: Any, visit: dt.date | None) -> int:
    """The report from an open store (closed afterwards), local or on the clinic server."""
    from myeloma_desk.store import NotFoundError

    with store:
        patient = store.find_by_identifier(args.patient)
        if patient is None:
            return _fail(EXIT_INVALID, f"--patient: no patient with identifier {args.patient!r}")
        if visit is None:
            return _course_report(args, store, patient.id)
        try:
            snapshot = store.snapshot_for(patient.id, visit)
        except NotFoundError:
            dates = ", ".join(d.isoformat() for d in store.visit_dates(patient.id)) or "none"
            return _fail(
                EXIT_INVALID,
                f"--visit: {args.patient} has no visit on {visit.isoformat()} (visits: {dates})",
            )
        from myeloma_desk.course import build_course

        course = build_course(
            store.get_patient(patient.id),
            store.visits(patient.id),
            [stored.line for stored in store.therapy_lines(patient.id)],
        )
        code, pages = write_report(args, snapshot, course)
        if code == EXIT_OK:
            store.record_event(
                "print",
                patient.id,
                {"visit": visit.isoformat(), "format": "pdf", "pages": pages},
            )
        return code


def _course_report(args: argparse.Namespace, store: Any, patient_id: int) -> int:
    """The course report of a stored patient (``--course``), logged as a print."""
    from myeloma_desk.course import build_course
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.reports.course_report import course_report
    from myeloma_desk.settings import load_settings

    visits = store.visits(patient_id)
    if not visits:
        return _fail(EXIT_INVALID, f"--patient: {args.patient} has no visits yet")
    output = Path(args.output)
    if output.is_dir() or not output.parent.is_dir():
        where = output if output.is_dir() else output.parent
        return _fail(EXIT_INVALID, f"{where}: give a file in an existing folder (OUT.pdf)")
    settings = load_settings(AppPaths.resolve(args.data_dir))
    course = build_course(
        store.get_patient(patient_id),
        visits,
        [stored.line for stored in store.therapy_lines(patient_id)],
    )
    doc = course_report(
        course,
        report_date=dt.date.today(),
        clinician=settings.clinician,
        institution=settings.institution,
        page_size=args.page_size or settings.page_size,
    )
    code, pages = _render(args, doc, output, settings.clinician)
    if code == EXIT_OK:
        store.record_event(
            "print", patient_id, {"report": "course", "format": "pdf", "pages": pages}
        )
    return code


def write_report(args: argparse.Namespace, snapshot: Any, course: Any = None) -> tuple[int, int]:
    """Assess ``snapshot`` and render the PDF to ``args.output``: (exit code, pages).

    ``course`` is the patient's course of disease for a stored visit (None for a snapshot file).
    """
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.reports.build import assessment_report
    from myeloma_desk.settings import load_settings

    settings = load_settings(AppPaths.resolve(args.data_dir))
    page_size = args.page_size or settings.page_size
    output = Path(args.output)
    if output.is_dir():
        return _fail(EXIT_INVALID, f"{output}: is a folder; give a file name (OUT.pdf)"), 0
    if not output.parent.is_dir():
        return _fail(EXIT_INVALID, f"{output.parent}: folder does not exist"), 0
    doc = assessment_report(
        snapshot,
        visit_date=snapshot.date,
        report_date=dt.date.today(),
        clinician=settings.clinician,
        institution=settings.institution,
        page_size=page_size,
        course=course,
        detail=bool(getattr(args, "detail", False)),
    )
    return _render(args, doc, output, settings.clinician)


def _render(args: argparse.Namespace, doc: Any, output: Path, clinician: str) -> tuple[int, int]:
    """Write ``doc`` to ``output`` (all or nothing): (exit code, pages). A file that cannot be
    written (disk full, read-only, no permission) is exit 2 with the reason, and no file."""
    from myeloma_desk.cli.patients import _os_message
    from myeloma_desk.reports.render_qt import ensure_gui_app, render_pdf

    ensure_gui_app()
    try:
        pages = render_pdf(doc, output, author=getattr(args, "author", None) or clinician)
    except OSError as error:
        return _fail(EXIT_INVALID, f"{output}: not written: {_os_message(error, where=False)}"), 0
    print(f"{output}: {pages} page{'s' if pages != 1 else ''} ({doc.page_size})")
    return EXIT_OK, pages
