"""Helpers shared by the store tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import datetime as dt
import re
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


# How an import refusal must not read (issue 17, item 1 of the "messages" slice): a value as
# entered is quoted “…” and may hold anything; outside the quotes no snake_case name, no dotted
# index path ("visits.8.date"), no Python repr ('x', None, <class 'int'>), no "bundle :".
_AS_ENTERED = re.compile("\u201c[^\u201d]*\u201d")
_SNAKE_CASE = re.compile(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]*\b")
# (lower-case first: an ICD-10-CM code such as C90.00 is how a clinician writes it)
_DOTTED_PATH = re.compile(r"\b[a-z][A-Za-z0-9_]+\.(?:\d+|[a-z][A-Za-z0-9_]*)\b")
_PYTHON_REPR = re.compile(
    r"<class|object at 0x|\bNone\b|\bTrue\b|\bFalse\b|[\[{(]\s*'|'[^'\s]*'|\\x[0-9a-f]{2}"
)


def wording_problems(message: str) -> list[str]:
    """What in a refusal message a clinician should not have to read (empty if none)."""
    outside = _AS_ENTERED.sub("\u201c\u201d", message)
    found = [
        f"{kind} {match.group()!r}"
        for kind, pattern in (
            ("snake_case", _SNAKE_CASE),
            ("dotted path", _DOTTED_PATH),
            ("Python repr", _PYTHON_REPR),
        )
        for match in pattern.finditer(outside)
    ]
    if " : " in outside or outside.lower().startswith("bundle "):
        found.append("a technical prefix")
    return found


def assert_reads_as_written(error: BaseException | str) -> None:
    """Every problem of an import refusal (``ImportRejected.problems``, or one CLI line) reads
    as a clinician writes it."""
    problems = getattr(error, "problems", None) or [str(error)]
    for problem in problems:
        assert not wording_problems(problem), (problem, wording_problems(problem))
