"""Writing the index: replace and remove in the caller's transaction, FTS5 kept in step, the change token, bad
calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from tests.search.corpus import CASES, documents, load_corpus

from zerocity.search.catalogue import current_token
from zerocity.search.index import Document, remove_documents, replace_documents
from zerocity.search.query import SearchRequest, search
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.search_models import SearchEntry


def _found(db: Database, query: str, **options: object) -> list[tuple[int, str]]:
    with db.read() as session:
        return [(hit.doc_id, hit.lang) for hit in search(session, SearchRequest(q=query, **options)).hits]  # type: ignore[arg-type]


ENTRIES = sum(len(documents(doc_id)) for doc_id in CASES)


def _check_fts(db: Database) -> None:
    """On SQLite, FTS5's own integrity check: the index must match the external content (search_entries)."""
    if db.is_sqlite:
        with db.write() as session:
            session.execute(text("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)"))


def _entries(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(SearchEntry)).scalar_one()


def test_indexed_documents_are_found_and_stored_one_row_per_language(db: Database) -> None:
    load_corpus(db)
    with db.read() as session:
        rows = session.execute(select(func.count()).select_from(SearchEntry)).scalar_one()
        stored = session.execute(
            select(SearchEntry.themes, SearchEntry.sectors, SearchEntry.title_tokens).where(
                SearchEntry.doc_id == 6, SearchEntry.lang == "en"
            )
        ).one()
    assert rows == ENTRIES
    assert (stored.themes, stored.sectors) == ("energy_governance net_zero", "I.4")
    assert stored.title_tokens == " rooftop  solar  on  pingtung  s  farm  build "
    assert _found(db, "沼氣") == [(2, "zh_Hant"), (5, "zh_Hant")]


def test_every_change_draws_a_new_change_token_and_a_rollback_restores_the_old_one(db: Database) -> None:
    with db.read() as session:
        first = current_token(session)
    load_corpus(db)
    with db.read() as session:
        second = current_token(session)
    with pytest.raises(RuntimeError), db.write() as session:
        remove_documents(session, "case", 2)
        assert current_token(session) not in (first, second)
        raise RuntimeError("rolled back")
    with db.read() as session:
        assert current_token(session) == second != first


def test_replacing_a_document_drops_its_old_text_from_the_index(db: Database) -> None:
    load_corpus(db)
    changed = [replace(doc, title="鋼鐵廠餘熱回收", summary="回收餘熱供應鄰近社區。", body="") for doc in documents(2)]
    with db.write() as session:
        replace_documents(session, "case", 2, changed)
    assert _found(db, "沼氣") == [(5, "zh_Hant")]
    assert _found(db, "餘熱") == [(2, "zh_Hant")]
    assert _entries(db) == ENTRIES
    _check_fts(db)


def test_replacing_with_fewer_languages_unpublishes_the_missing_one(db: Database) -> None:
    load_corpus(db)
    with db.write() as session:
        replace_documents(session, "case", 1, [d for d in documents(1) if d.lang == "zh_Hant"])
    assert _found(db, "buses") == [(7, "en")]
    assert _found(db, "公車") == [(1, "zh_Hant"), (7, "zh_Hant")]


def test_removing_a_document_removes_every_language_and_its_facets(db: Database) -> None:
    load_corpus(db)
    with db.write() as session:
        remove_documents(session, "case", 1)
        remove_documents(session, "case", 999)  # nothing indexed: nothing happens
    assert _found(db, "公車") == [(7, "zh_Hant")]
    assert _found(db, "buses") == [(7, "en")]
    with db.read() as session:
        themes = search(session, SearchRequest()).facets["theme"]
    assert themes["mobility"] == 2
    assert _entries(db) == ENTRIES - 2
    _check_fts(db)


def test_the_fts_check_would_notice_an_entry_removed_behind_the_index_s_back(
    make_db_url: Callable[[str], str],
) -> None:
    url = make_db_url("sqlite")  # the FTS5 table exists on SQLite only; PostgreSQL's index follows its table
    upgrade(url)
    db = Database(url)
    try:
        load_corpus(db)
        with db.write() as session:
            session.execute(text("DELETE FROM search_entries WHERE doc_id = 2"))
        with pytest.raises(Exception, match=r"corrupt|malformed"):
            _check_fts(db)
    finally:
        db.dispose()


def test_replacing_with_no_documents_is_the_same_as_removing(db: Database) -> None:
    load_corpus(db)
    with db.write() as session:
        replace_documents(session, "case", 2, [])
    assert _found(db, "掩埋場") == []


def test_a_rolled_back_transaction_leaves_the_index_as_it_was(db: Database) -> None:
    load_corpus(db)
    with pytest.raises(RuntimeError), db.write() as session:
        remove_documents(session, "case", 2)
        raise RuntimeError("the publication failed half-way")
    assert _found(db, "掩埋場") == [(2, "zh_Hant")]
    assert _entries(db) == ENTRIES
    _check_fts(db)


def test_cases_and_news_with_the_same_id_are_kept_apart(db: Database) -> None:
    news = Document("news", 1, "zh_Hant", "公車新聞", "", "", "", "", 2024, (), (), None)
    with db.write() as session:
        replace_documents(session, "news", 1, [news], embed=False)
        replace_documents(session, "case", 1, documents(1), embed=False)
        remove_documents(session, "case", 1)
    assert _found(db, "公車", kind="news") == [(1, "zh_Hant")]
    assert _found(db, "公車") == []


def test_markdown_in_a_body_is_indexed_as_its_words(db: Database) -> None:
    doc = replace(documents(4)[0], body="## Results\n\n**Forty** buildings, see [the report](https://example.org/x)")
    with db.write() as session:
        replace_documents(session, "case", 4, [doc], embed=False)
    assert _found(db, "forty report") == [(4, "en")]
    assert _found(db, "https") == []


def test_a_naive_publication_time_is_taken_as_utc(db: Database) -> None:
    doc = replace(documents(4)[0], published_at=datetime(2020, 1, 1, 8, 0))
    with db.write() as session:
        replace_documents(session, "case", 4, [doc], embed=False)
        stored = session.execute(select(SearchEntry.published_at)).scalar_one()
    assert stored is not None and stored.isoformat() == "2020-01-01T08:00:00+00:00"


@pytest.mark.parametrize(
    ("kind", "doc_id", "docs", "message"),
    [
        ("case", 2, documents(1), "given to replace"),
        ("news", 1, documents(1), "given to replace"),
        ("case", 1, documents(1) + documents(1)[:1], "same language"),
        ("case", 1, [replace(documents(1)[0], lang="")], "1 to 16 characters"),
    ],
)
def test_documents_that_do_not_belong_to_the_call_are_refused(
    db: Database, kind: str, doc_id: int, docs: list[Document], message: str
) -> None:
    with pytest.raises(ValueError, match=message), db.write() as session:
        replace_documents(session, kind, doc_id, docs, embed=False)


def test_reindexing_a_document_that_was_never_indexed_keeps_the_caches(db: Database) -> None:
    load_corpus(db)
    with db.read() as session:
        before = current_token(session)
    with db.write() as session:
        replace_documents(session, "case", 999, [], embed=False)  # a draft-only case saved again
        remove_documents(session, "case", 998)
    with db.read() as session:
        assert current_token(session) == before
