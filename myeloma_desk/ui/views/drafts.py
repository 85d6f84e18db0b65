"""Autosaved drafts of unsaved visit forms: JSON files in ``<data>/drafts``, owner-only.

A draft is written (atomically) a moment after each change and removed when the visit is saved
or discarded, so a draft that is still there at start-up is work a crash or power cut
interrupted; the Assess section offers it back.

Drafts hold names and lab values, so they are never kept in plain text beside an encrypted
store: when ``vault`` gives the open store's drafts vault (:meth:`Store.drafts_vault`, keyed
like the store) drafts go there, and plain-text draft files found are moved into it. When the
store is encrypted but not open (locked, or not unlocked yet) a draft is **not written** and
none is offered; plain-text JSON files are used only while the store is plain.
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


def _draft(raw: Any) -> Draft:
    return Draft(
        key=str(raw["key"]),
        saved_at=str(raw["saved_at"]),
        label=str(raw.get("label", "")),
        data=dict(raw["data"]),
        patient_id=raw.get("patient_id"),
    )


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
    def folder(self) -> Path:
        space = self._space() if self._space is not None else ""
        return self.data_dir / DRAFTS_DIR / space if space else self.data_dir / DRAFTS_DIR

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
        vault = self._vault() if self._vault is not None else None
        if vault is None or not vault.encrypted:
            return None
        self._move_files_into(vault)
        return vault

    def _move_plain_vault_out(self) -> None:
        from myeloma_desk.store.drafts import DraftVault, vault_path

        path = vault_path(self.data_dir)
        if self.folder != self.data_dir / DRAFTS_DIR or not path.exists():
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
        self, key: str, data: dict[str, Any], label: str = "", patient_id: str | None = None
    ) -> Path | None:
        """Write the draft (vault, or an owner-only file written atomically).

        Returns where it went, or None when it was not written: the store is encrypted and not
        open, so there is no key to encrypt it with (a plain-text copy would expose it).
        """
        payload = {
            "key": key,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "label": label,
            "patient_id": patient_id,
            "data": data,
        }
        target = self._path(key)
        vault = self._open_vault()
        if vault is not None:
            vault.put(key, json.dumps(payload, ensure_ascii=False))
            target.unlink(missing_ok=True)
            return vault.path
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
        except _vault_errors():
            return None

    def all(self) -> list[Draft]:
        """Every readable draft, newest first."""
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
            log.warning("drafts could not be read: %s", error)
        if not self._store_encrypted() and self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                draft = self.load(path.stem)
                if draft is not None:
                    found.setdefault(draft.key, draft)
        return sorted(found.values(), key=lambda d: d.saved_at, reverse=True)

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        vault = self._vault() if self._vault is not None else None
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
    import sqlite3

    from myeloma_desk.store import WrongPassphraseError

    module = db.sqlcipher_module()
    errors: list[type[BaseException]] = [OSError, sqlite3.Error, WrongPassphraseError]
    if module is not None:
        errors.append(module.Error)
    return tuple(errors)
