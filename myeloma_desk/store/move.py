"""Move a whole store between backends: the local file into a clinic server, or back.

Every table is copied row for row with its ids (so visits, lines, assessments and notes keep
their patients), in one transaction on the target, which must be empty. The audit log is copied
with its hashes unchanged and then *continued* with one ``import`` event that names the source
and the counts, so the chain verifies across the move; the source gets an ``export`` event.
The counts of every table and the chain's head are compared before the target commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from myeloma_desk.store import audit
from myeloma_desk.store.errors import StoreError
from myeloma_desk.store.migrations import LATEST, schema_version

if TYPE_CHECKING:
    from myeloma_desk.store.repository import Store

# Parents before children (foreign keys); the columns of schema version 4.
TABLES: tuple[tuple[str, str], ...] = (
    (
        "patients",
        "id, uid, name, identifier, birth_date, sex, notes, archived, created_at, updated_at, "
        "diagnosis, name_fold, identifier_fold, last_visit, version",
    ),
    ("patient_terms", "term, patient_id"),
    ("visits", "id, patient_id, visit_date, snapshot_json, created_at, updated_at, version"),
    ("therapy_lines", "id, patient_id, position, start_date, line_json, created_at, updated_at"),
    (
        "assessments",
        "id, patient_id, visit_id, engine_version, evidence_version, assessed_at, result_json",
    ),
    ("notes", "id, patient_id, written_at, text"),
    ("audit_log", "seq, at, action, patient_uid, detail, prev_hash, hash, actor"),
)
_WITH_IDS = ("patients", "visits", "therapy_lines", "assessments", "notes")


@dataclass(frozen=True)
class MoveReport:
    """What was copied: rows per table, the audit chain after the move."""

    counts: dict[str, int]
    chain: audit.VerifyResult

    def message(self, where: str) -> str:
        c = self.counts
        return (
            f"copied {c['patients']} patients, {c['visits']} visits, {c['therapy_lines']} "
            f"therapy lines, {c['assessments']} assessments, {c['notes']} notes and "
            f"{c['audit_log']} audit events into {where}; every count verified; "
            f"{self.chain.message()}"
        )


def _count(store: Store, table: str) -> int:
    return int(store.database.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _check(source: Store, target: Store) -> None:
    for store, which in ((source, "source"), (target, "target")):
        version = schema_version(store.database)
        if version != LATEST:
            raise StoreError(
                f"The {which} store has schema version {version}, not {LATEST}; open it once "
                "with this Myeloma Desk (as an administrator on a server) first."
            )
    for store, which in ((source, "source"), (target, "target")):
        if store.server and "myeloma_admin" not in store.roles():
            raise StoreError(
                f"Moving a whole store in or out of the clinic server needs an administrator "
                f"role; {store.user} is not one (the {which} store). Nothing was copied."
            )
    held = _count(target, "patients") + _count(target, "audit_log")
    if held:
        raise StoreError(
            "The target store is not empty: a store moves only into an empty one, so that no "
            "record or audit event is mixed or lost. Nothing was copied."
        )
    chain = audit.verify(source.database)
    if not chain.ok:
        raise StoreError(f"The source store's {chain.message()}; nothing was copied.")


def move_store(source: Store, target: Store, source_name: str, target_name: str) -> MoveReport:
    """Copy everything in ``source`` into the empty ``target``; counts and chain verified."""
    _check(source, target)
    counts: dict[str, int] = {}
    head = audit.head(source.database)
    now = target.now()
    db = target.database
    with db.transaction():
        for table, columns in TABLES:
            rows = source.database.execute(f"SELECT {columns} FROM {table}").fetchall()
            marks = ", ".join("?" for _ in columns.split(","))
            db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            counts[table] = len(rows)
            if _count(target, table) != counts[table] or _count(source, table) != len(rows):
                raise StoreError(f"the {table} counts differ after copying; nothing was moved")
        if target.server:
            for table in _WITH_IDS:  # the next new row continues after the copied ids
                db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        if audit.head(db) != head:
            raise StoreError("the audit log's head differs after copying; nothing was moved")
        audit.append(
            db,
            now,
            "import",
            None,
            {"what": "store", "from": source_name, "counts": counts, "head": head[1]},
        )
    source.record_event("export", None, {"what": "store", "to": target_name, "counts": counts})
    return MoveReport(counts, audit.verify(db))
