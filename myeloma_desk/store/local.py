"""The local (SQLite / SQLCipher) store's files: opening, migration, backups, restore,
encryption and the audit checks that need the files beside the database.

:class:`LocalFiles` holds the open connection, the instance lock and the passphrase of one
local store; the :class:`~myeloma_desk.store.repository.Store` facade delegates to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from myeloma_desk.paths import AppPaths, restrict_file
from myeloma_desk.store import audit, db, drafts
from myeloma_desk.store.errors import (
    BackupError,
    EncryptionUnavailableError,
    PassphraseRequiredError,
    StoreCorruptError,
    StoreError,
    StoreMissingError,
    StoreUnavailableError,
    WrongPassphraseError,
)
from myeloma_desk.store.migrations import LATEST, SchemaTooNewError, migrate, schema_version

Clock = Callable[[], dt.datetime]
REKEY_STATE_NAME = "patients.rekey.json"  # an encrypt / change of passphrase under way
REKEY_SUFFIX = db.REKEY_SUFFIX
# Logs an event through the store's audit repository: (action, patient id, detail).
RecordEvent = Callable[[str, "int | None", "dict[str, Any] | None"], audit.AuditEvent]


WalLoss = tuple[db.WalDamage, Path]  # what a damaged WAL lost, and where it was kept


def connect_local(
    paths: AppPaths, passphrase: str | None, clock: Clock, allow_new: bool
) -> tuple[Any, db.InstanceLock, bool, bool, WalLoss | None]:
    """Lock, check and connect to the store under ``paths.data``.

    Returns ``(connection, lock, new, unchanged_since_backup, wal_loss)``; on any error the
    lock is released and nothing is left open. See :meth:`Store.open` for what is raised.
    """
    if passphrase is not None and not passphrase.strip():
        # "" or spaces is never a passphrase: refused the same way for new and old stores.
        raise StoreError("A passphrase that is empty or only spaces is not a passphrase.")
    paths.ensure()
    data = paths.data
    db_path = data / db.DB_NAME
    meta_path = data / db.META_NAME
    lock = db.InstanceLock(data / db.LOCK_NAME)
    lock.acquire()
    connection: Any = None
    try:
        # Leftovers of an atomic write or a backup that was interrupted (kill, disk full).
        db.remove_stale_temp_files(data)
        db.remove_stale_temp_files(data / db.BACKUP_DIR)
        try:
            missing = not db_path.exists()
            new = missing or db_path.stat().st_size == 0
        except OSError as error:
            raise StoreUnavailableError(db_path, error.strerror or str(error)) from None
        if new and not allow_new:
            # A store that vanished or became 0 bytes while backups exist is never
            # silently replaced by an empty one (its backups would rotate away).
            backups = db.list_backups(data / db.BACKUP_DIR)
            if backups:
                newest = db.newest_good_backup(data / db.BACKUP_DIR, passphrase, LATEST)
                raise StoreMissingError(
                    db_path, "missing" if missing else "empty (0 bytes)", newest
                )
        unchanged = not new and db.unchanged_since_backup(db_path, data / db.BACKUP_DIR)
        meta = _checked_meta(meta_path, db_path, new, passphrase, clock)
        # A damaged WAL is kept aside, byte for byte, before SQLite's recovery reads it.
        damage = None if new else db.wal_damage(db_path)
        wal_loss: WalLoss | None = None
        if damage is not None:
            wal_loss = (damage, db.keep_aside_copy(db_path, data / db.CORRUPT_DIR, clock()))
        connection = db.connect(db_path, passphrase if meta.encrypted else None)
        if not new:
            try:
                problem = db.quick_check(connection)
            except StoreUnavailableError as error:
                raise StoreUnavailableError(db_path, error.problem) from None
            if problem is not None:
                connection.close()
                connection = None
                moved = db.move_aside(db_path, data / db.CORRUPT_DIR, clock())
                newest = db.newest_good_backup(data / db.BACKUP_DIR, passphrase, LATEST)
                raise StoreCorruptError(moved, problem, newest)
        found = schema_version(connection)
        if found > LATEST:
            raise StoreError(
                f"This patient store has schema version {found}, newer than this Myeloma "
                f"Desk understands ({LATEST}); update Myeloma Desk to open it. "
                "The file was not changed."
            )
        db.configure(connection)
        return connection, lock, new, unchanged, wal_loss
    except BaseException:
        if connection is not None:
            connection.close()
        lock.release()
        raise


def _checked_meta(
    meta_path: Path, db_path: Path, new: bool, passphrase: str | None, clock: Clock
) -> db.StoreMeta:
    """The sidecar, written for a new store and corrected to what the file header says."""
    meta = db.StoreMeta.read(meta_path)
    if new:
        if passphrase is not None and not db.encryption_available():
            raise EncryptionUnavailableError()
        db.create_private_file(db_path)
        meta = db.StoreMeta(passphrase is not None, clock().isoformat())
        meta.write(meta_path)
        return meta
    encrypted = db.is_encrypted(db_path, meta, db_path.parent / db.BACKUP_DIR)
    if encrypted and passphrase is None:
        raise PassphraseRequiredError(meta_missing=meta is None)
    if not encrypted and passphrase is not None:
        raise StoreError("This patient store is not encrypted: open it without a passphrase.")
    if meta is None or meta.encrypted != encrypted:
        meta = db.StoreMeta(encrypted, meta.created if meta else clock().isoformat())
        meta.write(meta_path)
    return meta


class LocalFiles:
    """One open local store: its connection, lock, passphrase and the files beside it."""

    def __init__(
        self,
        paths: AppPaths,
        connection: Any,
        lock: db.InstanceLock,
        passphrase: str | None,
        clock: Clock,
        keep_backups: int,
    ) -> None:
        self.paths = paths
        self.conn: Any = connection
        self.lock = lock
        self.passphrase = passphrase
        self.clock = clock
        self.keep_backups = keep_backups
        self.record_event: RecordEvent | None = None  # set by the facade
        self.is_empty: Callable[[], bool] = lambda: True  # set by the facade

    @property
    def connection(self) -> Any:
        if self.conn is None:
            raise StoreError("the patient store is closed (locked); open it again")
        return self.conn

    def database_errors(self) -> tuple[type[BaseException], ...]:
        return db.database_errors(self.conn)

    @property
    def db_path(self) -> Path:
        return self.paths.data / db.DB_NAME

    @property
    def backup_dir(self) -> Path:
        return self.paths.data / db.BACKUP_DIR

    def _record(
        self, action: str, pid: int | None = None, detail: dict[str, Any] | None = None
    ) -> None:
        assert self.record_event is not None
        self.record_event(action, pid, detail)

    def restrict_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            restrict_file(Path(str(self.db_path) + suffix))

    # --- migration and closing ----------------------------------------------------------------

    def migrate(self) -> None:
        try:
            version = schema_version(self.connection)
            saved: Path | None = None
            if 0 < version < LATEST and not self.is_empty():
                saved = self.backup(reason=f"before-migration-from-v{version}")
            with db.transaction(self.connection):
                applied = migrate(self.connection)
                if applied and version > 0:
                    audit.append(
                        self.connection,
                        self.clock().isoformat(timespec="microseconds"),
                        "change",
                        None,
                        {
                            "what": "schema",
                            "from": version,
                            "to": applied[-1],
                            "backup": saved.name if saved else None,
                        },
                    )
        except SchemaTooNewError as error:
            raise StoreError(str(error)) from None
        audit.protect_records(self.connection, self.clock().isoformat(timespec="microseconds"))

    def record_wal_loss(self, loss: WalLoss) -> str:
        """Log what a damaged WAL lost and return the message for the user."""
        damage, kept = loss
        latest = audit.events(self.connection, limit=1)
        since = f" after {latest[0].at[:19].replace('T', ' ')} UTC" if latest else ""
        detail = {"what": "recovery", "lost_commits": damage.lost_commits, "kept": kept.name}
        self._record("change", None, detail)
        return (
            f"The patient store's write-ahead log was damaged: {damage.lost_commits} committed "
            f"change(s) saved{since} could not be recovered ({damage.recovered_commits} before "
            f"the damage were). The database and the damaged log were kept, unchanged, in "
            f"{kept}. Check the most recent patients, visits and lines against your records "
            "and enter what is missing again."
        )

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError, *db.database_errors(self.conn)):
                audit.log_protection_if_due(
                    self.conn, self.clock().isoformat(timespec="microseconds")
                )
            self.anchor_audit()
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except db.database_errors(self.conn):
                # Disk full or I/O error: the committed writes stay in the WAL, which the next
                # open replays; closing must not fail (or hide the error that led here).
                pass
            finally:
                self.conn.close()
                self.conn = None
        self.lock.release()

    # --- audit checks that need the files -----------------------------------------------------

    def verify_audit(self) -> audit.TamperReport:
        """The hash chain, plus the anchors outside it, the triggers and deleted patients."""
        connection = self.connection
        chain = audit.verify(connection)
        problems: list[str] = []
        anchor = audit.read_anchor(self.paths.data / audit.ANCHOR_NAME)
        if anchor is not None and not audit.holds(connection, anchor):
            problems.append(
                f"event {anchor[0]}, the newest when the store was last closed or backed up, "
                "is missing or changed (the log was emptied, cut or rewritten)"
            )
        problems.extend(self._backup_heads_missing(connection))
        for name in audit.missing_triggers(connection):
            problems.append(f"the protection {name} was removed from the database")
        for uid in audit.deleted_patients(connection):
            problems.append(f"patient {uid[:8]} was deleted outside the app")
        return audit.TamperReport(chain, tuple(problems))

    def _backup_heads_missing(self, connection: Any) -> list[str]:
        problems: list[str] = []
        restored_at = audit.last_restore(connection)
        for backup in self.backups():
            taken = db.backup_time(backup)
            if restored_at is not None and (taken is None or taken <= restored_at):
                continue  # from before the last restore: a history the restore replaced
            try:
                source = db.connect(backup, self.passphrase, read_only=True)
            except StoreError:
                continue
            try:
                backup_head = audit.head(source)
            except db.database_errors(source):
                continue
            finally:
                source.close()
            if not audit.holds(connection, backup_head):
                problems.append(
                    f"event {backup_head[0]} of backup {backup.name} is missing or changed "
                    "in the store (the log was emptied, cut or rewritten)"
                )
        return problems

    def anchor_audit(self) -> None:
        """Record the chain's head outside the database; never fails a close or a backup."""
        if self.conn is None or schema_version(self.conn) < 3:
            return
        path = self.paths.data / audit.ANCHOR_NAME
        errors: tuple[type[BaseException], ...] = (OSError, *db.database_errors(self.conn))
        try:
            anchor = audit.read_anchor(path)
            if anchor is not None and not audit.holds(self.conn, anchor):
                return  # keep the evidence: verify reports the cut until someone looks
            audit.write_anchor(path, self.conn)
        except errors:
            pass

    # --- integrity, backup, restore -----------------------------------------------------------

    def integrity_check(self) -> str | None:
        return db.integrity_check(self.connection)

    def backups(self) -> list[Path]:
        return db.list_backups(self.backup_dir)

    def backup_detached(self) -> Path:
        target = self.backup_dir / db.backup_name(self.clock())
        source = db.connect(self.db_path, self.passphrase)
        try:
            db.online_backup(source, target, self.passphrase)
        finally:
            source.close()
        for old in self.backups()[max(self.keep_backups, 1) :]:
            old.unlink(missing_ok=True)
        return target

    def backup(self, reason: str = "manual") -> Path:
        target = self.backup_dir / db.backup_name(self.clock())
        db.online_backup(self.connection, target, self.passphrase)
        if not self.is_empty():
            for old in self.backups()[max(self.keep_backups, 1) :]:
                old.unlink(missing_ok=True)
        if schema_version(self.connection) >= 3 and reason != "open":
            self._record("backup", None, {"reason": reason, "file": target.name})
        self.anchor_audit()
        return target

    def restore(self, backup_file: Path) -> None:
        db.check_backup(backup_file, self.passphrase, LATEST)
        if not self.is_empty():
            self.backup(reason="before-restore")
        source = db.connect(backup_file, self.passphrase, read_only=True)
        try:
            source.backup(self.connection)
        finally:
            source.close()
        db.configure(self.connection)
        self.restrict_files()
        self.migrate()
        problem = db.quick_check(self.connection)
        if problem:
            raise BackupError(f"the restored store fails its check ({problem})")
        self._record("restore", None, {"file": backup_file.name})
        # A restore legitimately replaces the chain with the backup's: anchor the new head.
        with contextlib.suppress(OSError):
            audit.write_anchor(self.paths.data / audit.ANCHOR_NAME, self.connection)

    # --- encryption ---------------------------------------------------------------------------

    def change_passphrase(self, new: str | None) -> list[Path]:
        if new is not None and not new.strip():
            raise ValueError("a passphrase of only spaces (or empty) is not a passphrase")
        if not db.encryption_available():
            raise EncryptionUnavailableError()
        cipher = db.sqlcipher_module()
        skip: tuple[type[BaseException], ...] = (WrongPassphraseError,)
        if cipher is not None:
            skip = (cipher.Error, WrongPassphraseError)
        state_path = self.paths.data / REKEY_STATE_NAME
        created = self.clock().isoformat()
        old = self.passphrase
        db.write_private_text(
            state_path, json.dumps({"encrypted": new is not None, "started": created}) + "\n"
        )
        set_aside: list[Path] = []
        for backup in self.backups():
            if self._rekey_backup(backup, old, new, skip):
                continue
            moved = db.move_aside(backup, self.paths.data / db.CORRUPT_DIR, self.clock())
            if new is not None and db.is_plain_sqlite(moved):
                moved.unlink(missing_ok=True)  # never leave plain text behind an encrypted store
            set_aside.append(moved)
        self._rekey_store(old, new, created, skip)
        state_path.unlink(missing_ok=True)
        self._record("change", None, {"what": "encryption", "encrypted": new is not None})
        return set_aside

    def _rekey_store(
        self, old: str | None, new: str | None, created: str, skip: tuple[type[BaseException], ...]
    ) -> None:
        """The store itself, last: copy under the new key, sidecar, rename; then the drafts."""
        meta_path = self.paths.data / db.META_NAME
        connection = self.connection
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        temp = self.db_path.with_name(self.db_path.name + REKEY_SUFFIX)
        db.rekey_copy(self.db_path, old, temp, new)
        connection.close()
        self.conn = None
        try:
            if new is not None:  # the sidecar first when encrypting (see db.is_encrypted)
                db.StoreMeta(True, created).write(meta_path)
            for suffix in ("-wal", "-shm"):
                Path(str(self.db_path) + suffix).unlink(missing_ok=True)
            os.replace(temp, self.db_path)
            db.fsync_dir(self.db_path.parent)
            if new is None:
                db.StoreMeta(False, created).write(meta_path)
            vault_errors: tuple[type[BaseException], ...] = (OSError, *skip)
            try:
                drafts.rekey_vault(self.paths.data, old, new)
            except vault_errors:
                # A draft under the old key cannot be read any more: drop it (never plain).
                drafts.vault_path(self.paths.data).unlink(missing_ok=True)
        finally:
            self.conn = db.connect(self.db_path, new)
            self.passphrase = new
            db.configure(self.conn)
            self.restrict_files()

    def _rekey_backup(
        self,
        backup: Path,
        old: str | None,
        new: str | None,
        skip: tuple[type[BaseException], ...],
    ) -> bool:
        """Put one backup under ``new`` (atomically); True if it is (or already was) there."""
        part = backup.with_name(backup.name + REKEY_SUFFIX)
        unreadable: tuple[type[BaseException], ...] = (BackupError, *skip)
        for key in (old, new) if old != new else (old,):
            try:
                db.check_backup(backup, key, LATEST)
            except unreadable:
                continue
            if key == new:
                return True  # converted by an earlier, interrupted run
            try:
                db.rekey_copy(backup, key, part, new)
            except skip:
                part.unlink(missing_ok=True)
                return False
            os.replace(part, backup)
            db.fsync_dir(backup.parent)
            return True
        return False

    @property
    def rekey_interrupted(self) -> bool:
        return (self.paths.data / REKEY_STATE_NAME).exists()

    def drafts_vault(self) -> drafts.DraftVault:
        return drafts.DraftVault(drafts.vault_path(self.paths.data), self.passphrase)
