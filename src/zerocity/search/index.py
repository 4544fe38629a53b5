"""Writing the search index: one row per published language version of a case or news item.

The owner of the content (``services.knowledge.cases``, ``services.knowledge.news``) calls
:func:`replace_documents` in the same transaction as the change that publishes, edits or withdraws a version, so
the index can neither show a draft nor miss a publication. Replacing is delete-then-insert: an entry row is never
updated, so its id names one fixed text, which the vector cache of :mod:`zerocity.search.semantic` relies on.

For each document this stores the display text (for hits and highlighting), the facet values, and the tokens of
title, summary, body, city, country names and theme names (both languages, from the bundled vocabularies, so
"waste" finds a case tagged with the waste theme whatever its language). Tokens come from
:mod:`zerocity.search.tokenize`; on SQLite the FTS5 table is kept in step here (:mod:`zerocity.search.fts_sqlite`),
on PostgreSQL the generated tsvector column follows the row by itself. Every change draws a new change token
(:func:`zerocity.search.catalogue.mark_changed`), which tells every process to reload its caches.

When the optional sentence encoder is installed, each document is also embedded (:mod:`zerocity.search.semantic`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.search import fts_sqlite, semantic
from zerocity.search.catalogue import mark_changed
from zerocity.search.normalize import clean, markdown_to_plain
from zerocity.search.tokenize import index_tokens
from zerocity.store.search_models import SearchEntry

#: Longer bodies are indexed (and kept for snippets) up to this many characters.
MAX_BODY_CHARS = 100_000

_ENTRIES = cast(Table, SearchEntry.__table__)


@dataclass(frozen=True)
class Document:
    """One language version of a piece of published content, as the search index takes it.

    ``kind``: "case" or "news"; ``lang``: "zh_Hant" or "en"; ``body``: plain text or Markdown source; ``city``: the
    display name in this language; ``country``: ISO 3166-1 alpha-2 code; ``themes``: theme codes
    (data/knowledge/themes.csv); ``sectors``: GPC sub-sector references ("I.1").
    """

    kind: str
    doc_id: int
    lang: str
    title: str
    summary: str
    body: str
    city: str
    country: str
    year: int | None
    themes: tuple[str, ...]
    sectors: tuple[str, ...]
    published_at: datetime | None


def replace_documents(
    session: Session, kind: str, doc_id: int, documents: Sequence[Document], *, embed: bool | None = None
) -> None:
    """Remove every indexed row of ``(kind, doc_id)`` and index ``documents`` (one per language), in the caller's
    transaction. ``embed``: also store sentence embeddings; by default when the encoder is installed.

    Raises ``ValueError`` for a document of another kind or id, or two documents in the same language: those are
    mistakes in the calling code, not in the content.
    """
    _check(kind, doc_id, documents)
    rows = [_entry_row(document) for document in documents]  # tokenising first keeps the lock below short
    if rows:
        # First, so that writers to the index queue here (the token's row is locked until commit) and each sees
        # the rows the previous one committed.
        mark_changed(session)
    remove_documents(session, kind, doc_id)
    if not rows:
        return
    result = session.execute(insert(_ENTRIES).returning(_ENTRIES.c.id, sort_by_parameter_order=True), rows)
    ids = [row[0] for row in result]
    if _is_sqlite(session):
        fts_sqlite.add_rows(session, [(entry_id, row["tokens"]) for entry_id, row in zip(ids, rows, strict=True)])
    if embed is None:
        embed = semantic.available()
    if embed:
        semantic.store_embeddings(session, ids, [semantic.embedding_text(document) for document in documents])


def remove_documents(session: Session, kind: str, doc_id: int) -> None:
    """Remove every indexed row (every language) of ``(kind, doc_id)``; nothing happens if there is none (not even
    a new change token, so re-indexing a draft-only case costs the caches nothing)."""
    existing = session.execute(
        select(_ENTRIES.c.id, _ENTRIES.c.tokens).where(_ENTRIES.c.kind == kind, _ENTRIES.c.doc_id == doc_id)
    ).all()
    if not existing:
        return
    ids = [row.id for row in existing]
    mark_changed(session)
    if _is_sqlite(session):
        fts_sqlite.delete_rows(session, [(row.id, row.tokens) for row in existing])
    semantic.delete_embeddings(session, ids)
    session.execute(delete(_ENTRIES).where(_ENTRIES.c.id.in_(ids)))


def _check(kind: str, doc_id: int, documents: Sequence[Document]) -> None:
    langs = [document.lang for document in documents]
    if len(set(langs)) != len(langs):
        raise ValueError(f"two documents in the same language for {kind} {doc_id}: {langs}")
    for document in documents:
        if (document.kind, document.doc_id) != (kind, doc_id):
            raise ValueError(f"document {document.kind} {document.doc_id} given to replace {kind} {doc_id}")
        if not document.lang or len(document.lang) > 16 or not document.kind or len(document.kind) > 16:
            raise ValueError(f"kind and lang must be 1 to 16 characters: {document.kind!r}, {document.lang!r}")


def _entry_row(document: Document) -> dict[str, Any]:
    title = clean(document.title)
    summary = clean(document.summary)
    body = markdown_to_plain(clean(document.body))[:MAX_BODY_CHARS]
    title_tokens = index_tokens(title)
    tokens = [
        *title_tokens,
        *index_tokens(f"{summary}\n{body}"),
        *_label_tokens(document.city, document.country, document.themes),
    ]
    return {
        "kind": document.kind,
        "doc_id": document.doc_id,
        "lang": document.lang,
        "title": title,
        "summary": summary,
        "body": body,
        "city": clean(document.city)[:200],
        "country": clean(document.country).strip().upper()[:8],
        "year": document.year,
        "published_at": _aware(document.published_at),
        "themes": " ".join(dict.fromkeys(_facet_value(v) for v in document.themes if _facet_value(v))),
        "sectors": " ".join(dict.fromkeys(_facet_value(v) for v in document.sectors if _facet_value(v))),
        "tokens": _stored(tokens),
        "title_tokens": _stored(title_tokens),
        "token_count": len(tokens),
    }


def _stored(tokens: list[str]) -> str:
    """Tokens as stored: each with a space on either side, so counting `` token `` counts whole tokens."""
    return f" {'  '.join(tokens)} " if tokens else ""


def _facet_value(value: str) -> str:
    """Facet values are codes: no spaces (the display columns are space-separated), at most 64 characters."""
    return "".join(clean(str(value)).split())[:64]


@lru_cache(maxsize=4096)
def _label_tokens(city: str, country: str, theme_codes: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens of the city name and of the country's and themes' names in both languages (few combinations)."""
    themes, countries = _vocabulary_names()
    names = [clean(city), *countries.get(country.strip().upper(), ())]
    for theme in theme_codes:
        names.extend(themes.get(theme, ()))
    return tuple(index_tokens(" ".join(names)))


@cache
def _vocabulary_names() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Chinese and English names of the themes and countries, by code."""
    themes = {row["code"]: (row["name_zh"], row["name_en"]) for row in read_bundled_csv("knowledge/themes.csv")}
    countries = {row["code"]: (row["name_zh"], row["name_en"]) for row in read_bundled_csv("knowledge/countries.csv")}
    return themes, countries


def _aware(moment: datetime | None) -> datetime | None:
    """Datetimes are stored in UTC; a naive one is taken to be UTC already."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"
