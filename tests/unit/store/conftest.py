"""Fixtures for the store tests: a private data folder and an open store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import Store, open_store


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "home")


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    opened = open_store(paths)
    yield opened
    opened.close()


@pytest.fixture
def opened() -> Iterator[list[Store]]:
    """Stores a test opened (``storetest_helpers.open_as`` and others): closed after it."""
    stores: list[Store] = []
    yield stores
    for each in stores:
        each.close()


@pytest.fixture(params=["local", "server"])
def both_backends(request: pytest.FixtureRequest, paths: AppPaths) -> Iterator[Store]:
    """An open store on each backend: the local file, and the clinic server (PostgreSQL, as a
    clinician's own role on a fresh database of the throwaway test cluster)."""
    if request.param == "local":
        opened = open_store(paths)
    else:
        site = request.getfixturevalue("server_site")
        opened = Store.open_server(site.target("cleo"), paths)
    yield opened
    opened.close()
