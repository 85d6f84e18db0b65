"""Audit log: every kind of event, an intact chain verifies, any edit is found at its row."""

from __future__ import annotations

import itertools
import sqlite3

import pytest
from storetest_helpers import D, snap

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientFields, Store, open_store
from myeloma_desk.store.audit import GENESIS, canonical_json, event_hash
from myeloma_desk.store.db import DB_NAME


@pytest.fixture
def store(both_backends: Store) -> Store:
    """Every test of this file on both backends: the local file and the clinic server."""
    return both_backends


def _activity(store: Store) -> int:
    pid = store.create_patient(PatientFields(name="Berg, Ann", identifier="M1")).id
    store.view_patient(pid)
    store.save_visit(pid, D(2024, 1, 1), snap(hemoglobin=(10.1, "g/dL")))
    store.save_visit(pid, D(2024, 1, 1), snap(hemoglobin=(10.2, "g/dL")))
    store.update_patient(pid, PatientFields(name="Berg, Anna", identifier="M1"))
    store.export_bundle(pid)
    store.record_event("print", pid, {"report": "assessment"})
    return pid


def test_events_are_logged_with_a_valid_chain(store: Store) -> None:
    pid = _activity(store)
    actions = [e.action for e in reversed(store.audit_events(pid))]
    assert actions == ["create", "view", "create", "change", "change", "export", "print"]
    change = store.audit_events(pid)[2]
    assert change.detail == {"what": "patient", "fields": ["name"]}
    result = store.verify_audit()
    # the patient's seven, and (the local file) the record protection logged with the store's
    # first patient; the server's guards are its own triggers (test_server_audit_guard.py)
    assert result.ok and result.checked == (7 if store.server else 8)
    events = list(reversed(store.audit_events()))
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert after.hash == event_hash(before.hash, after.body())
    assert "intact" in result.message()


def test_the_log_refuses_update_and_delete_through_sqlite(store: Store) -> None:
    if store.server:
        pytest.skip("the local file's triggers; the server's: test_server_audit_guard.py")
    _activity(store)
    for statement in ("UPDATE audit_log SET action = 'view'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.connection.execute(statement)
    assert store.verify_audit().ok


def _tamper(paths: AppPaths, *statements: str) -> None:
    """What someone with the file could do: drop the triggers and rewrite rows."""
    connection = sqlite3.connect(paths.data / DB_NAME)
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("DROP TRIGGER audit_log_no_delete")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("statements", "broken", "reason"),
    [
        (["UPDATE audit_log SET action = 'view' WHERE seq = 4"], 4, "edited"),
        (['UPDATE audit_log SET detail = \'{"what":"x"}\' WHERE seq = 2'], 2, "edited"),
        (["UPDATE audit_log SET at = '2000-01-01' WHERE seq = 6"], 6, "edited"),
        (["DELETE FROM audit_log WHERE seq = 3"], 3, "missing"),
        (["UPDATE audit_log SET detail = 'not json' WHERE seq = 5"], 5, "JSON"),
    ],
)
def test_an_edited_row_breaks_verification_at_that_row(
    paths: AppPaths, statements: list[str], broken: int, reason: str
) -> None:
    with open_store(paths) as store:
        _activity(store)
    _tamper(paths, *statements)
    with open_store(paths, backup_on_open=False) as store:
        result = store.verify_audit()
    assert not result.ok
    assert result.broken_seq == broken
    assert reason in (result.reason or "")
    assert f"BROKEN at event {broken}" in result.message()


def test_rewriting_one_hash_breaks_the_next_link(paths: AppPaths) -> None:
    with open_store(paths) as store:
        _activity(store)
    body = {"seq": 3, "at": "x", "action": "view", "patient": None, "detail": {}}
    forged = event_hash(GENESIS, body)
    _tamper(
        paths,
        f"UPDATE audit_log SET at = 'x', action = 'view', patient_uid = NULL, detail = '{{}}', "
        f"hash = '{forged}' WHERE seq = 3",
    )
    with open_store(paths, backup_on_open=False) as store:
        result = store.verify_audit()
    assert not result.ok and result.broken_seq == 3  # its prev-hash no longer fits the chain


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_unknown_action_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        store.record_event("delete-everything")
