"""The one platformdirs wrapper: where Myeloma Desk keeps data, config, logs and cache.

Every path the app writes goes through :class:`AppPaths`. ``--data-dir`` (or the environment
variable ``MYELOMA_DESK_HOME``) puts everything under one folder, which tests, the smoke test
and portable installs use so they never touch the real profile.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from myeloma_desk import APP_ID

ENV_HOME = "MYELOMA_DESK_HOME"

# Owner-only: patient data must not be readable by other accounts on a shared workstation.
DIR_MODE = 0o700
FILE_MODE = 0o600


@dataclass(frozen=True)
class AppPaths:
    """Resolved locations; call :meth:`ensure` before writing."""

    data: Path
    config: Path
    logs: Path
    cache: Path

    @classmethod
    def resolve(cls, base: str | os.PathLike[str] | None = None) -> AppPaths:
        """Paths under ``base`` (or ``$MYELOMA_DESK_HOME``), else the platform's user dirs."""
        chosen = base if base is not None else os.environ.get(ENV_HOME) or None
        if chosen is not None:
            root = Path(chosen).expanduser().resolve()
            return cls(root / "data", root / "config", root / "logs", root / "cache")
        dirs = platformdirs.PlatformDirs(appname=APP_ID, appauthor=False)
        return cls(
            Path(dirs.user_data_dir),
            Path(dirs.user_config_dir),
            Path(dirs.user_log_dir),
            Path(dirs.user_cache_dir),
        )

    def ensure(self) -> AppPaths:
        """Create every folder with owner-only permissions (POSIX) and return self."""
        for folder in (self.data, self.config, self.logs, self.cache):
            make_private_dir(folder)
        return self


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) and restrict it to its owner on POSIX."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        current = stat.S_IMODE(folder.stat().st_mode)
        if current != DIR_MODE:
            folder.chmod(DIR_MODE)


def restrict_file(path: Path) -> None:
    """Make an existing file owner read/write only (POSIX); a no-op elsewhere."""
    if os.name == "posix" and path.exists():
        path.chmod(FILE_MODE)
