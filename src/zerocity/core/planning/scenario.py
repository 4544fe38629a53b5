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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import (
    attribution,
    costs,
    montecarlo,
    one_point_five,
    penetration,
    rooftop_pv,
    sensitivity,
    targets,
)
from zerocity.core.planning.bau import DriverSeries, project_bau
from zerocity.core.planning.pools import (
    ActivityPool,
    PoolAction,
    Stage,
    apply_actions,
    check_share_caps,
    fuel_switch_effect,
)
from zerocity.core.planning.templates import CoBenefit

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: A value in the model: a scalar, or one value per Monte Carlo draw.
Value = float | FloatArray

CURVE_PARAMETERS = {
    "linear": ("start_year", "end_year", "p_max"),
    "step": ("year", "p"),
    "logistic": ("p_max", "k", "t_mid"),
}
EXTERNAL_GRID = "national_grid"
EXTERNAL_EFFICIENCY = "autonomous_efficiency"
#: Sobol base samples N: a power of two (SALib's Sobol sequence), bounded so a run stays a few seconds.
DEFAULT_SOBOL_SAMPLES = 256
MAX_SOBOL_SAMPLES = 4096
#: Model runs N·(D + 2) of one Sobol analysis at most: with many uncertain inputs N is halved until it fits, so the
#: evaluation over all runs stays within a few hundred MB.
MAX_SOBOL_RUNS = 20_000


class InvalidScenario(ZeroCityError):
    """A scenario that cannot be run as stated; ``key`` names the offending entry (``actions.heat_pumps.pools``)."""

    code = "invalid_scenario"

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}", key=key, reason=reason)
        self.key = key
        self.reason = reason


class WedgeMethod(StrEnum):
    LOADING_ORDER = "loading_order"
    PROPORTIONAL = "proportional"
    SHAPLEY = "shapley"


@dataclass(frozen=True)
class Driver:
    """A BAU driver (population, households, GDP …) given at anchor years, linearly interpolated in between."""

    name: str
    anchor_years: tuple[int, ...]
    anchor_values: tuple[float, ...]
    source: str
    vintage: str

    def series(self, years: IntArray) -> DriverSeries:
        if years[0] < self.anchor_years[0] or years[-1] > self.anchor_years[-1]:
            raise InvalidScenario(
                f"drivers.{self.name}",
                f"anchors cover {self.anchor_years[0]}–{self.anchor_years[-1]}, the scenario needs "
                f"{int(years[0])}–{int(years[-1])}; never extrapolated",
            )
        values = np.interp(years, self.anchor_years, self.anchor_values)
        return DriverSeries(self.name, np.asarray(values, dtype=np.float64), self.source, self.vintage)


@dataclass(frozen=True)
class Pool:
    """One GPC subsector × carrier with its base-year emissions and how it grows.

    Give ``driver`` + ``elasticity`` (causal) or ``growth_rate`` (fallback). ``grid_electricity`` pools are valued
    at the national grid factor path in the adjusted BAU.
    """

    pool_id: str
    subsector: str
    carrier: str
    base_t_co2e: float
    driver: str = ""
    elasticity: float | None = None
    growth_rate: float | None = None
    autonomous_efficiency: float = 0.0
    grid_electricity: bool = False


@dataclass(frozen=True)
class Curve:
    kind: str  # linear, step, logistic
    parameters: Mapping[str, float]


@dataclass(frozen=True)
class FuelSwitch:
    """Effect of a switch to grid electricity: ``1 − (η_old/η_new) · F_elec[t] / F_old`` each year."""

    old_factor_kg_per_kwh: float
    efficiency_old: float
    efficiency_new: float


@dataclass(frozen=True)
class Action:
    """An action template applied to one or more pools; the same reduction fraction acts on each pool.

    ``pv`` makes it a rooftop-PV action (:mod:`~zerocity.core.planning.rooftop_pv`): its reduction comes from the
    counted generation and ``effect`` scales it (a performance ratio). ``co_benefits`` are qualitative and never
    enter a tonne or a cost.
    """

    action_id: str
    template: str
    pools: tuple[str, ...]
    stage: Stage
    curve: Curve
    effect: float = 1.0
    fuel_switch: FuelSwitch | None = None
    stock: str = ""
    costs: costs.ActionCosts | None = None
    co_benefits: tuple[CoBenefit, ...] = ()
    pv: rooftop_pv.RooftopPv | None = None


@dataclass(frozen=True)
class ScenarioTarget:
    """A target and, when its base year precedes the scenario's, the base-year emissions it is measured from."""

    target: targets.Target
    base_t_co2e: float | None = None
    label: str = ""


