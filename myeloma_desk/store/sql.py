"""The small connection interface every repository is written against.

A repository only needs: run a statement (``?`` placeholders), run one for many rows, insert a
row and get its id, and a write transaction. :class:`SqliteDatabase` wraps the local store's
``sqlite3``/SQLCipher connection; the server backend (:mod:`myeloma_desk.store.server`)
provides the same interface over PostgreSQL, so the repositories run unchanged on both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from myeloma_desk.store import db


class Cursor(Protocol):
    """What a repository reads from a statement's result."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """A connection as the repositories see it (SQLite or PostgreSQL)."""

    dialect: str  # "sqlite" or "postgresql"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT`` and return the new row's ``id``."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """One write transaction: committed on success, rolled back on any exception."""
        ...


class SqliteDatabase:
    """:class:`Database` over the local store's connection (read through ``get`` each time,
    because re-keying and locking replace or close it)."""

    dialect = "sqlite"

    def __init__(self, get: Callable[[], Any]) -> None:
        self._get = get

    @property
    def raw(self) -> Any:
        return self._get()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        # Invalid UTF-8 in a row (a damaged file) reads as U+FFFD, never an exception.
        return db.TolerantCursor(self._get(), sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._get().executemany(sql, rows)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._get().execute(sql, params).lastrowid)

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        return db.transaction(self._get())
