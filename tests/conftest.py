"""Test-wide setup: offscreen Qt, and a guard that records any network use."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class NetworkGuard:
    """Records socket connects, DNS look-ups and sends seen by Python's audit hooks."""

    EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.gethostbyname")

    def __init__(self) -> None:
        self.armed = False
        self.attempts: list[tuple[str, Any]] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if self.armed and event in self.EVENTS:
            self.attempts.append((event, args))


_GUARD = NetworkGuard()
sys.addaudithook(_GUARD)  # audit hooks cannot be removed; it only records while armed


@pytest.fixture
def network_guard() -> Iterator[NetworkGuard]:
    """Arm the guard for one test; the test asserts on ``attempts``."""
    _GUARD.attempts.clear()
    _GUARD.armed = True
    try:
        yield _GUARD
    finally:
        _GUARD.armed = False
