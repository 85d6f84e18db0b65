"""Version 4: a version per patient and visit (optimistic concurrency) and the audit actor.

``version`` starts at 1 and goes up by one with every change of the record; a save that names
the version it was based on is refused when someone else saved in between. ``actor`` is the
login role that wrote the audit event on a clinic server (PostgreSQL fills it in: clients may
not set it); the local store leaves it empty (one workstation, its user).
"""

from __future__ import annotations

from typing import Any

VERSION = 4
DESCRIPTION = "record versions, audit actor"

SQL = """
ALTER TABLE patients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE visits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN actor TEXT
"""

POSTGRESQL = """
ALTER TABLE patients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE visits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN actor TEXT DEFAULT session_user
"""


def apply(connection: Any) -> None:
    """Add the version columns and the actor column."""
    for statement in SQL.split(";"):
        if statement.strip():
            connection.execute(statement)


def apply_postgresql(database: Any) -> None:
    """The same on PostgreSQL, where the actor defaults to the login role."""
    for statement in POSTGRESQL.split(";"):
        if statement.strip():
            database.execute(statement)
