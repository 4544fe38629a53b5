"""The process's catalogue of the index: every entry's metadata as numpy arrays, reloaded only after a change.

Why: filtering, facet counting, one-hit-per-document and sorting touch every matched entry, and a broad query on
a large index matches tens of thousands. Done row by row in Python (or by fetching those rows from the database)
that costs tens of milliseconds per query; over arrays it costs a few. The engines are then asked for one thing
only, the ids of the entries that match the words (:mod:`zerocity.search.fts_sqlite`,
:mod:`zerocity.search.fts_pg`), and everything else happens here and in :mod:`zerocity.search.query`, the same
way on both backends.

Freshness: every transaction that changes the index writes a new random token in ``search_state``
(:func:`mark_changed`, once per transaction). A search reads the token first and reloads the catalogue when it
differs from the cached one, so a search never works from a catalogue older than its own snapshot. The token is
random rather than counted, so a rolled-back change (whose token disappears with it) can never be confused with a
later one. The catalogue holds no text but the title tokens (for the first ranking pass), about 300 bytes per entry.
Caches are kept for a few databases per process (the tests use many).

Broad matches: the rows a *broad* query matched (:data:`BROAD_MATCH` entries or more: a single common character,
a word in every other case) are kept with the catalogue (:class:`MatchCache`), so the next search with the same
words skips the engine. Finding tens of thousands of ids is the one step whose cost grows with the size of the
result (on PostgreSQL, every matching row is visited in the table), while a narrow query costs the engine about
a millisecond and is not kept. The kept matches go with the catalogue at the next change to the index, and a
match is kept only when the change token, read again after it, is still the catalogue's (on PostgreSQL a read
transaction sees each statement's own snapshot, so a writer may have committed in between).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar, cast

import numpy as np
from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.orm import Session

from zerocity.store.models import utcnow
from zerocity.store.search_models import SearchEntry, SearchState

STATE = "index"
_CACHED_DATABASES = 4
#: A match of at least this many entries is kept with the catalogue (see the module).
BROAD_MATCH = 5_000
#: At most this many bytes of kept matches per catalogue (a 45,000-entry match takes 360 kB).
MATCH_CACHE_BYTES = 64 * 1024 * 1024
_CHANGED_KEY = "zerocity_search_changed_in"

_ENTRIES = cast(Table, SearchEntry.__table__)
_STATE_TABLE = cast(Table, SearchState.__table__)

IntArray = np.ndarray[Any, np.dtype[np.int64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


# -- the change token ----------------------------------------------------------------------------------------------
def current_token(session: Session) -> str:
    return session.execute(select(_STATE_TABLE.c.token).where(_STATE_TABLE.c.name == STATE)).scalar() or ""


def mark_changed(session: Session) -> None:
    """Give the index a new change token, once per transaction (the caller's)."""
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_CHANGED_KEY) is transaction:
        return
    values = {"token": uuid.uuid4().hex, "changed_at": utcnow()}
    statement = update(_STATE_TABLE).where(_STATE_TABLE.c.name == STATE).values(values)
    if not cast(CursorResult[Any], session.execute(statement)).rowcount:
        session.execute(insert(_STATE_TABLE).values(name=STATE, **values))
    session.info[_CHANGED_KEY] = transaction


# -- the catalogue -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Labels:
    """A multi-valued facet (themes, sectors): one (entry row, value code) pair per value."""

    rows: IntArray
    codes: IntArray
    names: tuple[str, ...]

    def rows_with(self, values: tuple[str, ...], size: int) -> BoolArray:
        """Mask of the entries that carry any of ``values``."""
        wanted = [self.names.index(v) for v in values if v in self.names]
        mask = np.zeros(size, dtype=bool)
        mask[self.rows[np.isin(self.codes, wanted)]] = True
        return mask

    def counts(self, selected: BoolArray) -> dict[str, int]:
        """Values and how many selected entries carry each."""
        counted = np.bincount(self.codes[selected[self.rows]], minlength=len(self.names))
        return {self.names[code]: int(n) for code, n in enumerate(counted) if n}