@dataclass(frozen=True)
class SensitivitySettings:
    """Sobol sensitivity of the plan's emissions in ``year`` (default: the first single-year target's, else 2030,
    else the end year) over ``base_samples`` N (a power of two); run with Monte Carlo when there are ≥ 2 inputs."""

    enabled: bool = True
    year: int | None = None
    base_samples: int = DEFAULT_SOBOL_SAMPLES


@dataclass(frozen=True)
class Scenario:
    name: str
    base_year: int
    end_year: int
    pools: tuple[Pool, ...]
    actions: tuple[Action, ...] = ()
    targets: tuple[ScenarioTarget, ...] = ()
    drivers: Mapping[str, Driver] = field(default_factory=dict)
    #: kg CO2e/kWh per scenario year; required when a pool is grid electricity or an action is a fuel switch.
    grid_factor_kg_per_kwh: FloatArray | None = None
    uncertain: Mapping[str, montecarlo.Distribution] = field(default_factory=dict)
    #: Required when an action has costs: the rate is always stated, from ``data/planning/cost_defaults.csv``.
    discount_rate: float | None = None
    discount_rate_id: str = ""
    macc_year: int | None = None
    one_point_five: one_point_five.Settings = field(default_factory=one_point_five.Settings)
    sensitivity: SensitivitySettings = field(default_factory=SensitivitySettings)

    @property
    def years(self) -> IntArray:
        return np.arange(self.base_year, self.end_year + 1, dtype=np.int64)


@dataclass(frozen=True)
class TargetOutcome:
    label: str
    result: targets.TargetResult
    p_met: float | None


@dataclass(frozen=True)
class PvOutcome:
    """A rooftop-PV action's generation and what the plan may count of it, on the central path (kWh, t CO2e)."""

    accounting: str
    generation_kwh: FloatArray
    national_pathway_kwh: FloatArray  # the PV the national grid path already places in the city
    counted_kwh: FloatArray
    city_wedge_t_co2e: FloatArray  # counted generation × grid factor, before the loading order
    share_of_national: FloatArray | None  # share_of_national accounting: local PV / national grid wedge


@dataclass(frozen=True)
class SensitivityOutcome:
    """Sobol indices of the plan's emissions in ``year``, or why there are none (``note``)."""

    year: int | None
    result: sensitivity.SobolResult | None
    note: str = ""


@dataclass(frozen=True)
class ScenarioResult:
    years: IntArray
    bau_frozen_t_co2e: FloatArray
    bau_adjusted_t_co2e: FloatArray
    plan_t_co2e: FloatArray
    #: One series per action and per external factor; they sum to frozen BAU − plan.
    wedges_t_co2e: dict[str, FloatArray]
    external_wedges: tuple[str, ...]
    loading_order: tuple[str, ...]
    wedge_method: WedgeMethod
    targets: tuple[TargetOutcome, ...]
    p_target_met: float | None  # P(every target met), None without draws
    seed: int
    draws: int
    fan_chart: montecarlo.FanChart | None
    macc: costs.MaccBars | None
    macc_year: int | None
    cost_by_payer: costs.PayerCosts | None
    discount_rate: float | None
    discount_rate_id: str
    bau_methods: dict[str, str]
    pv: dict[str, PvOutcome] = field(default_factory=dict)
    one_point_five: one_point_five.OnePointFive | None = None
    sensitivity: SensitivityOutcome | None = None


# -- model ----------------------------------------------------------------------------------------------------------


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


# -- validation -----------------------------------------------------------------------------------------------------


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


# -- run ------------------------------------------------------------------------------------------------------------


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


def sensitivity_year(scenario: Scenario) -> int:
    """The year whose plan emissions the Sobol indices explain (see :class:`SensitivitySettings`)."""
    if scenario.sensitivity.year is not None:
        return scenario.sensitivity.year
    single = [t.target.target_year for t in scenario.targets if t.target.type is not targets.TargetType.BUDGET]
    if single:
        return single[0]
    return 2030 if scenario.base_year <= 2030 <= scenario.end_year else scenario.end_year


