"""Activity pools and the actions acting on them: loading order, multiplicative residuals, share caps, fuel switch,
rooftop PV and the national-grid / city-PV split (PLANNING.md §2–§4).

An activity pool is one GPC subsector × energy carrier (``I.1.1`` × ``natural_gas``) with BAU emissions per year.
Actions reduce it by yearly fractions r_i(t), applied in the loading order

    demand avoidance → efficiency → electrification / fuel switch → supply → removals and offsets

with multiplicative residuals: ``E_after = E_BAU · Π_i (1 − r_i)`` and the ordered wedge
``ΔE_k = E_BAU · r_k · Π_{j<k} (1 − r_j)``. The wedges sum to BAU − plan with no residual term; the split depends
on the order, so the result carries the order it used.

Arrays are indexed ``(years,)`` or, for Monte Carlo, ``(draws, years)``; they broadcast against each other.
Emissions are in t CO2e, energy in kWh, grid factors in kg CO2e/kWh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError

FloatArray = npt.NDArray[np.float64]

#: Hours in a (non-leap) year: rooftop PV generation = capacity × capacity factor × 8760 h (PLANNING.md §2).
HOURS_PER_YEAR = 8760.0
_KG_PER_T = 1000.0
#: Tolerance for share sums: 0.6 + 0.4 may add up to 1.0000000000000002 in float64.
_SHARE_TOLERANCE = 1e-9


class Stage(Enum):
    """The loading-order stage of an action (PLANNING.md §3); ``rank`` is its position in the order."""

    DEMAND_AVOIDANCE = "demand_avoidance"
    EFFICIENCY = "efficiency"
    FUEL_SWITCH = "fuel_switch"  # electrification and other fuel switches
    SUPPLY = "supply"
    REMOVALS = "removals"  # removals and offsets

    @property
    def rank(self) -> int:
        return list(Stage).index(self)


class PvAccounting(Enum):
    """The one choice a plan must make against the rooftop-PV double count (PLANNING.md §4).

    The national grid path already assumes national rooftop PV; claiming city PV at the projected grid factor as
    well counts the same tonnes twice.
    """

    ADDITIONAL_ONLY = "additional_only"  # (a) count only PV beyond the city's share of the national target
    SHARE_OF_NATIONAL = "share_of_national"  # (b) report local PV as a share of the national wedge
    ENDOGENOUS_GRID = "endogenous_grid"  # (c) model the grid factor endogenously


class InvalidPoolInput(ZeroCityError):
    """An action or pool input is unusable (shape, range); ``parameter`` names it."""

    code = "invalid_pool_input"


class ShareCapExceeded(ZeroCityError):
    """Mutually exclusive options on the same stock reach more than 100 % in some year (PLANNING.md §3)."""

    code = "share_cap_exceeded"


@dataclass(frozen=True)
class ActivityPool:
    """One GPC subsector × energy carrier with its BAU emissions (t CO2e) per year."""

    subsector: str
    carrier: str
    years: npt.NDArray[np.int64]
    bau_t_co2e: FloatArray

    def __post_init__(self) -> None:
        years = np.asarray(self.years, dtype=np.int64)
        bau = np.asarray(self.bau_t_co2e, dtype=np.float64)
        if years.ndim != 1 or years.size == 0 or np.any(np.diff(years) <= 0):
            raise InvalidPoolInput(f"pool {self.name}: years must be increasing", parameter="years")
        if bau.shape[-1:] != years.shape or bau.ndim > 2:
            raise InvalidPoolInput(
                f"pool {self.name}: BAU shape {bau.shape} does not match {years.size} years", parameter="bau_t_co2e"
            )
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "bau_t_co2e", bau)

    @property
    def name(self) -> str:
        return f"{self.subsector} × {self.carrier}"


@dataclass(frozen=True)
class PoolAction:
    """An action on one pool: its reduction fraction is ``r(t) = penetration(t) · effect(t)``.

    ``penetration`` is a share of the stock in [0, 1]; ``effect`` is the fraction of the reached part's emissions
    avoided (``f_avoid``, ``f_save``, or the net fuel-switch effect, which is negative while electricity is dirtier
    than the fuel it replaces). Actions with the same non-empty ``stock`` are mutually exclusive options on that
    stock (heat pump vs gas-boiler upgrade): their penetrations may not add up to more than 1 in any year.
    """

    name: str
    stage: Stage
    penetration: FloatArray
    effect: FloatArray | float = 1.0
    stock: str = ""

    def reduction_fraction(self) -> FloatArray:
        return np.asarray(np.asarray(self.penetration, dtype=np.float64) * self.effect, dtype=np.float64)


@dataclass(frozen=True)
class PoolResult:
    """Plan emissions of one pool and its ordered wedges; ``order`` is the loading order actually used."""

    pool: ActivityPool
    order: tuple[str, ...]
    plan_t_co2e: FloatArray
    wedges_t_co2e: dict[str, FloatArray]

    @property
    def gap_t_co2e(self) -> FloatArray:
        """BAU − plan: what the wedges add up to."""
        return np.asarray(self.pool.bau_t_co2e - self.plan_t_co2e, dtype=np.float64)


def loading_order(actions: Sequence[PoolAction]) -> list[PoolAction]:
    """Actions sorted by stage; within a stage the caller's order is kept (a stable sort)."""
    return sorted(actions, key=lambda action: action.stage.rank)


