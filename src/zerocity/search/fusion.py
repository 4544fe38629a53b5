"""Reciprocal rank fusion of the keyword and semantic rankings (Cormack, Clarke and Büttcher, "Reciprocal Rank
Fusion outperforms Condorcet and individual rank learning methods", SIGIR 2009).

BM25 scores and cosine similarities live on different scales, so they are not added; each list contributes
``1 / (k + rank)`` for every document it ranks (rank 1 = best). A document found by both lists rises above one
found by only one; ``k`` = 60, the paper's value, damps the weight of the very first ranks.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = 60

Key = TypeVar("Key", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Key]], k: int = K) -> dict[Key, float]:
    """Fused score of every key in any of ``rankings`` (each list best first, without repeats)."""
    fused: dict[Key, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused
