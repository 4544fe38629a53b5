"""Search index tables for SQLite (FTS5) and PostgreSQL (tsvector + GIN): one row per (document, language), and
optional sentence embeddings."""

from __future__ import annotations
