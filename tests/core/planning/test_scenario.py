"""Tests of zerocity.core.planning.scenario: the scenario model composing BAU, actions, wedges, targets, Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.planning import costs, montecarlo, targets
from zerocity.core.planning.pools import Stage
from zerocity.core.planning.scenario import (
    MAX_SOBOL_RUNS,
    Action,
    Curve,
    Driver,
    FuelSwitch,
    InvalidScenario,
    Pool,
    Scenario,
    ScenarioTarget,
    SensitivitySettings,
    WedgeMethod,
    run,
)

BASE, END = 2020, 2030


def flat_pool(pool_id: str = "gas", base: float = 100.0, **kwargs: object) -> Pool:
    return Pool(pool_id, "I.1.1", "natural_gas", base, growth_rate=kwargs.pop("growth_rate", 0.0), **kwargs)  # type: ignore[arg-type]


def step_action(
    action_id: str, share: float, stage: Stage, pools: tuple[str, ...] = ("gas",), **kwargs: object
) -> Action:
    return Action(action_id, stage.value, pools, stage, Curve("step", {"year": BASE, "p": share}), **kwargs)  # type: ignore[arg-type]


def scenario(**kwargs: object) -> Scenario:
    fields: dict[str, object] = {"name": "test", "base_year": BASE, "end_year": END, "pools": (flat_pool(),)}
    fields.update(kwargs)
    return Scenario(**fields)  # type: ignore[arg-type]


def two_actions() -> Scenario:
    return scenario(
        actions=(
            step_action("avoid", 0.2, Stage.DEMAND_AVOIDANCE),
            step_action("retrofit", 0.5, Stage.EFFICIENCY),
        )
    )


def test_loading_order_gives_twenty_and_forty_for_the_closed_form_case() -> None:
    result = run(two_actions(), wedge_method="loading_order")
    assert result.wedges_t_co2e["avoid"][0] == pytest.approx(20.0)
    assert result.wedges_t_co2e["retrofit"][0] == pytest.approx(40.0)
    assert result.loading_order == ("avoid", "retrofit")


def test_shapley_gives_fifteen_and_forty_five_for_the_closed_form_case() -> None:
    result = run(two_actions(), wedge_method="shapley")
    assert result.wedges_t_co2e["avoid"][0] == pytest.approx(15.0)
    assert result.wedges_t_co2e["retrofit"][0] == pytest.approx(45.0)
    assert result.wedge_method is WedgeMethod.SHAPLEY


def test_proportional_wedges_scale_the_stand_alone_impacts_to_the_gap() -> None:
    result = run(two_actions(), wedge_method="proportional")
    # alone: 20 and 50; gap 60 → 60·20/70 and 60·50/70
    assert result.wedges_t_co2e["avoid"][0] == pytest.approx(60 * 20 / 70)
    assert result.wedges_t_co2e["retrofit"][0] == pytest.approx(60 * 50 / 70)


def test_an_unknown_wedge_method_is_refused() -> None:
    with pytest.raises(InvalidScenario) as caught:
        run(two_actions(), wedge_method="biggest_first")
    assert caught.value.key == "wedge_method"


def test_growth_rate_fallback_compounds_from_the_base_year() -> None:
    result = run(scenario(pools=(flat_pool(growth_rate=0.02),)))
    assert result.bau_frozen_t_co2e == pytest.approx(100.0 * 1.02 ** np.arange(END - BASE + 1))
    assert result.bau_methods == {"gas": "growth_rate"}


def test_a_driver_with_elasticity_one_half_scales_bau_by_the_square_root() -> None:
    driver = Driver("population", (BASE, END), (1.0, 4.0), "test", "2026")
    pool = Pool("gas", "I.1.1", "natural_gas", 100.0, driver="population", elasticity=0.5)
    result = run(scenario(pools=(pool,), drivers={"population": driver}))
    assert result.bau_frozen_t_co2e[-1] == pytest.approx(200.0)  # 100 · 4^0.5
    assert result.bau_methods == {"gas": "drivers"}


def test_a_driver_is_never_extrapolated_beyond_its_anchors() -> None:
    driver = Driver("population", (BASE, 2025), (1.0, 2.0), "test", "2026")
    pool = Pool("gas", "I.1.1", "natural_gas", 100.0, driver="population", elasticity=1.0)
    with pytest.raises(InvalidScenario, match="never extrapolated"):
        run(scenario(pools=(pool,), drivers={"population": driver}))


def grid_path() -> np.ndarray:
    return np.linspace(0.5, 0.25, END - BASE + 1)


def test_the_national_grid_is_an_external_wedge_the_city_does_not_claim() -> None:
    pool = Pool("elec", "I.1.2", "electricity", 100.0, growth_rate=0.0, grid_electricity=True)
    result = run(scenario(pools=(pool,), grid_factor_kg_per_kwh=grid_path()))
    assert result.external_wedges == ("national_grid",)
    # frozen 100 every year, adjusted 100·F[t]/F0: the wedge is 100·(1 − F[t]/0.5), 50 t by the end
    assert result.wedges_t_co2e["national_grid"][-1] == pytest.approx(50.0)
    assert result.plan_t_co2e[-1] == pytest.approx(50.0)


def test_a_fuel_switch_abates_more_as_the_grid_decarbonises() -> None:
    switch = FuelSwitch(old_factor_kg_per_kwh=0.2, efficiency_old=0.9, efficiency_new=3.0)
    action = step_action("heat_pumps", 0.5, Stage.FUEL_SWITCH, fuel_switch=switch)
    result = run(scenario(actions=(action,), grid_factor_kg_per_kwh=grid_path()))
    wedge = result.wedges_t_co2e["heat_pumps"]
    assert np.all(np.diff(wedge) > 0)
    # 100 · 0.5 · (1 − 0.3 · F/0.2) in the base year, F = 0.5
    assert wedge[0] == pytest.approx(100 * 0.5 * (1 - 0.3 * 0.5 / 0.2))


def test_exclusive_options_on_one_stock_may_not_exceed_the_whole_stock() -> None:
    actions = (
        step_action("heat_pumps", 0.7, Stage.FUEL_SWITCH, stock="water_heaters"),
        step_action("better_boilers", 0.4, Stage.EFFICIENCY, stock="water_heaters"),
    )
    with pytest.raises(InvalidScenario, match="water_heaters") as caught:
        run(scenario(actions=actions))
    assert caught.value.key == "actions"


def test_a_penetration_above_one_is_an_error_naming_the_curve_parameter() -> None:
    action = Action(
        "led", "efficiency", ("gas",), Stage.EFFICIENCY, Curve("logistic", {"p_max": 1.2, "k": 0.3, "t_mid": 2025})
    )
    with pytest.raises(InvalidScenario) as caught:
        run(scenario(actions=(action,)))
    assert caught.value.key == "actions.led.curve.p_max"


def test_an_action_on_an_unknown_pool_is_refused() -> None:
    with pytest.raises(InvalidScenario) as caught:
        run(scenario(actions=(step_action("x", 0.1, Stage.EFFICIENCY, pools=("nowhere",)),)))
    assert caught.value.key == "actions.x.pools"


def test_a_target_year_in_the_past_is_refused() -> None:
    target = ScenarioTarget(targets.base_year_target(BASE, 2025, 0.3))
    with pytest.raises(InvalidScenario, match="past") as caught:
        run(scenario(targets=(target,)), today=2026)
    assert caught.value.key == "targets[1].target_year"


def test_a_target_with_an_earlier_base_year_needs_its_base_emissions() -> None:
    target = ScenarioTarget(targets.base_year_target(2005, 2030, 0.3))
    with pytest.raises(InvalidScenario) as caught:
        run(scenario(targets=(target,)))
    assert caught.value.key == "targets[1].base_t_co2e"


def test_an_uncertain_input_must_name_an_input_of_the_scenario() -> None:
    with pytest.raises(InvalidScenario) as caught:
        run(scenario(uncertain={"pool.nowhere.growth_rate": montecarlo.Normal(0.0, 0.01)}), draws=10)
    assert caught.value.key == "uncertainty.pool.nowhere.growth_rate"


def test_targets_are_evaluated_on_the_plan() -> None:
    target = ScenarioTarget(targets.base_year_target(BASE, END, 0.5), label="halve")
    result = run(scenario(actions=(step_action("retrofit", 0.5, Stage.EFFICIENCY),), targets=(target,)))
    outcome = result.targets[0]
    assert (outcome.label, outcome.result.type, outcome.result.year) == ("halve", targets.TargetType.BASE_YEAR, END)
    assert outcome.result.target_tco2e == pytest.approx(50.0)
    assert outcome.result.met
    assert outcome.p_met is None and result.p_target_met is None  # no draws


def test_a_budget_target_sums_the_plan_over_its_period() -> None:
    target = ScenarioTarget(targets.budget_target(BASE, END, 1000.0))
    result = run(scenario(targets=(target,)), draws=50, seed=1)
    assert result.targets[0].result.projected_tco2e == pytest.approx(1100.0)  # 11 years × 100
    assert not result.targets[0].result.met
    assert result.p_target_met == 0.0


def uncertain_retrofit(reduction: float) -> Scenario:
    return scenario(
        actions=(step_action("retrofit", 0.5, Stage.EFFICIENCY),),
        targets=(ScenarioTarget(targets.base_year_target(BASE, END, reduction)),),
        uncertain={"action.retrofit.effect": montecarlo.Uniform(0.0, 1.0)},
    )


def test_p_target_met_follows_the_uniform_effect_in_closed_form() -> None:
    # plan = 100·(1 − 0.5·e), e ~ U(0, 1); target −30 % ⇔ e ≥ 0.6 ⇔ P = 0.4
    result = run(uncertain_retrofit(0.3), draws=20000, seed=7)
    assert result.p_target_met == pytest.approx(0.4, abs=0.02)
    assert (result.seed, result.draws) == (7, 20000)


def test_the_same_seed_and_draws_give_the_same_probability() -> None:
    first = run(uncertain_retrofit(0.3), draws=500, seed=3)
    second = run(uncertain_retrofit(0.3), draws=500, seed=3)
    assert first.p_target_met == second.p_target_met
    assert first.fan_chart is not None and second.fan_chart is not None
    np.testing.assert_array_equal(first.fan_chart.values, second.fan_chart.values)


@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(0.01, 0.5),
    extra=st.floats(0.0, 0.49),
    seed=st.integers(0, 2**32),
)
def test_p_target_met_never_rises_with_ambition(low: float, extra: float, seed: int) -> None:
    easier = run(uncertain_retrofit(low), draws=200, seed=seed).p_target_met
    harder = run(uncertain_retrofit(low + extra), draws=200, seed=seed).p_target_met
    assert easier is not None and harder is not None
    assert harder <= easier


shares = st.floats(0.0, 1.0)


@st.composite
def random_scenarios(draw: st.DrawFn) -> Scenario:
    pools = (
        Pool("gas", "I.1.1", "natural_gas", draw(st.floats(1.0, 1e6)), growth_rate=draw(st.floats(-0.05, 0.05))),
        Pool(
            "elec",
            "I.1.2",
            "electricity",
            draw(st.floats(1.0, 1e6)),
            growth_rate=draw(st.floats(-0.05, 0.05)),
            autonomous_efficiency=draw(st.floats(0.0, 0.05)),
            grid_electricity=True,
        ),
    )
    actions = []
    for number in range(draw(st.integers(1, 5))):
        stage = draw(st.sampled_from(list(Stage)))
        targets_ = draw(st.sampled_from([("gas",), ("elec",), ("gas", "elec")]))
        curve = Curve(
            "linear", {"start_year": BASE, "end_year": draw(st.integers(BASE + 1, END)), "p_max": draw(shares)}
        )
        actions.append(Action(f"a{number}", stage.value, targets_, stage, curve, effect=draw(shares)))
    return scenario(pools=pools, actions=tuple(actions), grid_factor_kg_per_kwh=grid_path())


@settings(max_examples=40, deadline=None)
@given(random_scenarios(), st.sampled_from(list(WedgeMethod)))
def test_wedges_sum_to_the_gap_between_frozen_bau_and_plan(case: Scenario, method: WedgeMethod) -> None:
    result = run(case, wedge_method=method)
    total = np.sum(list(result.wedges_t_co2e.values()), axis=0)
    gap = result.bau_frozen_t_co2e - result.plan_t_co2e
    np.testing.assert_allclose(total, gap, rtol=1e-9, atol=1e-6)
    assert set(result.wedges_t_co2e) == {*result.external_wedges, *(a.action_id for a in case.actions)}


@settings(max_examples=40, deadline=None)
@given(random_scenarios(), st.sampled_from(list(Stage)), shares, shares)
def test_adding_an_action_never_raises_emissions(case: Scenario, stage: Stage, share: float, effect: float) -> None:
    before = run(case).plan_t_co2e
    extra = Action(
        "extra", stage.value, ("gas", "elec"), stage, Curve("step", {"year": BASE, "p": share}), effect=effect
    )
    after = run(Scenario(**{**case.__dict__, "actions": (*case.actions, extra)})).plan_t_co2e
    assert np.all(after <= before * (1 + 1e-12) + 1e-9)


def costed(action_id: str, share: float, stage: Stage, capital: float) -> Action:
    action_costs = costs.ActionCosts(action_id, capital, BASE, 0.0, 0.0, 10, {"city": 0.5, "households": 0.5})
    return step_action(action_id, share, stage, costs=action_costs)


def test_macc_bars_take_loading_order_widths_and_never_overlap() -> None:
    case = scenario(
        actions=(costed("avoid", 0.2, Stage.DEMAND_AVOIDANCE, 1000.0), costed("retrofit", 0.5, Stage.EFFICIENCY, 10.0)),
        macc_year=2025,
        discount_rate=0.0,
    )
    result = run(case)
    assert result.macc is not None
    assert result.macc.action_ids == ("retrofit", "avoid")  # cheaper per tonne first
    np.testing.assert_allclose(result.macc.width, [40.0, 20.0])  # loading order, not stand-alone 50 and 20
    np.testing.assert_array_equal(result.macc.x0[1:], result.macc.x1[:-1])
    # CRF at r = 0 is 1/n: 10/10 per year over 40 t
    assert result.macc.height[0] == pytest.approx(1.0 / 40.0)
    assert result.cost_by_payer is not None
    assert result.cost_by_payer.capital_cost["households"] == pytest.approx(505.0)
    assert math.isclose(result.discount_rate, 0.0)


def uncertain_two_inputs(**kwargs: object) -> Scenario:
    return scenario(
        actions=(step_action("retrofit", 1.0, Stage.EFFICIENCY),),
        targets=(ScenarioTarget(targets.base_year_target(BASE, 2030, 0.2)),),
        uncertain={
            "action.retrofit.effect": montecarlo.Uniform(0.1, 0.5),
            "pool.gas.base_t_co2e": montecarlo.Normal(100.0, 1.0),
        },
        **kwargs,
    )


def test_sobol_names_the_input_that_drives_the_uncertainty_most() -> None:
    result = run(uncertain_two_inputs(), draws=200, seed=3)

    assert result.sensitivity is not None and result.sensitivity.result is not None
    sobol = result.sensitivity.result
    assert result.sensitivity.year == 2030  # the first target's year
    assert sobol.top_driver == "action.retrofit.effect"
    assert sobol["action.retrofit.effect"].total > 0.9 > sobol["pool.gas.base_t_co2e"].total
    assert sobol.seed == 3 and sobol.model_runs == 256 * (2 + 2)


def test_sobol_runs_only_with_monte_carlo_and_two_inputs_and_says_why_not() -> None:
    no_draws = run(uncertain_two_inputs(), draws=0).sensitivity
    assert no_draws is not None and no_draws.result is None and "draws = 0" in no_draws.note

    one_input = scenario(
        actions=(step_action("retrofit", 1.0, Stage.EFFICIENCY),),
        uncertain={"action.retrofit.effect": montecarlo.Uniform(0.1, 0.5)},
    )
    single = run(one_input, draws=50).sensitivity
    assert single is not None and single.result is None and "two uncertain inputs" in single.note

    disabled = run(uncertain_two_inputs(sensitivity=SensitivitySettings(enabled=False)), draws=50)
    assert disabled.sensitivity is None


def test_sobol_base_samples_must_be_a_power_of_two() -> None:
    with pytest.raises(InvalidScenario) as caught:
        run(uncertain_two_inputs(sensitivity=SensitivitySettings(base_samples=100)), draws=10)
    assert caught.value.key == "sensitivity.samples"


def test_the_one_point_five_tests_run_on_every_scenario() -> None:
    result = run(uncertain_two_inputs(), draws=0)

    assert result.one_point_five is not None
    assert [t.parameter_id for t in result.one_point_five.tests] == [
        "sr15-co2-2030-vs-2010",
        "race-to-zero-halve-2030",
        "ar6-wg3-ghg-2030-vs-2019",
    ]
    assert "population" in result.one_point_five.budget.unavailable  # no population driver in this scenario


def test_a_base_year_target_is_judged_per_draw_against_that_draws_own_base() -> None:
    # The plan is always 70 % of the (uncertain) base, and the target is −30 % of the same base: met in every draw.
    uncertain_base = scenario(
        actions=(step_action("retrofit", 1.0, Stage.EFFICIENCY, effect=0.3),),
        targets=(ScenarioTarget(targets.base_year_target(BASE, 2030, 0.3)),),
        uncertain={"pool.gas.base_t_co2e": montecarlo.Normal(100.0, 10.0)},
    )
    assert run(uncertain_base, draws=500, seed=1).p_target_met == 1.0

    # A stated base is fixed at adoption: the same plan now meets it only in the draws whose base is lower.
    stated = scenario(
        actions=(step_action("retrofit", 1.0, Stage.EFFICIENCY, effect=0.3),),
        targets=(ScenarioTarget(targets.base_year_target(BASE, 2030, 0.3), base_t_co2e=100.0),),
        uncertain={"pool.gas.base_t_co2e": montecarlo.Normal(100.0, 10.0)},
    )
    p = run(stated, draws=500, seed=1).p_target_met
    assert p is not None and 0.4 < p < 0.6


def test_sobol_halves_its_base_samples_to_stay_within_the_run_budget() -> None:
    actions = tuple(step_action(f"a{i}", 0.05, Stage.EFFICIENCY) for i in range(12))
    many = scenario(
        actions=actions,
        uncertain={f"action.a{i}.effect": montecarlo.Uniform(0.1 + i / 100, 0.5) for i in range(12)},
        sensitivity=SensitivitySettings(base_samples=4096),
    )

    outcome = run(many, draws=20, seed=1).sensitivity

    assert outcome is not None and outcome.result is not None
    assert outcome.result.base_samples == 1024  # 4096 or 2048 · (12 + 2) runs would exceed MAX_SOBOL_RUNS
    assert outcome.result.model_runs == 1024 * 14 <= MAX_SOBOL_RUNS
