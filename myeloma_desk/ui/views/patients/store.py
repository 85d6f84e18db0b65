"""The app's one patient store: opened on first use, checked and backed up in the background,
closed with the window, and locked (closed) by the idle lock when it is encrypted.

Start-up does not grow with the store: the integrity check (``PRAGMA quick_check``, 0.3–0.7 s
at 50,000 patients) runs in a worker after the window is shown. Policy while it runs: reading
goes ahead; a write waits for the check (the store does this itself, see
``Store.run_start_check``); if the check finds damage, nothing is written, the Patients section
says so in a banner, and "Recover from a backup" reopens the store with the check, which moves
the damaged file aside and offers the newest good backup. The start-up backup is taken only
after the check passed, so a damaged file never rotates a good backup away.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from myeloma_desk.store import Store, StoreError
from myeloma_desk.ui.context import AppContext

if TYPE_CHECKING:
    from myeloma_desk.ui.workers import Worker

log = logging.getLogger(__name__)


def store_of(context: AppContext, passphrase: str | None = None) -> Store:
    """The app's one open patient store (opened on first use, closed with the window).

    An encrypted store needs ``passphrase`` the first time (and again after the idle lock).
    """
    store = context.store
    if store is not None and not store.closed:
        return store
    if context.store_closed:
        raise StoreError("The window is closing; the patient store has been closed.")
    from myeloma_desk.store import open_store

    target = context.settings.server_store
    if target:
        # The clinic's server (settings): checked and backed up on the server, not here.
        server = Store.open_server(target, context.paths)
        context.store = server

        def close_server() -> None:
            context.store_closed = True
            server.close()

        context.on_close(close_server)
        return server
    # The integrity check and the start-up backup of a large store take a while: they run in
    # a worker thread on connections of their own (start_check), so the window is not held up.
    # After a failed check the store is opened with the check (it is then moved aside).
    opened = open_store(
        context.paths,
        passphrase,
        backup_on_open=False,
        check_on_open=context.store_check_failed,
    )
    context.store_check_failed = False
    start_check(context, opened)

    def close() -> None:
        context.store_closed = True
        opened.close()

    context.store = opened
    context.on_close(close)
    return opened


def _worker(context: AppContext) -> Worker:
    from myeloma_desk.ui.workers import Worker

    worker = context.backup_worker
    if worker is None:
        worker = Worker()
        worker.failed.connect(lambda _key, text: log.error("start-up job failed: %s", text))
        context.backup_worker = worker
        context.on_close(lambda: worker.wait(60_000), first=True)
    return worker


def start_check(context: AppContext, store: Store) -> None:
    """Run the deferred integrity check off the GUI thread, then the start-up backup;
    ``signals.store_checked`` tells the sections the outcome."""
    if not store.check_pending:
        start_backup(context, store)
        return

    def checked(problem: str | None) -> None:
        if store.closed:
            return
        if problem is None:
            log.info("start-up integrity check passed")
            start_backup(context, store)
        else:
            log.error("start-up integrity check failed: %s", problem)
            context.store_check_failed = True
        context.signals.store_checked.emit(problem)

    _worker(context).submit(store.run_start_check, checked)


def start_backup(context: AppContext, store: Store) -> None:
    """Take the due start-up backup off the GUI thread; the outcome goes to the log."""
    if not store.backup_due:
        return
    _worker(context).submit(
        store.backup_detached, lambda path: log.info("start-up backup %s", path)
    )


def recover_store(context: AppContext) -> None:
    """After a failed background check: close the store and open it again with the check,
    which moves the damaged file aside; the Patients section then offers the newest good
    backup (views/patients/unavailable.py)."""
    store = context.store
    context.store = None
    context.store_check_failed = True  # the next open checks at once (and moves it aside)
    context.set_current_patient(None)
    if store is not None:
        store.close()
    context.rebuild("patients")


def lock_store(context: AppContext) -> bool:
    """Idle lock: close an open *encrypted* store; True if it was locked.

    The passphrase is needed to open it again. An unencrypted store has nothing to lock: a
    closed file that opens without a secret protects nothing, so it stays open.
    """
    store = context.store
    if store is None or store.closed or not store.encrypted:
        return False
    store.close()
    context.store = None
    context.set_current_patient(None)
    return True
