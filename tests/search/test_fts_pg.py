"""PostgreSQL: every token a quoted lexeme, nothing of the reader's syntax reaches the engine, the GIN index in use."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from tests.search.corpus import load_corpus

from zerocity.search import fts_pg
from zerocity.search.terms import parse_query
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade


def test_the_tsquery_quotes_every_token_and_adds_only_and_or() -> None:
    expression = fts_pg.match_expression(parse_query("柴油公車 x:* !b"))
    assert expression == "(('柴油' & '公车') | ('柴油' & '油公' & '公车')) & (('x')) & (('b'))"


def test_quote_and_backslash_inside_a_token_would_be_doubled() -> None:
    # tokens are letters and digits only, so this is the last line of defence, tested on its own
    assert fts_pg._lexeme("a'b\\c") == "'a''b\\\\c'"


@pytest.mark.pg
def test_matching_goes_through_the_gin_index_and_leaves_the_planner_settings_as_they_were(
    make_db_url: Callable[[str], str],
) -> None:
    url = make_db_url("postgresql")
    upgrade(url)
    db = Database(url)
    try:
        load_corpus(db)
        with db.read() as session:
            before, after = fts_pg._INDEX_ONLY
            session.execute(text(before))  # as match_ids does: a 24-row table would be read whole otherwise
            plan = "\n".join(
                row[0]
                for row in session.execute(
                    text("EXPLAIN SELECT id FROM search_entries WHERE tsv @@ CAST(:q AS tsquery)"), {"q": "'公车'"}
                )
            )
            session.execute(text(after))
            assert session.execute(text("SHOW enable_seqscan")).scalar() == "on"
            ids = fts_pg.match_ids(session, parse_query("公車"))
            assert session.execute(text("SHOW enable_seqscan")).scalar() == "on"
    finally:
        db.dispose()
    assert "ix_search_entries_tsv" in plan
    assert len(ids) == 2
