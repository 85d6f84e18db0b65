"""Version 2: therapy lines, stored assessments, dated notes and a diagnosis category."""

from __future__ import annotations

import sqlite3

VERSION = 2
DESCRIPTION = "therapy lines, assessments, notes, patient diagnosis"

SQL = """
ALTER TABLE patients ADD COLUMN diagnosis TEXT;
CREATE TABLE therapy_lines (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,
    position    INTEGER NOT NULL,
    start_date  TEXT,
    line_json   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (patient_id, position)
);
CREATE TABLE assessments (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,
    visit_id         INTEGER NOT NULL REFERENCES visits(id) ON DELETE RESTRICT,
    engine_version   TEXT    NOT NULL,
    evidence_version TEXT    NOT NULL,
    assessed_at      TEXT    NOT NULL,
    result_json      TEXT    NOT NULL
);
CREATE INDEX assessments_by_visit ON assessments (visit_id, assessed_at);
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,
    written_at  TEXT    NOT NULL,
    text        TEXT    NOT NULL
);
CREATE INDEX notes_by_patient ON notes (patient_id, written_at);
"""


def apply(connection: sqlite3.Connection) -> None:
    """Add the version-2 tables and the diagnosis column."""
    for statement in SQL.split(";"):
        if statement.strip():
            connection.execute(statement)
