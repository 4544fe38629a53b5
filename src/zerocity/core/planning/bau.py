"""Business-as-usual projections: frozen, adjusted, and the growth-rate fallback (PLANNING.md §1).

    E[t] = A[t] · I[t] · F[t]
    A[t] = A[t0] · (D[t] / D[t0])^ε                driver D: population, households, jobs, GDP, floor area, VKT
    I[t] = I[t0] · (1 − a)^(t − t0)                 autonomous efficiency gain a (0 in the frozen BAU)
    F[t] = F[t0] (frozen) or a national path (adjusted: Taiwan's grid factor path for electricity)

The frozen BAU lets drivers grow and keeps intensity and factors at base-year values; the adjusted BAU adds
autonomous efficiency and national policy. Frozen − adjusted is the national effort, an external wedge the city
may not claim. Without driver data the fallback ``E[t] = E[t−1]·(1 + g)`` is used and labelled non-causal.

Each projection keeps the driver's source and vintage: a bad GDP projection inflates both the BAU and the savings
claimed against it (C40 Deadline 2020 projections, PLANNING.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import FactorMissing, InvalidData, ZeroCityError
from zerocity.core.factors import USABLE_STATUSES, bundled_library

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Planning data may also hold projections and illustrative defaults, which are never inventory factors.
GRID_PATHWAY_FILE = "planning/tw_grid_pathway.csv"
ELASTICITIES_FILE = "planning/driver_elasticities.csv"


class InvalidBauInput(ZeroCityError):
    """A BAU input is unusable; ``parameter`` names it."""

    code = "invalid_bau_input"


@dataclass(frozen=True)
class DriverSeries:
    """A driver's values per projection year (may carry a leading draws axis), with its source and vintage."""

    name: str
    values: FloatArray
    source: str
    vintage: str


@dataclass(frozen=True)
class Elasticity:
    subsector: str
    driver: str
    value: float
    status: str
    source: str


@dataclass(frozen=True)
class GridPathway:
    """Taiwan's national grid factor per year, with the status and source of each year's value."""

    years: IntArray
    kg_co2e_per_kwh: FloatArray
    statuses: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class BauProjection:
    """Frozen and adjusted BAU (t CO2e) for one pool, with how it was made.

    ``causal`` is False for the growth-rate fallback: it extrapolates, it does not explain.
    """

    years: IntArray
    base_year: int
    frozen_t_co2e: FloatArray
    adjusted_t_co2e: FloatArray
    method: str  # "drivers" or "growth_rate"
    causal: bool
    driver_name: str = ""
    driver_source: str = ""
    driver_vintage: str = ""
    factor_path_source: str = ""

    @property
    def national_effort_t_co2e(self) -> FloatArray:
        """Frozen − adjusted: what national policy and autonomous efficiency deliver (an external wedge)."""
        return np.asarray(self.frozen_t_co2e - self.adjusted_t_co2e, dtype=np.float64)


