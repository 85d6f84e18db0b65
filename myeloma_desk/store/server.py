"""The clinic server store: PostgreSQL through psycopg 3, beside the local SQLite default.

Each clinician connects as their own PostgreSQL role (SCRAM passwords from libpq's password
file or service file, never in the address); the server enforces what each role may do
(``packaging/server/setup-site.sql`` creates the group roles, :func:`grant_site_roles` the
table grants). :class:`PostgresDatabase` gives the repositories the same small interface as
the local store (``store/sql.py``), so patients, visits, lines, assessments, notes and the audit
log are the same code on both backends. Every write transaction takes one advisory lock first:
the audit log is a single hash chain, so its appends are serialised (as SQLite's
``BEGIN IMMEDIATE`` does).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from myeloma_desk.store.errors import ConflictError, StoreError

# pg_advisory_xact_lock key of the store's write lock (any constant; "MYDK" in ASCII).
WRITE_LOCK_KEY = 0x4D59444B
ROLES = ("myeloma_admin", "myeloma_clinician", "myeloma_reader")
# Tables a clinician writes (therapy lines and search terms are replaced, hence DELETE).
_WRITTEN = ("patients", "visits", "therapy_lines", "assessments", "notes", "patient_terms")
_REPLACED = ("therapy_lines", "patient_terms")
# audit_log columns a client may set: never ``actor``, which the server fills in.
_AUDIT_COLUMNS = "seq, at, action, patient_uid, detail, prev_hash, hash"
CONNECT_TIMEOUT_S = 10


class ServerUnavailableError(StoreError):
    """The clinic's database server cannot be reached (or refused the connection)."""

    def __init__(self, target: str, problem: str) -> None:
        self.target = target
        self.problem = problem
        super().__init__(
            f"The clinic's patient database ({target}) cannot be reached: {problem}. "
            "Check the network and that the server is running; nothing was changed."
        )


class CommitUncertainError(ServerUnavailableError):
    """The connection was lost while a save was being committed: the server either wrote it
    whole or not at all, and the answer did not arrive."""

    def __init__(self, target: str, problem: str) -> None:
        StoreError.__init__(
            self,
            f"The connection to the clinic's patient database ({target}) was lost while this "
            f"save was being committed ({problem}). The server keeps a save whole or not at "
            "all: open the record again, once the server answers, to see whether it was saved.",
        )
        self.target = target
        self.problem = problem


class ServerDiskFullError(StoreError):
    """The database server has no disk space left for the save."""

    def __init__(self, target: str, problem: str) -> None:
        self.target = target
        self.problem = problem  # the server's own words, with the file (for the log)
        super().__init__(
            "The clinic's database server has no disk space left. This save was not written; "
            "everything saved before is kept. Tell the clinic's administrator (the server's "
            "log names the full disk)."
        )


class ReadOnlyRoleError(StoreError):
    """The connected role may read but not change patient records."""


def psycopg_module() -> Any:
    """psycopg, or a clear error when the optional ``server`` extra is not installed."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the test extra installs it
        raise StoreError(
            "The clinic server store needs psycopg: pip install 'myeloma-desk[server]'."
        ) from None
    return psycopg


def conninfo_of(target: str) -> str:
    """libpq connection string for ``target``: a ``postgresql://`` URL, ``key=value`` pairs,
    or a bare service name (from the libpq service file).

    A password in the target is refused: it would end up in argv, shell history or settings.
    """
    psycopg = psycopg_module()
    text = target.strip()
    if not text:
        raise StoreError("The server store address is empty.")
    if not re.match(r"^(postgres(ql)?://|\w+\s*=)", text):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", text):
            raise StoreError(f"{target!r} is neither a postgresql:// address nor a service name.")
        text = f"service={text}"
    try:
        parts = psycopg.conninfo.conninfo_to_dict(text)
    except psycopg.ProgrammingError as error:
        raise StoreError(f"The server store address is not valid: {error}") from None
    if parts.get("password"):
        raise StoreError(
            "The server store address contains a password. Remove it and put the password "
            "in the PostgreSQL password file (~/.pgpass, or PGPASSFILE) or a service file."
        )
    return text


def describe(conninfo: str) -> str:
    """``user@host/dbname`` for messages (never a password: conninfo_of refuses those)."""
    psycopg = psycopg_module()
    parts = psycopg.conninfo.conninfo_to_dict(conninfo)
    if "service" in parts and len(parts) == 1:
        return f"service {parts['service']}"
    user = parts.get("user", "")
    host = parts.get("host", "local socket")
    name = parts.get("dbname", "")
    return f"{user + '@' if user else ''}{host}/{name}"


def connect(target: str) -> Any:
    """An autocommit psycopg connection to ``target`` (raises ServerUnavailableError)."""
    psycopg = psycopg_module()
    conninfo = conninfo_of(target)
    try:
        return psycopg.connect(
            conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="Myeloma Desk",
        )
    except psycopg.OperationalError as error:
        raise ServerUnavailableError(describe(conninfo), problem_of(error)) from None


def problem_of(error: BaseException) -> str:
    """libpq's connection failure in one plain sentence part: the reason after the last
    "failed:" ("Connection refused", "password authentication failed for user …"), with
    libpq's hint in brackets ("is the server running on that host …?")."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return "no answer"
    reason = lines[0].rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
    hint = " ".join(lines[1:]).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    return f"{reason} ({hint[:1].lower() + hint[1:]})" if hint else reason


