"""The scenario model: what a scenario states (pools, drivers, actions, targets, settings) and what a run returns.

The data definitions of :mod:`~zerocity.core.planning.scenario`, kept apart from the maths that evaluates them
(:mod:`~zerocity.core.planning.scenario_evaluation`), the checks (:mod:`~zerocity.core.planning.scenario_checks`)
and the run; every public name here is re-exported by :mod:`~zerocity.core.planning.scenario`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import costs, montecarlo, one_point_five, rooftop_pv, sensitivity, targets
from zerocity.core.planning.bau import DriverSeries
from zerocity.core.planning.pools import Stage
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
