"""PostgreSQL: the stored column ``tsv = array_to_tsvector(string_to_array(btrim(tokens), '  '))`` with a GIN index
(migration 0003).

The tokens are made in Python (:mod:`zerocity.search.tokenize`; STACK.md §2.6), exactly as for SQLite's FTS5, and
``array_to_tsvector`` takes them verbatim: it is a ``simple`` configuration without the default parser, which
would otherwise split or reclassify some tokens (``iii.1``, ``net-zero``) differently from FTS5. The column is
generated, so PostgreSQL keeps it up to date itself; it is stored, because with an expression index the planner
prices the expression as cheap and recomputes it on every row instead of using the index. A search asks for the
ids of the matching entries and nothing else (:mod:`zerocity.search.query` does the rest, as on SQLite).

The match always goes through the GIN index (``enable_seqscan`` off for that one statement). For a broad query
(one character, 碳, in 45 % of the entries) the planner would rather scan the table, which detoasts and tests
every entry's tsvector: 190 ms on 100,000 entries, against about 25 ms for the bitmap scan, which needs no recheck
(a plain AND/OR tsquery is exact on GIN) and so never reads a tsvector.

Every token of a query is written as a quoted tsquery lexeme (``'...'``, with ``'`` and ``\\`` doubled), so
nothing a reader types can become tsquery syntax; the tsquery text itself is a bound parameter.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from zerocity.search.catalogue import IntArray, fetch_id_list
from zerocity.search.terms import ParsedQuery


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


#: Every matching id as one comma-separated text (:func:`zerocity.search.catalogue.fetch_id_list`).
_MATCH_IDS = "SELECT string_agg(id::text, ',') FROM search_entries WHERE tsv @@ CAST(%s AS tsquery)"
_INDEX_ONLY = ("SET LOCAL enable_seqscan = off", "SET LOCAL enable_seqscan TO DEFAULT")


def match_expression(query: ParsedQuery) -> str:
    """The tsquery text: every term must match, by all its words or by all its bigrams."""
    return query.boolean_expression(_lexeme, " & ", " | ")


def ids_matching(session: Session, expression: str) -> IntArray:
    """Ids of the entries that match a :func:`match_expression` (a broad one matches tens of thousands)."""
    return fetch_id_list(session, _MATCH_IDS, expression, around=_INDEX_ONLY)


def match_ids(session: Session, query: ParsedQuery) -> IntArray:
    """Ids of the entries that match the query."""
    return ids_matching(session, match_expression(query))