def project_bau(
    years: npt.ArrayLike,
    base_year: int,
    base_emissions_t_co2e: float | npt.ArrayLike,
    *,
    driver: DriverSeries | None = None,
    elasticity: float | npt.ArrayLike | None = None,
    growth_rate: float | npt.ArrayLike | None = None,
    autonomous_efficiency: float | npt.ArrayLike = 0.0,
    factor_path: npt.ArrayLike | None = None,
    factor_path_source: str = "",
) -> BauProjection:
    """Frozen and adjusted BAU from base-year emissions ``E0 = A0·I0·F0`` (PLANNING.md §1).

    With a ``driver`` (values over ``years``, the first year being ``base_year``):
    frozen ``E[t] = E0 · (D[t]/D[t0])^ε``. Without one, ``growth_rate`` g gives ``E[t] = E[t−1]·(1 + g)``
    (g: a scalar, per year or per draw and year), labelled non-causal. Per-draw scalars (base emissions,
    elasticity, efficiency) have shape ``(draws,)``. The adjusted BAU multiplies the frozen one by ``(1 − a)^(t − t0)``
    and, when ``factor_path`` (e.g. ``tw_grid_pathway(years).kg_co2e_per_kwh`` for an electricity pool) is given,
    by ``F[t] / F[t0]``.
    """
    t = np.asarray(years, dtype=np.int64)
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) != 1):
        raise InvalidBauInput("years must be consecutive, e.g. range(2023, 2051)", parameter="years")
    if int(t[0]) != base_year:
        raise InvalidBauInput(f"years must start at the base year {base_year}, not {int(t[0])}", parameter="years")
    base = np.asarray(base_emissions_t_co2e, dtype=np.float64)
    if np.any(base < 0):
        raise InvalidBauInput("base-year emissions must not be negative", parameter="base_emissions_t_co2e")
    elapsed = (t - base_year).astype(np.float64)
    base_column = _draw_column(base)

    if driver is not None:
        if growth_rate is not None:
            raise InvalidBauInput("give a driver or a growth rate, not both", parameter="growth_rate")
        if elasticity is None:
            raise InvalidBauInput(
                f"driver {driver.name!r} needs an elasticity (see default_elasticity)", parameter="elasticity"
            )
        values = np.asarray(driver.values, dtype=np.float64)
        if values.shape[-1:] != t.shape:
            raise InvalidBauInput(
                f"driver {driver.name!r} has {values.shape[-1:]} values for {t.size} years", parameter="driver"
            )
        if np.any(values <= 0):
            raise InvalidBauInput(f"driver {driver.name!r} must be positive", parameter="driver")
        ratio = values / values[..., :1]
        frozen = base_column * ratio ** _draw_column(np.asarray(elasticity, dtype=np.float64))
        method, causal = "drivers", True
    else:
        if growth_rate is None:
            raise InvalidBauInput("without a driver, give a growth rate g (E[t] = E[t−1]·(1+g))", parameter="driver")
        rate = np.asarray(growth_rate, dtype=np.float64)
        if np.any(rate <= -1):
            raise InvalidBauInput("a growth rate must be above −100 %", parameter="growth_rate")
        # g is a scalar, one value per year (years,) or per draw and year (draws, years).
        yearly = np.broadcast_to(rate, np.broadcast_shapes(rate.shape, t.shape))
        # Year t0 is the base year itself: growth applies from t0 + 1 on.
        growth = np.concatenate([np.ones_like(yearly[..., :1]), 1.0 + yearly[..., 1:]], axis=-1)
        frozen = base_column * np.cumprod(growth, axis=-1)
        method, causal = "growth_rate", False

    efficiency = _draw_column(np.asarray(autonomous_efficiency, dtype=np.float64))
    if np.any((efficiency < 0) | (efficiency >= 1)):
        raise InvalidBauInput("autonomous efficiency gain must lie in [0, 1)", parameter="autonomous_efficiency")
    adjusted = frozen * (1.0 - efficiency) ** elapsed
    if factor_path is not None:
        path = np.asarray(factor_path, dtype=np.float64)
        if path.shape[-1:] != t.shape or np.any(path[..., :1] <= 0):
            raise InvalidBauInput("factor_path needs one positive value per year", parameter="factor_path")
        adjusted = adjusted * path / path[..., :1]
    return BauProjection(
        years=t,
        base_year=base_year,
        frozen_t_co2e=np.asarray(frozen, dtype=np.float64),
        adjusted_t_co2e=np.asarray(adjusted, dtype=np.float64),
        method=method,
        causal=causal,
        driver_name=driver.name if driver else "",
        driver_source=driver.source if driver else "",
        driver_vintage=driver.vintage if driver else "",
        factor_path_source=factor_path_source,
    )


