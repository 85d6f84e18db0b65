"""The drafts vault: unsaved visit forms kept in a small database keyed like the store.

Visit drafts hold names and lab values. When the patient store is encrypted they must be too,
so they live in ``<data>/drafts/drafts.sqlite3``, opened with the store's passphrase (SQLCipher;
a plain SQLite file, mode 0600, when the store is plain). :meth:`Store.drafts_vault` hands one
out; ``Store.change_passphrase`` re-keys it with the store. The GUI's
``ui.views.drafts.DraftStore`` decides what to do when no vault is available (an encrypted store
that is locked: the draft is not written at all rather than written in plain text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from myeloma_desk.paths import make_private_dir
from myeloma_desk.store import db

DRAFTS_DIR = "drafts"
VAULT_NAME = "drafts.sqlite3"

_SCHEMA = "CREATE TABLE IF NOT EXISTS drafts (key TEXT PRIMARY KEY, payload TEXT NOT NULL)"


def vault_path(data_dir: Path) -> Path:
    return data_dir / DRAFTS_DIR / VAULT_NAME


class DraftVault:
    """Key → JSON text, in one database file; each call opens and closes its connection."""

    def __init__(self, path: Path, passphrase: str | None) -> None:
        self.path = path
        self._passphrase = passphrase

    @property
    def encrypted(self) -> bool:
        return self._passphrase is not None

    def _connect(self) -> Any:
        make_private_dir(self.path.parent)
        db.create_private_file(self.path)
        connection = db.connect(self.path, self._passphrase)
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute(_SCHEMA)
        return connection

    def put(self, key: str, payload: str) -> None:
        connection = self._connect()
        try:
            with db.transaction(connection):
                connection.execute(
                    "INSERT OR REPLACE INTO drafts (key, payload) VALUES (?, ?)", (key, payload)
                )
        finally:
            connection.close()

    def get(self, key: str) -> str | None:
        connection = self._connect()
        try:
            row = connection.execute("SELECT payload FROM drafts WHERE key = ?", (key,)).fetchone()
        finally:
            connection.close()
        return None if row is None else str(row[0])

    def items(self) -> list[tuple[str, str]]:
        if not self.path.exists():
            return []
        connection = self._connect()
        try:
            rows = connection.execute("SELECT key, payload FROM drafts ORDER BY key").fetchall()
        finally:
            connection.close()
        return [(str(key), str(payload)) for key, payload in rows]

    def delete(self, key: str) -> None:
        if not self.path.exists():
            return
        connection = self._connect()
        try:
            with db.transaction(connection):
                connection.execute("DELETE FROM drafts WHERE key = ?", (key,))
        finally:
            connection.close()


def rekey_vault(data_dir: Path, old: str | None, new: str | None) -> None:
    """Re-key the drafts vault (if any) from ``old`` to ``new``: a copy, then a rename."""
    path = vault_path(data_dir)
    if not path.exists() or path.stat().st_size == 0:
        return
    temp = path.with_name(path.name + ".rekey")
    db.rekey_copy(path, old, temp, new)
    path.with_name(path.name + "-journal").unlink(missing_ok=True)
    temp.replace(path)