def _sensitivity(scenario: Scenario, draws: int, seed: int) -> SensitivityOutcome | None:
    """Sobol indices (SALib, PLANNING.md §9) of the plan's emissions in the sensitivity year, ranked by total index.

    Run alongside Monte Carlo only (draws > 0), on the same distributions and seed; the model is evaluated once
    over all N·(D + 2) Saltelli points.
    """
    settings = scenario.sensitivity
    if not settings.enabled:
        return None
    year = sensitivity_year(scenario)
    if draws == 0:
        return SensitivityOutcome(year, None, "no Monte Carlo run (draws = 0)")
    if len(scenario.uncertain) < 2:
        return SensitivityOutcome(year, None, "Sobol indices need at least two uncertain inputs")
    samples = settings.base_samples
    while samples * (len(scenario.uncertain) + 2) > MAX_SOBOL_RUNS and samples > 2:
        samples //= 2
    if samples * (len(scenario.uncertain) + 2) > MAX_SOBOL_RUNS:
        return SensitivityOutcome(year, None, f"too many uncertain inputs for {MAX_SOBOL_RUNS:,} model runs")
    index = year - scenario.base_year

    def emissions_in_year(inputs: montecarlo.Draws) -> FloatArray:
        rows = next(iter(inputs.values())).shape[0]
        plan = np.broadcast_to(_evaluate(scenario, inputs).plan, (rows, scenario.years.size))
        return np.asarray(plan[:, index], dtype=np.float64)

    try:
        result = sensitivity.sobol_indices(emissions_in_year, scenario.uncertain, samples, seed)
    except sensitivity.InvalidSensitivityInput as exc:
        return SensitivityOutcome(year, None, exc.reason)
    return SensitivityOutcome(year, result)


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


def _label(entry: ScenarioTarget, index: int) -> str:
    return entry.label or f"{entry.target.type.value} {entry.target.target_year} (#{index + 1})"


def _evaluate_target(entry: ScenarioTarget, years: IntArray, plan: FloatArray, bau: FloatArray) -> targets.TargetResult:
    """The target on the plan; its base is the stated base emissions or the BAU (the inventory) in its base year.

    The plan's own base-year value would be wrong as a base: an action already under way in the base year (a
    logistic tail) would lower the base and so the target level.
    """
    target = entry.target
    latest = max(target.base_year, int(years[0]))
    base = entry.base_t_co2e
    if base is None and target.type is not targets.TargetType.BUDGET:
        base = float(bau[int(np.flatnonzero(years == target.base_year)[0])])
    try:
        return targets.evaluate(target, years, plan, latest_year=latest, base_tco2e=base)
    except targets.InvalidTarget as exc:
        raise InvalidScenario(f"targets.{_label(entry, 0)}", exc.message) from None


def _level_per_draw(
    entry: ScenarioTarget, outcome: targets.TargetResult, years: IntArray, frozen: FloatArray
) -> float | FloatArray:
    """The target level in each draw. A base-year target measured from the inventory (the frozen BAU in its base
    year) moves with that base when base-year emissions are uncertain: its level is ``E_base,d · (1 − p)``, so a
    draw is judged against its own base. Every other level is fixed when the target is adopted (fixed level, net
    zero, budget, stated base, baseline scenario frozen at adoption)."""
    target = entry.target
    if target.type is not targets.TargetType.BASE_YEAR or entry.base_t_co2e is not None:
        return outcome.target_tco2e
    assert target.reduction is not None  # base_year_target sets it
    base = frozen[:, int(np.flatnonzero(years == target.base_year)[0])]
    return np.asarray(base * (1.0 - target.reduction), dtype=np.float64)


def _met_per_draw(
    outcome: targets.TargetResult, years: IntArray, emissions: FloatArray, level: float | FloatArray
) -> npt.NDArray[np.bool_]:
    limit = level * (1.0 + targets.MET_TOLERANCE)
    if outcome.type is targets.TargetType.BUDGET:
        # Budget period: base_year … target year, which evaluate() checked against the path.
        start = int(np.flatnonzero(years == max(outcome.latest_year, int(years[0])))[0])
        stop = int(np.flatnonzero(years == outcome.year)[0])
        return np.asarray(emissions[:, start : stop + 1].sum(axis=1) <= limit)
    return np.asarray(emissions[:, int(np.flatnonzero(years == outcome.year)[0])] <= limit)


def _costs(scenario: Scenario, ev: _Evaluation) -> tuple[costs.MaccBars | None, costs.PayerCosts | None, int | None]:
    costed = [a for a in scenario.actions if a.costs is not None]
    if not costed:
        return None, None, None
    rate = scenario.discount_rate
    if rate is None:
        raise InvalidScenario("costs.discount_rate", "actions have costs: state the discount rate")
    year = scenario.macc_year or min(scenario.base_year + 10, scenario.end_year)
    index = int(year - scenario.base_year)
    ids: list[str] = []
    macs: list[float] = []
    widths: list[float] = []
    for action in costed:
        assert action.costs is not None
        abatement = float(ev.ordered_wedges[action.action_id][index])
        if abatement <= 0:
            continue  # no cost per tonne without tonnes; the action still appears in cost by payer
        ids.append(action.action_id)
        macs.append(costs.static_mac(action.costs, abatement, rate))
        widths.append(abatement)
    macc = costs.macc_bars(ids, macs, widths) if ids else None
    payer = costs.cost_by_payer([a.costs for a in costed if a.costs is not None], rate)
    return macc, payer, year
