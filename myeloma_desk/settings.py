"""User settings: a small dataclass stored as JSON in the config folder (no Qt, no pydantic).

Window geometry is Qt's own business and lives in QSettings (see ui/app.py); everything a
report, the CLI or a test may need to read is here, so reading a setting never drags in Qt.
The module is imported at start-up, before the first window is shown: it needs only the
standard library and ``paths`` (validation is a few explicit checks, not a model library).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

from myeloma_desk.paths import AppPaths

SETTINGS_FILE = "settings.json"

Section = Literal["patients", "assess", "regimens", "evidence", "reference", "calculators"]
PageSize = Literal["A4", "Letter"]
SECTIONS: tuple[str, ...] = get_args(Section)
PAGE_SIZES: tuple[str, ...] = get_args(PageSize)
MAX_TEXT = 200
IDLE_LOCK_MINUTES = (1, 24 * 60)
FONT_POINTS = (8, 24)


class SettingsError(ValueError):
    """A setting with a value it cannot take (the message says which and why)."""


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise SettingsError(f"{name} must be text of at most {MAX_TEXT} characters")
    return value


def _whole(name: str, value: object, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}")
    return value


def _choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}")
    return str(value)


def _no_password(address: str) -> str:
    """Refuse a server address that carries a password (``password=`` or ``user:pw@``)."""
    if re.search(r"password\s*=|://[^/@\s]*:[^/@\s]*@", address, re.IGNORECASE):
        raise SettingsError(
            "server_store must not contain a password: PostgreSQL reads it from the password "
            "file (~/.pgpass) or the service file"
        )
    return address


@dataclass
class Settings:
    """Everything the user can set; unknown keys from newer versions are ignored."""

    last_section: Section = "patients"
    clinician: str = ""
    institution: str = ""
    page_size: PageSize = "A4"
    idle_lock_minutes: int = 15
    reference_font_points: int = 11
    # The clinic's PostgreSQL store (a libpq service name or a postgresql:// address, never
    # with a password: libpq reads that from ~/.pgpass or the service file); "" = this
    # computer's own store.
    server_store: str = ""

    def __post_init__(self) -> None:
        _choice("last_section", self.last_section, SECTIONS)
        _text("clinician", self.clinician)
        _text("institution", self.institution)
        _choice("page_size", self.page_size, PAGE_SIZES)
        _whole("idle_lock_minutes", self.idle_lock_minutes, IDLE_LOCK_MINUTES)
        _whole("reference_font_points", self.reference_font_points, FONT_POINTS)
        _no_password(_text("server_store", self.server_store))

    @classmethod
    def from_json(cls, raw: Any) -> Settings:
        """Settings from parsed JSON: known keys only; a wrong value raises SettingsError."""
        if not isinstance(raw, dict):
            raise SettingsError("the settings file must hold a JSON object")
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in raw.items() if key in known})

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


def load_settings(paths: AppPaths) -> Settings:
    """Read settings; a missing or unreadable file gives defaults (and is left untouched)."""
    path = paths.config / SETTINGS_FILE
    try:
        return Settings.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):  # SettingsError and bad JSON are ValueErrors
        return Settings()


def save_settings(paths: AppPaths, settings: Settings) -> None:
    """Write settings atomically (temporary file, fsync, rename) with owner-only permissions,
    through the app's one atomic write (store/db.py; imported here, not at start-up)."""
    from myeloma_desk.store.db import write_private_text

    paths.ensure()
    write_private_text(paths.config / SETTINGS_FILE, settings.to_json() + "\n")
