"""Test-wide setup: offscreen Qt, and a guard that records any network use."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests: no per-example deadline (CI shares 2 cores; a slow example is not a bug).
# In CI the examples are derandomized, so a red run can be reproduced exactly; on a
# developer's machine they stay random and keep exploring.
settings.register_profile(
    "myeloma-desk",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
    print_blob=True,
)
settings.load_profile("myeloma-desk")


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
