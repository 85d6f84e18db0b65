"""Version 5: what the patient list shows and sorts by, without reading every patient.

- ``visit_count``: kept by the store with ``last_visit`` whenever a visit is written;
- the course summary of the latest visit (IMWG line in progress and its phase, the latest
  response and its confirmation), written by the app after it builds a patient's course, with
  the stamp of the records it was built from (``course_stamp``): a summary whose stamp no longer
  matches the records is stale and is not shown;
- one index per sortable column (then name, then the archived flag the default list filters
  on), so a sorted page of 50,000 patients is a scan of one index, not a sort of the whole
  table, and skipping to a later page never reads the table.

Plain ``ALTER TABLE … ADD COLUMN`` and ``CREATE INDEX``: the same statements run on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

VERSION = 5
DESCRIPTION = "patient list: visit count, course summary, sort indexes"

SQL = """
ALTER TABLE patients ADD COLUMN visit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE patients ADD COLUMN course_state TEXT;
ALTER TABLE patients ADD COLUMN course_line INTEGER;
ALTER TABLE patients ADD COLUMN course_phase TEXT;
ALTER TABLE patients ADD COLUMN course_prior_lines INTEGER;
ALTER TABLE patients ADD COLUMN course_response TEXT;
ALTER TABLE patients ADD COLUMN course_confirmed TEXT;
ALTER TABLE patients ADD COLUMN course_response_rank INTEGER;
ALTER TABLE patients ADD COLUMN course_stamp TEXT;
CREATE INDEX patients_by_identifier_name ON patients (identifier_fold, name_fold, id, archived);
CREATE INDEX patients_by_birth_date ON patients (birth_date, name_fold, id, archived);
CREATE INDEX patients_by_sex ON patients (sex, name_fold, id, archived);
CREATE INDEX patients_by_diagnosis ON patients (diagnosis, name_fold, id, archived);
CREATE INDEX patients_by_course_line ON patients (course_line, name_fold, id, archived);
CREATE INDEX patients_by_course_response
    ON patients (course_response_rank, name_fold, id, archived);
CREATE INDEX patients_by_last_visit ON patients (last_visit, name_fold, id, archived);
CREATE INDEX patients_by_visit_count ON patients (visit_count, name_fold, id, archived);
UPDATE patients SET visit_count =
    (SELECT count(*) FROM visits WHERE visits.patient_id = patients.id)
"""


def apply(connection: Any) -> None:
    """Add the list columns and indexes; count each patient's visits."""
    for statement in SQL.split(";\n"):
        if statement.strip():
            connection.execute(statement)


def apply_postgresql(database: Any) -> None:
    """The same statements on PostgreSQL."""
    apply(database)
