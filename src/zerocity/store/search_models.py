"""Search index tables for SQLite (FTS5) and PostgreSQL (tsvector + GIN): one row per (document, language), and
optional sentence embeddings.

The portable part lives here, in ``Base.metadata``: ``search_entries`` (what a hit shows, the facet values and
the Python-made tokens), ``search_embeddings`` (float32 vectors for semantic search) and ``search_state`` (a token
that changes with every change to the index, so each process knows when to reload its caches; see
``zerocity.search.catalogue``).

The full-text structure of each engine is *not* in the metadata, because it exists on one backend only
(migration ``0003_search_index``):

* SQLite: the FTS5 virtual table ``search_fts`` (external content: it reads ``search_entries.tokens``) and its
  shadow tables ``search_fts_data``, ``search_fts_idx``, ``search_fts_docsize`` and ``search_fts_config``;
* PostgreSQL: the stored generated column ``search_entries.tsv`` (the tokens as a tsvector) and its GIN index
  ``ix_search_entries_tsv``. A stored column rather than an expression index: the planner prices the expression
  as cheap and would rather recompute it on every row than use the index.

:func:`include_in_schema_comparison` tells Alembic (``migrations/env.py``) and the schema tests to leave these out.
Why tokens are made in Python rather than by FTS5's trigram tokenizer: STACK.md §2.6 and
:mod:`zerocity.search.tokenize`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zerocity.store.models import Base, UTCDateTime, utcnow

#: Names of the backend-only full-text objects.
FTS_TABLE = "search_fts"
PG_TSV_COLUMN = "tsv"
PG_TSV_INDEX = "ix_search_entries_tsv"


class SearchEntry(Base):
    """One published language version of a case or news item, as search sees it.

    ``tokens`` holds every index token (title, summary, body, city, country and theme names), each with a space
    on either side (`` a  b  c ``), so that counting ``" b "`` counts whole tokens, repeats included;
    ``title_tokens`` the title's alone, which weigh more in the ranking. ``themes`` and ``sectors`` are
    space-separated codes. ``sqlite_autoincrement``: an id is never reused, even after the row is deleted.
    """

    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "doc_id", "lang"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(8))
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    themes: Mapped[str] = mapped_column(Text)
    sectors: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)
    title_tokens: Mapped[str] = mapped_column(Text)
    token_count: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchEmbedding(Base):
    """A sentence embedding of an entry: ``dimensions`` float32 values, little-endian, L2-normalised."""

    __tablename__ = "search_embeddings"

    entry_id: Mapped[int] = mapped_column(ForeignKey("search_entries.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(64))
    dimensions: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class SearchState(Base):
    """Named change tokens: ``index`` gets a new random value in every transaction that changes the index.

    A random value rather than a counter: a rolled-back change restores the old value, and the next change can
    never bring back a value that a process has already cached with other rows.
    """

    __tablename__ = "search_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def is_fts_object(name: str | None) -> bool:
    """Whether ``name`` is one of the backend-only full-text tables or indexes (FTS5 and shadows; GIN index)."""
    return name is not None and (name in (FTS_TABLE, PG_TSV_INDEX) or name.startswith(FTS_TABLE + "_"))


def include_in_schema_comparison(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: compare everything except the backend-only full-text objects."""
    if type_ in ("table", "index") and is_fts_object(name):
        return False
    return not (type_ == "column" and name == PG_TSV_COLUMN and parent_names.get("table_name") == "search_entries")
