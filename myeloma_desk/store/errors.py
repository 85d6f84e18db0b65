"""Errors the store raises: each says what happened and what the user can do next."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class of every store error; ``str(error)`` is a message for the user."""


class StoreLockedError(StoreError):
    """Another Myeloma Desk (or another process) has this store open."""

    def __init__(self, lock_path: Path, pid: int | None) -> None:
        self.lock_path = lock_path
        self.pid = pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"The patient store is already open in another Myeloma Desk window ({who}). "
            "Close that window first; two programs writing one store is not allowed. "
            f"(lock file: {lock_path})"
        )


class StoreDamagedError(StoreError):
    """The start-up integrity check, run in the background after the window opened
    (``Store.open(check_on_open=False)``), found damage: nothing is written to the store."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"The patient store failed its start-up integrity check ({problem}). Nothing is "
            "saved until it is recovered: in Patients, choose \u201cRecover from a backup\u201d."
        )


def _restore_offer(newest_backup: Path | None, none_found: str) -> str:
    """The sentence offering the newest good backup (and the command that restores it)."""
    if newest_backup is None:
        return none_found
    return (
        f"The newest good backup is {newest_backup}; restore it with "
        f"`myeloma-desk patients restore {newest_backup}`."
    )


class StoreCorruptError(StoreError):
    """The database failed its integrity check; it was moved aside, never overwritten."""

    def __init__(self, moved_to: Path, problem: str, newest_backup: Path | None) -> None:
        self.moved_to = moved_to
        self.problem = problem
        self.newest_backup = newest_backup
        offer = _restore_offer(newest_backup, "No good backup was found.")
        super().__init__(
            f"The patient store failed its integrity check ({problem}). The damaged file was "
            f"moved to {moved_to} and left untouched. {offer}"
        )


class StoreUnavailableError(StoreError):
    """The store could not be read for a reason other than damage (no space left, an I/O
    error, a permission): nothing was moved, replaced or written."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(
            f"The patient store {path} cannot be read right now ({problem}). It was not moved "
            "or changed, and nothing will be written to it. Free disk space or fix the "
            "folder's permissions, then open Myeloma Desk again."
        )


class StoreMissingError(StoreCorruptError):
    """The store file is missing or empty while backups of it exist: no new, empty store is
    created in its place; the newest good backup is offered every time until it is restored."""

    def __init__(self, path: Path, problem: str, newest_backup: Path | None) -> None:
        self.moved_to = path
        self.problem = problem
        self.newest_backup = newest_backup
        offer = _restore_offer(
            newest_backup,
            "No good backup was found: the backups are in the store's backups folder.",
        )
        StoreError.__init__(
            self,
            f"The patient store {path} is {problem}, but backups of it exist. No new, empty "
            f"store was created in its place. {offer} To start an empty store on purpose, "
            "move the backups folder elsewhere first.",
        )


class PassphraseRequiredError(StoreError):
    """The store is encrypted and no passphrase was given."""

    def __init__(self, *, meta_missing: bool = False) -> None:
        self.meta_missing = meta_missing
        message = "The patient store is encrypted: enter its passphrase to open it."
        if meta_missing:
            # An encrypted file and a damaged one both read as random bytes; the sidecar that
            # tells them apart (patients.meta.json) is gone and no backup says the store is plain.
            message = (
                "The patient store reads as encrypted, but its description file "
                "(patients.meta.json) is missing, so it may instead be damaged. If it is "
                "encrypted, enter its passphrase. If it was never encrypted, the file is "
                "damaged: it was left untouched; restore a backup with "
                "`myeloma-desk patients restore FILE`."
            )
        super().__init__(message)


class WrongPassphraseError(StoreError):
    """The passphrase does not open the store; nothing was changed."""

    def __init__(self) -> None:
        super().__init__(
            "The passphrase is not correct (or the encrypted file is damaged). "
            "Nothing was changed; try again."
        )


class EncryptionUnavailableError(StoreError):
    """Encryption was asked for but SQLCipher is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Encryption needs SQLCipher, which is not installed. Install it with "
            "`pip install 'myeloma-desk[encryption]'` (package sqlcipher3-binary)."
        )


class NotFoundError(StoreError):
    """A patient, visit or other record does not exist."""


class ConflictError(StoreError):
    """The change conflicts with a record that already exists (e.g. a second visit that day)."""


class BackupError(StoreError):
    """A backup file cannot be used (damaged, not a Myeloma Desk store, or newer schema)."""


class DamagedRecordError(StoreError):
    """A stored record (a visit, a therapy line) cannot be read back: its content is damaged.

    Raised instead of skipping the record, which would silently change what the engine sees."""

    def __init__(self, what: str, problem: str) -> None:
        self.what = what
        self.problem = problem
        super().__init__(
            f"{what} cannot be read: the stored record is damaged ({problem}). Nothing was "
            "changed. `myeloma-desk patients verify` lists every damaged record; restore a "
            "backup (`myeloma-desk patients restore FILE`) to recover it."
        )


class StaleRecordError(ConflictError):
    """A save based on an older version of a record than the one now stored.

    Someone else (another workstation on a clinic server) saved the record after this copy
    was read; nothing was overwritten. ``mine`` is what was being saved, ``theirs`` the record
    as it is stored now (for a dialog that shows both), ``by`` who saved it, when known.
    """

    def __init__(
        self, what: str, expected: int, found: int, mine: object, theirs: object, by: str | None
    ) -> None:
        self.what = what
        self.expected = expected
        self.found = found
        self.mine = mine
        self.theirs = theirs
        self.by = by
        who = f" by {by}" if by else ""
        super().__init__(
            f"{what[:1].upper()}{what[1:]} was changed{who} after you opened it (you started "
            f"from version {expected}, it is now version {found}). Nothing was overwritten: "
            "review their version, then save yours again if it should replace it."
        )
