"""A mitigation scenario: pools, actions and targets composed into one pathway (PLANNING.md §1–§8).

The model, year by year from the base year to the horizon (2050):

1. **BAU per pool** (:func:`~zerocity.core.planning.bau.project_bau`): frozen from drivers and elasticities, or
   from a growth rate when there is no driver (labelled non-causal). The adjusted BAU adds autonomous efficiency
   and, for grid-electricity pools, the national grid factor path ``F[t] / F[t0]``.
2. **External wedges**: frozen − adjusted, summed over pools, is national effort the city may not claim
   (PLANNING.md §4): ``national_grid`` for grid-electricity pools, ``autonomous_efficiency`` for the rest.
3. **Actions** reduce the adjusted BAU of their pools by ``r(t) = p(t) · effect`` in the loading order, with
   multiplicative residuals (:func:`~zerocity.core.planning.pools.apply_actions`); share caps on a stock are
   validation errors. A fuel switch's effect follows the grid path each year.
4. **Action wedges** by loading order, proportional or Shapley
   (:mod:`~zerocity.core.planning.attribution`). With the external wedges they sum to frozen BAU − plan exactly.
5. **Targets** are evaluated on the plan (:mod:`~zerocity.core.planning.targets`); **Monte Carlo** draws the
   uncertain inputs (:mod:`~zerocity.core.planning.montecarlo`) and the whole model runs once over all draws to
   give P(target met). Seed and draw count travel with the result.
6. **MACC** bars take their widths from loading-order abatement in ``macc_year`` (PLANNING.md §7).

Uncertain inputs are named ``pool.<id>.base_t_co2e``, ``pool.<id>.growth_rate``, ``pool.<id>.elasticity``,
``pool.<id>.autonomous_efficiency``, ``action.<id>.effect``, ``action.<id>.<curve parameter>`` (``p_max``, ``k``,
``t_mid``, ``p``, ``year``, ``start_year``, ``end_year``) and ``grid.multiplier`` (m scales the grid path's change
from the base year: ``F0 + m · (F[t] − F0)``; a shared driver, drawn once per draw for every pool).

The scenario's parts live in sibling modules: the model (:mod:`~zerocity.core.planning.scenario_model`), one pass
of steps 1–3 (:mod:`~zerocity.core.planning.scenario_evaluation`), validation
(:mod:`~zerocity.core.planning.scenario_checks`) and targets, costs and sensitivity
(:mod:`~zerocity.core.planning.scenario_outcomes`). This module runs them and re-exports their public names, so
callers import everything from here.
"""

from __future__ import annotations

import numpy as np

from zerocity.core.planning import attribution, montecarlo, one_point_five, rooftop_pv
from zerocity.core.planning.scenario_checks import validate
from zerocity.core.planning.scenario_evaluation import _evaluate, _Evaluation
from zerocity.core.planning.scenario_model import (
    CURVE_PARAMETERS,
    DEFAULT_SOBOL_SAMPLES,
    EXTERNAL_EFFICIENCY,
    EXTERNAL_GRID,
    MAX_SOBOL_RUNS,
    MAX_SOBOL_SAMPLES,
    Action,
    Curve,
    Driver,
    FloatArray,
    FuelSwitch,
    IntArray,
    InvalidScenario,
    Pool,
    PvOutcome,
    Scenario,
    ScenarioResult,
    ScenarioTarget,
    SensitivityOutcome,
    SensitivitySettings,
    TargetOutcome,
    Value,
    WedgeMethod,
)
from zerocity.core.planning.scenario_outcomes import (
    _costs,
    _evaluate_target,
    _label,
    _level_per_draw,
    _met_per_draw,
    _sensitivity,
    sensitivity_year,
)

__all__ = [
    "CURVE_PARAMETERS",
    "DEFAULT_SOBOL_SAMPLES",
    "EXTERNAL_EFFICIENCY",
    "EXTERNAL_GRID",
    "MAX_SOBOL_RUNS",
    "MAX_SOBOL_SAMPLES",
    "Action",
    "Curve",
    "Driver",
    "FloatArray",
    "FuelSwitch",
    "IntArray",
    "InvalidScenario",
    "Pool",
    "PvOutcome",
    "Scenario",
    "ScenarioResult",
    "ScenarioTarget",
    "SensitivityOutcome",
    "SensitivitySettings",
    "TargetOutcome",
    "Value",
    "WedgeMethod",
    "run",
    "sensitivity_year",
    "validate",
]


