"""Idle lock: after the configured idle time an encrypted patient store is closed.

Any keyboard or mouse input restarts the countdown. When it runs out, the store is closed
(its passphrase is needed to open it again) and the Patients section shows the unlock page.
The interval comes from settings (``idle_lock_minutes``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer

from myeloma_desk.ui.context import AppContext

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleLock(QObject):
    """Application-wide event filter that restarts a single-shot timer on input."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.locked_count = 0
        self.restart()

    def restart(self) -> None:
        """Start the countdown again from the configured idle time."""
        self.timer.start(self.context.settings.idle_lock_minutes * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.restart()
        return False

    def lock(self) -> bool:
        """Close the encrypted store now; rebuild the Patients section to its unlock page."""
        from myeloma_desk.ui.views.patients.store import lock_store

        if not lock_store(self.context):
            self.restart()
            return False
        self.locked_count += 1
        self.context.rebuild("patients")
        return True