def tw_grid_pathway(years: npt.ArrayLike) -> GridPathway:
    """Taiwan's national average grid factor per year: measured where published, then towards national targets.

    Historic years come from the factor library (``tw-grid:YYYY`` with a usable status: published or secondary);
    later years from ``planning/tw_grid_pathway.csv`` anchors (the 2025 MOEA target, a 2050 projection), linearly
    interpolated between anchors and labelled ``projection``. A year outside the series is an error, never
    extrapolated.
    """
    known_years, values, statuses, sources = _pathway_points()
    wanted = np.asarray(years, dtype=np.int64)
    out_values: list[float] = []
    out_statuses: list[str] = []
    out_sources: list[str] = []
    for year in wanted.tolist():
        if year in known_years:
            index = known_years.index(year)
            out_values.append(values[index])
            out_statuses.append(statuses[index])
            out_sources.append(sources[index])
            continue
        if year < known_years[0] or year > known_years[-1]:
            raise FactorMissing(
                f"no Taiwan grid factor for {year}: the pathway covers {known_years[0]}–{known_years[-1]}",
                factor_id=f"tw-grid:{year}",
                year=year,
            )
        after = next(i for i, y in enumerate(known_years) if y > year)
        y0, y1 = known_years[after - 1], known_years[after]
        weight = (year - y0) / (y1 - y0)
        out_values.append(values[after - 1] + weight * (values[after] - values[after - 1]))
        out_statuses.append("projection")
        out_sources.append(f"linear interpolation between {y0} and {y1} (ZeroCity)")
    return GridPathway(
        years=wanted,
        kg_co2e_per_kwh=np.asarray(out_values, dtype=np.float64),
        statuses=tuple(out_statuses),
        sources=tuple(out_sources),
    )


def default_elasticity(subsector: str, driver: str) -> Elasticity:
    """The bundled default elasticity of a GPC subsector (``I.1`` or ``I.1.2``) to a driver.

    A full reference number (``I.1.2``) falls back to its subsector (``I.1``). Most defaults are illustrative:
    the result says so in ``status``.
    """
    parts = subsector.strip().split(".")
    candidates = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    rows = read_bundled_csv(ELASTICITIES_FILE)
    for candidate in candidates:
        for row in rows:
            if row["subsector"] == candidate and row["driver"] == driver.strip().lower():
                return Elasticity(candidate, row["driver"], float(row["elasticity"]), row["status"], row["source"])
    drivers = sorted({r["driver"] for r in rows if r["subsector"] in candidates})
    raise InvalidBauInput(
        f"no default elasticity for {subsector} × {driver}; known drivers there: {', '.join(drivers) or 'none'}",
        parameter="elasticity",
        subsector=subsector,
        driver=driver,
    )


@cache
def _pathway_points() -> tuple[list[int], list[float], list[str], list[str]]:
    library = bundled_library()
    points: dict[int, tuple[float, str, str]] = {}
    for factor in library.search(category="grid"):
        if factor.factor_id.startswith("tw-grid:") and factor.status in USABLE_STATUSES and factor.year:
            points[factor.year] = (factor.gases["CO2e"], factor.status, f"{factor.factor_id}: {factor.source}")
    last_measured = max(points)
    for number, row in enumerate(read_bundled_csv(GRID_PATHWAY_FILE), start=2):
        year = int(row["year"])
        if year <= last_measured:
            raise InvalidData(
                f"{GRID_PATHWAY_FILE}, row {number}: {year} is not after the last measured year {last_measured}",
                path=GRID_PATHWAY_FILE,
                row=number,
            )
        points[year] = (float(row["kgco2e_per_kwh"]), row["status"], row["source"])
    ordered = sorted(points)
    return (
        ordered,
        [points[y][0] for y in ordered],
        [points[y][1] for y in ordered],
        [points[y][2] for y in ordered],
    )


def _draw_column(array: FloatArray) -> FloatArray:
    """A per-draw parameter of shape ``(draws,)`` as a column ``(draws, 1)`` that broadcasts over years."""
    return array[:, np.newaxis] if array.ndim == 1 else array