def check_share_caps(years: npt.ArrayLike, actions: Sequence[PoolAction]) -> None:
    """Raise ``ShareCapExceeded`` naming the actions and the first year where Σ p_i > 1 on one stock.

    Each penetration must also lie in [0, 1] on its own. Violations are errors, never clipped (PLANNING.md §3).
    """
    year_values = np.asarray(years)
    stocks: dict[str, list[PoolAction]] = {}
    for action in actions:
        share = _per_year(action.penetration, year_values)
        outside = (share < 0.0) | (share > 1.0 + _SHARE_TOLERANCE)
        if np.any(outside):
            year = int(year_values[np.nonzero(outside)[-1].min()])
            raise InvalidPoolInput(
                f"action {action.name!r}: penetration must lie in [0, 1] (0-100 %), not {share[outside].flat[0]:g}"
                f" in {year}",
                parameter="penetration",
                action=action.name,
                year=year,
            )
        if action.stock:
            stocks.setdefault(action.stock, []).append(action)
    for stock, options in stocks.items():
        if len(options) < 2:
            continue
        total = np.sum(np.broadcast_arrays(*(_per_year(o.penetration, year_values) for o in options)), axis=0)
        over = np.asarray(total > 1.0 + _SHARE_TOLERANCE)
        if np.any(over):
            year = int(year_values[np.nonzero(over)[-1].min()])
            names = [o.name for o in options]
            raise ShareCapExceeded(
                f"stock {stock!r}: {', '.join(names)} together reach {float(np.max(total)):.1%} of the stock in {year};"
                " mutually exclusive options may not exceed 100 %",
                stock=stock,
                actions=names,
                year=year,
            )


def _per_year(values: npt.ArrayLike, years: npt.NDArray[np.generic]) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    return np.asarray(np.broadcast_to(array, np.broadcast_shapes(array.shape, years.shape)), dtype=np.float64)


def apply_actions(pool: ActivityPool, actions: Sequence[PoolAction]) -> PoolResult:
    """Plan emissions and ordered wedges of one pool (PLANNING.md §3).

    Each wedge is the residual before the action minus the residual after it, so the wedges telescope to
    BAU − plan exactly (to float rounding) whatever the reduction fractions are.
    """
    names = [a.name for a in actions]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidPoolInput(f"pool {pool.name}: duplicate action names {duplicates}", parameter="name")
    check_share_caps(pool.years, actions)
    ordered = loading_order(actions)
    residual = pool.bau_t_co2e
    wedges: dict[str, FloatArray] = {}
    for action in ordered:
        fraction = action.reduction_fraction()
        if fraction.shape[-1:] != pool.years.shape:
            raise InvalidPoolInput(
                f"action {action.name!r}: {fraction.shape[-1:]} values for {pool.years.size} years",
                parameter="penetration",
                action=action.name,
            )
        if np.any(fraction > 1.0 + _SHARE_TOLERANCE):
            raise InvalidPoolInput(
                f"action {action.name!r}: reduces its pool by more than 100 %", parameter="effect", action=action.name
            )
        after = residual * (1.0 - fraction)
        wedges[action.name] = np.asarray(residual - after, dtype=np.float64)
        residual = after
    plan = np.asarray(np.broadcast_to(residual, np.broadcast(residual, pool.bau_t_co2e).shape), dtype=np.float64)
    return PoolResult(pool=pool, order=tuple(a.name for a in ordered), plan_t_co2e=plan, wedges_t_co2e=wedges)


