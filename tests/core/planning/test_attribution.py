"""Wedges by loading order, proportional scaling and Shapley (``zerocity.core.planning.attribution``, PLANNING §3–4).

Closed form from the issue (#4): two actions of 20 % and 50 % on a pool of 100 give 20 + 40 by loading order and
15 + 45 by Shapley; every rule sums exactly (1e-9 relative) to the BAU-minus-plan gap.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning.attribution import (
    AttributionError,
    alone_effects,
    interaction_effects,
    loading_order_wedges,
    multiplicative_pool_abatement,
    multiplicative_pool_value,
    multiplicative_shapley_wedges,
    proportional_wedges,
    shapley_wedges,
    with_without_effects,
)

fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
pools = st.floats(min_value=0.0, max_value=1e9, allow_nan=False)


@st.composite
def single_pool_cases(draw: st.DrawFn, max_actions: int = 6) -> tuple[np.ndarray, np.ndarray]:
    n_actions = draw(st.integers(min_value=1, max_value=max_actions))
    n_years = draw(st.integers(min_value=1, max_value=4))
    base = np.array(draw(st.lists(pools, min_size=n_years, max_size=n_years)))
    reductions = np.array([draw(st.lists(fractions, min_size=n_years, max_size=n_years)) for _ in range(n_actions)])
    return base, reductions


def test_loading_order_gives_20_then_40_for_20_and_50_percent() -> None:
    wedges = loading_order_wedges([100.0], [[0.2], [0.5]])
    np.testing.assert_allclose(wedges[:, 0], [20.0, 40.0], rtol=1e-12)


def test_loading_order_depends_on_the_order() -> None:
    wedges = loading_order_wedges([100.0], [[0.5], [0.2]])
    np.testing.assert_allclose(wedges[:, 0], [50.0, 10.0], rtol=1e-12)


def test_exact_shapley_gives_15_and_45_for_20_and_50_percent() -> None:
    value = multiplicative_pool_value([100.0], [[0.2], [0.5]])
    result = shapley_wedges(value, 2)
    assert result.method == "exact"
    np.testing.assert_allclose(result.wedges[:, 0], [15.0, 45.0], rtol=1e-12)


def test_multiplicative_shapley_gives_15_and_45_for_20_and_50_percent() -> None:
    result = multiplicative_shapley_wedges([100.0], [[0.2], [0.5]])
    np.testing.assert_allclose(result.wedges[:, 0], [15.0, 45.0], rtol=1e-12)


def test_shapley_of_three_additive_actions_is_each_actions_own_effect() -> None:
    effects = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    result = shapley_wedges(lambda s: effects[sorted(s)].sum(axis=0) if s else np.zeros(2), 3)
    np.testing.assert_allclose(result.wedges, effects, rtol=1e-12)


def test_shapley_of_a_symmetric_game_splits_equally() -> None:
    # value 10 only when both actions are present: a pure interaction, split half and half
    result = shapley_wedges(lambda s: np.array([10.0 if len(s) == 2 else 0.0]), 2)
    np.testing.assert_allclose(result.wedges[:, 0], [5.0, 5.0])


def test_proportional_wedges_scale_raw_impacts_to_the_gap() -> None:
    # raw stand-alone impacts 20 and 50 (sum 70) scaled to the 60 gap: 60·20/70 and 60·50/70
    wedges = proportional_wedges([100.0], [40.0], [[20.0], [50.0]])
    np.testing.assert_allclose(wedges[:, 0], [60.0 * 20 / 70, 60.0 * 50 / 70], rtol=1e-12)


def test_proportional_wedges_are_zero_in_a_year_without_gap_or_impacts() -> None:
    wedges = proportional_wedges([100.0, 100.0], [100.0, 90.0], [[0.0, 4.0], [0.0, 6.0]])
    np.testing.assert_allclose(wedges, [[0.0, 4.0], [0.0, 6.0]])


def test_proportional_wedges_refuse_a_gap_with_no_impacts_to_carry_it() -> None:
    with pytest.raises(AttributionError, match="raw impacts sum to zero"):
        proportional_wedges([100.0], [90.0], [[0.0], [0.0]])


def test_with_without_alone_and_interaction_for_20_and_50_percent() -> None:
    value = multiplicative_pool_value([100.0], [[0.2], [0.5]])
    # v(all) = 60, v({0}) = 20, v({1}) = 50
    np.testing.assert_allclose(with_without_effects(value, 2)[:, 0], [10.0, 40.0])
    np.testing.assert_allclose(alone_effects(value, 2)[:, 0], [20.0, 50.0])
    np.testing.assert_allclose(interaction_effects(value, 2)[:, 0], [-10.0, -10.0])


def test_sampled_shapley_is_seeded_and_records_seed_and_permutations() -> None:
    value = multiplicative_pool_value([100.0], [[0.1], [0.2], [0.3], [0.4]])
    first = shapley_wedges(value, 4, exact_limit=2, seed=7, permutations=300)
    second = shapley_wedges(value, 4, exact_limit=2, seed=7, permutations=300)
    assert first.method == "sampled"
    assert (first.seed, first.permutations) == (7, 300)
    np.testing.assert_array_equal(first.wedges, second.wedges)


def test_sampled_shapley_approaches_the_exact_values() -> None:
    value = multiplicative_pool_value([100.0], [[0.1], [0.2], [0.3], [0.4]])
    exact = shapley_wedges(value, 4).wedges
    sampled = shapley_wedges(value, 4, exact_limit=0, seed=1, permutations=4000).wedges
    np.testing.assert_allclose(sampled, exact, atol=0.5)


def test_sampled_shapley_is_used_beyond_twelve_actions_and_sums_to_the_gap() -> None:
    base, reductions = np.array([1000.0]), np.full((13, 1), 0.05)
    result = shapley_wedges(multiplicative_pool_value(base, reductions), 13, permutations=50)
    assert result.method == "sampled"
    np.testing.assert_allclose(result.wedges.sum(), multiplicative_pool_abatement(base, reductions)[0], rtol=1e-9)
    np.testing.assert_allclose(
        result.wedges[:, 0], multiplicative_shapley_wedges(base, reductions).wedges[:, 0], rtol=0.1
    )


@pytest.mark.parametrize("bad", [[[1.2], [0.1]], [[-0.1], [0.1]]])
def test_reductions_outside_zero_to_one_are_refused(bad: list[list[float]]) -> None:
    with pytest.raises(AttributionError, match="between 0 and 1"):
        loading_order_wedges([100.0], bad)


def test_attribution_errors_are_zerocity_errors_with_a_code() -> None:
    with pytest.raises(ZeroCityError) as caught:
        loading_order_wedges([100.0, 50.0], [[0.1, 0.2, 0.3]])
    assert caught.value.code == "attribution"


def test_shapley_needs_at_least_one_action() -> None:
    with pytest.raises(AttributionError):
        shapley_wedges(lambda s: np.zeros(1), 0)


@given(single_pool_cases())
def test_loading_order_wedges_sum_to_the_gap(case: tuple[np.ndarray, np.ndarray]) -> None:
    base, reductions = case
    gap = base - base * np.prod(1 - reductions, axis=0)
    np.testing.assert_allclose(loading_order_wedges(base, reductions).sum(axis=0), gap, rtol=1e-9, atol=1e-6)


@given(single_pool_cases())
def test_loading_order_wedges_are_never_negative(case: tuple[np.ndarray, np.ndarray]) -> None:
    base, reductions = case
    assert (loading_order_wedges(base, reductions) >= 0).all()


@settings(max_examples=50)
@given(single_pool_cases())
def test_shapley_wedges_sum_to_the_gap(case: tuple[np.ndarray, np.ndarray]) -> None:
    base, reductions = case
    gap = multiplicative_pool_abatement(base, reductions)
    wedges = shapley_wedges(multiplicative_pool_value(base, reductions), reductions.shape[0]).wedges
    np.testing.assert_allclose(wedges.sum(axis=0), gap, rtol=1e-9, atol=1e-6)


@settings(max_examples=50)
@given(single_pool_cases())
def test_fast_multiplicative_shapley_matches_the_exact_enumeration(case: tuple[np.ndarray, np.ndarray]) -> None:
    base, reductions = case
    exact = shapley_wedges(multiplicative_pool_value(base, reductions), reductions.shape[0]).wedges
    fast = multiplicative_shapley_wedges(base, reductions).wedges
    np.testing.assert_allclose(fast, exact, rtol=1e-9, atol=1e-6)


@settings(max_examples=30)
@given(single_pool_cases(max_actions=4))
def test_shapley_is_the_mean_of_loading_order_wedges_over_all_orders(case: tuple[np.ndarray, np.ndarray]) -> None:
    base, reductions = case
    n_actions = reductions.shape[0]
    total = np.zeros_like(reductions)
    orders = list(permutations(range(n_actions)))
    for order in orders:
        total[list(order)] += loading_order_wedges(base, reductions[list(order)])
    fast = multiplicative_shapley_wedges(base, reductions).wedges
    np.testing.assert_allclose(fast, total / len(orders), rtol=1e-9, atol=1e-6)


@given(
    st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=1, max_size=5),
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=1.0, max_value=1e7),
)
def test_proportional_wedges_sum_to_the_gap(raw: list[float], plan: float, baseline: float) -> None:
    if sum(raw) == 0:
        raw = [*raw[:-1], 1.0]
    wedges = proportional_wedges([baseline], [plan], [[r] for r in raw])
    np.testing.assert_allclose(wedges.sum(), baseline - plan, rtol=1e-9, atol=1e-6)


@settings(max_examples=30)
@given(st.lists(st.floats(min_value=-100.0, max_value=100.0), min_size=8, max_size=8))
def test_shapley_of_any_game_sums_to_full_minus_empty(table: list[float]) -> None:
    # an arbitrary three-action game given by its value on each of the 8 coalitions (bit mask index)
    def value(subset: frozenset[int]) -> np.ndarray:
        return np.array([table[sum(1 << i for i in subset)]])

    wedges = shapley_wedges(value, 3).wedges
    np.testing.assert_allclose(wedges.sum(), table[7] - table[0], rtol=1e-9, atol=1e-9)
