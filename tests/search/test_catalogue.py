"""The process's catalogue of entry metadata: reloaded after a change, and the arrays the search relies on."""

from __future__ import annotations

import numpy as np
from tests.search.corpus import CASES, documents, load_corpus

from zerocity.search.catalogue import Catalogue, MatchCache, catalogue, current_token, parse_id_list
from zerocity.search.index import remove_documents
from zerocity.store.db import Database


def _catalogue(db: Database) -> Catalogue:
    with db.read() as session:
        return catalogue(session)


def test_the_catalogue_is_reused_until_the_index_changes_and_then_reloaded(db: Database) -> None:
    empty = _catalogue(db)
    assert empty.size == 0
    load_corpus(db)
    loaded = _catalogue(db)
    assert loaded is _catalogue(db)
    assert loaded.size == sum(len(documents(doc_id)) for doc_id in CASES)
    with db.write() as session:
        remove_documents(session, "case", 1)
        assert catalogue(session).size == loaded.size - 2  # the writer sees its own change at once
    after = _catalogue(db)
    assert after is not loaded
    assert 1 not in after.doc_ids
    with db.read() as session:
        assert after.token == current_token(session)


def test_rows_of_finds_known_entries_and_drops_unknown_ids(corpus_db: Database) -> None:
    entries = _catalogue(corpus_db)
    known = entries.ids[[0, 3, 5]]
    rows = entries.rows_of(np.array([known[1], 10_000_000, known[0], -1, known[2]], dtype=np.int64))
    assert entries.ids[rows].tolist() == [known[1], known[0], known[2]]
    assert entries.rows_of(np.zeros(0, dtype=np.int64)).tolist() == []


def test_multi_valued_facets_select_and_count_entries(corpus_db: Database) -> None:
    entries = _catalogue(corpus_db)
    waste = entries.themes.rows_with(("waste", "no_such_theme"), entries.size)
    assert sorted(set(entries.doc_ids[waste].tolist())) == [2, 5, 14]
    counts = entries.themes.counts(waste)
    assert counts == {"waste": 5}  # 2 (zh), 5 (zh, en), 14 (zh, en)


def test_title_counts_come_from_the_in_memory_title_index(corpus_db: Database) -> None:
    entries = _catalogue(corpus_db)
    rows = np.arange(entries.size)
    counts = entries.title_counts("甲烷", rows)
    assert sorted(set(entries.doc_ids[counts > 0].tolist())) == [14]
    assert entries.title_counts("no-such-token", rows).sum() == 0


def test_years_and_publication_times_keep_their_gaps(corpus_db: Database) -> None:
    entries = _catalogue(corpus_db)
    assert entries.has_year.all() and entries.has_published.all()
    first = int(np.flatnonzero(entries.doc_ids == 1)[0])
    assert entries.years[first] == 2021
    assert entries.published[first] == int(CASES[1][6].timestamp())


def test_an_id_list_from_the_database_reads_as_integers_in_its_order() -> None:
    assert parse_id_list("42,3,17").tolist() == [42, 3, 17]
    assert parse_id_list("9007199254740993").tolist() == [9007199254740993]  # beyond float precision: read exactly


def test_no_match_reads_as_an_empty_id_list() -> None:
    assert parse_id_list(None).tolist() == []
    assert parse_id_list("").tolist() == []


def test_a_match_cache_drops_the_least_recently_used_matches_beyond_its_budget() -> None:
    cache = MatchCache(budget=3 * 8 * 10)  # three matches of ten rows
    for name in "abc":
        cache.put(name, np.arange(10, dtype=np.int64))
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("d", np.arange(10, dtype=np.int64))
    assert cache.get("b") is None
    assert all(cache.get(name) is not None for name in "acd")
    cache.put("huge", np.arange(1000, dtype=np.int64))  # over the whole budget: never kept
    assert cache.get("huge") is None and len(cache) == 3


def test_kept_matches_cannot_be_changed_by_a_caller() -> None:
    cache = MatchCache()
    cache.put("a", np.arange(3, dtype=np.int64))
    kept = cache.get("a")
    assert kept is not None and not kept.flags.writeable
