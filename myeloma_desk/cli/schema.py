"""`myeloma-desk schema`: print the JSON Schema of the `assess` input (a clinical snapshot).

Each measured field carries ``x-accepted-units``, ``x-canonical-unit`` and
``x-plausible-range`` (see myeloma_desk/domain/snapshot.py).
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` subcommand."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the snapshot that `assess` reads",
        description="Print the JSON Schema of the clinical snapshot, including each measured "
        "field's accepted units.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handler: print the schema."""
    from myeloma_desk.domain.snapshot import Snapshot

    schema = Snapshot.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Myeloma Desk clinical snapshot"
    json.dump(schema, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
