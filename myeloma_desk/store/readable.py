"""Records that cannot be read back: invalid UTF-8 text, or a visit or line whose stored JSON
no longer parses (a damaged file, or an edit made outside the app).

Repositories read through :class:`myeloma_desk.store.db.TolerantCursor`: invalid UTF-8 shows
as U+FFFD (``�``) in the list, the record and exports, never a crash. A visit or
line whose JSON cannot be read raises :class:`~myeloma_desk.store.errors.DamagedRecordError`
with the record named, rather than being skipped (a missing visit would change a response
assessment silently). :func:`unreadable_records` lists every such record for ``verify``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from myeloma_desk.domain.snapshot import Snapshot, TherapyLine

REPLACEMENT = "\ufffd"

_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "patients": ("name", "identifier", "notes", "birth_date", "uid"),
    "visits": ("visit_date", "snapshot_json"),
    "therapy_lines": ("line_json",),
    "notes": ("text", "written_at"),
}


def first_problem(error: Exception) -> str:
    """One short line for why a stored JSON record did not parse."""
    if isinstance(error, ValidationError):
        item = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(error).splitlines()[0][:200]


def _invalid_text(connection: Any) -> list[str]:
    problems: list[str] = []
    for table, columns in _TEXT_COLUMNS.items():
        owner = "id" if table == "patients" else "patient_id"
        for column in columns:
            rows = connection.execute(
                f"SELECT {owner}, id, CAST({column} AS BLOB) FROM {table} "
                f"WHERE {column} IS NOT NULL"
            )
            for patient_id, row_id, raw in rows:
                try:
                    bytes(raw).decode("utf-8")
                except UnicodeDecodeError:
                    problems.append(
                        f"patient {patient_id}: the {column.replace('_', ' ')} of "
                        f"{table.replace('_', ' ')} record {row_id} is not valid text "
                        f"(shown with {REPLACEMENT})"
                    )
    return problems


def _raw(value: Any) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def unreadable_records(connection: Any, *, text: bool = True) -> list[str]:
    """Every record that cannot be read back as stored, one line each (empty when all read).

    ``text=False`` (a server store, whose database enforces UTF-8) skips the text check and
    reads the JSON columns as text rather than as SQLite blobs."""
    problems = _invalid_text(connection) if text else []
    blob = "CAST({} AS BLOB)" if text else "{}"
    for patient_id, day, payload in connection.execute(
        f"SELECT patient_id, {blob.format('visit_date')}, {blob.format('snapshot_json')} "
        "FROM visits ORDER BY patient_id, visit_date"
    ):
        day = _raw(day).decode("utf-8", "replace")
        try:
            Snapshot.model_validate_json(_raw(payload))
        except (ValidationError, ValueError) as error:
            problems.append(
                f"patient {patient_id}: the visit of {day} cannot be read ({first_problem(error)})"
            )
    for patient_id, position, payload in connection.execute(
        f"SELECT patient_id, position, {blob.format('line_json')} FROM therapy_lines "
        "ORDER BY patient_id, position"
    ):
        try:
            TherapyLine.model_validate_json(_raw(payload))
        except (ValidationError, ValueError) as error:
            problems.append(
                f"patient {patient_id}: therapy line {position} cannot be read "
                f"({first_problem(error)})"
            )
    return problems