def run(
    scenario: Scenario,
    *,
    draws: int = 0,
    seed: int = 0,
    wedge_method: WedgeMethod | str = WedgeMethod.LOADING_ORDER,
    today: int | None = None,
) -> ScenarioResult:
    """Run the scenario: deterministic pathway and wedges, targets, MACC and (with ``draws`` > 0) Monte Carlo."""
    try:
        method = WedgeMethod(wedge_method)
    except ValueError:
        raise InvalidScenario("wedge_method", f"one of {', '.join(m.value for m in WedgeMethod)}") from None
    if draws < 0:
        raise InvalidScenario("draws", "must be ≥ 0")
    validate(scenario, today=today)
    years = scenario.years
    ev = _evaluate(scenario, {})
    wedges = _action_wedges(scenario, ev, method)
    has_grid = any(pool.grid_electricity for pool in scenario.pools)
    external = {
        name: values for name, values in ev.external.items() if np.any(values) or (name == EXTERNAL_GRID and has_grid)
    }
    all_wedges = {**external, **wedges}

    outcomes = [
        (_label(entry, i), _evaluate_target(entry, years, ev.plan, ev.frozen))
        for i, entry in enumerate(scenario.targets)
    ]
    p_each: list[float | None] = [None] * len(outcomes)
    p_all: float | None = None
    fan: montecarlo.FanChart | None = None
    plan_draws: FloatArray | None = None
    if draws > 0:
        frozen_draws: list[FloatArray] = []

        def model(inputs: montecarlo.Draws) -> FloatArray:
            evaluation = _evaluate(scenario, inputs)
            frozen_draws.append(np.broadcast_to(evaluation.frozen, (draws, years.size)))
            return np.broadcast_to(evaluation.plan, (draws, years.size))

        result = montecarlo.run(model, scenario.uncertain, years, draws, seed, name=scenario.name)
        fan = montecarlo.fan_chart(result, (2.5, 25.0, 50.0, 75.0, 97.5))
        met = np.ones(draws, dtype=bool)
        for index, ((_, outcome), entry) in enumerate(zip(outcomes, scenario.targets, strict=True)):
            level = _level_per_draw(entry, outcome, years, frozen_draws[0])
            met_here = _met_per_draw(outcome, years, result.emissions, level)
            p_each[index] = float(np.mean(met_here))
            met &= met_here
        p_all = float(np.mean(met)) if outcomes else None
        plan_draws = result.emissions

    macc, payer, macc_year = _costs(scenario, ev)
    assessment = one_point_five.assess(
        scenario.one_point_five,
        years,
        ev.plan,
        ev.frozen,
        population_at=lambda year: _driver_value(scenario, "population", year),
        plan_draws_t_co2e=plan_draws,
    )
    return ScenarioResult(
        years=years,
        bau_frozen_t_co2e=ev.frozen,
        bau_adjusted_t_co2e=ev.adjusted,
        plan_t_co2e=ev.plan,
        wedges_t_co2e=all_wedges,
        external_wedges=tuple(external),
        loading_order=ev.order,
        wedge_method=method,
        targets=tuple(TargetOutcome(label, outcome, p) for (label, outcome), p in zip(outcomes, p_each, strict=True)),
        p_target_met=p_all,
        seed=seed,
        draws=draws,
        fan_chart=fan,
        macc=macc,
        macc_year=macc_year,
        cost_by_payer=payer,
        discount_rate=scenario.discount_rate,
        discount_rate_id=scenario.discount_rate_id,
        bau_methods=ev.methods,
        pv={action_id: _pv_outcome(effect) for action_id, effect in ev.pv.items()},
        one_point_five=assessment,
        sensitivity=_sensitivity(scenario, draws, seed),
    )


def _driver_value(scenario: Scenario, name: str, year: int) -> float | None:
    """A driver's value in ``year`` (its anchors interpolated), or None without that driver or outside its anchors."""
    driver = scenario.drivers.get(name)
    if driver is None or not driver.anchor_years[0] <= year <= driver.anchor_years[-1]:
        return None
    return float(np.interp(year, driver.anchor_years, driver.anchor_values))


def _pv_outcome(effect: rooftop_pv.PvEffect) -> PvOutcome:
    split = effect.split
    return PvOutcome(
        accounting=split.accounting.value,
        generation_kwh=effect.generation_kwh,
        national_pathway_kwh=effect.national_pathway_kwh,
        counted_kwh=split.counted_pv_kwh,
        city_wedge_t_co2e=split.city_pv_wedge_t_co2e,
        share_of_national=split.city_pv_share_of_national,
    )


def _action_wedges(scenario: Scenario, ev: _Evaluation, method: WedgeMethod) -> dict[str, FloatArray]:
    ids = [a.action_id for a in scenario.actions]
    if not ids or method is WedgeMethod.LOADING_ORDER:
        return {i: ev.ordered_wedges[i] for i in ids}
    pools_of = {a.action_id: a.pools for a in scenario.actions}

    def value(subset: frozenset[int]) -> FloatArray:
        """Abatement below the adjusted BAU when only the actions in ``subset`` are implemented."""
        total = np.zeros(scenario.years.size)
        for pool_id, adjusted in ev.pool_adjusted.items():
            remaining = np.ones(scenario.years.size)
            for index in subset:
                if pool_id in pools_of[ids[index]]:
                    remaining = remaining * (1.0 - ev.fractions[ids[index]])
            total = total + adjusted * (1.0 - remaining)
        return np.asarray(total, dtype=np.float64)

    if method is WedgeMethod.SHAPLEY:
        split = attribution.shapley_wedges(value, len(ids)).wedges
    else:
        raw = attribution.alone_effects(value, len(ids))
        split = attribution.proportional_wedges(ev.adjusted, ev.plan, raw)
    return {action_id: np.asarray(split[i], dtype=np.float64) for i, action_id in enumerate(ids)}
