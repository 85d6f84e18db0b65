"""Autosaved drafts of unsaved visit forms: JSON files in ``<data>/drafts``, owner-only.

A draft is written (atomically) a moment after each change and removed when the visit is saved
or discarded, so a draft that is still there at start-up is work a crash or power cut
interrupted; the Assess section offers it back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from myeloma_desk.paths import make_private_dir, restrict_file

DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class Draft:
    """One saved draft: its key, when it was saved, what it is about, and the form data."""

    key: str
    saved_at: str
    label: str
    data: dict[str, Any]
    patient_id: str | None = None


class DraftStore:
    """Drafts in one folder; file names come from the key (letters, digits, - and _ only)."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / DRAFTS_DIR

    def _path(self, key: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", key):
            raise ValueError(f"bad draft key {key!r}")
        return self.folder / f"{key}.json"

    def save(
        self, key: str, data: dict[str, Any], label: str = "", patient_id: str | None = None
    ) -> Path:
        """Write the draft atomically with owner-only permissions."""
        make_private_dir(self.folder)
        payload = {
            "key": key,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "label": label,
            "patient_id": patient_id,
            "data": data,
        }
        target = self._path(key)
        fd, tmp_name = tempfile.mkstemp(prefix=".draft-", dir=self.folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            restrict_file(tmp)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        return target

    def load(self, key: str) -> Draft | None:
        """The draft with ``key``, or None (an unreadable file counts as none)."""
        try:
            raw = json.loads(self._path(key).read_text(encoding="utf-8"))
            return Draft(
                key=str(raw["key"]),
                saved_at=str(raw["saved_at"]),
                label=str(raw.get("label", "")),
                data=dict(raw["data"]),
                patient_id=raw.get("patient_id"),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def all(self) -> list[Draft]:
        """Every readable draft, newest first."""
        if not self.folder.is_dir():
            return []
        found = [self.load(p.stem) for p in self.folder.glob("*.json")]
        drafts = [d for d in found if d is not None]
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
