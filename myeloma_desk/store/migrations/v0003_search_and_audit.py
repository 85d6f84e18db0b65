"""Version 3: indexed case-insensitive search, the last-visit column, and the audit log.

Backfills the folded name/identifier, the search terms (each word of the name) and the date of
each patient's last visit from the version-2 data, so an upgraded store searches like a new one.
"""

from __future__ import annotations

import sqlite3
from typing import Any

VERSION = 3
DESCRIPTION = "search columns and terms, last visit, append-only audit log"

SQL = """
ALTER TABLE patients ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN identifier_fold TEXT;
ALTER TABLE patients ADD COLUMN last_visit TEXT;
CREATE INDEX patients_by_name ON patients (name_fold);
CREATE INDEX patients_by_identifier ON patients (identifier_fold);
CREATE INDEX patients_by_archived_name ON patients (archived, name_fold);
CREATE TABLE patient_terms (
    term        TEXT    NOT NULL,
    patient_id  INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    PRIMARY KEY (term, patient_id)
) WITHOUT ROWID;
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    patient_uid TEXT,
    detail      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
"""


# Frozen copies: this migration keeps doing what it did when it was written. The store's run-time
# search keys live in myeloma_desk/store/folding.py (nothing at run time imports from here).

# PostgreSQL: the search keys compare byte-wise (COLLATE "C", as SQLite does), so the prefix
# range scans and the name order are the same on both backends. A server store starts empty at
# this release, so there is nothing to backfill there. The append-only rule is a trigger
# function (UPDATE, DELETE and TRUNCATE refused, even to the table's owner).
POSTGRESQL = """
ALTER TABLE patients ADD COLUMN name_fold TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN identifier_fold TEXT COLLATE "C";
ALTER TABLE patients ADD COLUMN last_visit TEXT COLLATE "C";
CREATE INDEX patients_by_name ON patients (name_fold);
CREATE INDEX patients_by_identifier ON patients (identifier_fold);
CREATE INDEX patients_by_archived_name ON patients (archived, name_fold);
CREATE TABLE patient_terms (
    term        TEXT    COLLATE "C" NOT NULL,
    patient_id  BIGINT  NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    PRIMARY KEY (term, patient_id)
);
CREATE TABLE audit_log (
    seq         BIGINT  PRIMARY KEY,
    at          TEXT    COLLATE "C" NOT NULL,
    action      TEXT    NOT NULL,
    patient_uid TEXT,
    detail      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
$body$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $body$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
"""


def fold(text: str) -> str:
    """Case-insensitive search key: Unicode casefold with surrounding space removed."""
    return text.strip().casefold()


def terms(name: str) -> set[str]:
    """The words of a name that a search prefix may match (``"van der Berg, Ann"`` → 4)."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(name))
    return {word for word in cleaned.split() if word}


def apply(connection: sqlite3.Connection) -> None:
    """Add the search columns, terms and audit log; backfill from existing rows."""
    for statement in SQL.split(";\n"):
        if statement.strip():
            connection.execute(statement)
    rows = connection.execute("SELECT id, name, identifier FROM patients").fetchall()
    for pid, name, identifier in rows:
        connection.execute(
            "UPDATE patients SET name_fold = ?, identifier_fold = ?, "
            "last_visit = (SELECT MAX(visit_date) FROM visits WHERE patient_id = ?) WHERE id = ?",
            (fold(name), fold(identifier) if identifier else None, pid, pid),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO patient_terms (term, patient_id) VALUES (?, ?)",
            [(term, pid) for term in terms(name)],
        )


def apply_postgresql(database: Any) -> None:
    """The same step on a PostgreSQL server store."""
    for statement in POSTGRESQL.split(";\n"):
        if statement.strip():
            database.execute(statement)
