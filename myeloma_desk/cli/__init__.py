"""Command line: no arguments opens the window; subcommands serve headless use.

Each subcommand is a module in this package with ``register(subparsers)``; COMMANDS lists them.
Handlers import what they need lazily so that ``--version`` and startup stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from myeloma_desk import APP_NAME, __version__

COMMANDS: tuple[str, ...] = (
    "assess",
    "schema",
    "evidence",
    "patients",
    "demo",
    "report",
    "self_test",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="myeloma-desk",
        description=f"{APP_NAME}: offline reference for plasma cell neoplasms.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep data, settings, logs and cache under DIR instead of the user profile",
    )
    parser.add_argument(
        "--store",
        metavar="SERVER",
        help="use the clinic's PostgreSQL patient store: a postgresql:// address or a libpq "
        "service name, without a password (that goes in ~/.pgpass or the service file)",
    )
    parser.add_argument(
        "--check-start",
        action="store_true",
        help="open the window, visit every section, print what was shown and exit "
        "(used where there is no display, and by the start-up benchmark)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"myeloma_desk.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``myeloma-desk`` console script."""
    if os.name == "posix":
        # Everything the app writes (store, backups, logs, drafts, reports, exports) is
        # owner-only; explicit chmods stay as a second line for files that pre-exist.
        os.umask(0o077)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from myeloma_desk.ui.app import run_gui

        if args.store:  # the window on the clinic server (kept as the store setting)
            from myeloma_desk.settings import Settings, SettingsError

            try:
                Settings(server_store=args.store)
            except SettingsError as error:
                print(f"myeloma-desk: --store: {error}", file=sys.stderr)
                return 2
        return run_gui(
            data_dir=args.data_dir, check_start=args.check_start, server_store=args.store
        )
    handler = args.handler
    try:
        code = int(handler(args))
    except Exception as error:
        # Every store error carries a message for the user (a damaged record met while a
        # report is built, for instance): one line and exit 3, never a traceback. The store
        # module is loaded only if a handler used it (startup stays fast).
        store_errors = sys.modules.get("myeloma_desk.store.errors")
        if store_errors is None or not isinstance(error, store_errors.StoreError):
            raise
        print(f"myeloma-desk: {error}", file=sys.stderr)
        return 3
    sys.stdout.flush()
    return code
