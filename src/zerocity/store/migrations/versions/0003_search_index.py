"""search index

The portable tables (``search_entries``, ``search_embeddings``, ``search_state``) on both backends, then the
full-text structure of each engine, which is not in ``Base.metadata`` (``zerocity.store.search_models``): on
SQLite an FTS5 table with external content reading ``search_entries.tokens``; on PostgreSQL a stored tsvector
column of the tokens with a GIN index. Tokens are made in Python (``zerocity.search.tokenize``) because FTS5's
trigram tokenizer cannot find two-character Chinese words (STACK.md §2.6), so both engines only look up whole,
space-separated tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:00:00
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("sectors", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("title_tokens", sa.Text(), nullable=False),
        sa.Column("token_count", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "doc_id", "lang", name=op.f("uq_search_entries_kind")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "search_embeddings",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["search_entries.id"],
            name=op.f("fk_search_embeddings_entry_id_search_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_search_embeddings")),
    )
    state = op.create_table(
        "search_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_state")),
    )
    op.bulk_insert(state, [{"name": "index", "token": uuid.uuid4().hex, "changed_at": datetime.now(UTC)}])

    if op.get_bind().dialect.name == "sqlite":
        # External content: the index reads the tokens from search_entries; zerocity.search.fts_sqlite keeps the
        # two in step. unicode61 splits on the spaces around our tokens and changes nothing else in them.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "tokens, content='search_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        # The tokens verbatim as a tsvector (no parser, no stemming: the same lookups as FTS5), stored, because
        # the planner would rather recompute an expression on every row than use an expression index.
        op.execute(
            "ALTER TABLE search_entries ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(btrim(tokens), '  '))) STORED"
        )
        op.execute("CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_state")
    op.drop_table("search_embeddings")
    op.drop_table("search_entries")
