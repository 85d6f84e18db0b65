"""Forward-only schema migrations, one history for both backends.

The schema version is SQLite's ``PRAGMA user_version`` in a local store and the one row of
``schema_version`` in a PostgreSQL server store. Each migration is a module
``vNNNN_<what>.py`` with ``VERSION``, ``DESCRIPTION``, ``apply(connection)`` (SQLite) and
``apply_postgresql(database)`` (the same step on PostgreSQL, through
:class:`myeloma_desk.store.server.PostgresDatabase`). :func:`migrate` runs the missing ones in
order, each inside the caller's transaction, so a store is either at the old version or at the
new one, never in between.
A store written by a newer Myeloma Desk (version above :data:`LATEST`) is refused, not touched.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_MODULES = (
    "v0001_initial",
    "v0002_lines_assessments_notes",
    "v0003_search_and_audit",
    "v0004_versions_and_actor",
    "v0005_patient_list",
    "v0006_server_audit_guard",
)


@dataclass(frozen=True)
class Migration:
    """One step: the schema version it produces and the function that gets there."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]
    apply_postgresql: Callable[[Any], None]


def _load() -> list[Migration]:
    steps: list[Migration] = []
    for name in _MODULES:
        module: Any = importlib.import_module(f"{__name__}.{name}")
        steps.append(
            Migration(module.VERSION, module.DESCRIPTION, module.apply, module.apply_postgresql)
        )
    versions = [step.version for step in steps]
    if versions != list(range(1, len(steps) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n in order, got {versions}")
    return steps


MIGRATIONS: list[Migration] = _load()
LATEST: int = MIGRATIONS[-1].version


class SchemaTooNewError(RuntimeError):
    """The store was written by a newer Myeloma Desk."""


def _is_postgresql(connection: Any) -> bool:
    return getattr(connection, "dialect", "sqlite") == "postgresql"


def schema_version(connection: Any) -> int:
    """The store's schema version (0 for a new, empty file or database)."""
    if _is_postgresql(connection):
        present = connection.execute("SELECT to_regclass('schema_version')").fetchone()
        if present is None or present[0] is None:
            return 0
        row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)
    row = connection.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(connection: Any, target: int = LATEST) -> list[int]:
    """Apply every migration above the current version up to ``target``; return those applied.

    The caller owns the transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).
    """
    current = schema_version(connection)
    if current > LATEST:
        raise SchemaTooNewError(
            f"this store has schema version {current}, newer than this Myeloma Desk "
            f"understands ({LATEST}); update Myeloma Desk to open it"
        )
    applied: list[int] = []
    for step in MIGRATIONS:
        if current < step.version <= target:
            if _is_postgresql(connection):
                step.apply_postgresql(connection)
                connection.execute("UPDATE schema_version SET version = ?", (step.version,))
            else:
                step.apply(connection)
                # PRAGMA cannot take parameters; the version is an int from our own table.
                connection.execute(f"PRAGMA user_version = {int(step.version)}")
            applied.append(step.version)
    return applied
