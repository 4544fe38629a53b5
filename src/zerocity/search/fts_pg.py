"""PostgreSQL: the stored column ``tsv = array_to_tsvector(string_to_array(btrim(tokens), '  '))`` with a GIN index
(migration 0003).

The tokens are made in Python (:mod:`zerocity.search.tokenize`; STACK.md §2.6), exactly as for SQLite's FTS5, and
``array_to_tsvector`` takes them verbatim: it is a ``simple`` configuration without the default parser, which
would otherwise split or reclassify some tokens (``iii.1``, ``net-zero``) differently from FTS5. The column is
generated, so PostgreSQL keeps it up to date itself; it is stored, because with an expression index the planner
prices the expression as cheap and recomputes it on every row instead of using the index. A search asks for the
ids of the matching entries and nothing else (:mod:`zerocity.search.query` does the rest, as on SQLite).

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


def match_expression(query: ParsedQuery) -> str:
    """The tsquery text: every term must match, by all its words or by all its bigrams."""
    return query.boolean_expression(_lexeme, " & ", " | ")


def match_ids(session: Session, query: ParsedQuery) -> IntArray:
    """Ids of the entries that match the query (a broad query matches tens of thousands)."""
    return fetch_id_list(session, _MATCH_IDS, match_expression(query))
