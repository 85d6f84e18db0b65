"""Autosaved drafts of unsaved forms: JSON files in ``<data>/drafts``, owner-only.

A draft is written (atomically) a moment after each change and removed when the form is saved
or discarded, so a draft that is still there at start-up is work a crash or power cut
interrupted; the Assess section offers visit drafts back. Each draft has a ``kind``: "visit"
(the visit form), "patient" (the patient editor) or "lines" (the therapy-lines editor, both
kept while the clinic server cannot be reached, views/server_wait.py).

Drafts hold names and lab values, so they are never kept in plain text beside an encrypted
store: when ``vault`` gives the open store's drafts vault (:meth:`Store.drafts_vault`, keyed
like the store) drafts go there, and plain-text draft files found are moved into it. When the
store is encrypted but not open (locked, or not unlocked yet) a draft is **not written** and
none is offered; plain-text JSON files are used only while the store is plain.

Drafts of a clinic server's records (``space``: the server's own sub-folder) while this
computer's store is encrypted: the app runs on the server and never opened the local store,
so there is no key until the clinician enters this computer's store passphrase
(:meth:`DraftStore.unlock`, asked by views/draft_passphrase.py). It is checked against the
local store file, kept in memory for the session only (never written, never logged), and the
server's drafts go into a vault of that folder encrypted with it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from myeloma_desk.paths import make_private_dir
from myeloma_desk.store import db

if TYPE_CHECKING:
    from collections.abc import Callable

    from myeloma_desk.store.drafts import DraftVault

log = logging.getLogger(__name__)

DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class Draft:
    """One saved draft: its key, when it was saved, what it is about, and the form data."""

    key: str
    saved_at: str
    label: str
    data: dict[str, Any]
    patient_id: str | None = None
    kind: str = "visit"  # "visit", "patient" (details) or "lines" (therapy lines)
    version: int | None = None  # the version of the record the edit started from


def _draft(raw: Any) -> Draft:
    version = raw.get("version")
    return Draft(
        key=str(raw["key"]),
        saved_at=str(raw["saved_at"]),
        label=str(raw.get("label", "")),
        data=dict(raw["data"]),
        patient_id=raw.get("patient_id"),
        kind=str(raw.get("kind") or "visit"),
        version=int(version) if version is not None else None,
    )


# This computer's store passphrase entered for a clinic server's drafts, per data folder: in
# memory for the session only (never written, never logged), and dropped by the idle lock, a
# switch of store and the window's close (forget_session_key).
_SESSION_KEYS: dict[str, str] = {}
# How many times a kept passphrase was dropped: a held form that asked for it once asks again
# after it was dropped (views/server_wait.py).
_forgotten = 0


def _session_key(data_dir: Path) -> str | None:
    return _SESSION_KEYS.get(str(data_dir.resolve()))


def forget_session_key(data_dir: Path) -> bool:
    """Drop the passphrase kept for ``data_dir``'s server drafts (the idle lock, a switch of
    store, the window's close, or it no longer opens them); True if one was kept."""
    global _forgotten
    if _SESSION_KEYS.pop(str(data_dir.resolve()), None) is None:
        return False
    _forgotten += 1
    return True


def session_key_generation() -> int:
    """Changes whenever a kept passphrase is dropped (a held form asks again after that)."""
    return _forgotten


