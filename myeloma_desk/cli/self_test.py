"""``myeloma-desk self-test``: check that this installation works, offline, and say what fails.

    myeloma-desk self-test [--data-dir DIR]

Each check is a function that returns a one-line detail or raises :class:`CheckFailed` (any
other exception also fails the check, with its type and message). A component that this build
does not contain fails its check with "not available in this build"; nothing passes silently.
Exit codes: 0 every check passed; 1 at least one failed. Installers run it after installing,
and the packaging test runs the installed copy with networking cut off.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from myeloma_desk.paths import AppPaths

EXIT_OK = 0
EXIT_FAILED = 1

# The bundled PDQ summary (resources/reference/), as published 2025-04-25. Size and SHA-256 of
# the text with line ends normalised to "\n", so a checkout that converts line ends still passes.
PDQ_RESOURCE = ("reference", "pdq-plasma-cell-neoplasms-hp-2025-04-25.txt")
PDQ_SIZE = 219_428
PDQ_SHA256 = "3483a70e05fc84be82d9730fcfe9ca947b52e4a123e2f2156bce43f579c7d1ad"


class CheckFailed(Exception):
    """A check's clear, user-facing reason for failing."""


@dataclass
class Context:
    """What the checks share: the chosen data folder and a scratch folder inside it."""

    data_dir: str | None
    scratch: Path | None = None
    server: str | None = None  # --store: the clinic's PostgreSQL store is checked instead

    def paths(self) -> AppPaths:
        """The app folders, created (AppPaths.ensure)."""
        return AppPaths.resolve(self.data_dir).ensure()

    def scratch_dir(self) -> Path:
        """A temporary folder under the cache folder, removed when the self-test ends."""
        if self.scratch is None:
            self.scratch = Path(tempfile.mkdtemp(prefix="self-test-", dir=self.paths().cache))
        return self.scratch


@dataclass(frozen=True)
class Check:
    """A named check."""

    name: str
    run: Callable[[Context], str]


@dataclass(frozen=True)
class Outcome:
    """One check's result."""

    name: str
    passed: bool
    detail: str


