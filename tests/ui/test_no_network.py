"""The app opens no network connection during start-up, navigation and use."""

from __future__ import annotations

import socket

import pytest
from pytestqt.qtbot import QtBot

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.reference_view import ReferenceView


def test_guard_sees_a_connection_attempt(network_guard) -> None:  # type: ignore[no-untyped-def]
    """Control: the guard really records a connect (so the next test can fail)."""
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", 9), timeout=0.2):
        pass
    assert any(event == "socket.connect" for event, _ in network_guard.attempts)


def test_startup_and_navigation_open_no_connection(
    network_guard,  # type: ignore[no-untyped-def]
    window: MainWindow,
    qtbot: QtBot,
) -> None:
    for index in range(len(window.section_keys())):
        window.show_section(index)
        qtbot.wait(10)
    view = window.show_section_key("reference")
    assert isinstance(view, ReferenceView)
    view.find_text("daratumumab", backwards=False)
    window.close()
    assert network_guard.attempts == []
