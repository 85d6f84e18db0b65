"""Logging setup: a rotating log file in the platform's log folder (no Qt)."""

from __future__ import annotations

import logging
import logging.handlers

from myeloma_desk.paths import AppPaths, restrict_file

LOG_FILE = "myeloma-desk.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(paths: AppPaths, level: int = logging.INFO) -> logging.Handler:
    """Attach a rotating file handler (1 MB x 5) to the root logger and return it."""
    paths.ensure()
    path = paths.logs / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(level)
    restrict_file(path)
    return handler
