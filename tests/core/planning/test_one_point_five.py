"""The 1.5 °C reference tests of a plan (``zerocity.core.planning.one_point_five``, PLANNING.md §6)."""

from __future__ import annotations

import numpy as np
import pytest

from zerocity.core.planning.budgets import AllocationRule, reference_parameter
from zerocity.core.planning.one_point_five import (
    AR6_GHG,
    RACE_TO_ZERO,
    SR15,
    InvalidOnePointFive,
    MilestoneOutcome,
    OnePointFive,
    Settings,
    assess,
    check_settings,
)

YEARS = np.arange(2020, 2051)
BAU = np.full(YEARS.size, 1000.0)
#: The plan: 900 t in 2020 (an action already under way), falling linearly to 400 t in 2030, then flat.
PLAN = np.interp(YEARS, [2020, 2030, 2050], [900.0, 400.0, 400.0])
WORLD_POPULATION = reference_parameter("world-population-2020").value
WORLD_CO2 = reference_parameter("world-fossil-co2-2020").value_tonnes


def per_mille_population(year: int) -> float | None:
    """A city with one thousandth of the world's people in 2020."""
    return WORLD_POPULATION / 1000 if year == 2020 else None


def assessed(settings: Settings | None = None, **kwargs: object) -> OnePointFive:
    years = kwargs.pop("years", YEARS)
    plan = kwargs.pop("plan", PLAN)
    bau = kwargs.pop("bau", BAU)
    return assess(
        settings or Settings(),
        years,  # type: ignore[arg-type]
        plan,  # type: ignore[arg-type]
        bau,  # type: ignore[arg-type]
        population_at=kwargs.pop("population_at", per_mille_population),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def milestone(result: OnePointFive, parameter_id: str) -> MilestoneOutcome:
    return next(t for t in result.tests if t.parameter_id == parameter_id)


def test_race_to_zero_halving_is_measured_from_the_base_inventory_not_the_plans_first_year() -> None:
    outcome = milestone(assessed(), RACE_TO_ZERO)

    assert outcome.test is not None
    assert outcome.test.base_tco2 == 1000.0  # the BAU in 2020, not the plan's 900
    assert outcome.test.achieved_reduction == pytest.approx(0.6)
    assert outcome.test.met


def test_sr15_needs_the_citys_2010_co2_and_then_compares_2030_co2_with_it() -> None:
    missing = milestone(assessed(), SR15)
    assert missing.test is None and "co2_2010_t" in missing.unavailable

    applied = milestone(assessed(Settings(co2_2010_t=1200.0, co2_share=0.9, co2_share_stated=True)), SR15)
    assert applied.test is not None
    assert applied.test.projected_tco2 == pytest.approx(400.0 * 0.9)
    assert applied.test.achieved_reduction == pytest.approx(1 - 360.0 / 1200.0)
    assert applied.test.required_reduction == 0.45 and applied.test.met


def test_ar6_compares_2030_ghg_with_2019_when_the_scenario_holds_2019() -> None:
    years = np.arange(2019, 2051)
    outcome = milestone(
        assessed(years=years, plan=np.full(years.size, 600.0), bau=np.full(years.size, 1000.0)), AR6_GHG
    )

    assert outcome.test is not None
    assert outcome.test.base_tco2 == 1000.0 and outcome.test.achieved_reduction == pytest.approx(0.4)
    assert not outcome.test.met  # 43 % needed


def test_a_per_capita_budget_is_the_population_share_of_the_global_budget() -> None:
    budget = assessed().budget

    assert budget.allocation is not None and budget.check is not None
    assert budget.allocation.budget_tco2 == pytest.approx(500e9 / 1000)
    assert budget.check.cumulative_tco2 == pytest.approx(PLAN.sum())
    assert budget.check.met
    assert budget.constant_annual_cut == pytest.approx(900.0 / (500e9 / 1000))  # r = E0 / B


def test_grandfathering_shares_the_budget_by_the_citys_2020_co2() -> None:
    budget = assessed(Settings(rule=AllocationRule.GRANDFATHERING)).budget

    assert budget.allocation is not None
    assert budget.allocation.emissions_share == pytest.approx(1000.0 / WORLD_CO2)
    assert budget.allocation.budget_tco2 == pytest.approx(500e9 * 1000.0 / WORLD_CO2)


def test_a_budget_smaller_than_a_years_emissions_has_no_constant_cut_and_says_so() -> None:
    budget = assessed(plan=PLAN * 1e6, bau=BAU * 1e6).budget  # 900 Mt in 2020 against a 500 Mt budget

    assert budget.check is not None and not budget.check.met
    assert budget.constant_annual_cut is None and "smaller than one year" in budget.cut_note


def test_the_co2_share_scales_the_plan_before_it_meets_the_budget() -> None:
    full = assessed().budget.check
    half = assessed(Settings(co2_share=0.5, co2_share_stated=True)).budget.check

    assert full is not None and half is not None
    assert half.cumulative_tco2 == pytest.approx(full.cumulative_tco2 / 2)


def test_without_the_citys_population_the_budget_is_not_assessed_and_says_why() -> None:
    budget = assessed(population_at=lambda year: None).budget

    assert budget.check is None and "population" in budget.unavailable


def test_a_budget_counted_from_before_the_scenario_cannot_be_summed() -> None:
    years = np.arange(2024, 2051)
    budget = assessed(years=years, plan=np.full(years.size, 500.0), bau=np.full(years.size, 500.0)).budget

    assert budget.check is None and "from 2020" in budget.unavailable


def test_p_budget_exceeded_counts_the_draws_whose_cumulative_co2_is_over_the_city_budget() -> None:
    city_budget = 500e9 / 1000
    draws = np.vstack([np.full(YEARS.size, city_budget / 40), np.full(YEARS.size, city_budget / 20)])

    budget = assessed(plan_draws_t_co2e=draws).budget

    assert budget.p_exceeded == 0.5  # 31 years × B/40 is within, 31 years × B/20 is not


@pytest.mark.parametrize(
    ("settings", "parameter"),
    [
        (Settings(budget_id="sr15-co2-2030-vs-2010"), "budget"),
        (Settings(budget_id="ar7"), "budget"),
        (Settings(co2_share=1.2), "co2_share"),
        (Settings(rule=AllocationRule.BLENDED), "population_weight"),
        (Settings(population=-5.0), "population"),
    ],
    ids=["not-a-budget", "unknown-budget", "share-above-one", "blend-without-weight", "negative-population"],
)
def test_unusable_settings_are_refused_naming_the_key(settings: Settings, parameter: str) -> None:
    with pytest.raises(InvalidOnePointFive) as caught:
        check_settings(settings)
    assert caught.value.parameter == parameter
