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


def fsync_file(path: Path) -> None:
    """Flush a file written by another writer (SQLite, a copy) to the disk."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


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
    from myeloma_desk.store.audit import register_writer

    register_writer(connection)  # the record triggers let only the app's connections write
    return connection


def lenient_text(raw: bytes) -> str:
    """TEXT decoding once a connection met invalid UTF-8 (a damaged file, an edit outside the
    app): U+FFFD instead of an exception in every list, record and export; ``verify`` names the
    record (store/readable.py)."""
    return str(raw, "utf-8", "replace")


class TolerantCursor:
    """A statement's result that survives invalid UTF-8 in the rows.

    SQLite's fast C decoding stays on for a healthy store (a Python ``text_factory`` costs about
    40% on the full patient list). The first row that does not decode switches that
    connection to :func:`lenient_text` for good and runs the statement again, skipping the rows
    already returned; only SELECTs return rows, so only they are ever run twice.
    """

    def __init__(self, connection: Any, sql: str, params: Any) -> None:
        self._connection = connection
        self._sql = sql
        self._params = params
        self._errors = database_errors(connection)
        self._cursor = connection.execute(sql, params)
        self._done = 0

    def _again(self, error: BaseException) -> None:
        if "could not decode" not in str(error).lower():
            raise error
        self._connection.text_factory = lenient_text
        self._cursor = self._connection.execute(self._sql, self._params)
        if self._done:
            self._cursor.fetchmany(self._done)

    def _read(self, how: str, *size: int) -> Any:
        try:
            return getattr(self._cursor, how)(*size)
        except self._errors as error:
            self._again(error)
            return getattr(self._cursor, how)(*size)

    def fetchone(self) -> Any:
        row = self._read("fetchone")
        self._done += row is not None
        return row

    def fetchall(self) -> list[Any]:
        rows: list[Any] = self._read("fetchall")
        self._done += len(rows)
        return rows

    def fetchmany(self, size: int) -> list[Any]:
        rows: list[Any] = self._read("fetchmany", size)
        self._done += len(rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        while rows := self.fetchmany(512):
            yield from rows

    @property
    def lastrowid(self) -> Any:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)


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
    except UnicodeDecodeError:
        # SQLite's own message quoted bytes of the damaged file (names in a broken schema).
        return "its structure is damaged (unreadable bytes where SQLite expects names)"
    except database_errors(connection) as error:
        if is_not_damage(str(error)):
            raise StoreUnavailableError(Path(DB_NAME), str(error)) from None
        return str(error)
    messages = [str(row[0]) for row in rows]
    return None if messages == ["ok"] else "; ".join(messages[:3])


def integrity_check(connection: Any) -> str | None:
    """None if the full ``PRAGMA integrity_check`` is ok, else its first messages."""
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except UnicodeDecodeError:
        return "its structure is damaged (unreadable bytes where SQLite expects names)"
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
        from myeloma_desk.store.audit import register_writer

        register_writer(connection)  # sqlcipher_export inserts into the guarded tables
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
    fsync_file(target_path)


def is_encrypted(db_path: Path, meta: StoreMeta | None, backup_folder: Path | None = None) -> bool:
    """Whether a non-empty store file is encrypted.

    A file that starts with SQLite's header is plain, whatever the sidecar says (SQLCipher files
    begin with a random salt). A file without the header is encrypted unless the sidecar says the
    store is plain, in which case it is a damaged plain store (and goes through the integrity
    check and is moved aside). Changing encryption writes the sidecar before (encrypt) or after
    (decrypt) swapping the file, so a crash in between is always read correctly.

    Without the sidecar, a file without the header is random bytes either way. The newest
    backup decides when there is one (backups are converted before the store, see
    ``Store.change_passphrase``): a plain backup means a damaged plain store, an encrypted one
    an encrypted store. Without backups it is read as damaged only when SQLCipher is not
    installed (so this installation cannot have encrypted it), else as encrypted.
    """
    if is_plain_sqlite(db_path):
        return False
    if meta is not None:
        return meta.encrypted
    backups = list_backups(backup_folder) if backup_folder is not None else []
    for backup in backups[:1]:
        with contextlib.suppress(OSError):
            return is_plain_sqlite(backup) is False
    return encryption_available()


# --- the write-ahead log ---------------------------------------------------------------------

WAL_MAGIC = (0x377F0682, 0x377F0683)  # little-/big-endian checksums (SQLite file format, 4.3)
WAL_HEADER = 32
WAL_FRAME_HEADER = 24


@dataclass(frozen=True)
class WalDamage:
    """A WAL whose frame ``bad_frame`` (1-based) fails its checksum while ``lost_commits``
    committed transactions of the same generation follow it: SQLite's recovery stops at the
    damaged frame, so those commits cannot be recovered."""

    bad_frame: int
    lost_commits: int
    recovered_commits: int


def _wal_checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum (file format section 4.3) over ``data``, continuing from s0, s1."""
    import struct

    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for index in range(0, len(words), 2):
        s0 = (s0 + words[index] + s1) & mask
        s1 = (s1 + words[index + 1] + s0) & mask
    return s0, s1


