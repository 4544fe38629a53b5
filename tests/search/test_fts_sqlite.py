"""SQLite FTS5: every token quoted, nothing of the reader's syntax reaches the engine, the FTS5 index in use."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from tests.search.corpus import load_corpus

from zerocity.search import fts_sqlite
from zerocity.search.terms import parse_query
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade


def test_the_fts5_expression_quotes_every_token_and_adds_only_and_or() -> None:
    expression = fts_sqlite.match_expression(parse_query('柴油公車 NEAR "bus*" -x'))
    assert expression == (
        '(("柴油" AND "公车") OR ("柴油" AND "油公" AND "公车")) AND (("near")) AND (("bus")) AND (("x"))'
    )


def test_a_quote_inside_a_token_would_be_doubled() -> None:
    # tokens are letters and digits only, so this is the last line of defence, tested on its own
    assert fts_sqlite._string('a"b') == '"a""b"'


def test_matching_goes_through_the_fts5_index(make_db_url: Callable[[str], str]) -> None:
    url = make_db_url("sqlite")
    upgrade(url)
    db = Database(url)
    try:
        load_corpus(db)
        with db.read() as session:
            plan = session.execute(
                text("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts WHERE search_fts MATCH :q"), {"q": '"公车"'}
            ).all()
            ids = fts_sqlite.match_ids(session, parse_query("公車"))
    finally:
        db.dispose()
    assert "VIRTUAL TABLE INDEX" in " ".join(str(row[3]) for row in plan)
    assert len(ids) == 2
