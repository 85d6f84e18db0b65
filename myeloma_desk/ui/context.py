"""What every page may use: paths, settings and the named application services.

The context is typed: the open patient store, the loaded evidence database, the navigation of
the main window, the idle lock and the start-up backup worker each have their own attribute
(no string-keyed dictionary). ``signals.patient_changed`` fires whenever the patient the user
works on changes (opened, switched, closed); every section that shows something about a
patient listens to it and resets or refreshes.

Heavy modules (the store, the evidence database, the views) are imported for type checking
only, so creating a context stays cheap at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Settings, save_settings

if TYPE_CHECKING:
    from myeloma_desk.evidence.loader import Evidence
    from myeloma_desk.store import Store
    from myeloma_desk.ui.idle_lock import IdleLock
    from myeloma_desk.ui.views.visit_form import AssessView
    from myeloma_desk.ui.workers import Worker


class Navigator(Protocol):
    """What the main window offers pages: going to a section and rebuilding one."""

    def navigate(self, key: str, target: str = "") -> QWidget:
        """Show section ``key`` and, if its page can, go to ``target`` (an anchor or id)."""
        ...

    def rebuild_section(self, key: str) -> QWidget:
        """Replace section ``key``'s page with a fresh one (e.g. after unlocking the store)."""
        ...


class ContextSignals(QObject):
    """Application-wide signals (a QObject, so sections can connect to them)."""

    patient_changed = Signal(object)  # the current patient's id (int) or None
    patients_changed = Signal()  # the stored patients changed (a visit saved, lines edited …)
    store_checked = Signal(object)  # the start-up integrity check: None (passed) or the problem


@dataclass
class AppContext:
    """Shared application state handed to page factories."""

    paths: AppPaths
    settings: Settings
    navigator: Navigator | None = None
    store: Store | None = None  # the one open patient store (see ui/views/patients/store.py)
    store_closed: bool = False  # the window is closing: the store is not reopened
    store_check_failed: bool = False  # the background check found damage: check when reopening
    evidence: Evidence | None = None  # loaded in the background by the first page that needs it
    idle_lock: IdleLock | None = None
    backup_worker: Worker | None = None
    close_hooks: list[Callable[[], object]] = field(default_factory=list)
    signals: ContextSignals = field(default_factory=ContextSignals)
    current_patient_id: int | None = None

    def save_settings(self) -> None:
        """Persist the current settings (atomic write)."""
        save_settings(self.paths, self.settings)

    # --- the current patient ---------------------------------------------------------------
    def set_current_patient(self, patient_id: int | None) -> None:
        """The user now works on ``patient_id`` (None: no patient); tells every section."""
        if patient_id == self.current_patient_id:
            return
        self.current_patient_id = patient_id
        self.signals.patient_changed.emit(patient_id)

    # --- navigation ------------------------------------------------------------------------
    def navigate(self, key: str, target: str = "") -> QWidget | None:
        """Show section ``key`` (and ``target`` in it); None without a main window."""
        if self.navigator is None:
            return None
        return self.navigator.navigate(key, target)

    def rebuild(self, key: str) -> QWidget | None:
        """Rebuild section ``key``'s page; None without a main window."""
        if self.navigator is None:
            return None
        return self.navigator.rebuild_section(key)

    def visit_form(self) -> AssessView | None:
        """Show the Assess section and return its visit form (None if it is not built)."""
        from myeloma_desk.ui.views.visit_form import AssessView

        page = self.navigate("assess")
        return page if isinstance(page, AssessView) else None

    # --- closing ---------------------------------------------------------------------------
    def on_close(self, hook: Callable[[], object], *, first: bool = False) -> None:
        """Run ``hook`` when the window closes (``first``: before the hooks already added)."""
        if first:
            self.close_hooks.insert(0, hook)
        else:
            self.close_hooks.append(hook)

    def close(self) -> None:
        """Run the close hooks once (waits for the backup, closes the store …)."""
        hooks, self.close_hooks = self.close_hooks, []
        for hook in hooks:
            hook()