class DraftStore:
    """Drafts of one data folder; keys are letters, digits, - and _ only.

    ``vault`` returns the open store's drafts vault, or None while no store is open.
    """

    def __init__(
        self,
        data_dir: Path,
        vault: Callable[[], DraftVault | None] | None = None,
        space: Callable[[], str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self._vault = vault
        # Drafts of a clinic server's patients live apart from this computer's (patient ids
        # of two stores are unrelated: a draft must never be offered to another store's
        # patient with the same id); ``space`` names the store in use ("" = this computer's).
        self._space = space

    @property
    def space(self) -> str:
        return self._space() if self._space is not None else ""

    @property
    def folder(self) -> Path:
        space = self.space
        return self.data_dir / DRAFTS_DIR / space if space else self.data_dir / DRAFTS_DIR

    def needs_passphrase(self) -> bool:
        """True when a draft of a clinic server's record cannot be written yet: this
        computer's store is encrypted and its passphrase was not entered this session."""
        return bool(self.space) and self._store_encrypted() and _session_key(self.data_dir) is None

    def has_locked_drafts(self) -> bool:
        """Whether the clinic server's drafts on this computer are encrypted and wait for this
        computer's store passphrase before they can be offered (a vault with drafts in it:
        an emptied vault is removed)."""
        from myeloma_desk.store.drafts import vault_path

        if not self.needs_passphrase():
            return False
        path = vault_path(self.data_dir, self.space)
        return path.is_file() and path.stat().st_size > 0

    def unlock(self, passphrase: str) -> None:
        """Check ``passphrase`` against this computer's store and keep it (in memory, for the
        session) to encrypt the clinic server's drafts; raises ``WrongPassphraseError`` (or
        another ``StoreError``) when it does not open the store — nothing is kept then."""
        from myeloma_desk.store.drafts import DraftVault, check_local_passphrase, vault_path

        check_local_passphrase(self.data_dir, passphrase)
        path = vault_path(self.data_dir, self.space)
        if path.exists():
            DraftVault(path, passphrase).items()  # raises if the vault is under another key
        _SESSION_KEYS[str(self.data_dir.resolve())] = passphrase

    @classmethod
    def for_context(cls, context: Any) -> DraftStore:
        """Drafts of the app: in the open store's vault (``context.store``)."""

        def vault() -> DraftVault | None:
            store = context.store
            if store is None or getattr(store, "closed", True):
                return None
            result: DraftVault = store.drafts_vault()
            return result

        settings = getattr(context, "settings", None)
        return cls(
            context.paths.data, vault, lambda: server_space(getattr(settings, "server_store", ""))
        )

    def _path(self, key: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", key):
            raise ValueError(f"bad draft key {key!r}")
        return self.folder / f"{key}.json"

    def _store_encrypted(self) -> bool:
        meta = db.StoreMeta.read(self.data_dir / db.META_NAME)
        return meta is not None and meta.encrypted

    def _open_vault(self) -> DraftVault | None:
        """The vault while an encrypted store is open; None otherwise (plain files are used).

        A plain vault left by decrypting the store is turned back into plain files.
        """
        if not self._store_encrypted():
            self._move_plain_vault_out()
            return None
        vault = self._server_vault() if self.space else self._store_vault()
        if vault is None or not vault.encrypted:
            return None
        self._move_files_into(vault)
        return vault

    def _store_vault(self) -> DraftVault | None:
        return self._vault() if self._vault is not None else None

    def _server_vault(self) -> DraftVault | None:
        """The clinic server's drafts vault, keyed with this computer's store passphrase as
        entered this session (None before it was)."""
        from myeloma_desk.store.drafts import DraftVault, vault_path

        key = _session_key(self.data_dir)
        return None if key is None else DraftVault(vault_path(self.data_dir, self.space), key)

    def _move_plain_vault_out(self) -> None:
        from myeloma_desk.store.drafts import DraftVault, vault_path

        path = vault_path(self.data_dir, self.space)
        if not path.exists():
            return
        unreadable: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError)
        try:
            for key, text in DraftVault(path, None).items():
                raw = json.loads(text)
                self._write_file(self._path(key), raw)
        except (*unreadable, *_vault_errors()) as error:
            log.warning("drafts of the decrypted store could not be read: %s", error)
            return
        path.unlink(missing_ok=True)

    def _move_files_into(self, vault: DraftVault) -> None:
        """Plain-text draft files beside an encrypted store go into the vault, then away."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                _draft(raw)
                vault.put(path.stem, json.dumps(raw, ensure_ascii=False))
            except (OSError, ValueError, KeyError, TypeError):
                pass  # unreadable: nothing worth keeping, but never leave it in plain text
            path.unlink(missing_ok=True)

    def save(
        self,
        key: str,
        data: dict[str, Any],
        label: str = "",
        patient_id: str | None = None,
        *,
        kind: str = "visit",
        version: int | None = None,
    ) -> Path | None:
        """Write the draft (vault, or an owner-only file written atomically).

        Returns where it went, or None when it was not written: the store is encrypted and
        there is no key to encrypt it with (not open, or a server's draft before the passphrase
        was entered): a plain-text copy would expose it.
        """
        payload = {
            "key": key,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "label": label,
            "patient_id": patient_id,
            "kind": kind,
            "version": version,
            "data": data,
        }
        target = self._path(key)
        try:
            vault = self._open_vault()
            if vault is not None:
                vault.put(key, json.dumps(payload, ensure_ascii=False))
                target.unlink(missing_ok=True)
                return vault.path
        except _vault_errors() as error:
            self._vault_failed(error)
            return None
        if self._store_encrypted():
            log.info("draft not kept: the encrypted patient store is not open")
            return None
        self._write_file(target, payload)
        return target

    def _write_file(self, target: Path, payload: dict[str, Any]) -> None:
        make_private_dir(self.folder)
        db.write_private_text(target, json.dumps(payload, ensure_ascii=False, indent=1))

    def load(self, key: str) -> Draft | None:
        """The draft with ``key``, or None (an unreadable draft counts as none)."""
        path = self._path(key)
        try:
            vault = self._open_vault()
            if vault is not None:
                text = vault.get(key)
                if text is not None:
                    return _draft(json.loads(text))
            if self._store_encrypted():
                return None
            return _draft(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        except _vault_errors() as error:
            self._vault_failed(error)
            return None

    def _vault_failed(self, error: BaseException) -> None:
        """A vault that cannot be opened: the kept passphrase no longer opens it (this
        computer's passphrase was changed meanwhile), so it is forgotten and asked again."""
        log.warning("drafts vault not usable: %s", type(error).__name__)
        if self.space:
            forget_session_key(self.data_dir)

    def all(self, kind: str | None = "visit") -> list[Draft]:
        """Every readable draft of ``kind`` (None: of every kind), newest first."""
        found: dict[str, Draft] = {}
        try:
            vault = self._open_vault()
            if vault is not None:
                for key, text in vault.items():
                    try:
                        found[key] = _draft(json.loads(text))
                    except (ValueError, KeyError, TypeError):
                        continue
        except _vault_errors() as error:
            self._vault_failed(error)
        if not self._store_encrypted() and self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                draft = self.load(path.stem)
                if draft is not None:
                    found.setdefault(draft.key, draft)
        chosen = [d for d in found.values() if kind is None or d.kind == kind]
        return sorted(chosen, key=lambda d: d.saved_at, reverse=True)

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        vault = self._server_vault() if self.space else self._store_vault()
        if vault is not None and vault.encrypted:
            try:
                vault.delete(key)
            except _vault_errors() as error:
                log.warning("draft %s could not be removed: %s", key, error)


def server_space(target: str) -> str:
    """The drafts sub-folder of a clinic server store ("" for this computer's own store): a
    digest of its address, so no address (user, host) is written into a folder name."""
    if not target:
        return ""
    import hashlib

    return "server-" + hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]


def _vault_errors() -> tuple[type[BaseException], ...]:
    from myeloma_desk.store.drafts import vault_errors

    return vault_errors()
