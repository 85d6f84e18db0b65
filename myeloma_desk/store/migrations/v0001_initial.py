"""Version 1: patients and their dated visits (one snapshot JSON per visit date)."""

from __future__ import annotations

import sqlite3

VERSION = 1
DESCRIPTION = "patients and visits"

SQL = """
CREATE TABLE patients (
    id          INTEGER PRIMARY KEY,
    uid         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    identifier  TEXT,
    birth_date  TEXT,
    sex         TEXT CHECK (sex IN ('female', 'male')),
    notes       TEXT    NOT NULL DEFAULT '',
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,
    visit_date    TEXT    NOT NULL,
    snapshot_json TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    UNIQUE (patient_id, visit_date)
);
"""


def apply(connection: sqlite3.Connection) -> None:
    """Create the version-1 tables."""
    for statement in SQL.split(";"):
        if statement.strip():
            connection.execute(statement)
