"""Peer benchmarking of member cities: comparisons on a stated common basis, and how alike two cities are.

Comparisons (issue 5, part 4). Two inventories are compared only when they stand on the same **basis**: the same
GWP set (a tonne of methane weighs 28 t CO2e in AR5 and 27.0 or 29.8 in AR6) and a reporting level each of them
covers in full (GPC v1.1 ch. 3: BASIC, or BASIC+ which adds IPPU, AFOLU, transboundary transport and T&D losses).
An inventory covers a level when every reference number of that level carries a figure or a notation key; a
BASIC+ inventory therefore also has a complete BASIC total and takes part in BASIC comparisons. Each city takes
part with its latest published inventory; per capita uses the population of that inventory's year and per unit of
GDP that year's GDP in its stated unit. GDP in different units (million TWD, billion USD, a different price base)
is never converted here: a city whose unit differs from the basis unit is left out, with the reason.

Every city that does not fit is listed as an :class:`Exclusion` with a stable reason code and its parameters, so a
reader sees who is missing and why rather than a silently shorter table.

Similarity ("cities like mine") is Gower's coefficient (Gower 1971, "A general coefficient of similarity and some
of its properties", Biometrics 27: 857-871), which mixes numeric and categorical features and copes with missing
values: per feature, a similarity in [0, 1] (numeric: 1 - |difference| / range over the member cities, i.e. the
feature standardised by its range; categorical: 1 when equal, else 0), then a weighted mean. Unlike Gower's
original, which averages over the features both cities have, a feature either city lacks counts as 0 (no evidence
of likeness), so sparse data never makes two cities look alike. Features: log10 population, Köppen-Geiger main
climate group (A tropical, B arid, C temperate, D continental, E polar), industry (secondary sector) share of GDP,
and optionally BASIC emissions per person. The coefficient is symmetric, and no city is more similar to a city than
that city is to itself (1 when all its features are known).

Pure: numpy and the standard library only. Reason codes and feature names are English keys; adapters translate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray

BASIC: Final[str] = "BASIC"
BASIC_PLUS: Final[str] = "BASIC+"
LEVELS: Final[tuple[str, ...]] = (BASIC, BASIC_PLUS)

#: GPC sectors whose shares are compared, by Roman numeral: stationary energy, transport, waste, IPPU, AFOLU.
#: (VI, other scope 3, belongs to no reporting level.)
SECTORS: Final[tuple[str, ...]] = ("I", "II", "III", "IV", "V")

#: Köppen-Geiger main groups (first letter of the code), after Beck et al. 2018, Scientific Data 5: 180214.
CLIMATE_GROUPS: Final[tuple[str, ...]] = ("A", "B", "C", "D", "E")

FloatArray = NDArray[np.float64]


class Metric(StrEnum):
    TOTAL = "total"
    PER_CAPITA = "per_capita"
    PER_GDP = "per_gdp"
    SECTOR_SHARES = "sector_shares"
    TREND = "trend"


class Reason(StrEnum):
    """Why a city is left out of a comparison; the adapters word each one (with its ``detail``)."""

    NO_INVENTORY = "no_published_inventory"  # nothing published yet
    NO_RESULTS = "no_results"  # published but without computed totals
    GWP_SET = "gwp_set"  # detail: gwp_set, basis
    LEVEL = "level"  # detail: basis, missing (reference numbers without a figure or notation key)
    NO_POPULATION = "no_population"  # detail: year
    NO_GDP = "no_gdp"  # detail: year
    GDP_UNIT = "gdp_unit"  # detail: unit, basis
    NOT_POSITIVE = "total_not_positive"  # shares and rates need a positive total; detail: year
    ONE_INVENTORY = "one_inventory"  # a trend needs a base year before the latest year; detail: year
    BASE_OFF_BASIS = "base_off_basis"  # the base-year inventory does not fit the basis; detail: year, why


class BenchmarkError(ValueError):
    """A basis or request the comparison cannot be made on (unknown level, metric...)."""


@dataclass(frozen=True)
class InventoryFigures:
    """One published inventory, as comparisons need it.

    ``totals_tco2e`` and ``sectors_tco2e`` are keyed by level (``BASIC``, ``BASIC+``); ``missing_refs[level]``
    lists the reference numbers of that level with neither a figure nor a notation key (empty: the level is
    covered). Population and GDP are those of the inventory year (``None`` when not recorded).
    """

    year: int
    gwp_set: str
    totals_tco2e: Mapping[str, float]
    sectors_tco2e: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    missing_refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    population: float | None = None
    gdp: float | None = None
    gdp_unit: str = ""

    def covers(self, level: str) -> bool:
        return level in self.totals_tco2e and not self.missing_refs.get(level, ())

    @property
    def level(self) -> str:
        """The highest level this inventory covers in full, or ``""`` when not even BASIC is complete."""
        for level in reversed(LEVELS):
            if self.covers(level):
                return level
        return ""


@dataclass(frozen=True)
class CityFigures:
    """A city's latest published inventory and its first (the base year of its trend); both ``None`` when the
    city has published nothing."""

    city: str
    latest: InventoryFigures | None
    base: InventoryFigures | None = None


@dataclass(frozen=True)
class Basis:
    """The common ground of a comparison. ``gdp_unit`` ``None`` means "the unit most member cities use" and is
    resolved by :func:`compare` (ties go to the alphabetically first unit, so the choice is reproducible)."""

    gwp_set: str = "AR5"
    level: str = BASIC
    gdp_unit: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise BenchmarkError(f"level must be one of {', '.join(LEVELS)}")


@dataclass(frozen=True)
class Exclusion:
    city: str
    reason: Reason
    detail: Mapping[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One city in a comparison. ``value`` is the metric's figure: t CO2e (total), t CO2e per person, t CO2e per
    basis GDP unit, or the fractional change since the base year (trend; ``annual_rate`` is then its compound
    annual rate). For sector shares ``value`` is the total the shares divide and ``shares`` holds them."""

    city: str
    year: int
    value: float
    shares: Mapping[str, float] = field(default_factory=dict)
    base_year: int | None = None
    base_value: float | None = None
    annual_rate: float | None = None