def wal_damage(db_path: Path) -> WalDamage | None:
    """Check the store's ``-wal`` file the way SQLite's recovery reads it; None if it is sound.

    Frames are valid while their salts match the header and their cumulative checksum holds; the
    recovery keeps everything up to the last valid commit frame. Frames of an older generation
    (other salts) and a torn, uncommitted last transaction are normal after a crash. Damage is a
    frame of the current generation that fails its checksum (a flipped byte) while later
    transactions of the same generation were committed: data that recovery would silently drop.
    Damage inside the last transaction alone cannot be told from a write the crash interrupted
    (whose commit never returned) and is not reported. A damaged header drops every frame.
    """
    import struct

    wal = Path(str(db_path) + "-wal")
    try:
        raw = wal.read_bytes()
    except OSError:
        return None
    if len(raw) < WAL_HEADER + WAL_FRAME_HEADER:
        return None
    magic, _version, page_size, _seq, salt1, salt2, c0, c1 = struct.unpack(">8I", raw[:WAL_HEADER])
    frame_size = WAL_FRAME_HEADER + page_size
    frames = (len(raw) - WAL_HEADER) // frame_size
    if magic not in WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
        return WalDamage(0, frames, 0) if frames else None
    big_endian = magic & 1 == 1
    s0, s1 = _wal_checksum(raw[:24], big_endian, 0, 0)
    if (s0, s1) != (c0, c1):
        commits = sum(
            1
            for i in range(frames)
            if struct.unpack_from(">I", raw, WAL_HEADER + i * frame_size + 4)[0] != 0
        )
        return WalDamage(0, commits, 0) if commits else None
    recovered = 0
    for index in range(frames):
        start = WAL_HEADER + index * frame_size
        _page, commit, f_salt1, f_salt2, f0, f1 = struct.unpack_from(">6I", raw, start)
        if (f_salt1, f_salt2) != (salt1, salt2):
            return None  # the end of this generation: older frames follow (normal)
        s0, s1 = _wal_checksum(raw[start : start + 8], big_endian, s0, s1)
        s0, s1 = _wal_checksum(
            raw[start + WAL_FRAME_HEADER : start + frame_size], big_endian, s0, s1
        )
        if (s0, s1) != (f0, f1):
            lost = 0
            for later in range(index, frames):
                at = WAL_HEADER + later * frame_size
                _p, l_commit, l_salt1, l_salt2 = struct.unpack_from(">4I", raw, at)
                if (l_salt1, l_salt2) == (salt1, salt2) and l_commit != 0:
                    lost += 1
            # Only the last transaction damaged: a write the crash interrupted looks the same
            # (its commit never returned), so that alone is not reported as damage.
            return WalDamage(index + 1, lost, recovered) if lost > 1 else None
        if commit != 0:
            recovered += 1
    return None


def keep_aside_copy(db_path: Path, corrupt_dir: Path, now: dt.datetime) -> Path:
    """Copy the database and its -wal (byte for byte, 0600) into ``corrupt_dir`` before any
    recovery touches them; return the copy's path. The originals stay where they are."""
    import shutil

    make_private_dir(corrupt_dir)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    kept = corrupt_dir / f"{db_path.stem}-{stamp}-wal-damaged{db_path.suffix}"
    for suffix in ("", "-wal"):
        source = Path(str(db_path) + suffix)
        if source.exists():
            target = Path(str(kept) + suffix)
            create_private_file(target)
            shutil.copyfile(source, target)
            fsync_file(target)
    fsync_dir(corrupt_dir)
    return kept


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
        fsync_file(temp)
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
