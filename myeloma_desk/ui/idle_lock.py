"""Idle lock: after the configured idle time an encrypted patient store is closed.

Any keyboard or mouse input restarts the countdown. When it runs out, the store is closed
(its passphrase is needed to open it again) and the Patients section shows the unlock page.
This computer's store passphrase kept in memory for a clinic server's drafts
(views/drafts.py) is dropped too, so a locked workstation keeps no key: the next draft asks
for it again. The interval comes from settings (``idle_lock_minutes``).
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
        """Drop the server drafts' passphrase and close the encrypted store now (the Patients
        section is rebuilt to its unlock page); True if a store or a passphrase was locked."""
        from myeloma_desk.ui.views.drafts import forget_session_key
        from myeloma_desk.ui.views.patients.store import lock_store

        forgot = forget_session_key(self.context.paths.data)
        if not lock_store(self.context):
            self.restart()  # a plain or server store stays open: the countdown goes on
            if forgot:
                self.locked_count += 1
            return forgot
        self.locked_count += 1
        self.context.rebuild("patients")
        return True
