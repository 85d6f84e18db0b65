"""SQLite plumbing: connections (plain or SQLCipher), pragmas, the instance lock, file modes,
integrity checks and online backups. No patient logic lives here.

Durability settings (see docs/store.md): WAL journal, ``synchronous=FULL`` (a commit that has
returned survives power loss, not only a process crash), foreign keys on, and every write in one
``BEGIN IMMEDIATE`` transaction. Files are created owner-only (0600) *before* SQLite opens them;
SQLite gives its -wal and -shm files the mode of the database file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from myeloma_desk.paths import FILE_MODE, make_private_dir, restrict_file
from myeloma_desk.store.errors import (
    BackupError,
    EncryptionUnavailableError,
    StoreError,
    StoreLockedError,
    WrongPassphraseError,
)

DB_NAME = "patients.sqlite3"
LOCK_NAME = "patients.lock"
META_NAME = "patients.meta.json"
BACKUP_DIR = "backups"
CORRUPT_DIR = "corrupt"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5_000


def sqlcipher_module() -> ModuleType | None:
    """The SQLCipher DB-API module (``sqlcipher3``, from sqlcipher3-binary), or None."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return None
    module: ModuleType = dbapi2
    return module


def encryption_available() -> bool:
    """True when SQLCipher is installed (the ``[encryption]`` extra)."""
    return sqlcipher_module() is not None


