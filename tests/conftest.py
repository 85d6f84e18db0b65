"""Test-wide setup: offscreen Qt, and a guard that records any network use."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests: no per-example deadline (CI shares 2 cores; a slow example is not a bug).
# In CI the examples are derandomized, so a red run can be reproduced exactly; on a
# developer's machine they stay random and keep exploring.
settings.register_profile(
    "myeloma-desk",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
    print_blob=True,
)
settings.load_profile("myeloma-desk")


class NetworkGuard:
    """Records socket connects, DNS look-ups and sends seen by Python's audit hooks."""

    EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.gethostbyname")

    def __init__(self) -> None:
        self.armed = False
        self.attempts: list[tuple[str, Any]] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if self.armed and event in self.EVENTS:
            self.attempts.append((event, args))


_GUARD = NetworkGuard()
sys.addaudithook(_GUARD)  # audit hooks cannot be removed; it only records while armed


@pytest.fixture
def network_guard() -> Iterator[NetworkGuard]:
    """Arm the guard for one test; the test asserts on ``attempts``."""
    _GUARD.attempts.clear()
    _GUARD.armed = True
    try:
        yield _GUARD
    finally:
        _GUARD.armed = False


# --- a throwaway PostgreSQL cluster for the server store tests (tests/pg_cluster.py) -----------


class ServerSite:
    """One fresh clinic database on the test cluster, migrated by its administrator."""

    def __init__(self, cluster: Any, dbname: str) -> None:
        self.cluster = cluster
        self.dbname = dbname

    def target(self, user: str) -> str:
        """A libpq address for one of the test users (its password is in a password file)."""
        return str(self.cluster.target(user, self.dbname))


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Any]:
    """Start a cluster (initdb + pg_ctl, unix socket, SCRAM) once per session; stop it after.

    The site is set up with packaging/server/setup-site.sql, and an administrator's first open
    creates the schema in a template database that every test clones.
    """
    pytest.importorskip("psycopg", reason="the server store's driver (the test extra has it)")
    import pg_cluster

    from myeloma_desk.store import Store

    if pg_cluster.bin_dir() is None:
        pytest.fail("PostgreSQL is not installed: bash dev.sh test installs it (Debian)")
    with pg_cluster.running() as cluster:
        cluster.setup_site("myeloma_template")
        Store.open_server(cluster.target("ada", "myeloma_template")).close()
        yield cluster


@pytest.fixture
def server_site(postgres_cluster: Any) -> Iterator[ServerSite]:
    """A fresh, migrated clinic database for one test (dropped afterwards)."""
    name = postgres_cluster.clone("myeloma_template")
    try:
        yield ServerSite(postgres_cluster, name)
    finally:
        postgres_cluster.drop(name)


# --- the demo patients in a store of their own, once per test module --------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local store holding the demo patients (``store.demo``), shared by one module's tests:
    they read it and never change it."""
    from myeloma_desk.paths import AppPaths
    from myeloma_desk.store import open_store
    from myeloma_desk.store.demo import load_demo

    store = open_store(AppPaths.resolve(tmp_path_factory.mktemp("demo") / "home"))
    load_demo(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A data folder whose store holds the demo patients, made by ``myeloma-desk demo``."""
    from myeloma_desk.cli import main

    home = tmp_path_factory.mktemp("demo-home")
    assert main(["--data-dir", str(home), "demo"]) == 0
    return home
