"""Application start-up: QApplication, main window, logging and the error handler."""

from __future__ import annotations


def run_gui(data_dir: str | None = None, check_start: bool = False) -> int:
    """Open the main window and run the event loop; returns the exit code."""
    raise NotImplementedError("the main window lands in the next commit")