def database_errors(connection: Any) -> tuple[type[BaseException], ...]:
    """The exception classes a connection raises (SQLCipher's are not sqlite3's)."""
    errors: list[type[BaseException]] = [sqlite3.Error]
    module = sqlcipher_module()
    if module is not None and type(connection).__module__.startswith("sqlcipher3"):
        errors.append(module.Error)
    return tuple(errors)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (never truncates)."""
    flags = os.O_CREAT | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, FILE_MODE)
    os.close(fd)
    restrict_file(path)


TEMP_SUFFIX = ".part"
REKEY_SUFFIX = ".rekey"  # a copy under a new key, renamed over the original when complete


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written; a short or failed write raises OSError."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "the write made no progress")
        view = view[written:]


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entry list (the rename of a new file) to disk; POSIX only."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600, or leave nothing behind.

    The bytes go to a uniquely named hidden temporary file in the same folder (``.NAME.*.part``),
    every write and the fsync are checked, then the file is renamed over ``path`` and the folder
    is fsynced. On any failure (disk full, I/O error, read-only file system, ``path`` is a
    folder) the temporary file is removed and the OSError propagates; ``path`` is untouched.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    temp = Path(temp_name)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(folder)


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, mode 0600: see :func:`write_private_bytes`."""
    write_private_bytes(path, text.encode("utf-8"))


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temporary files an interrupted atomic write or backup left in ``folder``.

    Only names this module creates: ``.NAME.*.part`` (atomic writes), ``*.sqlite3.part``
    (online backups) and ``*.sqlite3.rekey`` (copies under a new key). Called at start-up
    while the instance lock is held, so no writer of this store is running. Returns what was
    removed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    patterns = (f".*{TEMP_SUFFIX}", f"*.sqlite3{TEMP_SUFFIX}", f"*.sqlite3{REKEY_SUFFIX}")
    for candidate in [path for pattern in patterns for path in folder.glob(pattern)]:
        if candidate.is_file():
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def is_plain_sqlite(path: Path) -> bool | None:
    """True if the file starts with SQLite's header, False if not, None if it is empty."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if not head:
        return None
    return head == SQLITE_MAGIC


def _quote(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def connect(path: Path, passphrase: str | None = None, *, read_only: bool = False) -> Any:
    """Open ``path`` (plain sqlite3, or SQLCipher when a passphrase is given).

    Autocommit mode: the caller writes ``BEGIN IMMEDIATE`` / ``COMMIT`` itself. A wrong
    passphrase raises :class:`WrongPassphraseError` before anything is written.
    ``check_same_thread=False`` lets the GUI open a store in a worker and hand it to the GUI
    thread; a :class:`Store` must still be used by one thread at a time.
    """
    if passphrase is None:
        if read_only:
            connection: Any = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
        else:
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    else:
        module = sqlcipher_module()
        if module is None:
            raise EncryptionUnavailableError()
        if read_only:
            connection = module.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
        else:
            connection = module.connect(str(path), isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {_quote(passphrase)}")
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError:
            connection.close()
            raise WrongPassphraseError() from None
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def configure(connection: Any) -> None:
    """Pragmas every read-write connection gets (WAL, FULL sync, foreign keys)."""
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"could not switch the store to WAL (got {mode})")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")


# SQLite's messages for failures that are not damage to the file: the store must then be left
# exactly where it is (never moved aside as "corrupt"); see errors.StoreUnavailableError.
NOT_DAMAGE = (
    "disk i/o error",
    "database or disk is full",
    "unable to open",
    "readonly",
    "read-only",
    "permission",
    "locked",
    "out of memory",
)


def is_not_damage(message: str) -> bool:
    """Whether a database error message describes the environment (space, I/O, permission),
    not a damaged file."""
    lowered = message.lower()
    return any(token in lowered for token in NOT_DAMAGE)


def quick_check(connection: Any) -> str | None:
    """None if ``PRAGMA quick_check`` is ok, else its first message.

    Raises :class:`~myeloma_desk.store.errors.StoreUnavailableError` when the check itself
    failed for a reason that is not damage (no space, I/O error, permission)."""
    from myeloma_desk.store.errors import StoreUnavailableError

    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except database_errors(connection) as error:
        if is_not_damage(str(error)):
            raise StoreUnavailableError(Path(DB_NAME), str(error)) from None
        return str(error)
    except UnicodeDecodeError:  # SQLite's message quotes damaged bytes that are not UTF-8
        return "the database file is damaged: its structure does not read"
    messages = [str(row[0]) for row in rows]
    return None if messages == ["ok"] else "; ".join(messages[:3])


def integrity_check(connection: Any) -> str | None:
    """None if the full ``PRAGMA integrity_check`` is ok, else its first messages."""
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    messages = [str(row[0]) for row in rows]
    return None if messages == ["ok"] else "; ".join(messages[:3])


@contextlib.contextmanager
def transaction(connection: Any) -> Iterator[Any]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; any exception rolls back and propagates."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


# --- the instance lock ---------------------------------------------------------------------


class InstanceLock:
    """An exclusive OS lock on ``patients.lock`` held while a store is open.

    ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows; the OS drops it when the process
    dies (even by SIGKILL), so a crash never leaves a stale lock. The file holds the owner's pid
    for the message shown to the second instance.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        create_private_file(self.path)
        self._lock_folder()
        handle = self.path.open("r+b")
        try:
            _lock(handle)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                handle.close()
                raise StoreError(
                    f"Cannot lock {self.path} ({error.strerror}); the data folder must be on a "
                    "local disk that supports file locks."
                ) from None
            pid = _read_pid(handle)
            handle.close()
            self._unlock_folder()
            raise StoreLockedError(self.path, pid) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode("ascii"))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.seek(0)
                self._handle.truncate()
                _unlock(self._handle)
            self._handle.close()
            self._handle = None
        self._unlock_folder()

    _folder_fd: int | None = None

    def _lock_folder(self) -> None:
        """POSIX: also lock the data folder itself, which cannot be deleted while it holds the
        store, so deleting ``patients.lock`` does not let a second writer in."""
        if sys.platform == "win32":  # pragma: no cover - Windows keeps the lock file only
            return
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                with contextlib.suppress(OSError), self.path.open("rb") as handle:
                    raise StoreLockedError(self.path, _read_pid(handle)) from None
                raise StoreLockedError(self.path, None) from None
            raise StoreError(
                f"Cannot lock {self.path.parent} ({error.strerror}); the data folder must be on "
                "a local disk that supports file locks."
            ) from None
        self._folder_fd = fd

    def _unlock_folder(self) -> None:
        if self._folder_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._folder_fd)  # closing the descriptor drops its flock
            self._folder_fd = None

    @property
    def held(self) -> bool:
        return self._handle is not None


