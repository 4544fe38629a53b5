"""Monte Carlo propagation of uncertainty through a pathway model (PLANNING.md §8, IPCC 2006 GL Vol. 1 Ch. 3
Approach 2).

The engine is vectorised: every named uncertain input is drawn once as an array of ``n_draws`` values and the
user's model is called **once** with all of them, returning emissions shaped ``(n_draws, n_years)``. Shared drivers
(population, the grid factor) are therefore drawn once per draw and used by every sector and action.

Reproducibility: draws come from ``numpy.random.default_rng`` seeded by a :class:`numpy.random.SeedSequence`. Each
input has its own stream, keyed by its name, so adding an input to a model leaves the draws of the others
unchanged (common random numbers when comparing scenarios). Seed and draw count travel with every result.
Independent runs (several cities or scenarios) get one spawned child sequence each (:func:`run_many`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats  # type: ignore[import-untyped]  # no scipy-stubs in the venv

from zerocity.core.errors import MethodParameterError

FloatArray = NDArray[np.float64]
Draws = dict[str, FloatArray]
PathwayModel = Callable[[Draws], ArrayLike]

#: Default fan-chart bands (percentiles); PLANNING.md §8 also reports 2.5–97.5, pass them explicitly.
FAN_CHART_PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)


class InvalidUncertainty(MethodParameterError):
    """A distribution, draw count, seed or model output cannot be used."""

    code = "invalid_uncertainty"


class Distribution(Protocol):
    """An uncertain input: draws for Monte Carlo and quantiles (``ppf``) for Sobol sampling."""

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray: ...

    def ppf(self, quantiles: FloatArray) -> FloatArray: ...


def _require(condition: bool, parameter: str, reason: str) -> None:
    if not condition:
        raise InvalidUncertainty(parameter, reason)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@dataclass(frozen=True)
class Fixed:
    """A known value (no uncertainty), so a model can be run with some inputs held constant."""

    value: float

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return np.full(n_draws, self.value, dtype=np.float64)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        return np.full(np.shape(quantiles), self.value, dtype=np.float64)


@dataclass(frozen=True)
class Normal:
    mean: float
    sd: float

    def __post_init__(self) -> None:
        _require(_finite(self.mean, self.sd) and self.sd > 0, "normal", f"need finite mean and sd > 0, got {self}")

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return rng.normal(self.mean, self.sd, n_draws)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        return np.asarray(stats.norm.ppf(quantiles, loc=self.mean, scale=self.sd), dtype=np.float64)


@dataclass(frozen=True)
class LogNormal:
    """Lognormal with ``mu`` and ``sigma`` of the underlying normal; see :meth:`from_mean_sd` for the usual form."""

    mu: float
    sigma: float

    def __post_init__(self) -> None:
        _require(_finite(self.mu, self.sigma) and self.sigma > 0, "lognormal", f"need sigma > 0, got {self}")

    @classmethod
    def from_mean_sd(cls, mean: float, sd: float) -> LogNormal:
        """The lognormal with this arithmetic mean and standard deviation (both > 0)."""
        _require(_finite(mean, sd) and mean > 0 and sd > 0, "lognormal", f"need mean > 0 and sd > 0, got {mean}, {sd}")
        sigma2 = math.log1p((sd / mean) ** 2)
        return cls(mu=math.log(mean) - sigma2 / 2, sigma=math.sqrt(sigma2))

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, n_draws)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        return np.asarray(stats.lognorm.ppf(quantiles, s=self.sigma, scale=math.exp(self.mu)), dtype=np.float64)


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    def __post_init__(self) -> None:
        _require(_finite(self.low, self.high) and self.low < self.high, "uniform", f"need low < high, got {self}")

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return rng.uniform(self.low, self.high, n_draws)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        return self.low + (self.high - self.low) * np.asarray(quantiles, dtype=np.float64)


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        ok = _finite(self.low, self.mode, self.high) and self.low <= self.mode <= self.high and self.low < self.high
        _require(ok, "triangular", f"need low ≤ mode ≤ high and low < high, got {self}")

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, n_draws)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        width = self.high - self.low
        shape = (self.mode - self.low) / width
        return np.asarray(stats.triang.ppf(quantiles, shape, loc=self.low, scale=width), dtype=np.float64)


@dataclass(frozen=True)
class TruncatedNormal:
    """A normal(mean, sd) cut to [low, high], e.g. a penetration share that cannot leave 0 … 1."""

    mean: float
    sd: float
    low: float
    high: float

    def __post_init__(self) -> None:
        ok = _finite(self.mean, self.sd) and self.sd > 0 and self.low < self.high
        _require(ok, "truncated_normal", f"need sd > 0 and low < high, got {self}")

    def _frozen(self) -> Any:  # a frozen scipy distribution
        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return np.asarray(self._frozen().rvs(size=n_draws, random_state=rng), dtype=np.float64)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        return np.asarray(self._frozen().ppf(quantiles), dtype=np.float64)


@dataclass(frozen=True)
class Beta:
    """Beta(a, b) scaled to [low, high]: effectiveness or adoption shares."""

    a: float
    b: float
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        ok = _finite(self.a, self.b, self.low, self.high) and self.a > 0 and self.b > 0 and self.low < self.high
        _require(ok, "beta", f"need a, b > 0 and low < high, got {self}")

    def sample(self, rng: np.random.Generator, n_draws: int) -> FloatArray:
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n_draws)

    def ppf(self, quantiles: FloatArray) -> FloatArray:
        return np.asarray(
            stats.beta.ppf(quantiles, self.a, self.b, loc=self.low, scale=self.high - self.low), dtype=np.float64
        )


def _as_seed_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    _require(isinstance(seed, int) and seed >= 0, "seed", f"must be an integer ≥ 0, got {seed!r}")
    return np.random.SeedSequence(seed)


def _input_stream(seed: np.random.SeedSequence, name: str) -> np.random.Generator:
    # crc32 is stable across processes and Python versions (hash() is salted), so a name always maps to the
    # same stream.
    key = zlib.crc32(name.encode("utf-8"))
    child = np.random.SeedSequence(entropy=seed.entropy, spawn_key=(*seed.spawn_key, key))
    return np.random.default_rng(child)


def draw(distributions: Mapping[str, Distribution], n_draws: int, seed: int | np.random.SeedSequence) -> Draws:
    """``n_draws`` values for every named input, reproducible from (seed, n_draws)."""
    _require(isinstance(n_draws, int) and n_draws > 0, "n_draws", f"must be a positive integer, got {n_draws!r}")
    sequence = _as_seed_sequence(seed)
    return {name: dist.sample(_input_stream(sequence, name), n_draws) for name, dist in distributions.items()}


@dataclass(frozen=True)
class MonteCarloResult:
    """Emissions per draw and year, with everything needed to reproduce them."""

    years: NDArray[np.int64]
    emissions: FloatArray  # shape (n_draws, n_years)
    seed_entropy: int
    spawn_key: tuple[int, ...]
    n_draws: int
    name: str = ""

    def _year_index(self, year: int) -> int:
        hits = np.flatnonzero(self.years == year)
        _require(hits.size == 1, "target_year", f"{year} is not a year of this run ({self.years[0]}–{self.years[-1]})")
        return int(hits[0])


def run(
    model: PathwayModel,
    distributions: Mapping[str, Distribution],
    years: Sequence[int] | NDArray[np.int64],
    n_draws: int,
    seed: int | np.random.SeedSequence,
    *,
    name: str = "",
) -> MonteCarloResult:
    """Draw every input and evaluate the vectorised ``model`` once over all draws.

    ``model(draws)`` receives ``{name: array of n_draws}`` and must return an array ``(n_draws, len(years))``.
    """
    sequence = _as_seed_sequence(seed)
    year_array = np.asarray(years, dtype=np.int64)
    _require(year_array.ndim == 1 and year_array.size > 0, "years", "need at least one year")
    _require(bool(np.all(np.diff(year_array) > 0)), "years", "years must be strictly increasing")
    draws = draw(distributions, n_draws, sequence)
    emissions = np.asarray(model(draws), dtype=np.float64)
    expected = (n_draws, year_array.size)
    _require(emissions.shape == expected, "model", f"must return shape {expected}, got {emissions.shape}")
    _require(bool(np.all(np.isfinite(emissions))), "model", "returned non-finite emissions")
    entropy = sequence.entropy
    _require(isinstance(entropy, int), "seed", "seed sequences must have an integer entropy")
    assert isinstance(entropy, int)
    return MonteCarloResult(
        years=year_array,
        emissions=emissions,
        seed_entropy=entropy,
        spawn_key=tuple(sequence.spawn_key),
        n_draws=n_draws,
        name=name,
    )


@dataclass(frozen=True)
class FanChart:
    """Percentiles of emissions per year: ``values[i, j]`` is percentile ``percentiles[i]`` in ``years[j]``."""

    years: NDArray[np.int64]
    percentiles: tuple[float, ...]
    values: FloatArray


def fan_chart(result: MonteCarloResult, percentiles: Sequence[float] = FAN_CHART_PERCENTILES) -> FanChart:
    """Percentile bands per year for a fan chart (linear interpolation between draws)."""
    ps = tuple(float(p) for p in percentiles)
    _require(len(ps) > 0 and all(0 <= p <= 100 for p in ps), "percentiles", f"must lie in 0 … 100, got {ps}")
    values = np.percentile(result.emissions, ps, axis=0)
    return FanChart(years=result.years, percentiles=ps, values=np.asarray(values, dtype=np.float64))


def probability_target_met(result: MonteCarloResult, target_year: int, target_t_co2e: float) -> float:
    """P(target met) = share of draws whose emissions in ``target_year`` are ≤ the target level."""
    index = result._year_index(target_year)
    return float(np.mean(result.emissions[:, index] <= target_t_co2e))


def probability_budget_exceeded(
    result: MonteCarloResult, budget_t_co2e: float, first_year: int, last_year: int
) -> float:
    """P(budget exceeded) = share of draws whose emissions summed over ``first_year … last_year`` exceed it.

    The run must cover every year of the period (yearly steps), otherwise the sum would miss years.
    """
    start, stop = result._year_index(first_year), result._year_index(last_year)
    _require(stop >= start, "last_year", "must not be before first_year")
    _require(stop - start == last_year - first_year, "years", "the run must have every year of the budget period")
    cumulative = result.emissions[:, start : stop + 1].sum(axis=1)
    return float(np.mean(cumulative > budget_t_co2e))


@dataclass(frozen=True)
class MonteCarloJob:
    """One independent run (a city or a scenario). ``model`` must be picklable (a top-level function) for
    process pools."""

    name: str
    model: PathwayModel
    distributions: Mapping[str, Distribution]
    years: tuple[int, ...]
    n_draws: int


def _run_job(job: MonteCarloJob, seed: np.random.SeedSequence) -> MonteCarloResult:
    return run(job.model, job.distributions, job.years, job.n_draws, seed, name=job.name)


def run_many(jobs: Sequence[MonteCarloJob], seed: int, executor: Executor | None = None) -> list[MonteCarloResult]:
    """Run independent jobs in parallel, job ``i`` seeded by child ``i`` of ``SeedSequence(seed).spawn(n)``.

    Results are in job order and do not depend on the executor. Without an executor a
    :class:`~concurrent.futures.ProcessPoolExecutor` is started and shut down here; pass a
    ``ThreadPoolExecutor`` for models that cannot be pickled (lambdas, closures).
    """
    children = _as_seed_sequence(seed).spawn(len(jobs))
    if not jobs:
        return []
    if executor is not None:
        return list(executor.map(_run_job, jobs, children))
    with ProcessPoolExecutor() as pool:
        return list(pool.map(_run_job, jobs, children))
