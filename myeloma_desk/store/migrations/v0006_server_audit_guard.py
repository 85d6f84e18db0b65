"""Version 6: on a clinic server, patient records change only together with an audit event.

A clinician's role may write the patient tables (the app needs that), so without this step
someone using ``psql`` with a clinician's password could change rows without any audit event.
Every write Myeloma Desk makes appends its audit event in the same transaction. On PostgreSQL:

- ``audit_log.xact`` is filled in by the server with the writing transaction's id
  (``pg_current_xact_id()``); clients have no privilege on that column (the grants in
  ``store/server.py`` name the columns a client may set), so it cannot be forged;
- a constraint trigger on every patient table (``patients``, ``patient_terms``, ``visits``,
  ``therapy_lines``, ``assessments``, ``notes``), checked at commit, refuses the transaction
  when it changed a row but appended no audit event: "patient records change only through
  Myeloma Desk …". A direct edit that also appends an audit event is *recorded*: the event
  carries the login role (``actor``) and must continue the hash chain, or ``verify`` reports it;
- TRUNCATE of a patient table is refused to everyone, even the owner;
- the patient list's course summary (derived data, written without an audit event; see
  ``store/patient_index.py``) is the one change of ``patients`` the check lets through.

``patients verify`` reports a guard that was dropped or disabled (``store/server.py``). The
local SQLite store has a single user and no roles: this version changes nothing there.
"""

from __future__ import annotations

from typing import Any

VERSION = 6
DESCRIPTION = "server: patient tables change only with an audit event"

GUARDED = ("patients", "patient_terms", "visits", "therapy_lines", "assessments", "notes")
# Columns of ``patients`` the app writes without an audit event (the list's course summary).
DERIVED_COLUMNS = (
    "course_state",
    "course_line",
    "course_phase",
    "course_prior_lines",
    "course_response",
    "course_confirmed",
    "course_response_rank",
    "course_stamp",
)
GUARD_TRIGGERS = tuple(f"{table}_audited" for table in GUARDED) + tuple(
    f"{table}_no_truncate" for table in GUARDED
)

_DERIVED = ", ".join(f"'{name}'" for name in DERIVED_COLUMNS)
POSTGRESQL = [
    "ALTER TABLE audit_log ADD COLUMN xact xid8",
    "ALTER TABLE audit_log ALTER COLUMN xact SET DEFAULT pg_current_xact_id()",
    "CREATE INDEX audit_log_by_xact ON audit_log (xact)",
    f"""CREATE FUNCTION patient_change_audited() RETURNS trigger LANGUAGE plpgsql AS
$body$
BEGIN
    IF TG_TABLE_NAME = 'patients' AND TG_OP = 'UPDATE'
       AND to_jsonb(OLD) - ARRAY[{_DERIVED}] = to_jsonb(NEW) - ARRAY[{_DERIVED}] THEN
        RETURN NULL;  -- only the list's derived course summary changed
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_log WHERE xact = pg_current_xact_id()) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format(
                'patient records change only through Myeloma Desk, with an audit event '
                '(%s on %s by %s refused)', TG_OP, TG_TABLE_NAME, session_user);
    END IF;
    RETURN NULL;
END
$body$""",
    """CREATE FUNCTION patient_table_no_truncate() RETURNS trigger LANGUAGE plpgsql AS
$body$ BEGIN RAISE EXCEPTION 'patient records are never emptied in bulk'; END $body$""",
]
for _table in GUARDED:
    POSTGRESQL += [
        f"CREATE CONSTRAINT TRIGGER {_table}_audited AFTER INSERT OR UPDATE OR DELETE "
        f"ON {_table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION patient_change_audited()",
        f"CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION patient_table_no_truncate()",
    ]


def apply(connection: Any) -> None:
    """The local store: nothing to do (one user, no roles; its audit checks are its own)."""


def apply_postgresql(database: Any) -> None:
    """Add the transaction column of the audit log and the guards of the patient tables."""
    for statement in POSTGRESQL:
        database.execute(statement)
