"""UI tests: the app's main window as a fixture, and a model tester's failure fails the test.

``window`` is the main window on a throwaway data folder (``tmp_path``), shown, with its error
dialogs reported instead of shown; a module or test marked ``window_size(width, height)`` gets
it at that size. ``open_window`` opens more windows (on another folder, a second window on the
same folder, or not shown); every window it opened is closed after the test.

pytest-qt's ``qtmodeltester`` uses Qt's QAbstractItemModelTester, which reports what it finds
as Qt warnings ("FAIL! …") and would let the test pass; this makes every such warning, in any
UI test, a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import OpenWindow

from myeloma_desk.ui.main_window import MainWindow


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "window_size(width, height): the size of the ``window`` fixture's window"
    )


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Iterator[OpenWindow]:
    """``open_window(home=tmp_path, size=None, show=True)``: the main window on ``home``."""
    opener = OpenWindow(qtbot, tmp_path)
    yield opener
    opener.close_all()


@pytest.fixture
def window(open_window: OpenWindow, request: pytest.FixtureRequest) -> MainWindow:
    marker = request.node.get_closest_marker("window_size")
    return open_window(size=tuple(marker.args) if marker else None)


@pytest.fixture(autouse=True)
def _model_tester_failures_fail(qtlog: pytest.FixtureDef) -> Iterator[None]:
    yield
    failures = [r.message for r in qtlog.records if "FAIL!" in r.message]  # type: ignore[attr-defined]
    assert not failures, "the model tester found problems:\n" + "\n".join(failures)
