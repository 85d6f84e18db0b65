"""``myeloma-desk demo``: add the fictional demo patients to the store (idempotent)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="add the fictional demo patients (names start with DEMO); safe to repeat"
    )
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from myeloma_desk.cli.patients import _passphrase
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import Store, StoreError, open_store
    from myeloma_desk.store.demo import load_demo

    paths = AppPaths.resolve(args.data_dir).ensure()
    server = getattr(args, "store", None)
    try:
        if server:  # the clinic's PostgreSQL store (--store)
            store = Store.open_server(server, paths)
        else:
            store = open_store(paths, _passphrase(paths), backup_on_open=False)
    except StoreError as error:
        print(f"myeloma-desk: {error}", file=sys.stderr)
        return 3
    try:
        added = load_demo(store)
    finally:
        store.close()
    if added:
        print(f"added {len(added)} demo patient(s): " + "; ".join(added))
    else:
        print("the demo patients are already in the store; nothing added")
    return 0
