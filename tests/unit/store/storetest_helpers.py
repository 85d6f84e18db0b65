"""Helpers shared by the store tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot
from myeloma_desk.store import Store


def snap(**fields: Any) -> Snapshot:
    """A snapshot from keyword fields; numbers given as (value, unit) tuples."""
    data = {
        name: {"value": value[0], "unit": value[1]} if isinstance(value, tuple) else value
        for name, value in fields.items()
    }
    return parse_snapshot(data)


D = dt.date


def open_as(site: Any, user: str, opened: list[Store]) -> Store:
    """The clinic server store of ``site`` (the ``server_site`` fixture) opened as ``user``,
    kept in ``opened`` (the fixture of conftest.py closes them after the test)."""
    store = Store.open_server(site.target(user))
    opened.append(store)
    return store


def contents(store: Store) -> tuple[Any, ...]:
    """Everything a store holds (every patient whole, the audit log's length and head), to
    show that a failed or refused write changed nothing."""
    rows = store.list_patients(include_archived=True)
    bundles = tuple(store.export_bundle(row.id, log=False).model_dump_json() for row in rows)
    audit = store.database.execute("SELECT count(*), max(seq) FROM audit_log").fetchone()
    return (len(rows), bundles, tuple(audit))
