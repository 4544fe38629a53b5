"""City carbon budgets and the 1.5 °C reference tests (PLANNING.md §6).

A city budget is derived from a dated, sourced global remaining CO2 budget (``data/planning/carbon_budgets.csv``)
by a rule the user sees and can change: per capita ``B_c = B · P_c / P_ref``, grandfathering
``B_c = B · E_c / E_ref`` or a blend ``B_c = B · [w · P_c/P_ref + (1 − w) · E_c/E_ref]``. Taiwan is not a UNFCCC
party, so no negotiated share exists; these are *reference points* with high uncertainty (a 2023 review of
C40 Deadline 2020, WWF OPCC and Tyndall calls them so), and reports must label them that way and show the
budget's vintage, likelihood and source.

The reduction tests compare a city's own path with global pathway milestones: net CO2 −45 % by 2030 against 2010
(IPCC SR1.5 SPM C.1) and halving by 2030 against the participant's base year (Race to Zero). They concern CO2 (or
the gases the milestone names); the caller passes the matching emissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import numpy as np
import numpy.typing as npt

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import InvalidData, ZeroCityError

BUDGETS_FILE = "planning/carbon_budgets.csv"
TONNES_PER_GIGATONNE = 1e9  # unit conversion, not a reference value


class BudgetError(ZeroCityError):
    """A budget or reduction test that cannot be computed from the inputs given."""

    code = "carbon_budget"


class UnknownReferenceParameter(ZeroCityError):
    code = "unknown_reference_parameter"


class AllocationRule(StrEnum):
    PER_CAPITA = "per_capita"
    GRANDFATHERING = "grandfathering"
    BLENDED = "blended"


@dataclass(frozen=True)
class ReferenceParameter:
    """One row of ``carbon_budgets.csv``: a global budget, a world total or a reduction milestone, with its source."""

    parameter_id: str
    kind: str  # global_co2_budget, world_population, world_co2_emissions, reduction_test
    value: float
    unit: str
    base_year: int | None  # budget counted from 1 January of this year; base of a reduction test
    target_year: int | None
    likelihood: float | None  # probability of staying below temperature_c
    temperature_c: float | None
    source: str
    year: int  # publication year
    status: str
    notes: str

    @property
    def value_tonnes(self) -> float:
        """The value in tonnes when the unit is GtCO2 (budgets and world emissions)."""
        if self.unit != "GtCO2":
            raise BudgetError(f"{self.parameter_id} is in {self.unit}, not GtCO2", parameter_id=self.parameter_id)
        return self.value * TONNES_PER_GIGATONNE


@cache
def reference_parameters() -> tuple[ReferenceParameter, ...]:
    """Every row of the bundled carbon-budget file, in file order."""
    parameters = []
    for number, row in enumerate(read_bundled_csv(BUDGETS_FILE), start=2):
        try:
            parameters.append(
                ReferenceParameter(
                    parameter_id=row["parameter_id"],
                    kind=row["kind"],
                    value=float(row["value"]),
                    unit=row["unit"],
                    base_year=_optional_int(row["base_year"]),
                    target_year=_optional_int(row["target_year"]),
                    likelihood=_optional_float(row["likelihood"]),
                    temperature_c=_optional_float(row["temperature_c"]),
                    source=row["source"],
                    year=int(row["year"]),
                    status=row["status"],
                    notes=row["notes"],
                )
            )
        except (KeyError, ValueError) as error:
            raise InvalidData(f"{BUDGETS_FILE}, row {number}: {error}", path=BUDGETS_FILE, row=number) from None
    return tuple(parameters)


def reference_parameter(parameter_id: str) -> ReferenceParameter:
    for parameter in reference_parameters():
        if parameter.parameter_id == parameter_id:
            return parameter
    known = ", ".join(p.parameter_id for p in reference_parameters())
    raise UnknownReferenceParameter(
        f"unknown carbon-budget parameter {parameter_id!r}; choose one of {known}", parameter_id=parameter_id
    )


def global_budgets() -> tuple[ReferenceParameter, ...]:
    """The global remaining CO2 budgets on file (each with its start year, likelihood and source)."""
    return tuple(p for p in reference_parameters() if p.kind == "global_co2_budget")


@dataclass(frozen=True)
class CityBudget:
    budget_tco2: float
    rule: AllocationRule
    population_weight: float  # w: 1 for per capita, 0 for grandfathering
    population_share: float  # P_c / P_ref
    emissions_share: float | None  # E_c / E_ref
    global_budget_tco2: float


def allocate_city_budget(
    global_budget_tco2: float,
    rule: AllocationRule,
    *,
    city_population: float,
    world_population: float,
    city_emissions_tco2: float | None = None,
    world_emissions_tco2: float | None = None,
    population_weight: float | None = None,
) -> CityBudget:
    """The city's share ``B_c`` of a global budget ``B`` by per capita, grandfathering or a blend (PLANNING §6).

    Populations and emissions must refer to the same allocation year (normally the budget's start year). The blend
    needs ``population_weight`` w in [0, 1]; per capita is w = 1 and grandfathering w = 0.
    """
    _positive(global_budget_tco2, "global_budget_tco2")
    _positive(world_population, "world_population")
    _non_negative(city_population, "city_population")
    if city_population > world_population:
        raise BudgetError("the city population exceeds the world population", city=city_population)
    weight = {AllocationRule.PER_CAPITA: 1.0, AllocationRule.GRANDFATHERING: 0.0}.get(rule, population_weight)
    if weight is None or not 0.0 <= weight <= 1.0:
        raise BudgetError(
            "a blended allocation needs a population_weight between 0 and 1", population_weight=population_weight
        )
    population_share = city_population / world_population
    emissions_share: float | None = None
    if weight < 1.0:
        if city_emissions_tco2 is None or world_emissions_tco2 is None:
            raise BudgetError(
                f"the {rule.value} rule needs city_emissions_tco2 and world_emissions_tco2 for the allocation year",
                rule=rule.value,
            )
        _positive(world_emissions_tco2, "world_emissions_tco2")
        _non_negative(city_emissions_tco2, "city_emissions_tco2")
        emissions_share = city_emissions_tco2 / world_emissions_tco2
    share = weight * population_share + (1.0 - weight) * (emissions_share or 0.0)
    return CityBudget(
        budget_tco2=global_budget_tco2 * share,
        rule=rule,
        population_weight=weight,
        population_share=population_share,
        emissions_share=emissions_share,
        global_budget_tco2=global_budget_tco2,
    )


def cumulative_emissions(years: npt.ArrayLike, values: npt.ArrayLike, start_year: int, end_year: int) -> float:
    """Σ of annual emissions for ``start_year``…``end_year`` inclusive.

    Years missing between the path's points (a projection every five years) are filled by linear interpolation;
    the path must cover both ends, never extrapolated.
    """
    year_array, value_array = _path(years, values)
    if end_year < start_year:
        raise BudgetError("end_year is before start_year", start_year=start_year, end_year=end_year)
    if start_year < year_array[0] or end_year > year_array[-1]:
        raise BudgetError(
            f"the path covers {int(year_array[0])}–{int(year_array[-1])} but the budget period is "
            f"{start_year}–{end_year}; it is never extrapolated",
            start_year=start_year,
            end_year=end_year,
        )
    annual = np.interp(np.arange(start_year, end_year + 1, dtype=np.float64), year_array, value_array)
    return float(annual.sum())


@dataclass(frozen=True)
class BudgetCheck:
    start_year: int
    end_year: int
    cumulative_tco2: float
    budget_tco2: float
    met: bool  # cumulative ≤ budget
    share_of_budget: float  # cumulative / budget


def check_budget(
    years: npt.ArrayLike, values: npt.ArrayLike, budget_tco2: float, start_year: int, end_year: int
) -> BudgetCheck:
    """Cumulative emissions of a path over the budget period against the city budget ``B_c``."""
    _positive(budget_tco2, "budget_tco2")
    cumulative = cumulative_emissions(years, values, start_year, end_year)
    return BudgetCheck(
        start_year=start_year,
        end_year=end_year,
        cumulative_tco2=cumulative,
        budget_tco2=budget_tco2,
        met=cumulative <= budget_tco2,
        share_of_budget=cumulative / budget_tco2,
    )


def constant_rate_for_budget(first_year_tco2: float, budget_tco2: float) -> float:
    """The constant yearly cut r that keeps ``E_t = E₀ (1 − r)^(t − t0)`` within budget B: ``r = E₀ / B``.

    The geometric series ``Σ_{k≥0} E₀ (1 − r)^k = E₀ / r`` is exact for an endless horizon starting with E₀
    (the Tyndall Centre's "cut r % a year" rule). A budget smaller than one year's emissions cannot be met.
    """
    _positive(first_year_tco2, "first_year_tco2")
    _positive(budget_tco2, "budget_tco2")
    if budget_tco2 < first_year_tco2:
        raise BudgetError(
            "the budget is smaller than one year of current emissions; no constant cut can meet it",
            first_year_tco2=first_year_tco2,
            budget_tco2=budget_tco2,
        )
    return first_year_tco2 / budget_tco2


def constant_rate_path(first_year_tco2: float, rate: float, start_year: int, end_year: int) -> npt.NDArray[np.float64]:
    """``E_t = E₀ (1 − r)^(t − t0)`` for ``start_year``…``end_year``."""
    if not 0.0 <= rate <= 1.0:
        raise BudgetError("the yearly cut must lie between 0 and 1", rate=rate)
    elapsed = np.arange(end_year - start_year + 1, dtype=np.float64)
    return np.asarray(first_year_tco2 * (1.0 - rate) ** elapsed, dtype=np.float64)


@dataclass(frozen=True)
class LinearCut:
    start_year: int
    zero_year: float  # T, when the straight line reaches zero
    annual_cut_tco2: float  # E₀ / (T − t0), tonnes less each year
    annual_cut_share: float  # the same as a share of E₀


def linear_cut_for_budget(first_year_tco2: float, budget_tco2: float, start_year: int) -> LinearCut:
    """The straight line from E₀ in ``start_year`` to zero in year T that uses budget B exactly.

    ``E_t = E₀ (T − t)/(T − t0)`` summed over t0…T gives ``B = E₀ (T − t0 + 1)/2`` (PLANNING §6), so
    ``T − t0 = 2B/E₀ − 1`` and the yearly cut is ``E₀ / (T − t0)``.
    """
    _positive(first_year_tco2, "first_year_tco2")
    _positive(budget_tco2, "budget_tco2")
    if budget_tco2 < first_year_tco2:
        raise BudgetError(
            "the budget is smaller than one year of current emissions; no straight line can meet it",
            first_year_tco2=first_year_tco2,
            budget_tco2=budget_tco2,
        )
    years_to_zero = 2.0 * budget_tco2 / first_year_tco2 - 1.0
    return LinearCut(
        start_year=start_year,
        zero_year=start_year + years_to_zero,
        annual_cut_tco2=first_year_tco2 / years_to_zero,
        annual_cut_share=1.0 / years_to_zero,
    )


@dataclass(frozen=True)
class ReductionTest:
    """One 1.5 °C milestone applied to the city: a *reference point*, not a negotiated obligation."""

    parameter_id: str
    source: str
    base_year: int
    target_year: int
    base_tco2: float
    required_reduction: float  # fraction of base
    target_tco2: float  # base · (1 − required)
    projected_tco2: float
    achieved_reduction: float  # 1 − projected / base
    met: bool  # projected ≤ target


def reduction_test(parameter_id: str, base_year: int, base_tco2: float, projected_tco2: float) -> ReductionTest:
    """Apply the milestone ``parameter_id`` (a ``reduction_test`` row) to the city's base and target-year emissions.

    A milestone with a fixed base year (SR1.5: 2010) refuses any other base year.
    """
    parameter = reference_parameter(parameter_id)
    if parameter.kind != "reduction_test" or parameter.target_year is None:
        raise BudgetError(f"{parameter_id} is not a reduction test", parameter_id=parameter_id)
    if parameter.base_year is not None and base_year != parameter.base_year:
        raise BudgetError(
            f"{parameter_id} is measured against {parameter.base_year}, not {base_year}",
            parameter_id=parameter_id,
            base_year=base_year,
        )
    _positive(base_tco2, "base_tco2")
    target = base_tco2 * (1.0 - parameter.value)
    return ReductionTest(
        parameter_id=parameter_id,
        source=parameter.source,
        base_year=base_year,
        target_year=parameter.target_year,
        base_tco2=base_tco2,
        required_reduction=parameter.value,
        target_tco2=target,
        projected_tco2=projected_tco2,
        achieved_reduction=1.0 - projected_tco2 / base_tco2,
        met=projected_tco2 <= target,
    )


def sr15_test(co2_2010_t: float, co2_2030_t: float) -> ReductionTest:
    """Net CO2 at least 45 % below 2010 by 2030 (IPCC SR1.5 SPM C.1)."""
    return reduction_test("sr15-co2-2030-vs-2010", 2010, co2_2010_t, co2_2030_t)


def race_to_zero_test(base_year: int, base_co2_t: float, co2_2030_t: float) -> ReductionTest:
    """Halving by 2030 against the participant's own base year (UNFCCC Race to Zero interim-target criterion)."""
    return reduction_test("race-to-zero-halve-2030", base_year, base_co2_t, co2_2030_t)


def _path(years: npt.ArrayLike, values: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    year_array = np.atleast_1d(np.asarray(years, dtype=np.float64))
    value_array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if year_array.ndim != 1 or year_array.shape != value_array.shape or year_array.size == 0:
        raise BudgetError("years and values must be 1-D arrays of the same non-zero length")
    if not (np.all(np.isfinite(year_array)) and np.all(np.isfinite(value_array))):
        raise BudgetError("years and values must be finite numbers")
    if np.any(np.diff(year_array) <= 0):
        raise BudgetError("path years must be strictly increasing")
    return year_array, value_array


def _positive(value: float, name: str) -> None:
    if not value > 0.0:
        raise BudgetError(f"{name} must be positive, got {value}", name=name, value=value)


def _non_negative(value: float, name: str) -> None:
    if not value >= 0.0:
        raise BudgetError(f"{name} must not be negative, got {value}", name=name, value=value)


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _optional_float(text: str) -> float | None:
    return float(text) if text else None
