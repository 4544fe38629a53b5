"""Mitigation targets, their level in the target year, % achieved and the on-track test (PLANNING.md §5, §10).

Target types follow the GHG Protocol Mitigation Goal Standard and the GCoM Common Reporting Framework:

=====================  ==========================================================================
Type                   Target level E*_T
=====================  ==========================================================================
base-year              ``E_base · (1 − p)``
fixed-level            ``L``; net zero is ``L`` = the residual allowed (removals disclosed apart)
base-year intensity    ``(E/X)_base · (1 − p) · X_T``, X = population or GDP
baseline scenario      ``E_BAU,T · (1 − p)``, with E_BAU,T **frozen at adoption** (stored in the target)
budget                 ``Σ_{t=base..T} E_t ≤ B``
=====================  ==========================================================================

Definitions used by :func:`evaluate`:

- **met**: the path's value in the target year is at most E*_T (budget: the cumulative sum, with years between
  path points interpolated linearly as in :func:`~zerocity.core.planning.budgets.cumulative_emissions`, is at most
  B). A
  relative tolerance of 1e-9 absorbs float rounding such as ``100 · (1 − 0.3) = 70.00000000000001``.
- **% achieved** (CDP's "percentage of target achieved"):
  ``(E_base − E_latest) / (E_base − E*_T) · 100``, where E_latest is the path's value in ``latest_year`` (the
  latest inventory; the target year when not given). Not defined (``None``) for budgets, or when the target
  level is not below the base (a baseline-scenario target may allow growth).
- **on track**: the compound-rate test of PLANNING §10, ``r_obs ≥ r_req`` with
  ``r_obs = 1 − (E_latest / E_base)^(1/(t_latest − t_base))`` and
  ``r_req = 1 − (E*_T / E_latest)^(1/(T − t_latest))``. A compound rate can never reach a level of zero or
  below, so for those (net zero) the linear test is used instead: E_latest is at or below the straight line from
  E_base to E*_T in ``latest_year``. ``on_track_method`` says which. ``None`` for budgets and when
  ``latest_year`` is the base year or the target year.

Check case (PLANNING §5, derived from Kaohsiung EPB headline figures): base 2005 66.14 Mt, 2023 49.52 Mt, target
−30 % by 2030 (46.298 Mt) → 83.8 % achieved; r_obs 1.59 %/yr ≥ r_req 0.96 %/yr, on track.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning.budgets import cumulative_emissions

MET_TOLERANCE = 1e-9  # relative; float rounding only, not a policy margin


class InvalidTarget(ZeroCityError):
    """A target that cannot be evaluated as stated (target year in the past, level above base, missing data)."""

    code = "invalid_target"


class TargetType(StrEnum):
    BASE_YEAR = "base_year"
    FIXED_LEVEL = "fixed_level"
    BASE_YEAR_INTENSITY = "base_year_intensity"
    BASELINE_SCENARIO = "baseline_scenario"
    BUDGET = "budget"


@dataclass(frozen=True)
class Target:
    """One target as adopted. Build it with the constructor functions below, which validate it."""

    type: TargetType
    base_year: int
    target_year: int
    reduction: float | None = None  # p, a fraction of base (or of BAU, or of base intensity)
    level_tco2e: float | None = None  # fixed-level L
    bau_tco2e: float | None = None  # baseline scenario: BAU in the target year, frozen at adoption
    adopted_year: int | None = None  # baseline scenario: when BAU was frozen
    budget_tco2e: float | None = None
    intensity_denominator: str | None = None  # "population" or "gdp"
    gases: tuple[str, ...] = ("CO2", "CH4", "N2O")
    gwp_set: str = "AR5"


def base_year_target(base_year: int, target_year: int, reduction: float) -> Target:
    """``E*_T = E_base · (1 − p)``; p must be in (0, 1]."""
    _check_years(base_year, target_year)
    _check_reduction(reduction)
    return Target(TargetType.BASE_YEAR, base_year, target_year, reduction=reduction)


def fixed_level_target(base_year: int, target_year: int, level_tco2e: float) -> Target:
    """``E*_T = L``; a level above base emissions is refused when the target is evaluated."""
    _check_years(base_year, target_year)
    _check_finite(level_tco2e, "level_tco2e")
    return Target(TargetType.FIXED_LEVEL, base_year, target_year, level_tco2e=level_tco2e)


def net_zero_target(base_year: int, target_year: int, residual_tco2e: float = 0.0) -> Target:
    """Net zero as a fixed level: gross emissions at most the residual allowed (removals and credits apart)."""
    if not residual_tco2e >= 0.0:
        raise InvalidTarget("a net-zero residual cannot be negative", residual_tco2e=residual_tco2e)
    return fixed_level_target(base_year, target_year, residual_tco2e)


def intensity_target(base_year: int, target_year: int, reduction: float, denominator: str) -> Target:
    """``E*_T = (E/X)_base · (1 − p) · X_T`` with X population or GDP."""
    _check_years(base_year, target_year)
    _check_reduction(reduction)
    if denominator not in ("population", "gdp"):
        raise InvalidTarget("an intensity target is per population or per gdp", denominator=denominator)
    return Target(
        TargetType.BASE_YEAR_INTENSITY, base_year, target_year, reduction=reduction, intensity_denominator=denominator
    )


def baseline_scenario_target(
    base_year: int, target_year: int, reduction: float, bau_tco2e: float, adopted_year: int
) -> Target:
    """``E*_T = E_BAU,T · (1 − p)`` with the BAU value frozen when the target was adopted.

    Re-running the BAU later (new GDP projections) must not move the target: that is how a revised BAU would
    silently inflate or deflate the claimed ambition.
    """
    _check_years(base_year, target_year)
    _check_reduction(reduction)
    if not bau_tco2e > 0.0:
        raise InvalidTarget("the frozen BAU value must be positive", bau_tco2e=bau_tco2e)
    if not base_year <= adopted_year < target_year:
        raise InvalidTarget(
            "the BAU is frozen at adoption, which lies between the base year and the target year",
            adopted_year=adopted_year,
        )
    return Target(
        TargetType.BASELINE_SCENARIO,
        base_year,
        target_year,
        reduction=reduction,
        bau_tco2e=bau_tco2e,
        adopted_year=adopted_year,
    )


def budget_target(start_year: int, end_year: int, budget_tco2e: float) -> Target:
    """``Σ_{t=start..end} E_t ≤ B``, both years inclusive."""
    _check_years(start_year, end_year)
    if not budget_tco2e > 0.0:
        raise InvalidTarget("a carbon budget must be positive", budget_tco2e=budget_tco2e)
    return Target(TargetType.BUDGET, start_year, end_year, budget_tco2e=budget_tco2e)


@dataclass(frozen=True)
class TargetResult:
    type: TargetType
    year: int  # target year
    target_tco2e: float  # E*_T (budget: B)
    projected_tco2e: float  # path value in the target year (budget: cumulative sum)
    met: bool
    percent_achieved: float | None
    on_track: bool | None
    on_track_method: str | None  # "compound-rate" or "linear"
    base_tco2e: float
    latest_year: int
    required_rate: float | None = None  # r_req of the compound-rate test
    observed_rate: float | None = None  # r_obs of the compound-rate test


def evaluate(
    target: Target,
    path_years: npt.ArrayLike,
    path_values: npt.ArrayLike,
    *,
    latest_year: int | None = None,
    today: int | None = None,
    base_tco2e: float | None = None,
    activity_by_year: Mapping[int, float] | None = None,
) -> TargetResult:
    """Evaluate ``target`` against an emissions path (observed then projected, tCO2e per year).

    ``base_tco2e`` overrides the path's base-year value (e.g. a recalculated base inventory). ``today`` rejects
    targets whose year has passed. ``activity_by_year`` gives X for intensity targets (base and target year).
    """
    if today is not None and target.target_year < today:
        raise InvalidTarget(
            f"the target year {target.target_year} is already in the past (today is {today})",
            target_year=target.target_year,
            today=today,
        )
    path = _path(path_years, path_values)
    latest = target.target_year if latest_year is None else latest_year
    if not target.base_year <= latest <= target.target_year:
        raise InvalidTarget(
            f"latest_year {latest} must lie between the base year {target.base_year} and the target year "
            f"{target.target_year}",
            latest_year=latest,
        )
    base = _value_in(path, target.base_year, "base year") if base_tco2e is None else base_tco2e
    if not base > 0.0:
        raise InvalidTarget("base-year emissions must be positive", base_tco2e=base)

    if target.type is TargetType.BUDGET:
        assert target.budget_tco2e is not None  # set by budget_target
        years = sorted(path)
        cumulative = cumulative_emissions(years, [path[y] for y in years], target.base_year, target.target_year)
        return TargetResult(
            type=target.type,
            year=target.target_year,
            target_tco2e=target.budget_tco2e,
            projected_tco2e=cumulative,
            met=_at_most(cumulative, target.budget_tco2e),
            percent_achieved=None,
            on_track=None,
            on_track_method=None,
            base_tco2e=base,
            latest_year=latest,
        )

    level = target_level(target, base, activity_by_year)
    projected = _value_in(path, target.target_year, "target year")
    latest_value = _value_in(path, latest, "latest year")
    on_track, method, r_req, r_obs = _on_track(target, base, latest, latest_value, level)
    return TargetResult(
        type=target.type,
        year=target.target_year,
        target_tco2e=level,
        projected_tco2e=projected,
        met=_at_most(projected, level),
        percent_achieved=percent_achieved(base, latest_value, level),
        on_track=on_track,
        on_track_method=method,
        base_tco2e=base,
        latest_year=latest,
        required_rate=r_req,
        observed_rate=r_obs,
    )


def target_level(target: Target, base_tco2e: float, activity_by_year: Mapping[int, float] | None = None) -> float:
    """E*_T for every type except budgets (PLANNING §5 table)."""
    if target.type is TargetType.BASE_YEAR:
        assert target.reduction is not None
        return base_tco2e * (1.0 - target.reduction)
    if target.type is TargetType.FIXED_LEVEL:
        assert target.level_tco2e is not None
        if target.level_tco2e >= base_tco2e:
            raise InvalidTarget(
                f"the fixed level {target.level_tco2e:g} tCO2e is not below base-year emissions {base_tco2e:g}; "
                "it is not a reduction target",
                level_tco2e=target.level_tco2e,
                base_tco2e=base_tco2e,
            )
        return target.level_tco2e
    if target.type is TargetType.BASE_YEAR_INTENSITY:
        assert target.reduction is not None
        if activity_by_year is None:
            raise InvalidTarget(f"an intensity target needs {target.intensity_denominator} by year")
        base_x = _activity(activity_by_year, target.base_year, target)
        target_x = _activity(activity_by_year, target.target_year, target)
        return base_tco2e / base_x * (1.0 - target.reduction) * target_x
    if target.type is TargetType.BASELINE_SCENARIO:
        assert target.reduction is not None and target.bau_tco2e is not None
        return target.bau_tco2e * (1.0 - target.reduction)
    raise InvalidTarget("a budget has no single-year level; evaluate it instead", type=target.type.value)


def percent_achieved(base_tco2e: float, latest_tco2e: float, target_tco2e: float) -> float | None:
    """``(E_base − E_latest) / (E_base − E*_T) · 100``; ``None`` when the target is not below the base."""
    required = base_tco2e - target_tco2e
    if required <= 0.0:
        return None
    return (base_tco2e - latest_tco2e) / required * 100.0


def compound_rates(
    base_year: int, base_tco2e: float, latest_year: int, latest_tco2e: float, target_year: int, target_tco2e: float
) -> tuple[float, float]:
    """``(r_obs, r_req)`` of PLANNING §10; needs positive emissions and base < latest < target."""
    if not (base_tco2e > 0.0 and latest_tco2e > 0.0 and target_tco2e > 0.0):
        raise InvalidTarget("compound rates need positive base, latest and target emissions")
    if not base_year < latest_year < target_year:
        raise InvalidTarget("compound rates need base year < latest year < target year", latest_year=latest_year)
    observed = 1.0 - (latest_tco2e / base_tco2e) ** (1.0 / (latest_year - base_year))
    required = 1.0 - (target_tco2e / latest_tco2e) ** (1.0 / (target_year - latest_year))
    return observed, required


def _on_track(
    target: Target, base: float, latest_year: int, latest_value: float, level: float
) -> tuple[bool | None, str | None, float | None, float | None]:
    if not target.base_year < latest_year < target.target_year:
        return None, None, None, None
    if level > 0.0 and latest_value > 0.0:
        observed, required = compound_rates(
            target.base_year, base, latest_year, latest_value, target.target_year, level
        )
        return observed >= required, "compound-rate", required, observed
    share = (latest_year - target.base_year) / (target.target_year - target.base_year)
    straight_line = base + (level - base) * share
    return _at_most(latest_value, straight_line), "linear", None, None


def _at_most(value: float, limit: float) -> bool:
    return value <= limit + MET_TOLERANCE * max(abs(limit), abs(value))


def _activity(activity_by_year: Mapping[int, float], year: int, target: Target) -> float:
    if year not in activity_by_year:
        raise InvalidTarget(f"the intensity target needs {target.intensity_denominator} for {year}", year=year)
    value = activity_by_year[year]
    if not value > 0.0:
        raise InvalidTarget(f"{target.intensity_denominator} for {year} must be positive", year=year)
    return value


def _path(years: npt.ArrayLike, values: npt.ArrayLike) -> dict[int, float]:
    year_array = np.atleast_1d(np.asarray(years))
    value_array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if year_array.ndim != 1 or year_array.shape != value_array.shape:
        raise InvalidTarget("path_years and path_values must be 1-D arrays of the same length")
    if not np.all(np.isfinite(value_array)):
        raise InvalidTarget("path values must be finite numbers")
    if year_array.size and not np.all(year_array == np.round(year_array)):
        raise InvalidTarget("path years must be whole years")
    if np.any(np.diff(year_array) <= 0):
        raise InvalidTarget("path years must be strictly increasing")
    return {int(year): float(value) for year, value in zip(year_array, value_array, strict=True)}


def _value_in(path: Mapping[int, float], year: int, what: str) -> float:
    if year not in path:
        raise InvalidTarget(f"the emissions path has no value for the {what} {year}", year=year)
    return path[year]


def _check_years(base_year: int, target_year: int) -> None:
    if target_year <= base_year:
        raise InvalidTarget(
            f"the target year {target_year} must come after the base year {base_year}",
            base_year=base_year,
            target_year=target_year,
        )


def _check_reduction(reduction: float) -> None:
    if not 0.0 < reduction <= 1.0:
        raise InvalidTarget(
            f"a reduction must be a fraction in (0, 1], got {reduction}; a target above the base is not a "
            "reduction target (use a fraction such as 0.3 for −30 %)",
            reduction=reduction,
        )


def _check_finite(value: float, name: str) -> None:
    if not np.isfinite(value):
        raise InvalidTarget(f"{name} must be a finite number", name=name)
