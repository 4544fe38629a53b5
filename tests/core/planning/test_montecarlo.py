"""Tests of ``zerocity.core.planning.montecarlo``: reproducible draws, one vectorised model call, fan charts and
P(target met) (PLANNING.md §8)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.planning.montecarlo import (
    Beta,
    Distribution,
    Draws,
    Fixed,
    FloatArray,
    InvalidUncertainty,
    LogNormal,
    MonteCarloJob,
    Normal,
    Triangular,
    TruncatedNormal,
    Uniform,
    draw,
    fan_chart,
    probability_budget_exceeded,
    probability_target_met,
    run,
    run_many,
)

YEARS = tuple(range(2024, 2031))


def declining_emissions(draws: Draws) -> FloatArray:
    """Top-level (picklable) toy model: base emissions falling by a constant yearly rate."""
    t = np.arange(len(YEARS))
    return draws["base_t"][:, None] * (1 - draws["yearly_cut"][:, None]) ** t[None, :]


DECLINE_INPUTS: dict[str, Distribution] = {
    "base_t": Normal(1000.0, 50.0),
    "yearly_cut": Uniform(0.0, 0.06),
}


def test_draws_are_reproducible_from_seed_and_draw_count() -> None:
    first = draw(DECLINE_INPUTS, 100, seed=42)
    again = draw(DECLINE_INPUTS, 100, seed=42)
    other = draw(DECLINE_INPUTS, 100, seed=43)
    np.testing.assert_array_equal(first["base_t"], again["base_t"])
    assert not np.array_equal(first["base_t"], other["base_t"])


def test_adding_an_input_leaves_the_draws_of_the_others_unchanged() -> None:
    before = draw(DECLINE_INPUTS, 50, seed=7)
    after = draw({**DECLINE_INPUTS, "population": Normal(2.7e6, 1e4)}, 50, seed=7)
    np.testing.assert_array_equal(before["base_t"], after["base_t"])
    np.testing.assert_array_equal(before["yearly_cut"], after["yearly_cut"])


def test_different_inputs_with_the_same_distribution_get_independent_draws() -> None:
    draws = draw({"a": Uniform(0, 1), "b": Uniform(0, 1)}, 20_000, seed=1)
    assert abs(np.corrcoef(draws["a"], draws["b"])[0, 1]) < 0.03


@pytest.mark.parametrize(
    ("distribution", "mean", "sd"),
    [
        (Normal(10.0, 2.0), 10.0, 2.0),
        (LogNormal.from_mean_sd(5.0, 1.5), 5.0, 1.5),
        (Uniform(2.0, 4.0), 3.0, 2.0 / np.sqrt(12)),
        (Triangular(0.0, 1.0, 5.0), 2.0, np.sqrt((0 + 1 + 25 - 0 - 0 - 5) / 18)),
        (Beta(2.0, 2.0, 0.0, 1.0), 0.5, np.sqrt(4 / (16 * 5))),
        (Fixed(3.0), 3.0, 0.0),
    ],
)
def test_draws_have_the_moments_of_their_distribution(distribution: Distribution, mean: float, sd: float) -> None:
    values = draw({"x": distribution}, 200_000, seed=3)["x"]
    assert values.mean() == pytest.approx(mean, rel=0.01)
    assert values.std() == pytest.approx(sd, rel=0.02, abs=1e-12)


def test_a_truncated_normal_stays_within_its_bounds() -> None:
    values = draw({"share": TruncatedNormal(0.9, 0.2, 0.0, 1.0)}, 50_000, seed=5)["share"]
    assert values.min() >= 0.0
    assert values.max() <= 1.0
    # The upper tail is cut, so the mean falls below 0.9.
    assert values.mean() < 0.9


@pytest.mark.parametrize(
    "build",
    [
        lambda: Normal(1.0, 0.0),
        lambda: Uniform(2.0, 1.0),
        lambda: Triangular(0.0, 2.0, 1.0),
        lambda: TruncatedNormal(0.5, 0.1, 1.0, 0.0),
        lambda: LogNormal.from_mean_sd(-1.0, 1.0),
        lambda: Beta(0.0, 1.0),
    ],
)
def test_impossible_distributions_are_errors(build: object) -> None:
    with pytest.raises(InvalidUncertainty):
        build()  # type: ignore[operator]


def test_quantile_functions_invert_the_distribution() -> None:
    for distribution in (Normal(1, 2), LogNormal(0.1, 0.5), Uniform(-1, 3), Triangular(0, 1, 4), Beta(2, 5, 1, 3)):
        quantiles = np.array([0.1, 0.5, 0.9])
        values = draw({"x": distribution}, 100_000, seed=11)["x"]
        np.testing.assert_allclose(np.quantile(values, quantiles), distribution.ppf(quantiles), rtol=0.03, atol=0.02)


def test_run_evaluates_the_model_once_over_all_draws() -> None:
    calls: list[int] = []

    def model(draws: Draws) -> FloatArray:
        calls.append(len(draws["base_t"]))
        return declining_emissions(draws)

    result = run(model, DECLINE_INPUTS, YEARS, n_draws=500, seed=9)
    assert calls == [500]
    assert result.emissions.shape == (500, len(YEARS))
    assert (result.seed_entropy, result.n_draws) == (9, 500)


def test_run_rejects_a_model_with_the_wrong_output_shape() -> None:
    with pytest.raises(InvalidUncertainty, match="must return shape"):
        run(lambda draws: draws["base_t"], DECLINE_INPUTS, YEARS, n_draws=10, seed=1)


def test_the_monte_carlo_mean_converges_to_the_deterministic_value() -> None:
    # For independent inputs E[a·b] = E[a]·E[b]: 1000 · 0.5 t in every year.
    inputs: dict[str, Distribution] = {"activity": Normal(1000.0, 100.0), "factor": Uniform(0.4, 0.6)}

    def model(draws: Draws) -> FloatArray:
        return np.repeat((draws["activity"] * draws["factor"])[:, None], 3, axis=1)

    result = run(model, inputs, (2030, 2031, 2032), n_draws=200_000, seed=21)
    np.testing.assert_allclose(result.emissions.mean(axis=0), 500.0, rtol=0.005)


def test_fan_chart_percentiles_are_ordered_and_match_a_known_distribution() -> None:
    result = run(declining_emissions, DECLINE_INPUTS, YEARS, n_draws=100_000, seed=4)
    chart = fan_chart(result)
    assert chart.percentiles == (5.0, 25.0, 50.0, 75.0, 95.0)
    assert np.all(np.diff(chart.values, axis=0) >= 0)
    # In the first year emissions are the base, Normal(1000, 50): the 95th percentile is 1000 + 1.645 · 50.
    assert chart.values[4, 0] == pytest.approx(1000 + 1.6449 * 50, rel=0.002)


def test_probability_target_met_counts_draws_at_or_below_the_target() -> None:
    result = run(
        lambda draws: draws["e"][:, None],
        {"e": Uniform(0.0, 100.0)},
        (2030,),
        n_draws=100_000,
        seed=8,
    )
    assert probability_target_met(result, 2030, 30.0) == pytest.approx(0.30, abs=0.01)
    assert probability_target_met(result, 2030, 100.0) == 1.0
    assert probability_target_met(result, 2030, -1.0) == 0.0


def test_probability_target_met_for_a_year_outside_the_run_is_an_error() -> None:
    result = run(declining_emissions, DECLINE_INPUTS, YEARS, n_draws=10, seed=1)
    with pytest.raises(InvalidUncertainty, match="2050 is not a year of this run"):
        probability_target_met(result, 2050, 100.0)


@settings(max_examples=50, deadline=None)
@given(
    ambitious=st.floats(min_value=500, max_value=1200),
    extra_room=st.floats(min_value=0, max_value=500),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_looser_target_never_lowers_the_probability_of_meeting_it(
    ambitious: float, extra_room: float, seed: int
) -> None:
    result = run(declining_emissions, DECLINE_INPUTS, YEARS, n_draws=200, seed=seed)
    strict = probability_target_met(result, 2030, ambitious)
    loose = probability_target_met(result, 2030, ambitious + extra_room)
    assert loose >= strict


def test_probability_budget_exceeded_sums_the_budget_period() -> None:
    result = run(lambda draws: np.repeat(draws["e"][:, None], 3, axis=1), {"e": Fixed(10.0)}, (2028, 2029, 2030), 5, 1)
    assert probability_budget_exceeded(result, 29.9, 2028, 2030) == 1.0
    assert probability_budget_exceeded(result, 30.0, 2028, 2030) == 0.0
    assert probability_budget_exceeded(result, 19.9, 2029, 2030) == 1.0


def jobs() -> list[MonteCarloJob]:
    return [
        MonteCarloJob(name=city, model=declining_emissions, distributions=DECLINE_INPUTS, years=YEARS, n_draws=300)
        for city in ("kaohsiung", "taipei", "tainan")
    ]


def test_run_many_seeds_each_job_with_its_own_spawned_child() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = run_many(jobs(), seed=123, executor=pool)
    assert [r.name for r in results] == ["kaohsiung", "taipei", "tainan"]
    assert [r.spawn_key for r in results] == [(0,), (1,), (2,)]
    assert not np.array_equal(results[0].emissions, results[1].emissions)
    child = np.random.SeedSequence(123).spawn(3)[1]
    alone = run(declining_emissions, DECLINE_INPUTS, YEARS, 300, child, name="taipei")
    np.testing.assert_array_equal(results[1].emissions, alone.emissions)


def test_run_many_gives_the_same_results_in_processes_as_in_threads() -> None:
    with ThreadPoolExecutor() as pool:
        threaded = run_many(jobs(), seed=5, executor=pool)
    with ProcessPoolExecutor(max_workers=2) as pool:
        in_processes = run_many(jobs(), seed=5, executor=pool)
    for a, b in zip(threaded, in_processes, strict=True):
        np.testing.assert_array_equal(a.emissions, b.emissions)


def test_run_many_without_jobs_returns_nothing() -> None:
    assert run_many([], seed=1) == []


def test_run_many_starts_its_own_process_pool_by_default() -> None:
    results = run_many(jobs()[:2], seed=5)
    with ThreadPoolExecutor() as pool:
        threaded = run_many(jobs()[:2], seed=5, executor=pool)
    np.testing.assert_array_equal(results[1].emissions, threaded[1].emissions)


def test_emissions_exactly_at_the_target_count_as_met() -> None:
    result = run(lambda draws: draws["e"][:, None], {"e": Fixed(10.0)}, (2030,), n_draws=4, seed=1)
    assert probability_target_met(result, 2030, 10.0) == 1.0
    assert probability_target_met(result, 2030, 9.999) == 0.0
