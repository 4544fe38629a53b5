"""Validation of a scenario before anything is computed: :func:`validate` raises
:class:`~zerocity.core.planning.scenario_model.InvalidScenario` naming the key of the first problem
(``actions.heat_pumps.pools``), so a scenario file can point at the line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import one_point_five, rooftop_pv, targets
from zerocity.core.planning.pools import PoolAction, check_share_caps
from zerocity.core.planning.scenario_evaluation import _penetration
from zerocity.core.planning.scenario_model import (
    CURVE_PARAMETERS,
    MAX_SOBOL_SAMPLES,
    Action,
    InvalidScenario,
    Scenario,
)


def validate(scenario: Scenario, *, today: int | None = None) -> None:
    """Raise :class:`InvalidScenario` naming the key of the first problem; runs before anything is computed."""
    if scenario.end_year <= scenario.base_year:
        raise InvalidScenario("end_year", f"must be after the base year {scenario.base_year}")
    if not scenario.pools:
        raise InvalidScenario("pools", "a scenario needs at least one pool")
    pool_ids = [p.pool_id for p in scenario.pools]
    _unique(pool_ids, "pools")
    _unique([a.action_id for a in scenario.actions], "actions")
    needs_grid = any(p.grid_electricity for p in scenario.pools) or any(a.fuel_switch or a.pv for a in scenario.actions)
    if needs_grid:
        if scenario.grid_factor_kg_per_kwh is None:
            raise InvalidScenario("grid", "grid-electricity pools and fuel switches need the grid factor path")
        if np.shape(scenario.grid_factor_kg_per_kwh) != scenario.years.shape:
            raise InvalidScenario("grid", "one grid factor per scenario year")
    for pool in scenario.pools:
        key = f"pools.{pool.pool_id}"
        if not np.isfinite(pool.base_t_co2e) or pool.base_t_co2e < 0:
            raise InvalidScenario(f"{key}.base_t_co2e", f"must be ≥ 0 t CO2e, got {pool.base_t_co2e}")
        if pool.driver and pool.driver not in scenario.drivers:
            raise InvalidScenario(f"{key}.driver", f"unknown driver {pool.driver!r}")
        if bool(pool.driver) == (pool.growth_rate is not None):
            raise InvalidScenario(key, "give a driver (with an elasticity) or a growth_rate, exactly one")
        if pool.driver and pool.elasticity is None:
            raise InvalidScenario(f"{key}.elasticity", f"driver {pool.driver!r} needs an elasticity")
    for action in scenario.actions:
        key = f"actions.{action.action_id}"
        if not action.pools:
            raise InvalidScenario(f"{key}.pools", "name at least one pool")
        for pool_id in action.pools:
            if pool_id not in pool_ids:
                raise InvalidScenario(f"{key}.pools", f"unknown pool {pool_id!r}; pools are {', '.join(pool_ids)}")
        expected = CURVE_PARAMETERS.get(action.curve.kind)
        if expected is None:
            raise InvalidScenario(f"{key}.curve.kind", f"must be one of {', '.join(CURVE_PARAMETERS)}")
        missing = [p for p in expected if p not in action.curve.parameters]
        if missing:
            raise InvalidScenario(f"{key}.curve", f"a {action.curve.kind} curve needs {', '.join(missing)}")
        if not 0.0 <= action.effect <= 1.0:
            raise InvalidScenario(f"{key}.effect", f"a share of the reached emissions in [0, 1], got {action.effect}")
        if action.pv is not None:
            _validate_pv(scenario, action, action.pv)
    for name in scenario.uncertain:
        _check_uncertain_name(scenario, name)
    for number, entry in enumerate(scenario.targets, start=1):
        target = entry.target
        key = f"targets[{number}]"
        if today is not None and target.target_year < today:
            raise InvalidScenario(f"{key}.target_year", f"{target.target_year} is already in the past (today {today})")
        if target.target_year > scenario.end_year:
            raise InvalidScenario(f"{key}.target_year", f"after the scenario's end year {scenario.end_year}")
        if (
            target.base_year < scenario.base_year
            and entry.base_t_co2e is None
            and target.type is not (targets.TargetType.BUDGET)
        ):
            raise InvalidScenario(
                f"{key}.base_t_co2e",
                f"the target's base year {target.base_year} precedes the scenario's {scenario.base_year}: "
                "give its base-year emissions",
            )
        if target.type is targets.TargetType.BUDGET and target.base_year < scenario.base_year:
            raise InvalidScenario(f"{key}.start_year", f"a budget period starts at or after {scenario.base_year}")
    if scenario.macc_year is not None and not scenario.base_year <= scenario.macc_year <= scenario.end_year:
        raise InvalidScenario("costs.macc_year", "must be a scenario year")
    try:
        one_point_five.check_settings(scenario.one_point_five)
    except one_point_five.InvalidOnePointFive as exc:
        raise InvalidScenario(f"one_point_five.{exc.parameter}", exc.reason) from None
    _validate_sensitivity(scenario)
    # Share caps per stock across all pools: mutually exclusive options may not exceed 100 % (PLANNING.md §3).
    deterministic = _evaluate_shares(scenario)
    try:
        check_share_caps(scenario.years, deterministic)
    except ZeroCityError as exc:
        raise InvalidScenario("actions", exc.message) from None


def _validate_pv(scenario: Scenario, action: Action, pv: rooftop_pv.RooftopPv) -> None:
    key = f"actions.{action.action_id}"
    if action.fuel_switch is not None:
        raise InvalidScenario(f"{key}.pv", "an action is either a fuel switch or rooftop PV, not both")
    grid_pools = {p.pool_id for p in scenario.pools if p.grid_electricity}
    others = [pool_id for pool_id in action.pools if pool_id not in grid_pools]
    if others:
        raise InvalidScenario(
            f"{key}.pools",
            f"rooftop PV displaces grid electricity: {', '.join(others)} is not a grid_electricity pool",
        )
    try:
        pv.check(scenario.years)
    except rooftop_pv.InvalidPvInput as exc:
        raise InvalidScenario(f"{key}.pv.{exc.parameter}", exc.reason) from None


def _validate_sensitivity(scenario: Scenario) -> None:
    settings = scenario.sensitivity
    samples = settings.base_samples
    if samples < 2 or samples > MAX_SOBOL_SAMPLES or samples & (samples - 1):
        raise InvalidScenario("sensitivity.samples", f"a power of two from 2 to {MAX_SOBOL_SAMPLES}, got {samples}")
    if settings.year is not None and not scenario.base_year <= settings.year <= scenario.end_year:
        raise InvalidScenario("sensitivity.year", "must be a scenario year")


def _evaluate_shares(scenario: Scenario) -> list[PoolAction]:
    return [
        PoolAction(a.action_id, a.stage, _penetration(a, scenario.years, {}), 1.0, a.stock) for a in scenario.actions
    ]


def _check_uncertain_name(scenario: Scenario, name: str) -> None:
    parts = name.split(".")
    pool_ids = {p.pool_id for p in scenario.pools}
    actions = {a.action_id: a for a in scenario.actions}
    ok = name == "grid.multiplier"
    if len(parts) == 3 and parts[0] == "pool" and parts[1] in pool_ids:
        ok = parts[2] in ("base_t_co2e", "growth_rate", "elasticity", "autonomous_efficiency")
    if len(parts) == 3 and parts[0] == "action" and parts[1] in actions:
        action = actions[parts[1]]
        ok = (
            parts[2] == "effect"
            or parts[2] in action.curve.parameters
            or (parts[2] == "capacity_factor" and action.pv is not None)
        )
    if not ok:
        raise InvalidScenario(f"uncertainty.{name}", "not an input of this scenario (see the scenario file format)")


def _unique(ids: Sequence[str], key: str) -> None:
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidScenario(key, f"duplicate ids {', '.join(duplicates)}")
