"""One pass of the scenario model (steps 1–3 of :mod:`~zerocity.core.planning.scenario`): BAU per pool, external
wedges and the actions' reductions in the loading order.

The same code runs the central path (no draws) and every Monte Carlo or Sobol draw at once: a value is a scalar or
one value per draw (:data:`~zerocity.core.planning.scenario_model.Value`), broadcast over the years. Validation
(:mod:`~zerocity.core.planning.scenario_checks`) reuses :func:`_penetration` for the share caps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import penetration, rooftop_pv
from zerocity.core.planning.bau import project_bau
from zerocity.core.planning.pools import ActivityPool, PoolAction, apply_actions, fuel_switch_effect
from zerocity.core.planning.scenario_model import (
    EXTERNAL_EFFICIENCY,
    EXTERNAL_GRID,
    Action,
    FloatArray,
    IntArray,
    InvalidScenario,
    Scenario,
    Value,
)


@dataclass(frozen=True)
class _Evaluation:
    frozen: FloatArray  # (…, years) summed over pools
    adjusted: FloatArray
    plan: FloatArray
    external: dict[str, FloatArray]
    pool_adjusted: dict[str, FloatArray]
    fractions: dict[str, FloatArray]  # action id → r(t)
    order: tuple[str, ...]
    ordered_wedges: dict[str, FloatArray]
    methods: dict[str, str]
    pv: dict[str, rooftop_pv.PvEffect]


def _pick(draws: Mapping[str, FloatArray], name: str, default: float) -> Value:
    return draws.get(name, default)


def _column(value: Value) -> Value:
    """A per-draw value ``(draws,)`` as ``(draws, 1)`` so it broadcasts over years."""
    return value[:, np.newaxis] if isinstance(value, np.ndarray) and value.ndim == 1 else value


def _evaluate(scenario: Scenario, draws: Mapping[str, FloatArray]) -> _Evaluation:
    years = scenario.years
    grid = _grid_path(scenario, draws)
    pool_ids = {pool.pool_id for pool in scenario.pools}
    pool_frozen: dict[str, FloatArray] = {}
    pool_adjusted: dict[str, FloatArray] = {}
    external = {EXTERNAL_GRID: np.zeros(years.size)}
    methods: dict[str, str] = {}
    for pool in scenario.pools:
        key = f"pool.{pool.pool_id}"
        driver = scenario.drivers[pool.driver].series(years) if pool.driver else None
        bau = project_bau(
            years,
            scenario.base_year,
            _pick(draws, f"{key}.base_t_co2e", pool.base_t_co2e),
            driver=driver,
            elasticity=None if pool.elasticity is None else _pick(draws, f"{key}.elasticity", pool.elasticity),
            growth_rate=None
            if pool.growth_rate is None
            else _column(_pick(draws, f"{key}.growth_rate", pool.growth_rate)),
            autonomous_efficiency=_pick(draws, f"{key}.autonomous_efficiency", pool.autonomous_efficiency),
            factor_path=grid if pool.grid_electricity else None,
        )
        pool_frozen[pool.pool_id] = bau.frozen_t_co2e
        pool_adjusted[pool.pool_id] = bau.adjusted_t_co2e
        methods[pool.pool_id] = bau.method
        name = EXTERNAL_GRID if pool.grid_electricity else EXTERNAL_EFFICIENCY
        external[name] = external.get(name, np.zeros(years.size)) + bau.national_effort_t_co2e

    fractions: dict[str, FloatArray] = {}
    pv_effects: dict[str, rooftop_pv.PvEffect] = {}
    by_pool: dict[str, list[PoolAction]] = {pid: [] for pid in pool_ids}
    for action in scenario.actions:
        share = _penetration(action, years, draws)
        effect: Value | FloatArray = _pick(draws, f"action.{action.action_id}.effect", action.effect)
        if action.pv is not None:
            assert grid is not None  # checked by validate()
            pv = _pv_effect(action, action.pv, years, share, draws, pool_adjusted, grid)
            pv_effects[action.action_id] = pv
            # r(t) = p(t) · effect(t): the counted generation per unit of penetration, scaled by ``effect``.
            reached, fraction = np.broadcast_arrays(share, pv.reduction_fraction)
            per_share = np.divide(fraction, reached, out=np.zeros(fraction.shape), where=reached > 0)
            effect = np.asarray(_column(effect) * per_share, dtype=np.float64)
        elif action.fuel_switch is not None:
            assert grid is not None  # checked by validate()
            switch = action.fuel_switch
            effect = np.asarray(
                _column(effect)
                * fuel_switch_effect(switch.old_factor_kg_per_kwh, grid, switch.efficiency_old, switch.efficiency_new),
                dtype=np.float64,
            )
        else:
            effect = _column(effect)
        pool_action = PoolAction(action.action_id, action.stage, share, effect, action.stock)
        fractions[action.action_id] = pool_action.reduction_fraction()
        for pool_id in action.pools:
            by_pool[pool_id].append(pool_action)

    plan_total: FloatArray = np.zeros(years.size)
    ordered: dict[str, FloatArray] = {a.action_id: np.zeros(years.size) for a in scenario.actions}
    for pool in scenario.pools:
        result = apply_actions(
            ActivityPool(pool.subsector, pool.carrier, years, pool_adjusted[pool.pool_id]), by_pool[pool.pool_id]
        )
        plan_total = plan_total + result.plan_t_co2e
        for action_id, wedge in result.wedges_t_co2e.items():
            ordered[action_id] = ordered[action_id] + wedge
    order = tuple(a.action_id for a in sorted(scenario.actions, key=lambda a: a.stage.rank))
    return _Evaluation(
        frozen=_sum(pool_frozen.values(), years.size),
        adjusted=_sum(pool_adjusted.values(), years.size),
        plan=np.asarray(plan_total, dtype=np.float64),
        external=external,
        pool_adjusted=pool_adjusted,
        fractions=fractions,
        order=order,
        ordered_wedges=ordered,
        methods=methods,
        pv=pv_effects,
    )


def _pv_effect(
    action: Action,
    pv: rooftop_pv.RooftopPv,
    years: IntArray,
    share: FloatArray,
    draws: Mapping[str, FloatArray],
    pool_adjusted: Mapping[str, FloatArray],
    grid: FloatArray,
) -> rooftop_pv.PvEffect:
    served = _sum((pool_adjusted[pool_id] for pool_id in action.pools), years.size)
    capacity_factor = _pick(draws, f"action.{action.action_id}.capacity_factor", pv.capacity_factor)
    try:
        return rooftop_pv.pv_effect(pv, years, share, capacity_factor, served, grid)
    except (rooftop_pv.InvalidPvInput, ZeroCityError) as exc:
        parameter = exc.parameter if isinstance(exc, rooftop_pv.InvalidPvInput) else "capacity_factor"
        reason = exc.reason if isinstance(exc, rooftop_pv.InvalidPvInput) else exc.message
        raise InvalidScenario(f"actions.{action.action_id}.pv.{parameter}", reason) from None


def _sum(series: Iterable[FloatArray], size: int) -> FloatArray:
    total: FloatArray = np.zeros(size)
    for values in series:
        total = total + values
    return np.asarray(total, dtype=np.float64)


def _grid_path(scenario: Scenario, draws: Mapping[str, FloatArray]) -> FloatArray | None:
    if scenario.grid_factor_kg_per_kwh is None:
        return None
    path = np.asarray(scenario.grid_factor_kg_per_kwh, dtype=np.float64)
    multiplier = _column(_pick(draws, "grid.multiplier", 1.0))
    return np.asarray(path[0] + multiplier * (path - path[0]), dtype=np.float64)


def _penetration(action: Action, years: IntArray, draws: Mapping[str, FloatArray]) -> FloatArray:
    key = f"action.{action.action_id}"
    values = {name: _pick(draws, f"{key}.{name}", value) for name, value in action.curve.parameters.items()}
    try:
        if action.curve.kind == "linear":
            return penetration.linear_ramp(years, values["start_year"], values["end_year"], values["p_max"])
        if action.curve.kind == "step":
            return penetration.step(years, values["year"], values["p"])
        return penetration.logistic(years, values["p_max"], values["k"], values["t_mid"])
    except penetration.InvalidPenetration as exc:
        raise InvalidScenario(f"actions.{action.action_id}.curve.{exc.parameter}", exc.reason) from None
