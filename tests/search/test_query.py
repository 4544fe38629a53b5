"""Searching the fixed corpus on SQLite and PostgreSQL: recall and precision in both languages, facets, filters,
sorting, paging and odd input (tests/search/corpus.py says which case holds which word)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.search.corpus import CASES, load_corpus

from zerocity.search import catalogue as catalogue_module
from zerocity.search import fts_pg, fts_sqlite, ranking
from zerocity.search import query as query_module
from zerocity.search.index import remove_documents
from zerocity.search.query import MAX_PER_PAGE, SearchRequest, search
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade

# query -> the documents that must be found, and nothing else (recall and precision both 1 on this corpus)
FIXED_QUERIES: dict[str, set[int]] = {
    # two-character words, in Traditional and in Simplified
    "公車": {1, 7},
    "公车": {1, 7},
    "沼氣": {2, 5},
    "沼气": {2, 5},
    "甲烷": {2, 5, 14},
    # longer words: the domain dictionary and words jieba knows
    "範疇一": {8},
    "排放係數": {8},
    "掩埋場": {2},
    "太陽光電": {6},
    "智慧電表": {10},
    "电动机车": {12},
    "生物多樣性": {15},
    # one character
    "碳": {2, 13},
    # English, with stemming
    "bus": {1, 7},
    "buses": {1, 7},
    "methane": {5, 14},
    "heat pump": {4},
    "smart meters": {10},
    "solar": {6},
    # a Chinese query finds Chinese text only, an English one English text only (no semantic search here)
    "高雄": {1, 8},
    "Kaohsiung": {1},
    "landfill": {5},
    # several terms: all must match
    "電動公車 高雄": {1},
    "methane wastewater": {14},
    # theme names are indexed in both languages
    "廢棄物": {2, 5, 14},
}


def _found(db: Database, request: SearchRequest) -> list[int]:
    with db.read() as session:
        return [hit.doc_id for hit in search(session, request).hits]


@pytest.mark.parametrize("query", FIXED_QUERIES)
def test_each_fixed_query_finds_exactly_its_documents(corpus_db: Database, query: str) -> None:
    found = _found(corpus_db, SearchRequest(q=query, per_page=MAX_PER_PAGE))
    assert set(found) == FIXED_QUERIES[query]
    assert len(found) == len(set(found)), "one hit per document"


def test_a_simplified_query_finds_the_same_traditional_text_in_the_same_order(corpus_db: Database) -> None:
    assert _found(corpus_db, SearchRequest(q="电动公车")) == _found(corpus_db, SearchRequest(q="電動公車")) == [1]


def test_two_character_words_inside_longer_words_are_found(corpus_db: Database) -> None:
    # case 7 has 公車站 only; jieba does not give 公車 by itself there, the bigram does
    assert 7 in _found(corpus_db, SearchRequest(q="公車"))


def test_the_document_with_the_word_in_its_title_ranks_first(corpus_db: Database) -> None:
    assert _found(corpus_db, SearchRequest(q="甲烷"))[0] == 14
    assert _found(corpus_db, SearchRequest(q="bus"))[0] == 1


def test_lang_restricts_the_search_to_one_language_version(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        english = search(session, SearchRequest(q="", lang="en", per_page=MAX_PER_PAGE))
        chinese = search(session, SearchRequest(q="沼氣", lang="en"))
    assert {hit.lang for hit in english.hits} == {"en"}
    assert english.total == sum(1 for case in CASES.values() if "en" in case[7])
    assert chinese.total == 0


def test_a_language_alias_is_understood_and_an_unknown_language_finds_nothing(corpus_db: Database) -> None:
    assert _found(corpus_db, SearchRequest(q="沼氣", lang="zh-TW")) == _found(corpus_db, SearchRequest(q="沼氣"))
    assert _found(corpus_db, SearchRequest(q="", lang="fr")) == []


def test_a_bilingual_document_appears_once_in_the_language_that_matched(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        english = search(session, SearchRequest(q="Yilan wetlands"))
        chinese = search(session, SearchRequest(q="宜蘭濕地"))
    assert [(h.doc_id, h.lang) for h in english.hits] == [(15, "en")]
    assert [(h.doc_id, h.lang) for h in chinese.hits] == [(15, "zh_Hant")]


def test_a_listing_shows_the_preferred_language_of_bilingual_documents(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        default = search(session, SearchRequest(per_page=MAX_PER_PAGE))
        english = search(session, SearchRequest(per_page=MAX_PER_PAGE, prefer_lang="en"))
    assert {h.doc_id: h.lang for h in default.hits}[1] == "zh_Hant"
    assert {h.doc_id: h.lang for h in english.hits}[1] == "en"
    assert {h.doc_id: h.lang for h in english.hits}[2] == "zh_Hant"  # no English version


def test_an_empty_or_punctuation_only_query_lists_everything_newest_first(corpus_db: Database) -> None:
    newest_first = [doc_id for doc_id, _ in sorted(CASES.items(), key=lambda kv: kv[1][6], reverse=True)]
    for query in ("", "   ", "!!!", "，。？「」", "*:()"):
        with corpus_db.read() as session:
            result = search(session, SearchRequest(q=query, sort="relevance", per_page=MAX_PER_PAGE))
        assert [hit.doc_id for hit in result.hits] == newest_first
        assert result.total == len(CASES)
        assert result.sort == "date"


def test_results_can_be_sorted_by_date(corpus_db: Database) -> None:
    by_date = _found(corpus_db, SearchRequest(q="甲烷", sort="date"))
    assert by_date == [2, 14, 5]  # published 2020-05, 2019-08, 2018-04


def test_facets_count_documents_of_the_whole_result(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        result = search(session, SearchRequest(q="甲烷", per_page=1))
    assert result.total == 3
    assert len(result.hits) == 1
    assert result.facets["theme"] == {"waste": 3}
    assert result.facets["country"] == {"KR": 2, "TW": 1}
    assert result.facets["sector"] == {"III.1": 1, "III.2": 1, "III.4": 1}
    assert result.facets["year"] == {"2017": 1, "2019": 2}


def test_facets_of_a_listing_cover_every_document(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        facets = search(session, SearchRequest()).facets
    assert set(facets) == {"theme", "country", "sector", "year"}
    assert facets["country"] == {"TW": 10, "JP": 2, "KR": 2, "SG": 1}
    assert facets["theme"]["mobility"] == 3
    assert sum(facets["year"].values()) == len(CASES)


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (SearchRequest(themes=("waste",)), {2, 5, 14}),
        (SearchRequest(themes=("waste", "biodiversity")), {2, 5, 14, 15}),
        (SearchRequest(countries=("JP",)), {4, 11}),
        (SearchRequest(countries=("jp", "kr")), {4, 5, 11, 14}),
        (SearchRequest(sectors=("II.1",)), {1, 7, 12}),
        (SearchRequest(year_from=2021), {1, 6, 8, 10}),
        (SearchRequest(year_from=2018, year_to=2019), {2, 4, 13, 14, 15}),
        (SearchRequest(q="甲烷", countries=("KR",)), {5, 14}),
        (SearchRequest(q="bus", themes=("mobility",), year_to=2020), {7}),
        (SearchRequest(themes=("waste",), countries=("TW",)), {2}),
        (SearchRequest(themes=("no_such_theme",)), set()),
        (SearchRequest(year_from=2020, year_to=2010), set()),
    ],
)
def test_filters_narrow_the_result(corpus_db: Database, request_: SearchRequest, expected: set[int]) -> None:
    found = _found(corpus_db, SearchRequest(**{**request_.__dict__, "per_page": MAX_PER_PAGE}))
    assert set(found) == expected


def test_pages_split_the_result_without_gaps_or_repeats(corpus_db: Database) -> None:
    everything = _found(corpus_db, SearchRequest(per_page=MAX_PER_PAGE))
    pages = [_found(corpus_db, SearchRequest(page=page, per_page=4)) for page in (1, 2, 3, 4, 5)]
    assert [len(page) for page in pages] == [4, 4, 4, 3, 0]
    assert [doc_id for page in pages for doc_id in page] == everything


def test_odd_paging_values_are_clamped(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        result = search(session, SearchRequest(page=-3, per_page=10_000))
        tiny = search(session, SearchRequest(page=0, per_page=0))
    assert (result.page, result.per_page, len(result.hits)) == (1, MAX_PER_PAGE, len(CASES))
    assert (tiny.page, tiny.per_page, len(tiny.hits)) == (1, 1, 1)


def test_an_unknown_sort_means_relevance_and_an_unknown_kind_finds_nothing(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        assert search(session, SearchRequest(q="甲烷", sort="; DROP TABLE")).sort == "relevance"
        assert search(session, SearchRequest(q="", kind="news")).total == 0


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "甲烷" * 5_000,
        '"',
        "'",
        "' OR 1=1 --",
        "公車 OR 甲烷",
        "NEAR(公車 甲烷, 2)",
        "-甲烷",
        "甲烷*",
        "tokens:公車",
        "(((公車",
        "公車)))",
        "\\",
        "\x00公車\x00",
        "公\ud800車",
        "<script>alert(1)</script>",
        "%_%",
        "!:*&|()",
    ],
)
def test_odd_queries_never_raise_and_syntax_is_taken_as_words(corpus_db: Database, query: str) -> None:
    with corpus_db.read() as session:
        result = search(session, SearchRequest(q=query, semantic=True))
    assert result.total == len({hit.doc_id for hit in result.hits}) or result.total > len(result.hits)


def test_search_operators_typed_by_a_reader_are_plain_words(corpus_db: Database) -> None:
    # "OR" is a word the documents lack, so the query needs it too: nothing matches
    assert _found(corpus_db, SearchRequest(q="公車 OR 甲烷")) == []
    # quotes, colons, stars and a minus sign are punctuation: only the word is left
    assert set(_found(corpus_db, SearchRequest(q='"公車"'))) == {1, 7}
    assert set(_found(corpus_db, SearchRequest(q="-甲烷*"))) == {2, 5, 14}
    assert set(_found(corpus_db, SearchRequest(q="tokens:公車"))) == set()


def test_a_broad_query_ranks_title_matches_first_when_only_some_rows_get_the_full_score(
    corpus_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact_everywhere = _found(corpus_db, SearchRequest(q="甲烷"))
    monkeypatch.setattr(ranking, "EXACT_ROWS", 1)
    two_passes = _found(corpus_db, SearchRequest(q="甲烷"))
    assert two_passes[0] == exact_everywhere[0] == 14  # 甲烷 in its title
    assert sorted(two_passes) == sorted(exact_everywhere)


def _ranked(url: str) -> dict[str, list[tuple[int, str, float]]]:
    database = Database(url)
    try:
        with database.read() as session:
            return {
                query: [
                    (hit.doc_id, hit.lang, hit.score)
                    for hit in search(session, SearchRequest(q=query, per_page=MAX_PER_PAGE)).hits
                ]
                for query in [*FIXED_QUERIES, "", "甲烷 methane", "公車 bus"]
            }
    finally:
        database.dispose()


def test_sqlite_and_postgresql_rank_the_fixed_queries_in_the_same_order_with_the_same_scores(
    make_db_url: Callable[[str], str],
) -> None:
    urls = [make_db_url("sqlite"), make_db_url("postgresql")]
    for url in urls:
        upgrade(url)
        database = Database(url)
        try:
            load_corpus(database)
        finally:
            database.dispose()
    on_sqlite, on_postgresql = (_ranked(url) for url in urls)
    assert on_sqlite == on_postgresql
    assert sum(len(hits) for hits in on_sqlite.values()) > 50


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("公車 bus", {1, 7}),  # 公車 in the Chinese versions, bus in the English ones
        ("甲烷 methane", {5, 14}),  # case 2 has no English version, so no "methane"
        ("高雄 Kaohsiung", {1}),
        ("高雄 solar", set()),  # no document holds both
        ("LED 路燈", {3}),  # LED is in both versions, 路燈 in the Chinese one
    ],
)
def test_a_query_mixing_chinese_and_english_matches_documents_across_their_language_versions(
    corpus_db: Database, query: str, expected: set[int]
) -> None:
    assert set(_found(corpus_db, SearchRequest(q=query))) == expected


def test_a_mixed_query_restricted_to_one_language_must_match_within_that_version(corpus_db: Database) -> None:
    assert set(_found(corpus_db, SearchRequest(q="公車 bus", lang="en"))) == set()
    assert set(_found(corpus_db, SearchRequest(q="LED 路燈", lang="zh_Hant"))) == {3}


def test_a_broad_match_is_kept_with_the_catalogue_until_the_index_changes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus(db)
    monkeypatch.setattr(catalogue_module, "BROAD_MATCH", 2)
    first = _found(db, SearchRequest(q="公車"))
    with db.read() as session:
        assert len(catalogue_module.catalogue(session).matches) == 1

    def engine_not_asked(*_: object) -> None:
        raise AssertionError("a kept match went to the engine again")

    monkeypatch.setattr(fts_sqlite, "ids_matching", engine_not_asked)
    monkeypatch.setattr(fts_pg, "ids_matching", engine_not_asked)
    assert _found(db, SearchRequest(q="公車")) == first
    monkeypatch.undo()
    with db.write() as session:
        remove_documents(session, "case", 1)
    assert set(_found(db, SearchRequest(q="公車"))) == {7}


def test_a_match_read_while_a_writer_changed_the_index_is_not_kept(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus(db)
    monkeypatch.setattr(catalogue_module, "BROAD_MATCH", 1)
    monkeypatch.setattr(query_module, "current_token", lambda session: "a token written meanwhile")
    assert set(_found(db, SearchRequest(q="公車"))) == {1, 7}
    monkeypatch.undo()
    with db.read() as session:
        assert len(catalogue_module.catalogue(session).matches) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), max_size=60),
    st.integers(0, 70),
)
def test_the_first_rows_of_a_partial_sort_are_those_of_a_full_sort(
    rows: list[tuple[int, int, int]], limit: int
) -> None:
    columns = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)] or [
        np.zeros(0, dtype=np.int64)
    ] * 3
    keys = (columns[0], columns[1], columns[2])  # the last key leads, as in np.lexsort
    leading = columns[2] * 10.0 + columns[1]  # never decreases along the full order
    expected = np.lexsort(keys)[:limit]
    assert query_module._first_of_lexsort(keys, leading, limit).tolist() == expected.tolist()
