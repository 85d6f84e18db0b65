"""``myeloma-desk patients``: list, export, import, backup, restore, verify and audit, headless.

``myeloma-desk --store SERVER patients ...`` works on the clinic's PostgreSQL store instead of
the local file (SERVER: a ``postgresql://`` address or a libpq service name, never with a
password); ``patients move to-server|from-server SERVER`` copies a whole store across.

Exit codes: 0 done; 1 a check failed (verify); 2 the input was rejected (nothing written);
3 the store could not be opened (locked, damaged, wrong passphrase).
An encrypted store's passphrase comes from $MYELOMA_DESK_PASSPHRASE or, on a terminal, a prompt;
``patients encrypt`` takes the new one from $MYELOMA_DESK_NEW_PASSPHRASE or a prompt (twice).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSPHRASE_ENV = "MYELOMA_DESK_PASSPHRASE"
NEW_PASSPHRASE_ENV = "MYELOMA_DESK_NEW_PASSPHRASE"
EXIT_OK, EXIT_FAILED, EXIT_REJECTED, EXIT_STORE = 0, 1, 2, 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "patients", help="manage the local patient store (list, export, import, backup, ...)"
    )
    parser.set_defaults(handler=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="patients_command", metavar="ACTION")

    listing = sub.add_parser("list", help="list patients (id, identifier, name, last visit)")
    listing.add_argument("--all", action="store_true", help="include archived patients")
    listing.add_argument("--search", metavar="TEXT", help="name, word of the name, or MRN prefix")
    listing.set_defaults(handler=_list)

    export = sub.add_parser("export", help="export a patient (FHIR, JSON) or a cohort (CSV)")
    export.add_argument("patient", metavar="ID", help="patient id, identifier (MRN), or 'all'")
    export.add_argument("--format", choices=("fhir", "json", "csv"), default="fhir")
    export.add_argument(
        "--deidentify",
        action="store_true",
        help="remove names, identifiers and notes; shift dates by a random per-patient offset",
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write here (mode 0600)")
    export.set_defaults(handler=_export)

    imp = sub.add_parser("import", help="import one patient from a FHIR Bundle or JSON file")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(handler=_import)

    backup = sub.add_parser("backup", help="take a backup now (rotating; newest kept)")
    backup.set_defaults(handler=_backup)

    restore = sub.add_parser("restore", help="replace the store with a backup (validated first)")
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(handler=_restore)

    verify = sub.add_parser("verify", help="check the database and the audit log's hash chain")
    verify.set_defaults(handler=_verify)

    crypt = sub.add_parser(
        "encrypt",
        help="encrypt the store (or change its passphrase) with SQLCipher; --remove decrypts",
    )
    crypt.add_argument("--remove", action="store_true", help="store unencrypted from now on")
    crypt.set_defaults(handler=_encrypt)

    move = sub.add_parser(
        "move",
        help="copy the whole local store into an empty clinic server store, or back into an "
        "empty local store (counts verified, audit log continued)",
    )
    move.add_argument("direction", choices=("to-server", "from-server"))
    move.add_argument(
        "server", metavar="SERVER", help="postgresql:// address or service name (no password)"
    )
    move.set_defaults(handler=_move)

    log = sub.add_parser("audit", help="show the audit log, newest first")
    log.add_argument("patient", nargs="?", metavar="ID", help="only this patient")
    log.add_argument(
        "--limit",
        type=_limit,
        default=50,
        help=f"at most this many events (1 to {MAX_AUDIT_LIMIT:,}; default 50)",
    )
    log.set_defaults(handler=_audit)


MAX_AUDIT_LIMIT = 1_000_000


def _limit(text: str) -> int:
    """``--limit``: a whole number from 1 to MAX_AUDIT_LIMIT (argparse exits 2 otherwise)."""
    if not text.strip().isdigit() or len(text.strip()) > 7:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_AUDIT_LIMIT:,}")
    value = int(text)
    if not 1 <= value <= MAX_AUDIT_LIMIT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_AUDIT_LIMIT:,}")
    return value


class Refused(Exception):
    """One clear message for the user and an exit code; nothing was written."""

    def __init__(self, message: str, code: int = EXIT_REJECTED) -> None:
        super().__init__(message)
        self.code = code


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "the folder does not exist",
    errno.EISDIR: "it is a folder, not a file",
    errno.EIO: "an input/output error (the disk may be failing)",
}


def _os_message(error: OSError, *, where: bool = True) -> str:
    """An OSError in words: what failed (and, unless ``where`` is False, on which file)."""
    reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
    if where and error.filename:
        return f"{reason} ({error.filename})"
    return reason


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_REJECTED


def _passphrase(paths: Any) -> str | None:
    from myeloma_desk.store import db

    meta = db.StoreMeta.read(paths.data / db.META_NAME)
    if meta is not None and not meta.encrypted:
        return None
    if meta is None:  # the sidecar is gone: only a file without SQLite's header may need one
        store_file = paths.data / db.DB_NAME
        try:
            if not store_file.is_file() or db.is_plain_sqlite(store_file) is not False:
                return None
        except OSError:
            return None
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Passphrase of the patient store: ")
    return None


def _open(args: argparse.Namespace, **options: Any) -> Any:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import Store, open_store

    paths = AppPaths.resolve(args.data_dir).ensure()
    server = getattr(args, "store", None)
    if server:
        return Store.open_server(server, paths)
    return open_store(paths, _passphrase(paths), **options)


def _fail(message: str, code: int) -> int:
    print(f"myeloma-desk: {message}", file=sys.stderr)
    return code


def _run(args: argparse.Namespace, action: Any, **options: Any) -> int:
    """Open the store, run ``action``, close; every failure becomes one message and an exit code.

    Bad input or a bad output path: exit 2. The store cannot be opened or written (locked,
    damaged, disk full, read-only, I/O error): exit 3. Never a traceback.
    """
    import sqlite3

    from myeloma_desk.exchange.errors import ImportRejected
    from myeloma_desk.store import NotFoundError, StoreError
    from myeloma_desk.store.db import sqlcipher_module

    database_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    module = sqlcipher_module()
    if module is not None:
        database_errors = (*database_errors, module.Error)
    if getattr(args, "store", None):
        from myeloma_desk.store.server import psycopg_module

        database_errors = (*database_errors, psycopg_module().Error)
    try:
        store = _open(args, **options)
    except StoreError as error:
        return _fail(str(error), EXIT_STORE)
    except OSError as error:
        return _fail(f"cannot open the patient store: {_os_message(error)}", EXIT_STORE)
    except database_errors as error:
        return _fail(f"cannot open the patient store: {error}", EXIT_STORE)
    if getattr(store, "recovery_notice", None):
        print(f"myeloma-desk: {store.recovery_notice}", file=sys.stderr)
    if getattr(store, "rekey_interrupted", False) and args.patients_command != "encrypt":
        print(
            "myeloma-desk: an earlier 'patients encrypt' was interrupted; run it again with the "
            "same new passphrase to finish converting the backups",
            file=sys.stderr,
        )
    try:
        return int(action(store))
    except Refused as error:
        return _fail(str(error), error.code)
    except (ImportRejected, NotFoundError) as error:
        return _fail(str(error), EXIT_REJECTED)
    except StoreError as error:
        return _fail(str(error), EXIT_STORE)
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error; silence the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        return _fail(f"the patient store could not be written: {_os_message(error)}", EXIT_STORE)
    except database_errors as error:
        return _fail(f"the patient store could not be read or written: {error}", EXIT_STORE)
    finally:
        store.close()


def _find(store: Any, key: str) -> Any:
    from myeloma_desk.store import NotFoundError

    patient = store.find_by_identifier(key)
    if patient is None and key.isdigit():
        try:
            patient = store.get_patient(int(key))
        except NotFoundError:
            patient = None
    if patient is None:
        raise NotFoundError(f"no patient with id or identifier {key!r}")
    return patient


def _shown(text: str) -> str:
    """Text for the terminal: control and text-direction characters escaped (``\\u202e``).

    New names and identifiers refuse them; this covers records stored before that check.
    """
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _list(args: argparse.Namespace) -> int:
    def action(store: Any) -> int:
        if args.search:
            rows = store.search(args.search, include_archived=args.all, limit=10_000)
        else:
            rows = store.list_patients(include_archived=args.all)
        print(f"{'id':>6}  {'identifier':<16} {'name':<32} {'birth':<10} {'last visit':<10}")
        for p in rows:
            flag = " (archived)" if p.archived else ""
            print(
                f"{p.id:>6}  {_shown(p.identifier or '-'):<16} {_shown(p.name)[:32]:<32} "
                f"{p.birth_date.isoformat() if p.birth_date else '-':<10} "
                f"{p.last_visit.isoformat() if p.last_visit else '-':<10}{flag}"
            )
        print(f"{len(rows)} patient(s)")
        return EXIT_OK

    return _run(args, action, backup_on_open=False)


def _emit(text: str, output: str | None) -> None:
    """Write an export to stdout or atomically to ``output``; raise :class:`Refused` if not.

    Only after this returns is the export logged in the audit log.
    """
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from myeloma_desk.store.db import write_private_text

    try:
        write_private_text(Path(output), text)
    except OSError as error:
        raise Refused(
            f"cannot write {output}: {_os_message(error, where=False)}; nothing was written"
        ) from None
    print(f"written: {output}", file=sys.stderr)


def _export(args: argparse.Namespace) -> int:

    from myeloma_desk.exchange.csv_export import cohort_csv
    from myeloma_desk.exchange.export import export_text

    def action(store: Any) -> int:
        purpose = f"{args.format}{' deidentified' if args.deidentify else ''}"
        if args.patient == "all":
            if args.format != "csv":
                print(
                    "myeloma-desk: 'all' exports a cohort and needs --format csv", file=sys.stderr
                )
                return EXIT_REJECTED
            patients = store.list_patients()
            items = [
                (p.uid, store.export_bundle(p.id, purpose=purpose, log=False)) for p in patients
            ]
            _emit(cohort_csv(items, deidentify_rows=args.deidentify), args.output)
            for p in patients:
                store.record_export(p.id, purpose)
            return EXIT_OK
        patient = _find(store, args.patient)
        bundle = store.export_bundle(patient.id, purpose=purpose, log=False)
        if args.format == "csv":
            _emit(cohort_csv([(patient.uid, bundle)], args.deidentify), args.output)
            store.record_export(patient.id, purpose)
            return EXIT_OK
        text = export_text(
            bundle, fhir=args.format == "fhir", deidentified=args.deidentify, patient_id=patient.uid
        )
        _emit(text, args.output)
        store.record_export(patient.id, purpose)
        return EXIT_OK

    return _run(args, action, backup_on_open=False)


def _import(args: argparse.Namespace) -> int:
    from myeloma_desk.exchange.errors import ImportRejected
    from myeloma_desk.exchange.importer import read_import, write_import

    path = Path(args.file)
    try:
        read = read_import(path)  # validate fully before even opening the store
    except ImportRejected as error:
        print(f"myeloma-desk: {error}", file=sys.stderr)
        return EXIT_REJECTED

    def action(store: Any) -> int:
        patient = write_import(store, read, path.name)
        bundle = read.bundle
        print(
            f"imported patient {patient.id}: {_shown(patient.name)} ({len(bundle.visits)} "
            f"visit(s), {len(bundle.therapy_lines)} therapy line(s))"
        )
        if read.skipped:
            print(f"{len(read.skipped)} resource(s) not imported:")
            for line in read.skipped:
                print(f"  {_shown(line)}")
        return EXIT_OK

    return _run(args, action)


def _backup(args: argparse.Namespace) -> int:
    def action(store: Any) -> int:
        target = store.backup(reason="manual")
        print(f"backup written: {target}")
        print(f"{len(store.backups())} backup(s) kept in {store.backup_dir}")
        return EXIT_OK

    return _run(args, action, backup_on_open=False)


def _restore(args: argparse.Namespace) -> int:
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import StoreError, restore_store

    try:
        paths = AppPaths.resolve(args.data_dir).ensure()
        store = restore_store(paths, Path(args.file), _passphrase(paths))
    except StoreError as error:
        return _fail(str(error), EXIT_STORE)
    except OSError as error:
        return _fail(f"cannot restore: {_os_message(error)}; nothing was changed", EXIT_STORE)
    count = store.count_patients(include_archived=True)
    store.close()
    print(f"restored {args.file}: {count} patient(s)")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    def action(store: Any) -> int:
        problem = store.integrity_check()
        print("database integrity: " + ("ok" if problem is None else f"FAILED: {problem}"))
        unreadable = store.unreadable_records()
        print(
            "records: all readable"
            if not unreadable
            else f"records: {len(unreadable)} cannot be read as stored (DAMAGED)"
        )
        for line in unreadable[:50]:
            print(f"  {_shown(line)}")
        if len(unreadable) > 50:
            print(f"  ... and {len(unreadable) - 50} more")
        result = store.verify_audit()
        print(result.message())
        ok = problem is None and not unreadable and result.ok
        return EXIT_OK if ok else EXIT_FAILED

    return _run(args, action, backup_on_open=False)


def _audit(args: argparse.Namespace) -> int:
    def action(store: Any) -> int:
        pid = _find(store, args.patient).id if args.patient else None
        events = store.audit_events(pid, limit=args.limit)
        actors = store.audit_actors([event.seq for event in events])
        for event in events:
            detail = ", ".join(f"{k}={v}" for k, v in sorted(event.detail.items()))
            who = event.patient_uid[:8] if event.patient_uid else "-"
            by = f"  by {_shown(actors[event.seq])}" if actors.get(event.seq) else ""
            print(f"{event.seq:>6}  {event.at[:19]}  {event.action:<8} {who:<8}  {detail}{by}")
        return EXIT_OK

    return _run(args, action, backup_on_open=False)


def _move(args: argparse.Namespace) -> int:
    """``patients move to-server|from-server SERVER``: the whole store, verified."""
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import Store, StoreError
    from myeloma_desk.store.move import move_store
    from myeloma_desk.store.server import conninfo_of, describe

    if getattr(args, "store", None):
        return _fail("give the server after 'move', not with --store", EXIT_REJECTED)
    try:
        where = describe(conninfo_of(args.server))
    except StoreError as error:
        return _fail(str(error), EXIT_REJECTED)
    local_args = argparse.Namespace(**{**vars(args), "store": None})
    opened: list[Callable[[], Any]]
    if args.direction == "to-server":
        opened = [lambda: _open(local_args, backup_on_open=False)]
        opened.append(lambda: Store.open_server(args.server))
        names = ("the local store", f"the clinic server ({where})")
    else:
        paths = AppPaths.resolve(args.data_dir).ensure()
        opened = [lambda: Store.open_server(args.server, paths)]
        opened.append(lambda: Store.open(paths, allow_new=True, backup_on_open=False))
        names = (f"the clinic server ({where})", "the local store")
    stores: list[Any] = []
    try:
        for open_one in opened:
            stores.append(open_one())
        report = move_store(stores[0], stores[1], names[0], names[1])
    except StoreError as error:
        return _fail(str(error), EXIT_STORE)
    finally:
        for store in stores:
            store.close()
    print(report.message(names[1]))
    return EXIT_OK if report.chain.ok else EXIT_FAILED


def _new_passphrase() -> str | None:
    if os.environ.get(NEW_PASSPHRASE_ENV):
        return os.environ[NEW_PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        return None
    import getpass

    first = getpass.getpass("New passphrase: ")
    if first != getpass.getpass("Repeat the new passphrase: "):
        print("myeloma-desk: the two passphrases differ; nothing changed", file=sys.stderr)
        return None
    return first or None


def _encrypt(args: argparse.Namespace) -> int:
    new = None
    if not args.remove:
        new = _new_passphrase()
        if new is None:
            print(
                f"myeloma-desk: no new passphrase (set ${NEW_PASSPHRASE_ENV} or run on a "
                "terminal); nothing changed",
                file=sys.stderr,
            )
            return EXIT_REJECTED

    if new is not None and not new.strip():
        print(
            "myeloma-desk: a passphrase of only spaces is not a passphrase; nothing changed",
            file=sys.stderr,
        )
        return EXIT_REJECTED

    def action(store: Any) -> int:
        set_aside = store.change_passphrase(new)
        state = "encrypted" if new else "no longer encrypted"
        print(f"the patient store and its {len(store.backups())} backup(s) are {state}")
        for path in set_aside:
            print(
                f"a backup that opened with neither passphrase was set aside: {path.name}",
                file=sys.stderr,
            )
        return EXIT_OK

    return _run(args, action, backup_on_open=False)
