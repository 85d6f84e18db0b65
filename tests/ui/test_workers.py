"""The background worker: results arrive on the GUI thread, stale keyed results are dropped."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QThread

from myeloma_desk.ui.workers import Worker


def test_result_arrives_on_gui_thread(qtbot: QtBot) -> None:
    worker = Worker()
    seen: dict[str, object] = {}
    gui = QThread.currentThread()

    def job() -> int:
        seen["job_thread"] = threading.current_thread().name
        return 6 * 7

    def done(result: object) -> None:
        seen["result"] = result
        seen["on_gui"] = QThread.currentThread() is gui

    with qtbot.waitSignal(worker.finished, timeout=3000) as blocker:
        worker.submit(job, done)
    assert blocker.args == ["", 42]
    assert seen["result"] == 42 and seen["on_gui"] is True
    assert seen["job_thread"] != threading.main_thread().name


def test_newest_job_per_key_wins(qtbot: QtBot) -> None:
    worker = Worker()
    got: list[object] = []

    def slow() -> str:
        time.sleep(0.2)
        return "old"

    worker.submit(slow, got.append, key="search")
    worker.submit(lambda: "new", got.append, key="search")
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=3000)
    assert got == ["new"]


def test_failure_is_reported(qtbot: QtBot) -> None:
    worker = Worker()

    def broken() -> None:
        raise ValueError("bad input")

    with qtbot.waitSignal(worker.failed, timeout=3000) as blocker:
        worker.submit(broken, key="k")
    assert blocker.args == ["k", "ValueError: bad input"]


def test_result_of_a_closed_page_is_dropped(qtbot: QtBot) -> None:
    from PySide6.QtCore import QThreadPool

    worker = Worker()
    got: list[object] = []

    def slow() -> str:
        time.sleep(0.2)
        return "late"

    worker.submit(slow, got.append)
    worker.deleteLater()  # the page closes while the job runs
    qtbot.wait(50)
    assert QThreadPool.globalInstance().waitForDone(3000)
    qtbot.wait(50)
    assert got == []
