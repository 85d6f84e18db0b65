"""The Qt binding keeps Python's reference counts right (PySide6 6.12.0 on Python 3.11 does not:
every call of a method returning nothing drops a reference to None until the interpreter
aborts with "none_dealloc"). pyproject.toml excludes that version; this test guards it."""

from __future__ import annotations

import sys

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(200):
        label.clear()
        label.setVisible(False)
    assert abs(sys.getrefcount(None) - before) < 50  # a leak would show as -400
