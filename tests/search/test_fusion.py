"""Reciprocal rank fusion of keyword and semantic rankings."""

from __future__ import annotations

from zerocity.search.fusion import K, reciprocal_rank_fusion


def test_a_document_in_both_rankings_beats_one_in_a_single_ranking() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["c", "a"]])
    assert max(fused, key=lambda key: fused[key]) == "a"
    assert fused["a"] == 1 / (K + 1) + 1 / (K + 2)


def test_the_first_places_of_two_rankings_tie() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]])
    assert fused["a"] == fused["b"] == 1 / (K + 1)


def test_empty_rankings_fuse_to_nothing() -> None:
    assert reciprocal_rank_fusion([[], []]) == {}
