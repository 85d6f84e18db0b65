"""Background work: run a callable on Qt's thread pool and get its result back as a signal.

The idea is Anki's ``CollectionOp`` made small. The callable runs on a pool thread and must not
touch widgets; its result (or error text) is delivered on the GUI thread through a queued
signal. ``submit(key=...)`` keeps only the newest job per key, so a search box typing fast shows
the result of the last query, never a stale one that happened to finish later.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; the pool thread emits on it, Qt queues the call across."""

    done = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, number: int, function: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.number = number
        self.function = function
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:  # pool thread: no widget access here
        try:
            result = self.function()
        except Exception as error:  # reported to the GUI thread, never swallowed
            log.error("Background job failed\n%s", traceback.format_exc())
            self._emit(self.relay.failed, f"{type(error).__name__}: {error}")
        else:
            self._emit(self.relay.done, result)

    def _emit(self, signal: Any, payload: object) -> None:
        # The page that asked may have been closed while the job ran; its result is then
        # dropped (Qt deletes the relay with its worker).
        if not shiboken6.isValid(self.relay):
            return
        try:
            signal.emit(self.number, payload)
        except RuntimeError:  # deleted between the check and the emit
            log.debug("result of job %s dropped: its page is gone", self.number)


class Worker(QObject):
    """Submits jobs to a thread pool; ``finished``/``failed`` fire on the GUI thread."""

    finished = Signal(str, object)  # key, result
    failed = Signal(str, str)  # key, error text

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._next = 0
        self._latest: dict[str, int] = {}
        self._callbacks: dict[int, tuple[str, Callable[[Any], None] | None]] = {}

    def submit(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        key: str = "",
    ) -> int:
        """Run ``function`` off the GUI thread; ``on_done(result)`` runs on the GUI thread.

        Jobs that share a non-empty ``key`` supersede each other: only the newest one's result
        is delivered.
        """
        self._next += 1
        number = self._next
        if key:
            self._latest[key] = number
        self._callbacks[number] = (key, on_done)
        self._pool.start(_Job(number, function, self._relay))
        return number

    def pending(self) -> int:
        """Jobs submitted whose result has not come back yet."""
        return len(self._callbacks)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (tests and shutdown only)."""
        return bool(self._pool.waitForDone(msecs))

    def _take(self, number: int) -> tuple[str, Callable[[Any], None] | None, bool]:
        key, callback = self._callbacks.pop(number, ("", None))
        current = not key or self._latest.get(key) == number
        return key, callback, current

    def _on_done(self, number: int, result: object) -> None:
        key, callback, current = self._take(number)
        if not current:
            return
        if callback is not None:
            callback(result)
        self.finished.emit(key, result)

    def _on_failed(self, number: int, message: str) -> None:
        key, _callback, current = self._take(number)
        if current:
            self.failed.emit(key, message)
