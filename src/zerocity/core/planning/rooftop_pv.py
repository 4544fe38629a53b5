"""Rooftop PV as a scenario action, without the double count of PLANNING.md §4.

Taiwan's national grid-factor path already assumes national rooftop PV, part of it on the city's roofs. A city
that valued all of its PV at the projected grid factor *and* used that factor for its BAU would count the same
tonnes twice. The scenario model therefore passes every PV action through
:func:`~zerocity.core.planning.pools.split_grid_and_city_pv` under the plan's one accounting choice:

- ``additional_only`` (default): the city's wedge is only the generation beyond the PV the national pathway
  already places in the city (``national_pathway_kw``), valued at the pathway factor ``F[t]``;
- ``share_of_national``: the city claims no PV wedge; its PV is reported as a share of the national grid wedge of
  the pools it serves;
- ``endogenous_grid`` needs a grid path modelled without the city's PV, which a scenario cannot give yet.

Generation ``G(t) = capacity_kw · p(t) · CF · 8760 h``: the penetration curve is the share of the city's capacity
target installed. The counted generation displaces grid purchases of the action's pools (grid-electricity pools
only); as a reduction fraction it is ``G_counted · F[t] / E_pools,adjusted(t)``, so loaded after demand and
efficiency actions it credits that share of what remains (conservative: never more than the pools emit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning.pools import GridPvSplit, PvAccounting, pv_generation_kwh, split_grid_and_city_pv

FloatArray = npt.NDArray[np.float64]
_KG_PER_T = 1000.0
#: A reduction fraction may exceed 1 by float rounding only.
_TOLERANCE = 1e-9


class InvalidPvInput(ZeroCityError):
    """A rooftop-PV input that cannot be used; ``parameter`` names the key under the action's ``pv`` table."""

    code = "invalid_pv_input"

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}", parameter=parameter, reason=reason)
        self.parameter = parameter
        self.reason = reason


@dataclass(frozen=True)
class RooftopPv:
    """A city rooftop-PV programme: its capacity target, capacity factor, accounting choice and the capacity in
    the city that the national grid pathway already counts (anchors, linearly interpolated, never extrapolated)."""

    capacity_kw: float
    capacity_factor: float
    accounting: PvAccounting
    national_anchor_years: tuple[int, ...]
    national_anchor_kw: tuple[float, ...]

    def check(self, years: npt.NDArray[np.int64]) -> None:
        if not np.isfinite(self.capacity_kw) or self.capacity_kw < 0:
            raise InvalidPvInput("capacity_kw", f"must be ≥ 0 kW, got {self.capacity_kw}")
        if not 0.0 <= self.capacity_factor <= 1.0:
            raise InvalidPvInput("capacity_factor", f"must lie in [0, 1], got {self.capacity_factor}")
        if self.accounting is PvAccounting.ENDOGENOUS_GRID:
            raise InvalidPvInput(
                "accounting",
                "endogenous_grid needs a grid factor path modelled without the city's PV, which a scenario cannot "
                "give yet; use additional_only or share_of_national",
            )
        if not self.national_anchor_years or any(kw < 0 for kw in self.national_anchor_kw):
            raise InvalidPvInput("national_pathway_kw", "give the national pathway's PV in the city, ≥ 0 kW")
        self.national_kw(years)

    def national_kw(self, years: npt.NDArray[np.int64]) -> FloatArray:
        """The national pathway's PV capacity in the city per year (one anchor: the same every year)."""
        anchors = self.national_anchor_years
        if len(anchors) == 1:
            return np.full(years.shape, self.national_anchor_kw[0], dtype=np.float64)
        if years[0] < anchors[0] or years[-1] > anchors[-1]:
            raise InvalidPvInput(
                "national_pathway_kw",
                f"anchors cover {anchors[0]}–{anchors[-1]}, the scenario needs {int(years[0])}–{int(years[-1])}; "
                "never extrapolated",
            )
        return np.asarray(np.interp(years, anchors, self.national_anchor_kw), dtype=np.float64)


@dataclass(frozen=True)
class PvEffect:
    """What one PV action does in one evaluation: its reduction fraction on its pools and the split it came from."""

    reduction_fraction: FloatArray
    generation_kwh: FloatArray
    national_pathway_kwh: FloatArray
    split: GridPvSplit


def pv_effect(
    pv: RooftopPv,
    years: npt.NDArray[np.int64],
    penetration: FloatArray,
    capacity_factor: float | FloatArray,
    pools_adjusted_t_co2e: FloatArray,
    grid_factor_kg_per_kwh: FloatArray,
) -> PvEffect:
    """The PV action's reduction fraction ``G_counted · F[t] / E_pools(t)`` and its grid/PV split.

    ``pools_adjusted_t_co2e`` is the adjusted BAU of the action's grid-electricity pools (summed), which the grid
    path values; their electricity use is ``E · 1000 / F[t]`` kWh. Arrays may carry a leading draws axis.
    """
    cf = np.asarray(capacity_factor, dtype=np.float64)
    cf = cf[:, np.newaxis] if cf.ndim == 1 else cf
    generation = pv_generation_kwh(pv.capacity_kw * np.asarray(penetration, dtype=np.float64), cf)
    national = pv_generation_kwh(pv.national_kw(years), cf)
    grid = np.asarray(grid_factor_kg_per_kwh, dtype=np.float64)
    emissions = np.asarray(pools_adjusted_t_co2e, dtype=np.float64)
    electricity_kwh = np.divide(
        emissions * _KG_PER_T, grid, out=np.zeros(np.broadcast_shapes(emissions.shape, grid.shape)), where=grid > 0
    )
    split = split_grid_and_city_pv(
        electricity_kwh,
        grid[..., :1],
        grid,
        generation,
        pv.accounting,
        city_share_of_national_pv_kwh=national,
    )
    city, total = np.broadcast_arrays(split.city_pv_wedge_t_co2e, emissions)
    fraction = np.divide(city, total, out=np.zeros(city.shape), where=total > 0)
    over = fraction > 1.0 + _TOLERANCE
    if np.any(over):
        year = int(years[np.nonzero(over)[-1].min()])
        raise InvalidPvInput(
            "capacity_kw",
            f"the counted PV generation exceeds the electricity use of the action's pools in {year}",
        )
    return PvEffect(
        reduction_fraction=np.asarray(fraction, dtype=np.float64),
        generation_kwh=np.asarray(generation, dtype=np.float64),
        national_pathway_kwh=np.asarray(national, dtype=np.float64),
        split=split,
    )
