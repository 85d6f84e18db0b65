"""The drafts vault: unsaved forms kept in a small database keyed like this computer's store.

Drafts hold names and lab values. When the patient store is encrypted they must be too, so they
live in ``<data>/drafts/drafts.sqlite3``, opened with the store's passphrase (SQLCipher; a plain
SQLite file, mode 0600, when the store is plain). :meth:`Store.drafts_vault` hands one out;
``Store.change_passphrase`` re-keys it with the store.

Drafts of a clinic server's records (kept while the server cannot be reached) live in that
server's own folder, ``<data>/drafts/server-<digest>/drafts.sqlite3``, and are encrypted with
the same passphrase as this computer's store: :func:`check_local_passphrase` checks a
passphrase typed for them against the local store file (read-only) before a vault is opened
with it, and :func:`rekey_vault` re-keys them with the store too. The GUI's
``ui.views.drafts.DraftStore`` decides what to do when no vault is available (an encrypted store
that is locked, or a server draft before the passphrase was entered: the draft is not written
at all rather than written in plain text).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from myeloma_desk.paths import make_private_dir
from myeloma_desk.store import db
from myeloma_desk.store.errors import StoreError, WrongPassphraseError

log = logging.getLogger(__name__)

DRAFTS_DIR = "drafts"
VAULT_NAME = "drafts.sqlite3"

_SCHEMA = "CREATE TABLE IF NOT EXISTS drafts (key TEXT PRIMARY KEY, payload TEXT NOT NULL)"


def vault_path(data_dir: Path, space: str = "") -> Path:
    """The vault of this computer's store (``space`` "") or of one clinic server's drafts."""
    folder = data_dir / DRAFTS_DIR
    return (folder / space if space else folder) / VAULT_NAME


def server_vault_paths(data_dir: Path) -> list[Path]:
    """The vaults of clinic servers' drafts on this computer."""
    return sorted((data_dir / DRAFTS_DIR).glob(f"server-*/{VAULT_NAME}"))


def vault_errors() -> tuple[type[BaseException], ...]:
    """What opening or reading a vault can raise (a missing driver, a wrong key, I/O)."""
    module = db.sqlcipher_module()
    errors: list[type[BaseException]] = [OSError, sqlite3.Error, StoreError]
    if module is not None:
        errors.append(module.Error)
    return tuple(errors)


def check_local_passphrase(data_dir: Path, passphrase: str) -> None:
    """Raise :class:`WrongPassphraseError` unless ``passphrase`` opens this computer's own
    (encrypted) store; the store file is only opened read-only and nothing is written.

    A vault can be created with any key, so the passphrase typed for a server's drafts is
    checked here first: a draft is never encrypted with a mistyped passphrase."""
    if not passphrase.strip():
        raise WrongPassphraseError()
    path = data_dir / db.DB_NAME
    if not path.is_file():
        raise StoreError(
            "This computer's patient store was not found, so the passphrase cannot be checked."
        )
    module = db.sqlcipher_module()
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    if module is not None:
        errors = (sqlite3.Error, module.Error)
    try:
        connection = db.connect(path, passphrase, read_only=True)
    except errors as error:
        raise StoreError(
            f"This computer's patient store could not be read to check the passphrase: {error}"
        ) from None
    connection.close()


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
        """Remove one draft; a vault left empty is removed too (nothing waits in it)."""
        if not self.path.exists():
            return
        connection = self._connect()
        try:
            with db.transaction(connection):
                connection.execute("DELETE FROM drafts WHERE key = ?", (key,))
            left = int(connection.execute("SELECT count(*) FROM drafts").fetchone()[0])
        finally:
            connection.close()
        if left == 0:
            self.path.unlink(missing_ok=True)


def rekey_vault(data_dir: Path, old: str | None, new: str | None) -> None:
    """Re-key the drafts vaults (if any) from ``old`` to ``new``: a copy, then a rename.

    Clinic servers' vaults first, each on its own: one that cannot be re-keyed (written under
    another key) is removed, never left readable in plain text. Then this store's own vault,
    whose errors the caller handles."""
    for path in server_vault_paths(data_dir):
        try:
            _rekey_file(path, old, new)
        except vault_errors() as error:
            log.warning("drafts of a clinic server could not be re-keyed; removed: %s", error)
            path.unlink(missing_ok=True)
    if old is None and new is not None:
        _encrypt_server_files(data_dir, new)
    _rekey_file(vault_path(data_dir), old, new)


def _encrypt_server_files(data_dir: Path, passphrase: str) -> None:
    """The store is being encrypted: clinic servers' plain draft files (written while it was
    plain) go into their folder's vault under the new key, then away — none stays plain."""
    for folder in sorted((data_dir / DRAFTS_DIR).glob("server-*")):
        files = sorted(folder.glob("*.json"))
        if not files:
            continue
        vault = DraftVault(folder / VAULT_NAME, passphrase)
        failures: tuple[type[BaseException], ...] = (UnicodeDecodeError, *vault_errors())
        for path in files:
            try:
                vault.put(path.stem, path.read_text(encoding="utf-8"))
            except failures as error:
                log.warning("a plain draft could not be encrypted; removed: %s", error)
            path.unlink(missing_ok=True)


def _rekey_file(path: Path, old: str | None, new: str | None) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    temp = path.with_name(path.name + ".rekey")
    db.rekey_copy(path, old, temp, new)
    path.with_name(path.name + "-journal").unlink(missing_ok=True)
    temp.replace(path)