@dataclass(frozen=True)
class Comparison:
    basis: Basis
    metric: Metric
    rows: tuple[Row, ...]
    excluded: tuple[Exclusion, ...]


# --- Arithmetic ----------------------------------------------------------------------------------------------------


def intensity(totals_tco2e: Sequence[float] | FloatArray, denominators: Sequence[float] | FloatArray) -> FloatArray:
    """``totals / denominators`` element-wise (per person, per unit of GDP); NaN where a denominator is not
    positive or not finite, never a division error or a silent zero."""
    totals = np.asarray(totals_tco2e, dtype=np.float64)
    denominator = np.asarray(denominators, dtype=np.float64)
    valid = np.isfinite(denominator) & (denominator > 0)
    out = np.full(np.broadcast(totals, denominator).shape, np.nan)
    np.divide(totals, denominator, out=out, where=valid)
    return out


def sector_shares(sector_tco2e: Sequence[Sequence[float]] | FloatArray) -> FloatArray:
    """Each row (a city's emissions by sector) divided by its own sum, so every row sums to 1.

    A sector with net removals (AFOLU) has a negative share; a row whose sum is not positive has no meaningful
    shares and comes back as NaN.
    """
    matrix = np.atleast_2d(np.asarray(sector_tco2e, dtype=np.float64))
    totals = matrix.sum(axis=1, keepdims=True)
    out = np.full(matrix.shape, np.nan)
    np.divide(matrix, totals, out=out, where=np.isfinite(totals) & (totals > 0))
    return out


def fractional_change(base: Sequence[float] | FloatArray, latest: Sequence[float] | FloatArray) -> FloatArray:
    """``latest / base - 1`` (-0.1 is a 10 % cut); NaN where the base is not positive."""
    return intensity(latest, base) - 1.0


def compound_annual_rate(
    base: Sequence[float] | FloatArray, latest: Sequence[float] | FloatArray, years: Sequence[float] | FloatArray
) -> FloatArray:
    """The constant yearly rate r with ``base * (1 + r) ** years == latest``; NaN unless both values are positive
    and ``years`` is positive (a rate through zero or a sign change does not exist)."""
    base_values = np.asarray(base, dtype=np.float64)
    latest_values = np.asarray(latest, dtype=np.float64)
    spans = np.asarray(years, dtype=np.float64)
    valid = (base_values > 0) & (latest_values > 0) & (spans > 0)
    ratio = np.where(valid, latest_values / np.where(valid, base_values, 1.0), 1.0)
    exponent = 1.0 / np.where(valid, spans, 1.0)
    return np.where(valid, np.power(ratio, exponent) - 1.0, np.nan)


# --- Comparisons ---------------------------------------------------------------------------------------------------


def off_basis(inventory: InventoryFigures, basis: Basis) -> tuple[Reason, dict[str, str | int | float]] | None:
    """Why this inventory cannot be compared on ``basis`` (GWP set first, then coverage of the level), or None."""
    if inventory.gwp_set != basis.gwp_set:
        return Reason.GWP_SET, {"gwp_set": inventory.gwp_set, "basis": basis.gwp_set, "year": inventory.year}
    if basis.level not in inventory.totals_tco2e:
        return Reason.NO_RESULTS, {"year": inventory.year}
    if not inventory.covers(basis.level):
        missing = inventory.missing_refs.get(basis.level, ())
        return Reason.LEVEL, {"basis": basis.level, "missing": ", ".join(missing), "year": inventory.year}
    return None


