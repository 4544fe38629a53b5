"""Variance-based (Sobol) sensitivity of a scalar plan output to its uncertain inputs (PLANNING.md §9).

Method: Saltelli sampling and the Sobol estimators of SALib (Saltelli et al. 2010, *Comput. Phys. Commun.* 181;
Jansen 1999 for the total index). The model is run on N·(D + 2) points (N·(2D + 2) with second-order indices).
First-order S1 is the share of output variance explained by an input alone; total ST adds all its interactions.
Inputs are ranked by ST: where better data would most reduce the spread of the output (value of information).

SALib samples the unit hypercube; each column is mapped to its input through the distribution's quantile
function, so Sobol and Monte Carlo use the same :mod:`zerocity.core.planning.montecarlo` distributions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from zerocity.core.errors import MethodParameterError
from zerocity.core.planning.montecarlo import Distribution, Draws

ScalarModel = Callable[[Draws], ArrayLike]


class InvalidSensitivityInput(MethodParameterError):
    code = "invalid_sensitivity_input"


@dataclass(frozen=True)
class SobolIndex:
    """Sobol indices of one input, with the bootstrap half-width of their confidence interval."""

    name: str
    first_order: float
    first_order_conf: float
    total: float
    total_conf: float


@dataclass(frozen=True)
class SobolResult:
    """Indices per input, sorted by total index (largest first), with the sampling settings to reproduce them."""

    indices: tuple[SobolIndex, ...]
    base_samples: int
    model_runs: int
    seed: int
    confidence_level: float

    @property
    def top_driver(self) -> str:
        """The input with the largest total index."""
        return self.indices[0].name

    def __getitem__(self, name: str) -> SobolIndex:
        for index in self.indices:
            if index.name == name:
                return index
        raise KeyError(name)


def sobol_indices(
    model: ScalarModel,
    distributions: Mapping[str, Distribution],
    base_samples: int,
    seed: int,
    *,
    confidence_level: float = 0.95,
    bootstrap_resamples: int = 100,
) -> SobolResult:
    """First-order and total Sobol indices of ``model``'s scalar output (e.g. emissions in the target year).

    ``model(draws)`` gets ``{name: array}`` (the vectorised form used by Monte Carlo) and must return one value
    per row. ``base_samples`` (N) must be a power of two, as the Sobol sequence needs it for its balance
    properties. Inputs held :class:`~zerocity.core.planning.montecarlo.Fixed` get indices of 0.
    """
    names = list(distributions)
    if len(names) < 2:
        raise InvalidSensitivityInput("distributions", "need at least two uncertain inputs")
    if base_samples < 2 or base_samples & (base_samples - 1):
        raise InvalidSensitivityInput("base_samples", f"must be a power of two ≥ 2, got {base_samples}")
    if not 0 < confidence_level < 1:
        raise InvalidSensitivityInput("confidence_level", f"must lie between 0 and 1, got {confidence_level}")
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = np.asarray(sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed))
    # The scrambled sequence can touch 0, where unbounded quantile functions are infinite.
    eps = np.finfo(np.float64).eps
    unit = np.clip(unit, eps, 1.0 - eps)
    draws = {name: distributions[name].ppf(unit[:, i]) for i, name in enumerate(names)}
    output = np.asarray(model(draws), dtype=np.float64)
    if output.shape != (unit.shape[0],):
        raise InvalidSensitivityInput("model", f"must return one value per row, shape {(unit.shape[0],)}")
    if not np.all(np.isfinite(output)):
        raise InvalidSensitivityInput("model", "returned non-finite values")
    if np.ptp(output) == 0:
        raise InvalidSensitivityInput("model", "output does not vary: Sobol indices are undefined")
    analysed = sobol_analyze.analyze(
        problem,
        output,
        calc_second_order=False,
        num_resamples=bootstrap_resamples,
        conf_level=confidence_level,
        print_to_console=False,
        seed=seed,
    )
    indices = [
        SobolIndex(
            name=name,
            first_order=float(analysed["S1"][i]),
            first_order_conf=float(analysed["S1_conf"][i]),
            total=float(analysed["ST"][i]),
            total_conf=float(analysed["ST_conf"][i]),
        )
        for i, name in enumerate(names)
    ]
    indices.sort(key=lambda index: (-index.total, -index.first_order, index.name))
    return SobolResult(
        indices=tuple(indices),
        base_samples=base_samples,
        model_runs=int(unit.shape[0]),
        seed=seed,
        confidence_level=confidence_level,
    )
