"""SQLite FTS5: the external-content table ``search_fts`` over ``search_entries.tokens`` (migration 0003).

FTS5 only looks tokens up; they are made in Python (:mod:`zerocity.search.tokenize`), because the ``trigram``
tokenizer of SQLite 3.40 never matches a two-character Chinese word (STACK.md §2.6). The table uses ``unicode61``,
which splits on the single spaces between our tokens and leaves the letters and digits of each token as they are.

A search asks FTS5 for the rowids (entry ids) that match and nothing else; ranking, filters and facets happen in
Python, identically on both backends (:mod:`zerocity.search.query`). With external content, FTS5 keeps no copy of
the text: a row is added with its rowid and tokens, and removed with the ``'delete'`` command and the *same* tokens
it was added with. :mod:`zerocity.search.index` does both in the
caller's transaction, before the entry row itself changes, so index and table never drift apart.

Every token of a query is written as an FTS5 string (``"..."``, with any ``"`` doubled), so nothing a reader
types (quotes, ``*``, ``NEAR``, ``OR``, ``-``, ``:``, parentheses) can become FTS5 syntax; the query text itself
is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from zerocity.search.catalogue import IntArray, fetch_id_list
from zerocity.search.terms import ParsedQuery


def _string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


#: Every matching id as one comma-separated text (:func:`zerocity.search.catalogue.fetch_id_list`).
_MATCH_IDS = "SELECT group_concat(rowid, ',') FROM search_fts WHERE search_fts MATCH ?"


def match_expression(query: ParsedQuery) -> str:
    """The FTS5 query: every term must match, by all its words or by all its bigrams."""
    return query.boolean_expression(_string, " AND ", " OR ")


def ids_matching(session: Session, expression: str) -> IntArray:
    """Ids of the entries that match a :func:`match_expression` (a broad one matches tens of thousands)."""
    return fetch_id_list(session, _MATCH_IDS, expression)


def match_ids(session: Session, query: ParsedQuery) -> IntArray:
    """Ids of the entries that match the query."""
    return ids_matching(session, match_expression(query))


def add_rows(session: Session, rows: Sequence[tuple[int, str]]) -> None:
    """Index ``(entry id, tokens)`` pairs."""
    if rows:
        session.execute(
            text("INSERT INTO search_fts (rowid, tokens) VALUES (:id, :tokens)"),
            [{"id": entry_id, "tokens": tokens} for entry_id, tokens in rows],
        )


def delete_rows(session: Session, rows: Sequence[tuple[int, str]]) -> None:
    """Unindex ``(entry id, tokens)`` pairs; the tokens must be those the row was indexed with."""
    if rows:
        session.execute(
            text("INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', :id, :tokens)"),
            [{"id": entry_id, "tokens": tokens} for entry_id, tokens in rows],
        )