class MatchCache:
    """Catalogue rows of broad matches by engine expression, least recently used out past a byte budget.
    Thread-safe; the arrays are never changed once kept."""

    def __init__(self, budget: int = MATCH_CACHE_BYTES) -> None:
        self._rows: OrderedDict[str, IntArray] = OrderedDict()
        self._bytes = 0
        self._budget = budget
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    @staticmethod
    def worth_keeping(rows: IntArray) -> bool:
        return len(rows) >= BROAD_MATCH

    def get(self, expression: str) -> IntArray | None:
        with self._lock:
            rows = self._rows.get(expression)
            if rows is not None:
                self._rows.move_to_end(expression)
            return rows

    def put(self, expression: str, rows: IntArray) -> None:
        if rows.nbytes > self._budget:
            return
        rows.setflags(write=False)
        with self._lock:
            previous = self._rows.pop(expression, None)
            self._bytes -= previous.nbytes if previous is not None else 0
            self._rows[expression] = rows
            self._bytes += rows.nbytes
            while self._bytes > self._budget:
                _, dropped = self._rows.popitem(last=False)
                self._bytes -= dropped.nbytes


@dataclass(frozen=True)
class Catalogue:
    """Metadata of every entry, row ``i`` for the entry ``ids[i]`` (ids ascending)."""

    token: str
    ids: IntArray
    doc_ids: IntArray
    kinds: IntArray
    kind_names: tuple[str, ...]
    langs: IntArray
    lang_names: tuple[str, ...]
    countries: IntArray
    country_names: tuple[str, ...]
    years: IntArray
    has_year: BoolArray
    published: IntArray  # seconds since 1970 (UTC), 0 where unknown
    has_published: BoolArray
    token_counts: IntArray
    title_tokens: list[str]
    cities: list[str]
    theme_texts: list[str]
    themes: Labels
    sectors: Labels
    matches: MatchCache = field(default_factory=MatchCache, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    def rows_of(self, entry_ids: IntArray) -> IntArray:
        """Catalogue rows of the given entry ids; ids the catalogue does not know are dropped."""
        if not len(entry_ids) or not self.size:
            return np.zeros(0, dtype=np.int64)
        rows = np.searchsorted(self.ids, entry_ids)
        rows = np.minimum(rows, self.size - 1)
        known: IntArray = rows[self.ids[rows] == entry_ids].astype(np.int64)
        return known

    def code(self, names: tuple[str, ...], value: str | None) -> int:
        """The code of ``value`` in ``names``, or -1 (matches nothing) when it is unknown."""
        return names.index(value) if value in names else -1

    def theme_names(self, row: int) -> tuple[str, ...]:
        return tuple(self.theme_texts[row].split())

    @cached_property
    def title_index(self) -> dict[str, tuple[IntArray, IntArray]]:
        """Token -> (rows whose title holds it, how often): the first ranking pass of a broad query reads title
        counts from here instead of looping over thousands of titles. Built at first need (about a second per
        100,000 entries)."""
        rows_by_token: dict[str, list[int]] = {}
        for row, text in enumerate(self.title_tokens):
            for token in text.split():
                rows_by_token.setdefault(token, []).append(row)
        index: dict[str, tuple[IntArray, IntArray]] = {}
        for token, rows in rows_by_token.items():
            unique, counts = np.unique(np.array(rows, dtype=np.int64), return_counts=True)
            index[token] = (unique, counts.astype(np.int64))
        return index

    def title_counts(self, token: str, rows: IntArray) -> IntArray:
        """How often ``token`` occurs in the title of each of ``rows``."""
        found = self.title_index.get(token)
        if found is None:
            return np.zeros(len(rows), dtype=np.int64)
        dense = np.zeros(self.size, dtype=np.int64)
        dense[found[0]] = found[1]
        counts: IntArray = dense[rows]
        return counts


def _codes(values: list[str]) -> tuple[IntArray, tuple[str, ...]]:
    names, inverse = np.unique(np.array(values, dtype=object), return_inverse=True)
    return inverse.astype(np.int64), tuple(str(n) for n in names)


def _labels(lists: list[str]) -> Labels:
    rows = [row for row, text in enumerate(lists) for _ in text.split()]
    values = [value for text in lists for value in text.split()]
    codes, names = _codes(values) if values else (np.zeros(0, dtype=np.int64), ())
    return Labels(np.array(rows, dtype=np.int64), codes, names)


# Publication time as whole seconds since 1970, computed by the database: the same integers on both backends, and
# no datetime object per row in Python (the catalogue of 100,000 entries loads in about a second).
_EPOCH = {
    "sqlite": "CAST(strftime('%s', published_at) AS INTEGER)",
    "postgresql": "CAST(FLOOR(EXTRACT(EPOCH FROM published_at)) AS BIGINT)",
}
_COLUMNS = "id, doc_id, kind, lang, country, year, {epoch}, token_count, title_tokens, city, themes, sectors"


def _load(session: Session, token: str) -> Catalogue:
    dialect = session.get_bind().dialect.name
    sql = f"SELECT {_COLUMNS.format(epoch=_EPOCH.get(dialect, _EPOCH['postgresql']))} FROM search_entries ORDER BY id"
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    by_column: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)] or [[] for _ in range(12)]
    ids, doc_ids, kinds, langs, countries, years, published, counts, titles, cities, themes, sectors = by_column
    kind_codes, kind_names = _codes(kinds)
    lang_codes, lang_names = _codes(langs)
    country_codes, country_names = _codes(countries)
    return Catalogue(
        token=token,
        ids=np.array(ids, dtype=np.int64),
        doc_ids=np.array(doc_ids, dtype=np.int64),
        kinds=kind_codes,
        kind_names=kind_names,
        langs=lang_codes,
        lang_names=lang_names,
        countries=country_codes,
        country_names=country_names,
        years=np.array([y if y is not None else 0 for y in years], dtype=np.int64),
        has_year=np.array([y is not None for y in years], dtype=bool),
        published=np.array([p if p is not None else 0 for p in published], dtype=np.int64),
        has_published=np.array([p is not None for p in published], dtype=bool),
        token_counts=np.array(counts, dtype=np.int64),
        title_tokens=titles,
        cities=cities,
        theme_texts=themes,
        themes=_labels(themes),
        sectors=_labels(sectors),
    )


