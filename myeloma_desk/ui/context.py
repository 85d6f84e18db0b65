"""What every page may use: paths and settings (and later the store and evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Settings, save_settings


@dataclass
class AppContext:
    """Shared application state handed to page factories."""

    paths: AppPaths
    settings: Settings
    services: dict[str, Any] = field(default_factory=dict)

    def save_settings(self) -> None:
        """Persist the current settings (atomic write)."""
        save_settings(self.paths, self.settings)