def most_common_gdp_unit(cities: Iterable[CityFigures], basis: Basis) -> str | None:
    """The GDP unit most cities on the basis state (ties: alphabetical), or None when none states GDP."""
    units = Counter(
        city.latest.gdp_unit
        for city in cities
        if city.latest is not None
        and off_basis(city.latest, basis) is None
        and city.latest.gdp is not None
        and city.latest.gdp_unit
    )
    if not units:
        return None
    return min(units, key=lambda unit: (-units[unit], unit))


def compare(cities: Sequence[CityFigures], basis: Basis, metric: Metric | str) -> Comparison:
    """Every city's figure for ``metric`` on ``basis``, and every city left out with its reason.

    Rows keep the order of ``cities``; sorting is the reader's choice.
    """
    try:
        metric = Metric(metric)
    except ValueError:
        raise BenchmarkError(f"metric must be one of {', '.join(m.value for m in Metric)}") from None
    if metric is Metric.PER_GDP and basis.gdp_unit is None:
        basis = Basis(basis.gwp_set, basis.level, most_common_gdp_unit(cities, basis))
    rows: list[Row] = []
    excluded: list[Exclusion] = []
    for city in cities:
        outcome = _row(city, basis, metric)
        if isinstance(outcome, Row):
            rows.append(outcome)
        else:
            excluded.append(outcome)
    return Comparison(basis, metric, tuple(rows), tuple(excluded))


def _row(city: CityFigures, basis: Basis, metric: Metric) -> Row | Exclusion:
    latest = city.latest
    if latest is None:
        return Exclusion(city.city, Reason.NO_INVENTORY)
    problem = off_basis(latest, basis)
    if problem is not None:
        return Exclusion(city.city, *problem)
    total = float(latest.totals_tco2e[basis.level])
    year = latest.year
    if metric is Metric.TOTAL:
        return Row(city.city, year, total)
    if metric is Metric.PER_CAPITA:
        if latest.population is None or not latest.population > 0:
            return Exclusion(city.city, Reason.NO_POPULATION, {"year": year})
        return Row(city.city, year, float(intensity([total], [latest.population])[0]))
    if metric is Metric.PER_GDP:
        if latest.gdp is None or not latest.gdp > 0 or not latest.gdp_unit:
            return Exclusion(city.city, Reason.NO_GDP, {"year": year})
        if latest.gdp_unit != basis.gdp_unit:
            return Exclusion(city.city, Reason.GDP_UNIT, {"unit": latest.gdp_unit, "basis": basis.gdp_unit or ""})
        return Row(city.city, year, float(intensity([total], [latest.gdp])[0]))
    if metric is Metric.SECTOR_SHARES:
        by_sector = latest.sectors_tco2e.get(basis.level, {})
        shares = sector_shares([[float(by_sector.get(code, 0.0)) for code in SECTORS]])[0]
        if not np.all(np.isfinite(shares)):
            return Exclusion(city.city, Reason.NOT_POSITIVE, {"year": year})
        return Row(city.city, year, total, shares=dict(zip(SECTORS, shares.tolist(), strict=True)))
    return _trend_row(city, latest, total, basis)


def _trend_row(city: CityFigures, latest: InventoryFigures, total: float, basis: Basis) -> Row | Exclusion:
    base = city.base
    if base is None or base.year >= latest.year:
        return Exclusion(city.city, Reason.ONE_INVENTORY, {"year": latest.year})
    problem = off_basis(base, basis)
    if problem is not None:
        return Exclusion(city.city, Reason.BASE_OFF_BASIS, {"year": base.year, "why": problem[0].value})
    base_total = float(base.totals_tco2e[basis.level])
    if not (base_total > 0 and total > 0):
        return Exclusion(city.city, Reason.NOT_POSITIVE, {"year": base.year if not base_total > 0 else latest.year})
    change = float(fractional_change([base_total], [total])[0])
    rate = float(compound_annual_rate([base_total], [total], [latest.year - base.year])[0])
    return Row(city.city, latest.year, change, base_year=base.year, base_value=base_total, annual_rate=rate)


# --- Similarity ----------------------------------------------------------------------------------------------------

#: Feature keys, in the order of :attr:`Similarity.by_feature`'s last axis.
FEATURES: Final[tuple[str, ...]] = ("population", "climate", "industry", "emissions")