def optional_module(name: str) -> ModuleType | None:
    """Import ``name``; None if that module itself is absent from this build.

    A module that exists but fails to import (a missing dependency in a frozen bundle, a syntax
    error) is not "absent": the error propagates and fails the check.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and (name == error.name or name.startswith(error.name + ".")):
            return None
        raise


def not_available(module: str) -> CheckFailed:
    """The failure of a check whose component this build does not contain."""
    return CheckFailed(f"not available in this build ({module} is missing)")


# --- the checks ---------------------------------------------------------------------------------


def check_resources(ctx: Context) -> str:
    """The PDQ text is bundled, complete and unchanged, and its headings are found."""
    from importlib import resources

    node = resources.files("myeloma_desk.resources").joinpath(*PDQ_RESOURCE)
    if not node.is_file():
        raise CheckFailed(f"{'/'.join(PDQ_RESOURCE)} is missing from the bundled resources")
    data = node.read_bytes().replace(b"\r\n", b"\n")
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != PDQ_SIZE or digest != PDQ_SHA256:
        raise CheckFailed(
            f"PDQ text changed or damaged: {len(data)} bytes, sha256 {digest[:12]}… "
            f"(expected {PDQ_SIZE} bytes, sha256 {PDQ_SHA256[:12]}…)"
        )
    detail = f"PDQ text {len(data)} bytes, sha256 {digest[:12]}… as expected"
    pdq = optional_module("myeloma_desk.reference.pdq")
    if pdq is not None:
        document = pdq.load()
        if not document.headings:
            raise CheckFailed("PDQ text loads but no headings were found")
        detail += f"; {len(document.headings)} headings"
    return detail


def check_evidence(ctx: Context) -> str:
    """The evidence database loads and validates, and is not empty."""
    loader = optional_module("myeloma_desk.evidence.loader")
    if loader is None:
        raise not_available("myeloma_desk.evidence.loader")
    evidence = loader.load()
    counts = {
        name: len(getattr(evidence, name))
        for name in ("findings", "trials", "regimens", "drugs")
        if hasattr(evidence, name)
    }
    if not counts or not all(counts.values()):
        raise CheckFailed(f"evidence database loaded but is empty: {counts}")
    package = importlib.import_module("myeloma_desk.evidence")
    version = getattr(package, "EVIDENCE_VERSION", "unknown")
    listed = ", ".join(f"{n} {name}" for name, n in counts.items())
    return f"version {version}: {listed}"


def _iss_input(b2m_mg_l: float | None, albumin: float, albumin_unit: str) -> dict[str, Any]:
    data: dict[str, Any] = {"albumin": {"value": albumin, "unit": albumin_unit}}
    if b2m_mg_l is not None:
        data["beta2_microglobulin"] = {"value": b2m_mg_l, "unit": "mg/L"}
    return data


# Known cases for the engine: ISS (Greipp 2005; ../shared/reference/criteria-summary.md):
# stage I is B2M < 3.5 mg/L with albumin >= 3.5 g/dL, stage III is B2M >= 5.5 mg/L, else II.
# Each case: what it is, its input (B2M in mg/L, albumin), ISS status and stage; 3.5 and
# 5.5 mg/L are the boundaries themselves (3.5 is not < 3.5: stage II; 5.5 is >= 5.5: III).
ENGINE_CASES: tuple[tuple[str, dict[str, Any], str, str | None], ...] = (
    ("ISS I", _iss_input(2.0, 4.0, "g/dL"), "determined", "I"),
    ("ISS II (albumin in g/L)", _iss_input(3.5, 40, "g/L"), "determined", "II"),
    ("ISS III", _iss_input(5.5, 3.0, "g/dL"), "determined", "III"),
    ("ISS without B2M", _iss_input(None, 4.0, "g/dL"), "cannot_determine", None),
)
STATUSES = {"determined", "cannot_determine", "not_applicable"}


def check_engine(ctx: Context) -> str:
    """Every rule runs on known snapshots, and ISS gives the published stage."""
    from myeloma_desk.domain.engine import assess
    from myeloma_desk.domain.snapshot import parse_snapshot

    rule_count = 0
    for label, data, status, stage in ENGINE_CASES:
        assessment = assess(parse_snapshot(data))
        rule_count = len(assessment.results)
        odd = [r.rule for r in assessment.results if r.status not in STATUSES]
        if odd:
            raise CheckFailed(f"{label}: rules returned an unknown status: {odd}")
        iss = assessment.get("iss")
        if (iss.status, iss.result) != (status, stage):
            raise CheckFailed(
                f"{label}: ISS gave {iss.status} {iss.result!r}, expected {status} {stage!r}"
            )
    return f"{len(ENGINE_CASES)} known cases give the expected ISS; {rule_count} rule(s) ran"


def check_data_dir(ctx: Context) -> str:
    """The data, config, log and cache folders exist and accept a private file."""
    paths = ctx.paths()
    for folder in (paths.data, paths.config, paths.logs, paths.cache):
        probe = folder / f".self-test-{os.getpid()}"
        try:
            probe.write_bytes(b"myeloma-desk self-test\n")
            if probe.read_bytes() != b"myeloma-desk self-test\n":
                raise CheckFailed(f"{folder}: wrote a file but read back something else")
        except OSError as error:
            raise CheckFailed(f"{folder} is not writable: {error.strerror or error}") from error
        finally:
            probe.unlink(missing_ok=True)
    return f"data, config, logs and cache writable (data in {paths.data})"


def _gui_app() -> Any:
    """The running QGuiApplication or a new one (offscreen when there is no display)."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    return app if app is not None else QGuiApplication(["myeloma-desk"])


def check_pdf(ctx: Context) -> str:
    """A report renders to PDF through Qt (offscreen if there is no display)."""
    app = _gui_app()
    target = ctx.scratch_dir() / "self-test.pdf"
    render_qt = optional_module("myeloma_desk.reports.render_qt")
    if render_qt is not None:
        from myeloma_desk.domain.engine import assess
        from myeloma_desk.domain.snapshot import parse_snapshot

        build = importlib.import_module("myeloma_desk.reports.build")
        snapshot = parse_snapshot(dict(ENGINE_CASES[0][1], date="2025-01-15"))
        doc = build.build_report(snapshot, assess(snapshot), report_date=dt.date(2025, 1, 15))
        pages = render_qt.render_pdf(doc, target)
        how = "assessment report"
    else:
        pages = _render_plain_pdf(target)
        how = "test page (report renderer not in this build)"
    data = target.read_bytes() if target.exists() else b""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise CheckFailed(f"no valid PDF written ({len(data)} bytes at {target})")
    if b"/Font" not in data:
        raise CheckFailed("PDF written without any font: text would not show")
    if pages < 1:
        raise CheckFailed(f"PDF has {pages} pages")
    return f"{how}: {pages} page(s), {len(data)} bytes, Qt platform {app.platformName()}"