def fuel_switch_electricity_kwh(
    old_energy_kwh: npt.ArrayLike, penetration: npt.ArrayLike, efficiency_old: float, efficiency_new: float
) -> FloatArray:
    """New electricity use of a fuel switch: ``old energy × p × η_old / η_new`` (same useful energy delivered).

    For a heat pump the "efficiency" is its seasonal COP (e.g. 3), for a gas boiler about 0.9.
    """
    if efficiency_old <= 0 or efficiency_new <= 0:
        raise InvalidPoolInput("efficiencies must be positive", parameter="efficiency")
    return np.asarray(
        np.asarray(old_energy_kwh, dtype=np.float64)
        * np.asarray(penetration, dtype=np.float64)
        * (efficiency_old / efficiency_new),
        dtype=np.float64,
    )


def fuel_switch_effect(
    old_factor_kg_per_kwh: npt.ArrayLike,
    grid_factor_kg_per_kwh: npt.ArrayLike,
    efficiency_old: float,
    efficiency_new: float,
) -> FloatArray:
    """Net effect of switching one kWh of old fuel to electricity: ``1 − (η_old/η_new) · F_elec[t] / F_old``.

    Use it as ``PoolAction.effect`` on the fuel pool: the fuel's emissions go and the new electricity's come in at
    each year's grid factor, so the abatement grows as the grid decarbonises (and is negative while the grid is
    dirtier than the fuel per unit of useful energy).
    """
    old = np.asarray(old_factor_kg_per_kwh, dtype=np.float64)
    if np.any(old <= 0):
        raise InvalidPoolInput("the old fuel's factor must be positive", parameter="old_factor_kg_per_kwh")
    ratio = fuel_switch_electricity_kwh(1.0, 1.0, efficiency_old, efficiency_new)
    return np.asarray(1.0 - ratio * np.asarray(grid_factor_kg_per_kwh, dtype=np.float64) / old, dtype=np.float64)


def pv_generation_kwh(capacity_kw: npt.ArrayLike, capacity_factor: npt.ArrayLike) -> FloatArray:
    """Rooftop PV generation: capacity (kW) × capacity factor × 8760 h."""
    cf = np.asarray(capacity_factor, dtype=np.float64)
    capacity = np.asarray(capacity_kw, dtype=np.float64)
    if np.any((cf < 0) | (cf > 1)):
        raise InvalidPoolInput("capacity_factor must lie in [0, 1]", parameter="capacity_factor")
    if np.any(capacity < 0):
        raise InvalidPoolInput("capacity_kw must not be negative", parameter="capacity_kw")
    return np.asarray(capacity * cf * HOURS_PER_YEAR, dtype=np.float64)


def avoided_t_co2e(generation_kwh: npt.ArrayLike, grid_factor_kg_per_kwh: npt.ArrayLike) -> FloatArray:
    """Emissions avoided by generation valued at a grid factor per year: ``G · F[t]`` in t CO2e.

    Pass the average factor for GPC scope-2 accounting and a marginal factor for true abatement (PLANNING.md §2).
    """
    return np.asarray(
        np.asarray(generation_kwh, dtype=np.float64) * np.asarray(grid_factor_kg_per_kwh) / _KG_PER_T,
        dtype=np.float64,
    )