@dataclass(frozen=True)
class PeerFeatures:
    """What "cities like mine" compares: population (people), Köppen-Geiger code (``"Cwa"``; ``""`` unknown),
    secondary-sector share of GDP (0-1) and, optionally, BASIC emissions per person on the comparison basis."""

    city: str
    population: float | None = None
    climate_zone: str = ""
    industry_share: float | None = None
    per_capita_tco2e: float | None = None

    @property
    def climate_group(self) -> str:
        group = self.climate_zone[:1].upper()
        return group if group in CLIMATE_GROUPS else ""


@dataclass(frozen=True)
class FeatureWeights:
    """Weight of each feature in the mean; 0 leaves a feature out (emissions are left out by default, so that
    "like mine" means circumstances, not performance)."""

    population: float = 1.0
    climate: float = 1.0
    industry: float = 1.0
    emissions: float = 0.0

    def as_array(self) -> FloatArray:
        weights = np.array([self.population, self.climate, self.industry, self.emissions], dtype=np.float64)
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or not weights.sum() > 0:
            raise BenchmarkError("feature weights must be finite, not negative, and not all zero")
        return weights


@dataclass(frozen=True)
class Similarity:
    """Similarities between ``cities``: ``overall[i, j]`` in [0, 1] (NaN when the two share no feature) and
    ``by_feature[i, j, f]`` per feature of :data:`FEATURES` (NaN where either lacks it or its weight is 0)."""

    cities: tuple[str, ...]
    overall: FloatArray
    by_feature: FloatArray


@dataclass(frozen=True)
class Peer:
    city: str
    score: float
    by_feature: Mapping[str, float]


def _numeric_similarity(values: FloatArray) -> FloatArray:
    """1 - |x_i - x_j| / range; NaN where either value is missing; 1 for every pair when all values are equal."""
    present = values[np.isfinite(values)]
    spread = float(present.max() - present.min()) if present.size else 0.0
    difference = np.abs(values[:, None] - values[None, :])
    if spread > 0:
        return 1.0 - difference / spread
    return np.where(np.isfinite(difference), 1.0, np.nan)


def similarity(features: Sequence[PeerFeatures], weights: FeatureWeights | None = None) -> Similarity:
    """Gower-type similarity of every pair of cities (module docstring); vectorised over all pairs at once."""
    weights_array = (weights or FeatureWeights()).as_array()
    population = np.array(
        [math.log10(f.population) if f.population is not None and f.population > 0 else np.nan for f in features],
        dtype=np.float64,
    )
    industry = np.array([np.nan if f.industry_share is None else f.industry_share for f in features], dtype=np.float64)
    emissions = np.array(
        [np.nan if f.per_capita_tco2e is None else f.per_capita_tco2e for f in features], dtype=np.float64
    )
    groups = np.array([f.climate_group for f in features], dtype=object)
    known = groups != ""
    climate = np.where(known[:, None] & known[None, :], (groups[:, None] == groups[None, :]).astype(float), np.nan)
    by_feature = np.stack(
        [
            _numeric_similarity(population),
            climate.astype(np.float64),
            _numeric_similarity(industry),
            _numeric_similarity(emissions),
        ],
        axis=-1,
    )
    by_feature[..., weights_array == 0] = np.nan
    used = np.isfinite(by_feature)
    weighted = np.where(used, by_feature, 0.0) @ weights_array
    # Divided by every weighted feature, not only those both cities have: an unknown feature is no evidence of
    # likeness, so a city known only by its population cannot outrank one that is alike on three features.
    overall = np.where(used.any(axis=-1), weighted / weights_array.sum(), np.nan)
    return Similarity(tuple(f.city for f in features), overall, by_feature)


def rank_peers(result: Similarity, city: str, limit: int = 5) -> list[Peer]:
    """The ``limit`` cities most similar to ``city`` (itself left out), best first; equal scores by city key.
    Cities sharing no feature with it are not ranked."""
    if city not in result.cities:
        raise BenchmarkError(f"unknown city {city!r}")
    index = result.cities.index(city)
    candidates = [j for j in range(len(result.cities)) if j != index and math.isfinite(float(result.overall[index, j]))]
    candidates.sort(key=lambda j: (-float(result.overall[index, j]), result.cities[j]))
    return [
        Peer(
            city=result.cities[j],
            score=float(result.overall[index, j]),
            by_feature={
                name: float(result.by_feature[index, j, f])
                for f, name in enumerate(FEATURES)
                if math.isfinite(float(result.by_feature[index, j, f]))
            },
        )
        for j in candidates[: max(limit, 0)]
    ]