def _translate(sql: str) -> str:
    """``?`` placeholders (the repositories' style) to psycopg's ``%s``."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase:
    """:class:`myeloma_desk.store.sql.Database` over one psycopg connection."""

    dialect = "postgresql"

    def __init__(
        self, connection: Any, where: str = "the clinic's database", target: str | None = None
    ) -> None:
        self.raw = connection
        self.where = where
        self.target = target  # to connect again after the connection was lost
        self._depth = 0  # write transactions open (no reconnect inside one)
        self._psycopg = psycopg_module()

    def _usable(self) -> None:
        """A connection lost (server restarted, network down) is opened again before the next
        statement; while the server cannot be reached this raises ServerUnavailableError."""
        if self.target is None or not (self.raw.closed or self.raw.broken):
            return
        if self._depth:
            return  # never mid-transaction: the loss reaches the caller, nothing half-written
        self._reconnect()

    def _reconnect(self) -> None:
        assert self.target is not None
        with contextlib.suppress(Exception):
            self.raw.close()
        self.raw = connect(self.target)

    def _may_retry(self, sql: str | None) -> bool:
        """Whether a statement that failed because the connection was lost may run once more
        on a new connection: only outside a transaction, only when the connection is known to
        be broken (a server restarted while the app was idle), and only what cannot have
        written anything (a read, or the start of a write transaction)."""
        if self._depth or self.target is None or not self.raw.broken:
            return False
        return sql is None or sql.lstrip()[:6].upper() == "SELECT"

    def reachable(self) -> bool:
        """Whether the server answers now: a connection of its own, opened and closed (safe in
        a worker thread while the store's own connection is used elsewhere)."""
        if self.target is None:
            return not self.raw.closed
        try:
            connect(self.target).close()
        except StoreError:
            return False
        return True

    @contextlib.contextmanager
    def _errors(self, committing: list[bool] | None = None) -> Iterator[None]:
        errors = self._psycopg.errors
        try:
            yield
        except errors.InsufficientPrivilege:
            raise ReadOnlyRoleError(
                f"Your database role ({self.user}) may read patient records but not change "
                "them; ask the clinic's administrator for the clinician role. Nothing was saved."
            ) from None
        except errors.UniqueViolation as error:
            what = error.diag.constraint_name or "a unique key"
            raise ConflictError(
                f"another workstation saved the same record at the same moment ({what}); "
                "reload and try again"
            ) from None
        except errors.DiskFull as error:
            problem = error.diag.message_primary or problem_of(error)
            raise ServerDiskFullError(self.where, problem) from None
        except self._psycopg.OperationalError as error:
            if committing and committing[0]:
                raise CommitUncertainError(self.where, problem_of(error)) from None
            raise ServerUnavailableError(self.where, problem_of(error)) from None

    @property
    def user(self) -> str:
        return str(self.raw.info.user)

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        if params:
            return self.raw.execute(_translate(sql), tuple(params))
        return self.raw.execute(sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._usable()
        with self._errors():
            try:
                return self._run(sql, params)
            except self._psycopg.OperationalError:
                if not self._may_retry(sql):
                    raise
                self._reconnect()
                return self._run(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(row) for row in rows]
        if not batch:
            return
        self._usable()
        with self._errors(), self.raw.cursor() as cursor:
            cursor.executemany(_translate(sql), batch)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        row = self.execute(sql + " RETURNING id", params).fetchone()
        return int(row[0])

    def _begin(self, stack: contextlib.ExitStack, outermost: bool) -> None:
        """BEGIN and the write lock; a connection found dead here (nothing written yet) is
        replaced once, so the first save after a server restart just works."""
        try:
            stack.enter_context(self.raw.transaction())
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        except self._psycopg.OperationalError:
            if not (outermost and self.target is not None and self.raw.broken):
                raise
            stack.pop_all()  # the dead connection's transaction is dropped with it
            self._reconnect()
            stack.enter_context(self.raw.transaction())
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction. A connection lost before the commit: the server discards
        the whole transaction (ServerUnavailableError, nothing written); lost during the
        outermost commit: CommitUncertainError (written whole or not at all, unknown which)."""
        self._usable()
        outermost = self._depth == 0
        self._depth += 1
        committing = [False]
        try:
            with self._errors(committing), contextlib.ExitStack() as stack:
                self._begin(stack, outermost)
                yield self
                committing[0] = outermost
        finally:
            self._depth -= 1

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.raw.close()


def grant_site_roles(database: PostgresDatabase) -> None:
    """The grants of the three group roles (run with the schema, by an administrator).

    Readers and clinicians read every table; clinicians write the patient tables; both append
    to the audit log, without the ``actor`` column (the server fills it with the login role)
    and without UPDATE or DELETE (the append-only triggers refuse those even to the owner).
    """
    run = database.execute
    run("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
    run("GRANT SELECT ON ALL TABLES IN SCHEMA public TO myeloma_clinician, myeloma_reader")
    run(f"GRANT INSERT, UPDATE ON {', '.join(_WRITTEN)} TO myeloma_clinician")
    run(f"GRANT DELETE ON {', '.join(_REPLACED)} TO myeloma_clinician")
    run("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO myeloma_clinician")
    run(f"GRANT INSERT ({_AUDIT_COLUMNS}) ON audit_log TO myeloma_clinician, myeloma_reader")


def roles_of(database: PostgresDatabase) -> set[str]:
    """Which of the site's group roles the login role belongs to."""
    rows = database.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(?) "
        "AND pg_has_role(session_user, oid, 'MEMBER')",
        (list(ROLES),),
    ).fetchall()
    return {str(row[0]) for row in rows}


def now_on_server(database: PostgresDatabase) -> dt.datetime:
    row = database.execute("SELECT now()").fetchone()
    return row[0]  # type: ignore[no-any-return]


SERVER_ONLY = (
    "A clinic server store is backed up, restored and encrypted on the server (pg_dump, the "
    "server's disk encryption, TLS in transit; see docs/store.md), not from a workstation."
)
PG_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate")
# The patient tables' audit guards that migration 6 creates (``verify`` checks them). Written
# here, not imported from the frozen migration; tests/unit/store/test_server_audit_guard.py
# checks that the two agree.
GUARDED_TABLES = ("patients", "patient_terms", "visits", "therapy_lines", "assessments", "notes")
GUARD_TRIGGERS = tuple(f"{table}_audited" for table in GUARDED_TABLES) + tuple(
    f"{table}_no_truncate" for table in GUARDED_TABLES
)


# This workstation's anchor of a clinic database's audit chain (ServerFiles.anchor_audit).
ANCHOR_PREFIX = "server.audit-head-"
_ADDRESS_KEYS = ("service", "host", "hostaddr", "port", "dbname")


def address_key(target: str) -> str:
    """A short stable name for the database an address leads to (its service, host, port and
    database name; never the user or a password): the anchor file's name."""
    psycopg = psycopg_module()
    parts = psycopg.conninfo.conninfo_to_dict(conninfo_of(target))
    if "dbname" not in parts and "service" not in parts:
        parts["dbname"] = parts.get("user", "")  # libpq's default database: the user's name
    named = {key: str(parts[key]) for key in _ADDRESS_KEYS if parts.get(key)}
    return hashlib.sha256(json.dumps(named, sort_keys=True).encode()).hexdigest()[:16]


def missing_guards(database: PostgresDatabase) -> list[str]:
    """The server-side protections that were dropped or disabled, in words: the audit log's
    append-only triggers and the patient tables' audit guards (migration 6)."""
    rows = database.execute(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(?)",
        (list(PG_TRIGGERS + GUARD_TRIGGERS),),
    ).fetchall()
    enabled = {str(row[0]): str(row[1]) != "D" for row in rows}
    problems = []
    for name in PG_TRIGGERS + GUARD_TRIGGERS:
        if name not in enabled:
            problems.append(f"the protection {name} was removed from the database")
        elif not enabled[name]:
            problems.append(f"the protection {name} was disabled in the database")
    return problems


class ServerFiles:
    """The server store's counterpart of :class:`~myeloma_desk.store.local.LocalFiles`:
    the connection, migration (by an administrator) and the audit checks on the server."""

    passphrase: str | None = None
    keep_backups = 0
    rekey_interrupted = False

    def __init__(self, database: PostgresDatabase, paths: Any, clock: Any) -> None:
        self.database = database
        self.paths = paths  # the workstation's own folders (drafts live there)
        self.clock = clock
        self.conn: Any = database.raw
        self.record_event: Any = None  # set by the facade
        self.is_empty: Any = lambda: True  # set by the facade

    @property
    def connection(self) -> Any:
        if self.conn is None:
            raise StoreError("the patient store is closed (locked); open it again")
        return self.database.raw  # connected again after a loss (PostgresDatabase._usable)

    def database_errors(self) -> tuple[type[BaseException], ...]:
        return (psycopg_module().Error,)

    def migrate(self) -> None:
        from myeloma_desk.store import audit
        from myeloma_desk.store.migrations import LATEST, migrate, schema_version

        found = schema_version(self.database)
        if found > LATEST:
            raise StoreError(
                f"The clinic database has schema version {found}, newer than this Myeloma Desk "
                f"understands ({LATEST}); update Myeloma Desk to open it. Nothing was changed."
            )
        if found == LATEST:
            return
        if "myeloma_admin" not in roles_of(self.database):
            raise StoreError(
                f"The clinic database has schema version {found} and this Myeloma Desk needs "
                f"version {LATEST}: an administrator must open it once with this version to "
                "upgrade it. Nothing was changed."
            )
        with self.database.transaction():
            # Tables belong to the group role, so any administrator can upgrade them later.
            self.database.execute("SET LOCAL ROLE myeloma_admin")
            found = schema_version(self.database)  # another administrator may have been first
            applied = migrate(self.database)
            grant_site_roles(self.database)
            if applied and found > 0:
                audit.append(
                    self.database,
                    self.clock().isoformat(timespec="microseconds"),
                    "change",
                    None,
                    {"what": "schema", "from": found, "to": applied[-1], "backup": None},
                )

    def close(self) -> None:
        if self.conn is not None:
            self.anchor_audit()
            self.database.close()
            self.conn = None

    def anchor_path(self) -> Path | None:
        """This workstation's anchor of the clinic database's audit chain (in its own data
        folder, one file per database address), or None without a data folder."""
        if self.paths is None or self.database.target is None:
            return None
        return Path(self.paths.data) / f"{ANCHOR_PREFIX}{address_key(self.database.target)}.json"

    def anchor_audit(self) -> None:
        """Record the chain's head as this workstation last saw it (at close), outside the
        database: a later cut or emptied log on the server is then reported by ``verify``.
        Never overwritten while the chain no longer contains it (so reopening does not bless
        a cut log); skipped while the server cannot be reached."""
        from myeloma_desk.store import audit

        path = self.anchor_path()
        raw = self.database.raw
        if path is None or raw.closed or raw.broken:
            return
        with contextlib.suppress(StoreError, OSError, *self.database_errors()):
            anchor = audit.read_anchor(path)
            if anchor is not None and not audit.holds(self.database, anchor):
                return
            audit.write_anchor(path, self.database)

    def verify_audit(self) -> Any:
        from myeloma_desk.store import audit

        chain = audit.verify(self.database)
        problems: list[str] = []
        path = self.anchor_path()
        anchor = audit.read_anchor(path) if path is not None else None
        if anchor is not None and not audit.holds(self.database, anchor):
            problems.append(
                f"event {anchor[0]}, the newest when this workstation last closed the clinic "
                "database, is missing or changed (the log was emptied, cut or rewritten on the "
                "server, or this address now leads to another database)"
            )
        problems.extend(missing_guards(self.database))
        for uid in audit.deleted_patients(self.database):
            problems.append(f"patient {uid[:8]} was deleted outside the app")
        return audit.TamperReport(chain, tuple(problems))

    def integrity_check(self) -> str | None:
        return None  # PostgreSQL checks its own pages (data checksums, amcheck by the admin)

    def backups(self) -> list[Any]:
        return []

    def _server_only(self, *args: Any) -> Any:
        raise StoreError(SERVER_ONLY)

    backup = backup_detached = restore = change_passphrase = _server_only

    def drafts_vault(self) -> Any:
        from myeloma_desk.store import drafts

        return drafts.DraftVault(drafts.vault_path(self.paths.data), None)

    @property
    def db_path(self) -> Any:
        raise StoreError(SERVER_ONLY)

    backup_dir = db_path
