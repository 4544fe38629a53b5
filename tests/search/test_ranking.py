"""The keyword score: term frequency saturates, titles weigh more, the title score is a lower bound."""

from __future__ import annotations

import numpy as np

from zerocity.search.ranking import score, term_frequency, title_scores


def _stored(text: str) -> str:
    tokens = text.split()
    return f" {'  '.join(tokens)} " if tokens else ""


def _score(body: str, title: str = "", query: tuple[str, ...] = ("a",), average: float = 4.0) -> float:
    tokens = _stored(f"{title} {body}")
    return score(tokens, _stored(title), len(tokens.split()), average, query)


def test_more_occurrences_score_higher_but_with_diminishing_returns() -> None:
    once, twice, thrice = _score("a x y z"), _score("a a y z"), _score("a a a z")
    assert once < twice < thrice
    assert (thrice - twice) < (twice - once)


def test_repeats_next_to_each_other_are_all_counted() -> None:
    assert term_frequency(_stored("a a a b"), "a") == 3


def test_tokens_are_counted_whole_not_as_parts_of_longer_tokens() -> None:
    assert term_frequency(_stored("公车站 电动公车 公"), "公车") == 0


def test_a_title_occurrence_outweighs_one_in_the_body() -> None:
    assert _score("b c d", title="a") > _score("a b c d")


def test_a_longer_entry_scores_lower_for_the_same_count() -> None:
    assert _score("a b") > _score("a b c d e f g h")


def test_the_title_score_never_exceeds_the_full_score() -> None:
    for title, body in [("a", "a a"), ("a b", "c"), ("", "a"), ("a a", "")]:
        tokens = _stored(f"{title} {body}")
        length = len(tokens.split())
        counts = [np.array([term_frequency(_stored(title), "a")])]
        (first_pass,) = title_scores(counts, np.array([length]), 3.0)
        assert first_pass <= score(tokens, _stored(title), length, 3.0, ("a",))
        assert first_pass > 0 or "a" not in title


def test_no_matching_token_scores_zero() -> None:
    assert _score("x y z") == 0.0
