"""Fixtures for every test: fresh databases on SQLite and PostgreSQL, and a headless browser.

``db_url`` runs a test once per backend (ids ``sqlite`` and ``postgresql``); the PostgreSQL runs are marked ``pg``
so ``-m "not pg"`` leaves them out. Each xdist worker starts its own throwaway cluster the first time a test needs
one (STACK.md §2, caveat 4). Missing PostgreSQL or chromium skips those tests locally and fails them in CI.

The browser fixtures live in ``tests/support/browser.py`` and are re-exported here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.support import unavailable
from tests.support.browser import browser as browser
from tests.support.browser import page as page
from tests.support.browser import phone_page as phone_page
from tests.support.pg import PostgresCluster, PostgresUnavailable, find_bindir

from zerocity.store.db import Database
from zerocity.store.migrate import upgrade

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.pg),
]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A running throwaway PostgreSQL cluster, one per xdist worker, stopped and deleted at the end of the session."""
    if find_bindir() is None:
        unavailable("PostgreSQL server binaries not found (apt-get install postgresql postgresql-contrib)")
    cluster = PostgresCluster()
    try:
        cluster.start()
    except PostgresUnavailable as exc:
        unavailable(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def make_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Factory: ``make_db_url("sqlite" | "postgresql")`` returns the URL of a new, empty database.

    SQLite files go in the test's ``tmp_path``; PostgreSQL databases (``t_<hex>``) are dropped after the test, with
    any connection still open to them ended first.
    """
    created: list[tuple[PostgresCluster, str]] = []
    sqlite_files = 0

    def make(backend: str) -> str:
        nonlocal sqlite_files
        if backend == "sqlite":
            sqlite_files += 1
            name = "zerocity.sqlite3" if sqlite_files == 1 else f"zerocity-{sqlite_files}.sqlite3"
            return f"sqlite:///{tmp_path / name}"
        if backend == "postgresql":
            cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
            name = f"t_{uuid.uuid4().hex}"
            url = cluster.create_database(name)
            created.append((cluster, name))
            return url
        raise ValueError(f"unknown database backend {backend!r}: expected 'sqlite' or 'postgresql'")

    yield make
    for cluster, name in reversed(created):
        cluster.drop_database(name)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A database migrated to head, on SQLite and on PostgreSQL (folders with demo data override this)."""
    upgrade(db_url)
    database = Database(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, make_db_url: Callable[[str], str]) -> str:
    """URL of a fresh, empty database; the test runs once on ``sqlite`` and once on ``postgresql`` (marked ``pg``).

    ``sqlite:///<tmp_path>/zerocity.sqlite3`` or ``postgresql+psycopg://zerocity@127.0.0.1:<port>/t_<hex>``.
    """
    return make_db_url(request.param)
