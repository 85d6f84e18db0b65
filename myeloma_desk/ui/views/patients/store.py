"""The app's one patient store: opened on first use, backed up in the background, closed with
the window, and locked (closed) by the idle lock when it is encrypted."""

from __future__ import annotations

import logging

from myeloma_desk.store import Store, StoreError
from myeloma_desk.ui.context import AppContext

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

    # The start-up backup of a large store takes a while: it runs in a worker thread on a
    # connection of its own (see start_backup), so opening the window is not held up.
    opened = open_store(context.paths, passphrase, backup_on_open=False)
    start_backup(context, opened)

    def close() -> None:
        context.store_closed = True
        opened.close()

    context.store = opened
    context.on_close(close)
    return opened


def start_backup(context: AppContext, store: Store) -> None:
    """Take the due start-up backup off the GUI thread; the outcome goes to the log."""
    if not store.backup_due:
        return
    from myeloma_desk.ui.workers import Worker

    worker = context.backup_worker
    if worker is None:
        worker = Worker()
        context.backup_worker = worker
        context.on_close(lambda: worker.wait(60_000), first=True)
    worker.failed.connect(lambda _key, text: log.error("start-up backup failed: %s", text))
    worker.submit(store.backup_detached, lambda path: log.info("start-up backup %s", path))


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
