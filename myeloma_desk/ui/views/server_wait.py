"""While the clinic server cannot be reached: keep what is being typed as a local draft and
save it as soon as the server answers again.

The visit form's save (through the patient page), the patient editor's and the therapy-lines
editor's fail with :class:`~myeloma_desk.store.server.ServerUnavailableError`;
:func:`hold_until_back` then writes the form to its draft at once (in the workstation's data
folder, as every draft; when this computer's own store is encrypted, encrypted with its
passphrase, asked for once a session by views/draft_passphrase.py), says so plainly, and asks
the server every few seconds, in a worker thread on a connection of its own (so the window
never waits for a network timeout), whether it answers. When it does, the form is saved
through its usual save — with the version it was read at, so a change someone else saved in
the meantime opens the conflict dialog instead of being overwritten. Showing another record
in the form, or discarding the changes, stops the wait (the draft stays and is offered back).

A form that can be held (:class:`HeldForm`) has ``drafts``, ``draft_key``,
``has_unsaved_changes()``, ``save_draft()``, ``save()`` (true when saved) and a ``status``
label the outcome is shown on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from myeloma_desk.store.server import CommitUncertainError, ServerUnavailableError
from myeloma_desk.ui.views.draft_passphrase import ask_draft_passphrase
from myeloma_desk.ui.views.drafts import session_key_generation
from myeloma_desk.ui.workers import Worker

if TYPE_CHECKING:
    from myeloma_desk.ui.views.drafts import DraftStore


class _Status(Protocol):
    def setText(self, text: str) -> None: ...  # Qt's name


class HeldForm(Protocol):
    """What a form offers to be held while the server is away (see the module docstring)."""

    @property
    def drafts(self) -> DraftStore | None: ...

    @property
    def draft_key(self) -> str: ...

    @property
    def status(self) -> _Status: ...

    def has_unsaved_changes(self) -> bool: ...

    def save_draft(self) -> None: ...

    def save(self) -> object: ...


RETRY_MS = 5_000  # how often the server is asked again

KEPT = (
    "{what} is kept as a draft on this computer and is saved as soon as the server "
    "answers again (it is asked every few seconds)."
)
IN_FORM = (
    "{what} stays in this form only and is saved as soon as the server answers again; the "
    "draft was not kept, because this computer's store passphrase was not entered (a draft is "
    "never written in plain text beside an encrypted store)."
)
BACK = "Saved: the clinic server answers again."
# A save whose commit is uncertain (store/server.py CommitUncertainError: the connection was
# lost while the server committed it, so it was written whole or not at all, unknown which).
# The held save then goes with the version the form was read at: if the first save was in fact
# written, that version check opens the conflict dialog (both versions shown), never a second
# copy; if it was not, the save simply goes through.
UNCERTAIN_OPENING = "The connection to the server was lost while saving."
UNCERTAIN = (
    UNCERTAIN_OPENING + " {record} may have been saved; {kept} and will be checked against "
    "the server when it answers."
)
UNCERTAIN_KEPT = "it is kept here as a draft"
UNCERTAIN_IN_FORM = (
    "it stays in this form only (the draft was not kept, because this computer's store "
    "passphrase was not entered)"
)


def kept_where(view: HeldForm, what: str = "Your visit") -> str:
    """What the form says about the held edit: kept as a draft, or (no key to encrypt a
    draft with) only in the form."""
    drafts = view.drafts
    kept = drafts is not None and drafts.load(view.draft_key) is not None
    return (KEPT if kept else IN_FORM).format(what=what)


def uncertain(error: BaseException) -> bool:
    """True when the save may have been written (the connection was lost during its commit)."""
    return isinstance(error, CommitUncertainError)


def held_message(
    error: ServerUnavailableError, view: HeldForm, what: str = "Your visit", record: str = ""
) -> str:
    """What the form says once its save is held: the server cannot be reached and the edit is
    kept, or (the commit uncertain) ``record`` ("The visit") may have been saved, is kept as a
    draft and will be checked against the server when it answers."""
    if not uncertain(error):
        return f"{error} {kept_where(view, what)}"
    drafts = view.drafts
    kept = drafts is not None and drafts.load(view.draft_key) is not None
    return UNCERTAIN.format(
        record=record or "The visit", kept=UNCERTAIN_KEPT if kept else UNCERTAIN_IN_FORM
    )


def maybe_saved(message: str) -> bool:
    """True when a form's message is the uncertain-commit one (not to be called "Not saved")."""
    return message.startswith(UNCERTAIN_OPENING)


class ServerWait(QObject):
    """One form's pending save (a child of the form; see the module docstring)."""

    def __init__(self, view: HeldForm, reachable: Callable[[], bool]) -> None:
        assert isinstance(view, QWidget)
        super().__init__(view)
        self.view = view
        self.reachable = reachable
        self.key = view.draft_key
        self.interval = RETRY_MS
        self.attempts = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._ask)
        self._worker = Worker(self)
        self._asking = False
        self._retrying = False
        # the passphrase was asked for this draft once (and not dropped since: idle lock …)
        self._asked_key: tuple[str, int] | None = None

    @property
    def waiting(self) -> bool:
        return self._timer.isActive() or self._asking

    def start(self, reachable: Callable[[], bool]) -> None:
        self.reachable = reachable
        self.key = self.view.draft_key
        drafts = self.view.drafts
        asked = (self.key, session_key_generation())
        if (
            drafts is not None
            and not self._retrying
            and self._asked_key != asked
            and drafts.needs_passphrase()
        ):
            # once per held visit: a retry that fails again does not ask again; the clinician's
            # next save does when the passphrase was dropped meanwhile (idle lock, store switch)
            self._asked_key = asked
            assert isinstance(self.view, QWidget)
            ask_draft_passphrase(drafts, self.view)
        self.view.save_draft()
        if not self.waiting:
            self._timer.start(self.interval)

    def stop(self) -> None:
        self._timer.stop()

    def _still_pending(self) -> bool:
        view = self.view
        return view.draft_key == self.key and view.has_unsaved_changes()

    def _ask(self) -> None:
        if not self._still_pending():
            return
        self._asking = True
        self.attempts += 1
        self._worker.submit(self.reachable, self._answered, key="server")

    def _answered(self, answers: object) -> None:
        self._asking = False
        if not self._still_pending():
            return
        self._retrying = True  # a save that fails again never opens the passphrase dialog
        try:
            saved = bool(answers) and self.view.save()
        finally:
            self._retrying = False
        if saved:
            self.view.status.setText(BACK)
            return
        if self._still_pending() and not self._timer.isActive():
            self._timer.start(self.interval)  # still away (or refused again): ask later


def hold_until_back(view: HeldForm, reachable: Callable[[], bool]) -> ServerWait:
    """Keep ``view``'s edit as a draft and save it when ``reachable()`` says the server is back."""
    assert isinstance(view, QWidget)
    wait = view.findChild(ServerWait)
    if not isinstance(wait, ServerWait):
        wait = ServerWait(view, reachable)
    wait.start(reachable)
    return wait
