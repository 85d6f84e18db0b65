"""Forward migrations: a store at every earlier schema version opens, upgrades and keeps data."""

from __future__ import annotations

import sqlite3

import pytest
from storetest_helpers import D

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import StoreError, open_store
from myeloma_desk.store.db import DB_NAME
from myeloma_desk.store.migrations import LATEST, MIGRATIONS, migrate, schema_version

NOW = "2024-01-01T00:00:00+00:00"
SNAPSHOT = '{"date":"2024-01-05","serum_m_protein":{"value":3.2,"unit":"g/dL"}}'


def _fill(connection: sqlite3.Connection, version: int) -> None:
    """Rows as a Myeloma Desk at ``version`` would have written them."""
    connection.execute(
        "INSERT INTO patients (id, uid, name, identifier, birth_date, sex, notes, archived, "
        "created_at, updated_at) VALUES (1, 'u1', 'Berg, Ann', 'MRN-1', '1950-03-04', "
        "'female', 'old note', 0, ?, ?)",
        (NOW, NOW),
    )
    connection.execute(
        "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, updated_at) "
        "VALUES (1, '2024-01-05', ?, ?, ?)",
        (SNAPSHOT, NOW, NOW),
    )
    if version >= 2:
        connection.execute("UPDATE patients SET diagnosis = 'active_multiple_myeloma'")
        connection.execute(
            "INSERT INTO therapy_lines (patient_id, position, start_date, line_json, created_at, "
            'updated_at) VALUES (1, 1, \'2024-01-10\', \'{"regimen":"VRd","start":'
            '"2024-01-10"}\', ?, ?)',
            (NOW, NOW),
        )
    if version >= 3:  # what the version-3 app wrote with each patient: search keys and terms
        connection.execute(
            "UPDATE patients SET name_fold = 'berg, ann', identifier_fold = 'mrn-1', "
            "last_visit = '2024-01-05'"
        )
        connection.execute(
            "INSERT INTO patient_terms (term, patient_id) VALUES ('berg', 1), ('ann', 1)"
        )


def _store_at(paths: AppPaths, version: int) -> None:
    paths.ensure()
    connection = sqlite3.connect(paths.data / DB_NAME, isolation_level=None)
    connection.execute("BEGIN")
    migrate(connection, target=version)
    if version >= 1:
        _fill(connection, version)
    connection.execute("COMMIT")
    connection.close()


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    assert LATEST >= 3


@pytest.mark.parametrize("version", range(LATEST))
def test_upgrade_from_every_earlier_version(paths: AppPaths, version: int) -> None:
    _store_at(paths, version)
    with open_store(paths) as store:
        assert store.schema_version() == LATEST
        if version == 0:
            assert store.is_empty()
            return
        patient = store.get_patient(1)
        assert (patient.name, patient.identifier, patient.notes) == (
            "Berg, Ann",
            "MRN-1",
            "old note",
        )
        assert patient.diagnosis == ("active_multiple_myeloma" if version >= 2 else None)
        # Version 4: every existing record starts at version 1.
        assert patient.version == 1 and store.get_visit(1, D(2024, 1, 5)).version == 1
        # Backfilled search columns, terms and last visit work like a new store's.
        assert [p.id for p in store.search("ann")] == [1]
        assert [p.id for p in store.search("mrn")] == [1]
        assert patient.last_visit == D(2024, 1, 5)
        built = store.snapshot_for(1, D(2024, 1, 5))
        assert built.get("serum_m_protein") == 3.2
        assert [ln.line.regimen for ln in store.therapy_lines(1)] == (
            ["VRd"] if version >= 2 else []
        )
        # The audit log starts with the upgrade, and the old data was backed up first.
        assert store.verify_audit().ok
        [upgrade] = [e for e in store.audit_events() if e.detail.get("what") == "schema"]
        assert (upgrade.detail["from"], upgrade.detail["to"]) == (version, LATEST)
        assert upgrade.detail["backup"] in [b.name for b in store.backups()]
        # New writes work on the upgraded schema.
        store.save_visit(
            1,
            D(2024, 2, 1),
            built.model_copy(
                update={"date": None, "history": [], "therapy_lines": [], "patient": None}
            ),
        )


def test_a_newer_schema_is_refused_and_left_alone(paths: AppPaths) -> None:
    _store_at(paths, LATEST)
    connection = sqlite3.connect(paths.data / DB_NAME)
    connection.execute(f"PRAGMA user_version = {LATEST + 1}")
    connection.close()
    before = (paths.data / DB_NAME).read_bytes()
    with pytest.raises(StoreError, match="newer"):
        open_store(paths)
    assert (paths.data / DB_NAME).read_bytes() == before
    connection = sqlite3.connect(paths.data / DB_NAME)
    assert schema_version(connection) == LATEST + 1
    connection.close()
