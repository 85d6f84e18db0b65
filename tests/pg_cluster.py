"""A throwaway PostgreSQL cluster for the tests and the server benchmark.

Debian's PostgreSQL binaries (``/usr/lib/postgresql/<N>/bin``: initdb, pg_ctl) in a temporary
folder, listening on a unix socket and on a loopback port that accepts TLS only (a
certificate for ``localhost`` from a throwaway CA, so ``sslmode=verify-full`` is exercised),
SCRAM authentication for every connection, stopped and deleted at the end. initdb refuses
to run as root, so as root the cluster runs as the ``postgres`` user (or ``nobody``) in a
folder that user owns. Passwords go to a libpq password file (0600), never into an address,
argv or the environment.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUP_SQL = ROOT / "packaging" / "server" / "setup-site.sql"
# The people of the tests: login roles in the site's group roles.
USERS = {
    "ada": "myeloma_admin",
    "cleo": "myeloma_clinician",
    "cato": "myeloma_clinician",
    "remy": "myeloma_reader",
}


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout), or None."""
    base = Path("/usr/lib/postgresql")
    found = sorted(
        (p / "bin" for p in base.glob("*") if (p / "bin" / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _owner() -> str | None:
    """Who runs the server: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and neither 'postgres' nor 'nobody' exists")


class Cluster:
    """A running throwaway cluster; :meth:`target` gives libpq addresses for its users."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="myeloma-pg-"))
        self.data = self.base / "data"
        self.socket = self.base / "sock"
        self.passfile = self.base / "pgpass"
        self.passwords = {name: secrets.token_urlsafe(16) for name in ["postgres", *USERS]}
        self.owner = _owner()
        self._counter = 0
        self.tls = self.base / "tls"
        self.port = _free_port()

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> Cluster:
        self.socket.mkdir()
        superuser_pw = self.base / "superuser.pw"
        superuser_pw.write_text(self.passwords["postgres"] + "\n")
        superuser_pw.chmod(0o600)
        if self.owner is not None:
            entry = pwd.getpwnam(self.owner)
            for path in (self.base, self.socket, superuser_pw):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(
            self.bindir / "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            f"--pwfile={superuser_pw}",
            "-E",
            "UTF8",
            "--no-locale",
        )
        superuser_pw.unlink()
        self._make_certificates()
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.socket}'\n"
                "max_connections = 60\nfsync = on\n"
                f"ssl = on\nssl_cert_file = '{self.data / 'server.crt'}'\n"
                f"ssl_key_file = '{self.data / 'server.key'}'\n"
            )
        hba = self.data / "pg_hba.conf"
        hba.write_text("hostnossl all all 0.0.0.0/0 reject\n" + hba.read_text())
        self.start_server()
        # The client side (this process) reads passwords from a libpq password file.
        self.passfile.write_text(
            "".join(f"*:*:*:{user}:{password}\n" for user, password in self.passwords.items())
        )
        self.passfile.chmod(0o600)
        return self

    def start_server(self) -> None:
        """Start the server on the existing data folder (after :meth:`crash`, crash recovery
        replays its write-ahead log first)."""
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.base / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def crash(self) -> None:
        """Stop the server the hard way (``pg_ctl stop -m immediate``: every backend is killed,
        no checkpoint), as a power cut or a killed postmaster would. Only for a cluster a test
        started for itself: every other test of the session shares the session's cluster."""
        self._run(self.bindir / "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def _make_certificates(self) -> None:
        """A throwaway CA and a server certificate for ``localhost`` signed by it (openssl)."""
        self.tls.mkdir()
        run = ["openssl"]

        def openssl(*args: str) -> None:
            subprocess.run([*run, *args], check=True, capture_output=True, timeout=60)

        for name in ("ca", "other-ca"):
            openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN=Myeloma Desk test {name}",
                "-keyout",
                str(self.tls / f"{name}.key"),
                "-out",
                str(self.tls / f"{name}.crt"),
            )
        openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(self.tls / "server.key"),
            "-out",
            str(self.tls / "server.csr"),
        )
        (self.tls / "ext.cnf").write_text("subjectAltName = DNS:localhost\n")
        openssl(
            "x509",
            "-req",
            "-in",
            str(self.tls / "server.csr"),
            "-days",
            "2",
            "-CA",
            str(self.tls / "ca.crt"),
            "-CAkey",
            str(self.tls / "ca.key"),
            "-CAcreateserial",
            "-extfile",
            str(self.tls / "ext.cnf"),
            "-out",
            str(self.tls / "server.crt"),
        )
        for name in ("server.crt", "server.key"):
            target = self.data / name
            shutil.copy(self.tls / name, target)
            target.chmod(0o600)
            if self.owner is not None:
                entry = pwd.getpwnam(self.owner)
                os.chown(target, entry.pw_uid, entry.pw_gid)

    def tls_target(
        self,
        user: str,
        dbname: str,
        *,
        host: str = "localhost",
        rootcert: str = "ca.crt",
        sslmode: str = "verify-full",
    ) -> str:
        """An address over the loopback port with TLS, checked against the test CA."""
        return (
            f"host={host} port={self.port} dbname={dbname} user={user} "
            f"passfile={self.passfile} sslmode={sslmode} sslrootcert={self.tls / rootcert} "
            "connect_timeout=10"
        )

    def target(self, user: str, dbname: str) -> str:
        """A libpq address (no password in it: libpq reads the password file)."""
        return (
            f"host={self.socket} port={self.port} dbname={dbname} user={user} "
            f"passfile={self.passfile}"
        )

    def superuser(self, dbname: str = "postgres") -> object:
        import psycopg

        return psycopg.connect(self.target("postgres", dbname), autocommit=True)

    def setup_site(self, dbname: str) -> None:
        """Run the site setup script (packaging/server/setup-site.sql) with psql, then add the
        test users to its group roles."""
        import psycopg
        from psycopg import sql

        psql = self.bindir / "psql"
        subprocess.run(
            [
                str(psql),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-v",
                f"dbname={dbname}",
                "-f",
                str(SETUP_SQL),
                self.target("postgres", "postgres"),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        with psycopg.connect(self.target("postgres", "postgres"), autocommit=True) as conn:
            for user, group in USERS.items():
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,))
                if exists.fetchone() is None:
                    conn.execute(
                        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                            sql.Identifier(user),
                            sql.Literal(self.passwords[user]),
                            sql.Identifier(group),
                        )
                    )

    def clone(self, template: str) -> str:
        """A fresh database copied from ``template`` (fast), owned like it."""
        import psycopg
        from psycopg import sql

        self._counter += 1
        name = f"t{self._counter}_{secrets.token_hex(3)}"
        with psycopg.connect(self.target("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER myeloma_admin").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
            conn.execute(
                sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name))
            )
            conn.execute(
                sql.SQL(
                    "GRANT CONNECT ON DATABASE {} TO myeloma_admin, myeloma_clinician, "
                    "myeloma_reader"
                ).format(sql.Identifier(name))
            )
        return name

    def drop(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.target("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(self.bindir / "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def with_site(template: str = "myeloma_template") -> Iterator[Cluster]:
    """A running cluster with the site set up and the schema in ``template`` (as the session
    fixture makes it): for a test that must stop or fill its own server."""
    from myeloma_desk.store import Store

    with running() as cluster:
        cluster.setup_site(template)
        Store.open_server(cluster.target("ada", template)).close()
        yield cluster


@contextlib.contextmanager
def running() -> Iterator[Cluster]:
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    cluster = Cluster(bindir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