def _render_plain_pdf(target: Path) -> int:
    """A one-page PDF of a small rich-text document via QPdfWriter (Qt's PDF path)."""
    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    document = QTextDocument()
    document.setHtml(
        "<h1>Myeloma Desk self-test</h1><p>β2-microglobulin ≥ 5.5 mg/L: ISS stage III.</p>"
    )
    document.print_(writer)
    del writer  # closes the file
    return 1


# Image formats the app and its reports need: PNG (built into QtGui), JPEG/GIF/ICO pictures and
# SVG icons (plugins the installer must keep; see packaging/myeloma-desk.spec KEEP_PLUGINS).
IMAGE_FORMATS = ("png", "jpeg", "gif", "ico", "svg")


def check_qt_plugins(ctx: Context) -> str:
    """The Qt plugins the installer keeps load: image formats, SVG icons, print support."""
    app = _gui_app()
    from importlib import resources

    from PySide6.QtGui import QIcon, QImageReader
    from PySide6.QtPrintSupport import QPrinterInfo

    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = [f for f in IMAGE_FORMATS if f not in formats]
    if missing:
        raise CheckFailed(f"image format plugins missing: {', '.join(missing)}")
    icon_file = resources.files("myeloma_desk.resources").joinpath("icons", "myeloma-desk.svg")
    with resources.as_file(icon_file) as path:
        if QIcon(str(path)).pixmap(48, 48).isNull():
            raise CheckFailed("the SVG app icon does not render (iconengines/svg plugin)")
    printers = len(QPrinterInfo.availablePrinterNames())
    return (
        f"platform {app.platformName()}; images {', '.join(IMAGE_FORMATS)}; SVG icon; "
        f"print support loaded ({printers} printer(s) visible)"
    )


def check_store(ctx: Context) -> str:
    """The patient store opens (created if new, migrated if older) and answers a query.

    When this build has SQLCipher (encryption at rest, optional), a scratch encrypted store is
    also created and reopened with its passphrase, to prove the bundled SQLCipher works.
    """
    store_module = optional_module("myeloma_desk.store")
    open_store = getattr(store_module, "open_store", None) if store_module else None
    if open_store is None:
        raise not_available("myeloma_desk.store.open_store")
    if ctx.server:
        return _check_server(ctx, store_module)
    try:
        store = open_store(ctx.paths(), backup_on_open=False)
    except Exception as error:
        kind = type(error).__name__
        if kind == "PassphraseRequiredError":
            detail = "encrypted store found; not opened (it needs the passphrase)"
            return f"{detail}; {_encryption(ctx, open_store)}"
        if kind == "StoreLockedError":
            raise CheckFailed(
                f"the store is open in a running Myeloma Desk ({error}); close the app and "
                "run the self-test again"
            ) from error
        raise
    try:
        version = store.schema_version() if hasattr(store, "schema_version") else "?"
        patients = store.count_patients() if hasattr(store, "count_patients") else "?"
    finally:
        store.close()
    return (
        f"opened: schema version {version}, {patients} patient(s); {_encryption(ctx, open_store)}"
    )


def _check_server(ctx: Context, store_module: Any) -> str:
    """--store: the clinic server answers, as which role, its schema and patient count."""
    assert ctx.server is not None
    try:
        store = store_module.Store.open_server(ctx.server, ctx.paths())
    except store_module.StoreError as error:
        raise CheckFailed(str(error)) from error
    try:
        version = store.schema_version()
        patients = store.count_patients()
        user, roles = store.user, sorted(store.roles())
        guarded = store.verify_audit()
    finally:
        store.close()
    role = ", ".join(r.removeprefix("myeloma_") for r in roles) or "no Myeloma Desk role"
    audit = "audit log and its protections intact" if guarded.ok else guarded.message()
    if not guarded.ok:
        raise CheckFailed(f"clinic server: {audit}")
    return (
        f"clinic server: signed in as {user} ({role}), schema version {version}, "
        f"{patients} patient(s); {audit}"
    )