def _read_pid(handle: IO[bytes]) -> int | None:
    try:
        handle.seek(0)
        text = handle.read(32).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- sidecar metadata ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreMeta:
    """What must be known before the database can be read: is it encrypted?"""

    encrypted: bool
    created: str

    @classmethod
    def read(cls, path: Path) -> StoreMeta | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(encrypted=bool(data["encrypted"]), created=str(data["created"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        text = json.dumps({"encrypted": self.encrypted, "created": self.created}, indent=2)
        write_private_text(path, text + "\n")


def rekey_copy(source_path: Path, old: str | None, target_path: Path, new: str | None) -> None:
    """Write a copy of ``source_path`` under a new passphrase (None = plain) with SQLCipher.

    Uses ``sqlcipher_export`` (the documented way to encrypt, decrypt or re-key), then copies
    the schema version, which the export does not carry.
    """
    module = sqlcipher_module()
    if module is None:
        raise EncryptionUnavailableError()
    if target_path.exists():
        target_path.unlink()
    create_private_file(target_path)
    connection = module.connect(str(source_path), isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        if old is not None:
            connection.execute(f"PRAGMA key = {_quote(old)}")
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        connection.execute(
            f"ATTACH DATABASE ? AS target KEY {_quote(new or '')}", (str(target_path),)
        )
        connection.execute("SELECT sqlcipher_export('target')")
        connection.execute(f"PRAGMA target.user_version = {version}")
        connection.execute("DETACH DATABASE target")
    finally:
        connection.close()
    restrict_file(target_path)
    with target_path.open("rb") as handle:
        os.fsync(handle.fileno())


def is_encrypted(db_path: Path, meta: StoreMeta | None) -> bool:
    """Whether a non-empty store file is encrypted.

    A file that starts with SQLite's header is plain, whatever the sidecar says (SQLCipher files
    begin with a random salt). A file without the header is encrypted unless the sidecar says the
    store is plain, in which case it is a damaged plain store (and goes through the integrity
    check and is moved aside). Changing encryption writes the sidecar before (encrypt) or after
    (decrypt) swapping the file, so a crash in between is always read correctly.
    """
    if is_plain_sqlite(db_path):
        return False
    return meta.encrypted if meta is not None else True


# --- backups ---------------------------------------------------------------------------------


def backup_name(now: dt.datetime) -> str:
    """``patients-20260126T013000123456Z.sqlite3``: sorts by time, never collides in practice."""
    return f"patients-{now.strftime('%Y%m%dT%H%M%S%fZ')}.sqlite3"


def backup_time(path: Path) -> dt.datetime | None:
    """When a backup was taken, from its name (``patients-<UTC stamp>.sqlite3``), or None."""
    stamp = path.name.removeprefix("patients-").removesuffix(".sqlite3")
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def list_backups(folder: Path) -> list[Path]:
    """Backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob("patients-*.sqlite3"), reverse=True)


def unchanged_since_backup(db_path: Path, folder: Path) -> bool:
    """True if the newest backup is younger than the database's last write.

    A non-empty -wal file means writes that were never checkpointed (a crash): changed.
    """
    backups = list_backups(folder)
    wal = Path(str(db_path) + "-wal")
    if not backups or (wal.exists() and wal.stat().st_size > 0):
        return False
    return backups[0].stat().st_mtime_ns > db_path.stat().st_mtime_ns


def online_backup(source: Any, target_path: Path, passphrase: str | None) -> None:
    """Copy the open database ``source`` to ``target_path`` with SQLite's online backup API.

    The target is created 0600 first and gets the same key as the source when encrypted, and
    is written to a temporary name and renamed, so a crash never leaves a half backup.
    """
    make_private_dir(target_path.parent)
    temp = target_path.with_name(target_path.name + ".part")
    if temp.exists():
        temp.unlink()
    try:
        create_private_file(temp)
        target = connect(temp, passphrase)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        restrict_file(temp)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target_path)
    except BaseException:
        # Disk full, I/O error, a kill of the worker: never leave a half backup behind.
        for leftover in (temp, Path(str(temp) + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    fsync_dir(target_path.parent)


def check_backup(path: Path, passphrase: str | None, latest_schema: int) -> int:
    """Validate a backup file; return its schema version or raise :class:`BackupError`."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        connection = connect(path, passphrase, read_only=True)
    except WrongPassphraseError:
        raise BackupError(f"{path} does not open with this store's passphrase") from None
    try:
        problem = quick_check(connection)
        if problem:
            raise BackupError(f"{path} is damaged ({problem})")
        try:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            connection.execute("SELECT count(*) FROM patients").fetchone()
        except database_errors(connection):
            raise BackupError(f"{path} is not a Myeloma Desk patient store") from None
        if version < 1 or version > latest_schema:
            raise BackupError(
                f"{path} has schema version {version}; this Myeloma Desk reads 1..{latest_schema}"
            )
        return version
    finally:
        connection.close()


def newest_good_backup(folder: Path, passphrase: str | None, latest_schema: int) -> Path | None:
    """The newest backup in ``folder`` that passes :func:`check_backup`, if any."""
    for candidate in list_backups(folder):
        try:
            check_backup(candidate, passphrase, latest_schema)
        except BackupError:
            continue
        return candidate
    return None


def move_aside(db_path: Path, corrupt_dir: Path, now: dt.datetime) -> Path:
    """Move the database and its -wal/-shm into ``corrupt_dir``; return the new db path."""
    make_private_dir(corrupt_dir)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    moved = corrupt_dir / f"{db_path.stem}-{stamp}{db_path.suffix}"
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(db_path) + suffix)
        if part.exists():
            os.replace(part, Path(str(moved) + suffix))
    return moved
