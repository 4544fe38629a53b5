"""Splitting the gap between business-as-usual and a plan into one wedge per action (PLANNING.md §3–4).

Three rules, each summing exactly (to float rounding) to the gap; every chart and report must say which one it used:

- **Loading order** (§3): within one activity pool, ``ΔE_k = E · r_k · Π_{j<k} (1 − r_j)``. The split depends on
  the order, so the order must be shown.
- **Proportional** (§4, the scenario-difference method): raw stand-alone impacts are scaled by one common factor
  per year, ``m(t) = (x(t) − x₀(t)) / Σ_i raw_i(t)``, so the bands fill the gap exactly.
- **Shapley** (§4): ``φ_i = Σ_{S ⊆ N∖{i}} |S|!(n − |S| − 1)!/n! · [v(S ∪ {i}) − v(S)]``; order-free. Exact up to
  :data:`EXACT_SHAPLEY_LIMIT` actions (2ⁿ scenario runs), seeded permutation sampling beyond. For the common case
  of one multiplicative pool a closed form avoids the 2ⁿ runs (:func:`multiplicative_shapley_wedges`).

A *value function* ``v(S)`` returns the abatement (BAU minus emissions, tCO2e per year) when only the actions in
``S`` are implemented, as an array over years; ``v(∅)`` is normally zero. Wedges then sum to ``v(N) − v(∅)``.

Closed form used in the tests: two actions of 20 % and 50 % on a pool of 100 give 20 + 40 by loading order and
15 + 45 by Shapley.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from math import ceil, factorial

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError

FloatArray = npt.NDArray[np.float64]
ValueFunction = Callable[[frozenset[int]], "npt.ArrayLike"]

#: Above this many actions exact Shapley needs more than 2¹² scenario runs; sample permutations instead.
EXACT_SHAPLEY_LIMIT = 12


class AttributionError(ZeroCityError):
    """Inputs that cannot be split into wedges (shapes, fractions outside 0–1, a gap with no impacts to carry it)."""

    code = "attribution"


def loading_order_wedges(base: npt.ArrayLike, reductions: npt.ArrayLike) -> FloatArray:
    """Wedges ``ΔE_k = E · r_k · Π_{j<k} (1 − r_j)`` for actions applied in row order to one pool (PLANNING §3).

    ``base`` is the pool's BAU emissions per year, shape ``(years,)``; ``reductions`` the fraction of the remaining
    pool each action removes, shape ``(actions, years)``. Returns ``(actions, years)``; the rows sum to
    ``E · (1 − Π (1 − r_i))``, the multiplicative-residual total.
    """
    base_array, fractions = _pool(base, reductions)
    remaining_before = np.cumprod(1.0 - fractions, axis=0)
    remaining_before = np.vstack([np.ones((1, fractions.shape[1])), remaining_before[:-1]])
    return np.asarray(base_array * fractions * remaining_before, dtype=np.float64)


def multiplicative_pool_abatement(base: npt.ArrayLike, reductions: npt.ArrayLike) -> FloatArray:
    """Total abatement ``E · (1 − Π_i (1 − r_i))`` of the actions in one pool, per year."""
    base_array, fractions = _pool(base, reductions)
    return np.asarray(base_array * (1.0 - np.prod(1.0 - fractions, axis=0)), dtype=np.float64)


def multiplicative_pool_value(base: npt.ArrayLike, reductions: npt.ArrayLike) -> Callable[[frozenset[int]], FloatArray]:
    """The value function ``v(S) = E · (1 − Π_{i∈S} (1 − r_i))`` of one multiplicative pool, for the generic tools."""
    base_array, fractions = _pool(base, reductions)

    def value(subset: frozenset[int]) -> FloatArray:
        members = sorted(subset)
        remaining = np.prod(1.0 - fractions[members], axis=0) if members else np.ones(fractions.shape[1])
        return np.asarray(base_array * (1.0 - remaining), dtype=np.float64)

    return value


def proportional_wedges(baseline: npt.ArrayLike, plan: npt.ArrayLike, raw_impacts: npt.ArrayLike) -> FloatArray:
    """Bands ``raw_i(t) · m(t)`` with ``m(t) = (x(t) − x₀(t)) / Σ_i raw_i(t)`` (PLANNING §4, proportional wedges).

    ``baseline`` x and ``plan`` x₀ are emissions per year; ``raw_impacts`` each action's stand-alone abatement,
    shape ``(actions, years)``. A year with a non-zero gap but raw impacts summing to zero cannot be split and is an
    error; a year with no gap gets zero bands.
    """
    baseline_array = _series(baseline, "baseline")
    plan_array = _series(plan, "plan")
    raw = _matrix(raw_impacts, "raw_impacts")
    if plan_array.shape != baseline_array.shape or raw.shape[1] != baseline_array.shape[0]:
        raise AttributionError(
            "baseline, plan and raw_impacts must cover the same years",
            baseline=baseline_array.shape,
            plan=plan_array.shape,
            raw_impacts=raw.shape,
        )
    gap = baseline_array - plan_array
    raw_total = raw.sum(axis=0)
    unsplittable = (raw_total == 0.0) & (gap != 0.0)
    if unsplittable.any():
        raise AttributionError(
            "a year has a gap between baseline and plan but the raw impacts sum to zero; "
            "proportional wedges cannot carry it",
            year_index=int(np.flatnonzero(unsplittable)[0]),
        )
    # shares first, then the gap: dividing the gap by a tiny raw total could overflow before multiplying back
    shares = np.divide(raw, raw_total, out=np.zeros_like(raw), where=raw_total != 0.0)
    return np.asarray(shares * gap, dtype=np.float64)


@dataclass(frozen=True)
class ShapleyWedges:
    """Shapley wedges ``(actions, years)`` and how they were computed; seed and permutations travel with samples."""

    wedges: FloatArray
    method: str  # "exact", "sampled" or "multiplicative-exact"
    seed: int | None = None
    permutations: int | None = None


def shapley_wedges(
    value: ValueFunction,
    n_actions: int,
    *,
    seed: int = 0,
    permutations: int = 2000,
    exact_limit: int = EXACT_SHAPLEY_LIMIT,
) -> ShapleyWedges:
    """Shapley wedges of ``n_actions`` actions under the value function ``value`` (PLANNING §4).

    Exact (all 2ⁿ subsets) when ``n_actions <= exact_limit``; otherwise the mean marginal contribution over
    ``permutations`` random orders drawn from ``numpy.random.default_rng(SeedSequence(seed))``. Each sampled order
    telescopes to ``v(N) − v(∅)``, so sampled wedges also sum exactly to the gap; only the split is approximate.
    """
    if n_actions < 1:
        raise AttributionError("Shapley wedges need at least one action", n_actions=n_actions)
    if n_actions <= exact_limit:
        return ShapleyWedges(wedges=_exact_shapley(value, n_actions), method="exact")
    if permutations < 1:
        raise AttributionError("permutation sampling needs at least one permutation", permutations=permutations)
    return ShapleyWedges(
        wedges=_sampled_shapley(value, n_actions, seed, permutations),
        method="sampled",
        seed=seed,
        permutations=permutations,
    )


def multiplicative_shapley_wedges(base: npt.ArrayLike, reductions: npt.ArrayLike) -> ShapleyWedges:
    """Exact Shapley wedges of one multiplicative pool without the 2ⁿ scenario runs.

    For ``v(S) = E · (1 − Π_{j∈S} (1 − r_j))`` the marginal of action i on coalition S is
    ``E · r_i · Π_{j∈S} (1 − r_j)``. Averaging over random orders is integrating the multilinear extension
    along the diagonal (Owen 1972): ``φ_i = E · r_i · ∫₀¹ Π_{j≠i} (1 − t · r_j) dt``. The integrand is a polynomial
    of degree n − 1, so Gauss–Legendre quadrature with ⌈n/2⌉ nodes integrates it exactly.
    """
    base_array, fractions = _pool(base, reductions)
    n_actions = fractions.shape[0]
    nodes, weights = np.polynomial.legendre.leggauss(max(1, ceil(n_actions / 2)))
    t = (nodes + 1.0) / 2.0  # map [-1, 1] to [0, 1]
    w = weights / 2.0
    # factors[k, i, y] = 1 − t_k · r_i(y)
    factors = 1.0 - t[:, None, None] * fractions[None, :, :]
    wedges = np.empty_like(fractions)
    for action in range(n_actions):
        others = np.delete(factors, action, axis=1)
        integral = np.tensordot(w, np.prod(others, axis=1), axes=1)
        wedges[action] = base_array * fractions[action] * integral
    return ShapleyWedges(wedges=wedges, method="multiplicative-exact")


def with_without_effects(value: ValueFunction, n_actions: int) -> FloatArray:
    """``v(N) − v(N ∖ {i})`` per action: what the plan loses if action i is dropped (PLANNING §4)."""
    everything = frozenset(range(n_actions))
    full = _evaluate(value, everything)
    return np.vstack([full - _evaluate(value, everything - {i}) for i in range(n_actions)])


def alone_effects(value: ValueFunction, n_actions: int) -> FloatArray:
    """``v({i}) − v(∅)`` per action: what action i achieves on its own (PLANNING §4)."""
    empty = _evaluate(value, frozenset())
    return np.vstack([_evaluate(value, frozenset({i})) - empty for i in range(n_actions)])


def interaction_effects(value: ValueFunction, n_actions: int) -> FloatArray:
    """``with/without − alone`` per action: negative when actions overlap (they act on the same tonnes)."""
    return with_without_effects(value, n_actions) - alone_effects(value, n_actions)


def _exact_shapley(value: ValueFunction, n_actions: int) -> FloatArray:
    values = {
        frozenset(members): _evaluate(value, frozenset(members))
        for size in range(n_actions + 1)
        for members in combinations(range(n_actions), size)
    }
    years = next(iter(values.values())).shape[0]
    weight = [factorial(size) * factorial(n_actions - size - 1) / factorial(n_actions) for size in range(n_actions)]
    wedges = np.zeros((n_actions, years))
    for subset, subset_value in values.items():
        for action in range(n_actions):
            if action not in subset:
                wedges[action] += weight[len(subset)] * (values[subset | {action}] - subset_value)
    return wedges


def _sampled_shapley(value: ValueFunction, n_actions: int, seed: int, permutations: int) -> FloatArray:
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    cache: dict[frozenset[int], FloatArray] = {}

    def cached(subset: frozenset[int]) -> FloatArray:
        if subset not in cache:
            cache[subset] = _evaluate(value, subset)
        return cache[subset]

    empty = cached(frozenset())
    wedges = np.zeros((n_actions, empty.shape[0]))
    for _ in range(permutations):
        coalition: frozenset[int] = frozenset()
        before = empty
        for action in rng.permutation(n_actions):
            coalition = coalition | {int(action)}
            after = cached(coalition)
            wedges[action] += after - before
            before = after
    return wedges / permutations


def _evaluate(value: ValueFunction, subset: frozenset[int]) -> FloatArray:
    result = np.atleast_1d(np.asarray(value(subset), dtype=np.float64))
    if result.ndim != 1 or not np.all(np.isfinite(result)):
        raise AttributionError("the value function must return a finite 1-D array over years", subset=sorted(subset))
    return result


def _pool(base: npt.ArrayLike, reductions: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    base_array = _series(base, "base")
    fractions = _matrix(reductions, "reductions")
    if fractions.shape[1] != base_array.shape[0]:
        raise AttributionError(
            "reductions must have one column per year of base", base=base_array.shape, reductions=fractions.shape
        )
    if (fractions < 0.0).any() or (fractions > 1.0).any():
        raise AttributionError(
            "reduction fractions must lie between 0 and 1 (0–100 % of the remaining pool)",
            smallest=float(fractions.min()),
            largest=float(fractions.max()),
        )
    return base_array, fractions


def _series(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise AttributionError(f"{name} must be a finite 1-D array over years", name=name)
    return array


def _matrix(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 1 or not np.all(np.isfinite(array)):
        raise AttributionError(f"{name} must be a finite (actions, years) array with at least one action", name=name)
    return array