@dataclass(frozen=True)
class GridPvSplit:
    """The external national-grid wedge and the city's own PV wedge, under one ``PvAccounting`` choice.

    ``city_pv_share_of_national`` is filled only under SHARE_OF_NATIONAL, where the city PV wedge is zero and local
    PV is shown as a share of the national wedge instead.
    """

    accounting: PvAccounting
    national_grid_wedge_t_co2e: FloatArray
    city_pv_wedge_t_co2e: FloatArray
    counted_pv_kwh: FloatArray
    city_pv_share_of_national: FloatArray | None = None


def split_grid_and_city_pv(
    grid_electricity_kwh: npt.ArrayLike,
    frozen_factor_kg_per_kwh: float | npt.ArrayLike,
    pathway_factor_kg_per_kwh: npt.ArrayLike,
    city_pv_kwh: npt.ArrayLike,
    accounting: PvAccounting,
    *,
    city_share_of_national_pv_kwh: npt.ArrayLike | None = None,
    endogenous_factor_kg_per_kwh: npt.ArrayLike | None = None,
) -> GridPvSplit:
    """Split the electricity savings into the national grid wedge and the city PV wedge without double counting.

    The national grid wedge is external (PLANNING.md §4): ``electricity · (F_frozen − F_path[t])``.
    The city PV wedge depends on the plan's single choice:

    (a) ADDITIONAL_ONLY: only generation beyond the city's share of the national PV target
        (``city_share_of_national_pv_kwh``, the PV already inside the grid path) counts, at ``F_path[t]``;
    (b) SHARE_OF_NATIONAL: the city claims no PV wedge; its PV, valued at ``F_path[t]``, is reported as a share of
        the national wedge;
    (c) ENDOGENOUS_GRID: the caller supplies a grid factor path modelled without the city's PV
        (``endogenous_factor_kg_per_kwh``); it replaces the national path for the grid wedge and values all
        city PV.
    """
    electricity = np.asarray(grid_electricity_kwh, dtype=np.float64)
    pv = np.asarray(city_pv_kwh, dtype=np.float64)
    if np.any(electricity < 0) or np.any(pv < 0):
        raise InvalidPoolInput("electricity and PV generation must not be negative", parameter="kwh")
    frozen = np.asarray(frozen_factor_kg_per_kwh, dtype=np.float64)
    pathway = np.asarray(pathway_factor_kg_per_kwh, dtype=np.float64)
    share: FloatArray | None = None
    if accounting is PvAccounting.ENDOGENOUS_GRID:
        if endogenous_factor_kg_per_kwh is None:
            raise InvalidPoolInput(
                "ENDOGENOUS_GRID needs endogenous_factor_kg_per_kwh", parameter="endogenous_factor_kg_per_kwh"
            )
        pathway = np.asarray(endogenous_factor_kg_per_kwh, dtype=np.float64)
        counted = pv
    elif accounting is PvAccounting.ADDITIONAL_ONLY:
        if city_share_of_national_pv_kwh is None:
            raise InvalidPoolInput(
                "ADDITIONAL_ONLY needs city_share_of_national_pv_kwh", parameter="city_share_of_national_pv_kwh"
            )
        counted = np.maximum(pv - np.asarray(city_share_of_national_pv_kwh, dtype=np.float64), 0.0)
    else:
        counted = np.zeros_like(pv)
    national = np.asarray(electricity * (frozen - pathway) / _KG_PER_T, dtype=np.float64)
    city = avoided_t_co2e(counted, pathway)
    if accounting is PvAccounting.SHARE_OF_NATIONAL:
        local = avoided_t_co2e(pv, pathway)
        local, national_b = np.broadcast_arrays(local, national)
        share = np.divide(local, national_b, out=np.zeros(local.shape), where=national_b > 0)
    return GridPvSplit(
        accounting=accounting,
        national_grid_wedge_t_co2e=national,
        city_pv_wedge_t_co2e=city,
        counted_pv_kwh=np.asarray(counted, dtype=np.float64),
        city_pv_share_of_national=share,
    )