class Tokened(Protocol):
    @property
    def token(self) -> str: ...


V = TypeVar("V", bound=Tokened)


class ProcessCache(Generic[V]):
    """Values read from one database's index (the catalogue, the vectors), kept in this process while the index's
    change token stays the same; a few databases at most, least recently used first out. Thread-safe."""

    def __init__(self, size: int = _CACHED_DATABASES) -> None:
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str, token: str) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is None or value.token != token:
                return None
            self._values.move_to_end(key)
            return value

    def put(self, key: str, value: V) -> V:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


_cache: ProcessCache[Catalogue] = ProcessCache()


def parse_id_list(text: str | None) -> IntArray:
    """``"3,17,42"`` (an SQL ``group_concat``/``string_agg`` of ids) as an int64 array; NULL (no match) is empty."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def fetch_id_list(session: Session, sql: str, parameter: str, around: tuple[str, str] | None = None) -> IntArray:
    """The ids an aggregate query (``group_concat``/``string_agg`` of ids) returns, through the raw driver: one text
    parsed by numpy instead of a Python tuple per id (a 45,000-id match: 4 ms instead of 13 ms on SQLite).
    ``around`` is a pair of statements run just before and just after it (planner settings for this query)."""
    cursor = session.connection().connection.cursor()
    try:
        if around:
            cursor.execute(around[0])
        cursor.execute(sql, (parameter,))
        row = cursor.fetchone()
        if around:
            cursor.execute(around[1])
        return parse_id_list(row[0] if row else None)
    finally:
        cursor.close()


def database_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def catalogue(session: Session) -> Catalogue:
    """The catalogue of the index as this session sees it (cached per process and database)."""
    key = database_key(session)
    token = current_token(session)
    cached = _cache.get(key, token)
    return cached if cached is not None else _cache.put(key, _load(session, token))
