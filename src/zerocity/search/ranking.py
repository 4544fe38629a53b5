"""Keyword relevance, computed in Python so that SQLite and PostgreSQL rank the same hits in the same order.

FTS5's ``bm25()`` and PostgreSQL's ``ts_rank`` are different formulas over different statistics, so ranking in
each engine would give two orders for one query. The engines only *match*; the score is the term-frequency part
of Okapi BM25 (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009):

    score = sum over query tokens t of  tf(t) * (k1 + 1) / (tf(t) + k1 * (1 - b + b * length / avg_length))

``tf`` counts the token in the entry, a title occurrence :data:`TITLE_WEIGHT` times (a simple BM25F); ``length``
is the entry's token count and ``avg_length`` the mean over the matched entries. There is no idf: every term of a
query must match (AND), so every matched entry holds every term and document frequencies would only tell the
word and bigram forms of one term apart.

Counting needs an entry's tokens, which are the bulk of its stored size, so a broad query is ranked in two passes
(:func:`title_score`, then :func:`score` for the best :data:`EXACT_ROWS` only; :mod:`zerocity.search.query`).
The title score is a lower bound of the full score, so the second pass can only raise an entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
#: How many entries of a result get the full score; the rest keep their title score and rank after them.
EXACT_ROWS = 200


def term_frequency(tokens: str, token: str) -> int:
    """Occurrences of ``token`` in stored tokens (each token has a space on either side: `` a  b ``)."""
    return tokens.count(f" {token} ")


def _saturated(weighted_tf: float, norm: float) -> float:
    return weighted_tf * (K1 + 1.0) / (weighted_tf + norm) if weighted_tf else 0.0


def _norm(length: int, average_length: float) -> float:
    return K1 * (1.0 - B + B * length / max(average_length, 1.0))


def score(tokens: str, title_tokens: str, length: int, average_length: float, query: Sequence[str]) -> float:
    """The entry's score for the query's tokens."""
    norm = _norm(length, average_length)
    return sum(
        _saturated(term_frequency(tokens, t) + (TITLE_WEIGHT - 1.0) * term_frequency(title_tokens, t), norm)
        for t in query
    )


def title_scores(
    title_counts: Sequence[np.ndarray[Any, Any]], lengths: np.ndarray[Any, Any], average_length: float
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The scores counting title occurrences only (one array of counts per query token, one value per entry):
    never above :func:`score`, and computed for thousands of entries at once."""
    norm = K1 * (1.0 - B + B * lengths / max(average_length, 1.0))
    total = np.zeros(len(lengths), dtype=np.float64)
    for counts in title_counts:
        weighted = TITLE_WEIGHT * counts
        total += weighted * (K1 + 1.0) / (weighted + norm)
    return total
