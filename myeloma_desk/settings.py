"""User settings as a pydantic model stored as JSON in the config folder (no Qt).

Window geometry is Qt's own business and lives in QSettings (see ui/app.py); everything a
report, the CLI or a test may need to read is here, so reading a setting never drags in Qt.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from myeloma_desk.paths import AppPaths, restrict_file

SETTINGS_FILE = "settings.json"

Section = Literal["patients", "assess", "regimens", "evidence", "reference", "calculators"]


class Settings(BaseModel):
    """Everything the user can set; unknown keys from newer versions are ignored."""

    model_config = ConfigDict(extra="ignore")

    last_section: Section = "patients"
    clinician: str = Field(default="", max_length=200)
    institution: str = Field(default="", max_length=200)
    page_size: Literal["A4", "Letter"] = "A4"
    idle_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    reference_font_points: int = Field(default=11, ge=8, le=24)


def load_settings(paths: AppPaths) -> Settings:
    """Read settings; a missing or unreadable file gives defaults (and is left untouched)."""
    path = paths.config / SETTINGS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Settings.model_validate(raw)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, ValidationError):
        return Settings()


def save_settings(paths: AppPaths, settings: Settings) -> None:
    """Write settings atomically (temp file, fsync, rename) with owner-only permissions."""
    paths.ensure()
    target = paths.config / SETTINGS_FILE
    fd, tmp_name = tempfile.mkstemp(prefix=".settings-", dir=paths.config)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(settings.model_dump_json(indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        restrict_file(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
