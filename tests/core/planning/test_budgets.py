"""City carbon budgets and 1.5 °C tests (``zerocity.core.planning.budgets``, PLANNING §6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerocity.core.planning.budgets import (
    AllocationRule,
    BudgetError,
    UnknownReferenceParameter,
    allocate_city_budget,
    check_budget,
    constant_rate_for_budget,
    constant_rate_path,
    cumulative_emissions,
    global_budgets,
    linear_cut_for_budget,
    race_to_zero_test,
    reduction_test,
    reference_parameter,
    reference_parameters,
    sr15_test,
)


def test_ar6_budgets_from_2020_are_500_400_300_gt_for_50_67_83_percent() -> None:
    # IPCC AR6 WGI SPM Table SPM.2 (2021), 1.5 °C
    found = {p.likelihood: (p.value, p.base_year, p.status) for p in global_budgets() if p.source.startswith("IPCC")}
    assert found == {0.5: (500, 2020, "published"), 0.67: (400, 2020, "published"), 0.83: (300, 2020, "published")}


def test_every_reference_row_names_a_source_and_publication_year() -> None:
    for parameter in reference_parameters():
        assert parameter.source
        assert 2000 < parameter.year < 2100


def test_recalled_values_are_not_marked_published() -> None:
    for parameter_id in ("igcc2024-1p5c-50", "world-population-2020", "world-fossil-co2-2020"):
        assert reference_parameter(parameter_id).status == "secondary"


def test_a_budget_in_gigatonnes_converts_to_tonnes() -> None:
    assert reference_parameter("ar6-wg1-1p5c-50").value_tonnes == 500e9


def test_an_unknown_parameter_lists_the_known_ones() -> None:
    with pytest.raises(UnknownReferenceParameter, match="ar6-wg1-1p5c-50"):
        reference_parameter("ar7")


def test_per_capita_allocation_gives_the_population_share() -> None:
    # 2.7 million people of 7.84 billion, 400 GtCO2: 400e9 · 2.7e6 / 7.84e9
    city = allocate_city_budget(400e9, AllocationRule.PER_CAPITA, city_population=2.7e6, world_population=7.84e9)
    assert city.budget_tco2 == pytest.approx(400e9 * 2.7e6 / 7.84e9, rel=1e-12)
    assert city.emissions_share is None


def test_grandfathering_gives_the_emissions_share() -> None:
    city = allocate_city_budget(
        500e9,
        AllocationRule.GRANDFATHERING,
        city_population=2.7e6,
        world_population=7.84e9,
        city_emissions_tco2=50e6,
        world_emissions_tco2=34.8e9,
    )
    assert city.budget_tco2 == pytest.approx(500e9 * 50e6 / 34.8e9, rel=1e-12)


def test_a_blend_lies_between_per_capita_and_grandfathering() -> None:
    common = {"city_population": 1e6, "world_population": 8e9, "city_emissions_tco2": 1e7, "world_emissions_tco2": 4e10}
    blend = allocate_city_budget(400e9, AllocationRule.BLENDED, population_weight=0.25, **common)
    # 0.25 · 1/8000 + 0.75 · 1/4000 of 400 Gt
    assert blend.budget_tco2 == pytest.approx(400e9 * (0.25 / 8000 + 0.75 / 4000), rel=1e-12)


def test_a_blend_without_a_weight_is_refused() -> None:
    with pytest.raises(BudgetError, match="population_weight"):
        allocate_city_budget(400e9, AllocationRule.BLENDED, city_population=1e6, world_population=8e9)


def test_grandfathering_without_emissions_is_refused() -> None:
    with pytest.raises(BudgetError, match="city_emissions_tco2"):
        allocate_city_budget(400e9, AllocationRule.GRANDFATHERING, city_population=1e6, world_population=8e9)


def test_cumulative_emissions_interpolate_between_projection_years() -> None:
    # 100 in 2025 falling linearly to 0 in 2030: 100 + 80 + 60 + 40 + 20 + 0
    assert cumulative_emissions([2025, 2030], [100.0, 0.0], 2025, 2030) == pytest.approx(300.0)


def test_cumulative_emissions_are_never_extrapolated() -> None:
    with pytest.raises(BudgetError, match="never extrapolated"):
        cumulative_emissions([2025, 2040], [100.0, 50.0], 2025, 2050)


def test_a_path_within_budget_is_met_and_one_above_is_not() -> None:
    assert check_budget([2025, 2030], [100.0, 0.0], 300.0, 2025, 2030).met
    over = check_budget([2025, 2030], [100.0, 0.0], 299.0, 2025, 2030)
    assert not over.met
    assert over.share_of_budget == pytest.approx(300 / 299)


def test_constant_rate_is_first_year_emissions_over_budget() -> None:
    # E0 = 10 Mt, B = 200 Mt → r = 5 % a year
    assert constant_rate_for_budget(10e6, 200e6) == pytest.approx(0.05)


@given(st.floats(min_value=1.0, max_value=1e9), st.floats(min_value=1.0, max_value=200.0))
def test_the_constant_rate_path_spends_the_budget_over_an_endless_horizon(first: float, years_of_budget: float) -> None:
    budget = first * years_of_budget
    rate = constant_rate_for_budget(first, budget)
    path = constant_rate_path(first, rate, 2025, 2025 + 20000)
    assert path.sum() == pytest.approx(budget, rel=1e-6)


def test_linear_cut_to_zero_uses_the_budget_exactly() -> None:
    # E0 = 10, B = 55: T − t0 = 2·55/10 − 1 = 10 → zero in 2035, cut 1 a year; 10 + 9 + … + 0 = 55
    cut = linear_cut_for_budget(10.0, 55.0, 2025)
    assert cut.zero_year == pytest.approx(2035.0)
    assert cut.annual_cut_tco2 == pytest.approx(1.0)
    assert cut.annual_cut_share == pytest.approx(0.1)
    assert sum(10.0 - (year - 2025) * cut.annual_cut_tco2 for year in range(2025, 2036)) == pytest.approx(55.0)


@pytest.mark.parametrize("rule", [constant_rate_for_budget, lambda e, b: linear_cut_for_budget(e, b, 2025)])
def test_a_budget_below_one_years_emissions_cannot_be_met(rule: object) -> None:
    with pytest.raises(BudgetError, match="smaller than one year"):
        rule(10.0, 5.0)  # type: ignore[operator]


def test_sr15_test_requires_45_percent_below_2010_by_2030() -> None:
    passed = sr15_test(100.0, 55.0)
    assert passed.met
    assert passed.target_tco2 == pytest.approx(55.0)
    assert passed.achieved_reduction == pytest.approx(0.45)
    assert passed.source == "IPCC SR1.5 SPM C.1 (2018)"
    assert not sr15_test(100.0, 56.0).met


def test_race_to_zero_test_halves_from_the_cities_own_base_year() -> None:
    result = race_to_zero_test(2005, 66.14e6, 46.30e6)
    assert result.target_tco2 == pytest.approx(33.07e6)
    assert not result.met
    assert race_to_zero_test(2019, 80.0, 40.0).met


def test_a_milestone_with_a_fixed_base_year_refuses_another() -> None:
    with pytest.raises(BudgetError, match="measured against 2010"):
        reduction_test("sr15-co2-2030-vs-2010", 2005, 100.0, 50.0)


def test_a_budget_is_not_a_reduction_test() -> None:
    with pytest.raises(BudgetError, match="not a reduction test"):
        reduction_test("ar6-wg1-1p5c-50", 2020, 100.0, 50.0)


@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_blended_budget_moves_monotonically_with_the_population_weight(w1: float, w2: float) -> None:
    common = {"city_population": 1e6, "world_population": 8e9, "city_emissions_tco2": 1e7, "world_emissions_tco2": 4e10}
    low, high = sorted((w1, w2))
    # this city emits above the world average per head, so more weight on population lowers its budget
    at_low = allocate_city_budget(400e9, AllocationRule.BLENDED, population_weight=low, **common).budget_tco2
    at_high = allocate_city_budget(400e9, AllocationRule.BLENDED, population_weight=high, **common).budget_tco2
    assert at_high <= at_low * (1 + 1e-12)


def test_cumulative_emissions_of_annual_points_is_their_sum() -> None:
    values = np.array([5.0, 4.0, 3.0])
    assert cumulative_emissions([2025, 2026, 2027], values, 2025, 2027) == pytest.approx(12.0)