def _encryption(ctx: Context, open_store: Callable[..., Any]) -> str:
    """Round-trip a scratch encrypted store if this build has SQLCipher; say which."""
    db = optional_module("myeloma_desk.store.db")
    available = getattr(db, "encryption_available", None) if db else None
    if available is None or not available():
        return "encryption at rest: not in this build (SQLCipher absent)"
    scratch = AppPaths.resolve(ctx.scratch_dir() / "encrypted").ensure()
    for _ in range(2):  # create, then reopen the existing encrypted file
        store = open_store(scratch, "self-test passphrase", backup_on_open=False)
        store.close()
    return "encryption at rest: SQLCipher works"


CHECKS: tuple[Check, ...] = (
    Check("bundled resources", check_resources),
    Check("evidence database", check_evidence),
    Check("criteria engine", check_engine),
    Check("data folder", check_data_dir),
    Check("PDF rendering", check_pdf),
    Check("Qt plugins", check_qt_plugins),
    Check("patient store", check_store),
)


def run_checks(ctx: Context, checks: tuple[Check, ...] | None = None) -> list[Outcome]:
    """Run ``checks`` (default: all of :data:`CHECKS`); a failure never stops the others."""
    outcomes: list[Outcome] = []
    for check in CHECKS if checks is None else checks:
        try:
            outcomes.append(Outcome(check.name, True, check.run(ctx)))
        except CheckFailed as failure:
            outcomes.append(Outcome(check.name, False, str(failure)))
        except Exception as error:  # any other error is a failure, reported with its place
            where = traceback.extract_tb(error.__traceback__)[-1]
            outcomes.append(
                Outcome(
                    check.name,
                    False,
                    f"{type(error).__name__}: {error} ({Path(where.filename).name}:{where.lineno})",
                )
            )
    return outcomes


def describe_build() -> str:
    """Where this copy runs from: a frozen bundle or a Python installation."""
    if getattr(sys, "frozen", False):
        return f"frozen bundle in {Path(sys.executable).resolve().parent}"
    return f"Python {sys.version.split()[0]} at {sys.executable}"


def register(subparsers: Any) -> None:
    """Add the ``self-test`` subcommand."""
    parser = subparsers.add_parser(
        "self-test",
        help="check this installation (resources, evidence, engine, data folder, PDF, store)",
        description="Check that this installation works offline; prints PASS/FAIL per check. "
        "Exit code 0 if every check passes, 1 otherwise.",
    )
    # Also accepted after the subcommand (`self-test --data-dir DIR`); SUPPRESS keeps the global
    # option's value when it is given before the subcommand instead.
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="check the data folder DIR instead of the user profile's",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handler: run the checks, print the report, return the exit code."""
    from myeloma_desk import APP_NAME, __version__

    # The report must print whatever the console's encoding (a Windows installer redirects it
    # to a file in the ANSI code page): unencodable characters are escaped, never fatal.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    ctx = Context(data_dir=args.data_dir, server=getattr(args, "store", None))
    print(f"{APP_NAME} {__version__} self-test ({describe_build()})")
    try:
        outcomes = run_checks(ctx)
    finally:
        if ctx.scratch is not None:
            import shutil

            shutil.rmtree(ctx.scratch, ignore_errors=True)
    width = max(len(o.name) for o in outcomes)
    for outcome in outcomes:
        mark = "PASS" if outcome.passed else "FAIL"
        print(f"{mark}  {outcome.name:<{width}}  {outcome.detail}")
    failed = [o.name for o in outcomes if not o.passed]
    passed = len(outcomes) - len(failed)
    if failed:
        print(f"self-test FAILED: {passed} passed, {len(failed)} failed ({', '.join(failed)})")
        return EXIT_FAILED
    print(f"self-test passed: all {passed} checks")
    return EXIT_OK
