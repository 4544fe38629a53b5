"""The 1.5 °C reference tests of a plan (PLANNING.md §6): SR1.5, Race to Zero, AR6 and a city carbon budget.

Applied to a scenario's plan path, from the dated, sourced parameters of ``data/planning/carbon_budgets.csv``:

- **IPCC SR1.5** (SPM C.1): net CO2 at least 45 % below 2010 by 2030, only where the city's 2010 CO2 is known
  (inside the scenario's years, or given as ``co2_2010_t``);
- **UNFCCC Race to Zero**: halving by 2030 against the scenario's base year (the base inventory, i.e. the BAU in
  that year, never the plan's own value);
- **IPCC AR6 WGIII** (SPM C.1): GHG 43 % below 2019 by 2030, where 2019 is known;
- **a city carbon budget** ``B_c`` from a global remaining budget by per capita, grandfathering or a blend, with
  the plan's cumulative CO2 from the budget's start year to 2050 against it, the constant yearly cut
  ``r = E₀ / B_c`` that would keep within it (Tyndall), the straight line to zero that uses it exactly, and,
  with Monte Carlo draws, P(budget exceeded).

These tests concern CO2 (AR6: all GHG). A city inventory is in CO2e, so ``co2_share`` (CO2 / CO2e) converts; left
at 1, the plan's CO2e stands in for CO2 and the outputs say so. Taiwan is not a UNFCCC party: every figure here is
a *reference point* with high uncertainty, not a negotiated obligation, and reports must label it that way.
Nothing here raises for missing data: a test that cannot be applied says why (``unavailable``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import budgets
from zerocity.core.planning.budgets import AllocationRule, ReferenceParameter

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SR15 = "sr15-co2-2030-vs-2010"
RACE_TO_ZERO = "race-to-zero-halve-2030"
AR6_GHG = "ar6-wg3-ghg-2030-vs-2019"
DEFAULT_BUDGET = "ar6-wg1-1p5c-50"
BUDGET_END_YEAR = 2050  # "cumulative emissions to 2050" (issue 4); net zero around 2050 in SR1.5


@dataclass(frozen=True)
class Settings:
    """The plan's choices for the tests (``[one_point_five]`` in a scenario file)."""

    budget_id: str = DEFAULT_BUDGET
    rule: AllocationRule = AllocationRule.PER_CAPITA
    population_weight: float | None = None  # w of the blended rule
    co2_share: float = 1.0  # CO2 / CO2e of the city's emissions
    co2_share_stated: bool = False  # False: CO2e stands in for CO2
    co2_2010_t: float | None = None
    ghg_2019_t_co2e: float | None = None
    #: The city's population in the allocation year; None: the scenario's ``population`` driver.
    population: float | None = None
    #: The city's CO2 in the allocation year (grandfathering); None: the scenario's BAU in that year.
    allocation_co2_t: float | None = None


class InvalidOnePointFive(ZeroCityError):
    code = "invalid_one_point_five"

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}", parameter=parameter, reason=reason)
        self.parameter = parameter
        self.reason = reason


def check_settings(settings: Settings) -> None:
    """Raise :class:`InvalidOnePointFive` naming the key of a setting that cannot be used."""
    try:
        parameter = budgets.reference_parameter(settings.budget_id)
    except budgets.UnknownReferenceParameter as exc:
        raise InvalidOnePointFive("budget", exc.message) from None
    if parameter.kind != "global_co2_budget":
        raise InvalidOnePointFive("budget", f"{settings.budget_id} is not a global CO2 budget")
    if not 0.0 < settings.co2_share <= 1.0:
        raise InvalidOnePointFive("co2_share", f"CO2 / CO2e must lie in (0, 1], got {settings.co2_share}")
    if settings.rule is AllocationRule.BLENDED and (
        settings.population_weight is None or not 0.0 <= settings.population_weight <= 1.0
    ):
        raise InvalidOnePointFive("population_weight", "a blended allocation needs a weight between 0 and 1")
    for name in ("co2_2010_t", "ghg_2019_t_co2e", "population", "allocation_co2_t"):
        value = getattr(settings, name)
        if value is not None and not (np.isfinite(value) and value > 0):
            raise InvalidOnePointFive(name, f"must be a positive number, got {value}")


@dataclass(frozen=True)
class MilestoneOutcome:
    """One reduction milestone: the test applied, or why it could not be."""

    parameter_id: str
    source: str
    test: budgets.ReductionTest | None
    unavailable: str = ""
    #: Why not, for translations: base_unknown, no_target_year or not_applicable.
    reason_code: str = ""


@dataclass(frozen=True)
class BudgetOutcome:
    parameter: ReferenceParameter
    rule: AllocationRule
    allocation_year: int | None
    allocation: budgets.CityBudget | None
    check: budgets.BudgetCheck | None
    first_year_tco2: float | None
    constant_annual_cut: float | None  # r = E₀ / B_c
    linear: budgets.LinearCut | None
    p_exceeded: float | None
    unavailable: str = ""  # why the budget could not be assessed
    #: The same for translations: no_world_data, population_unknown, emissions_unknown, allocation_error or
    #: period_outside.
    reason_code: str = ""
    cut_note: str = ""  # why no constant cut or straight line can keep within it (budget < one year's CO2)


@dataclass(frozen=True)
class OnePointFive:
    co2_share: float
    co2_share_stated: bool
    tests: tuple[MilestoneOutcome, ...]
    budget: BudgetOutcome


def _value(years: IntArray, path: FloatArray, year: int) -> float | None:
    hits = np.flatnonzero(years == year)
    return float(path[hits[0]]) if hits.size else None


def _reduction(
    parameter_id: str, base_year: int, base: float | None, projected: float | None, base_missing: str
) -> MilestoneOutcome:
    parameter = budgets.reference_parameter(parameter_id)
    if projected is None:
        return MilestoneOutcome(
            parameter_id, parameter.source, None, "the scenario does not reach 2030", "no_target_year"
        )
    if base is None:
        return MilestoneOutcome(parameter_id, parameter.source, None, base_missing, "base_unknown")
    try:
        test = budgets.reduction_test(parameter_id, base_year, base, projected)
    except budgets.BudgetError as exc:
        return MilestoneOutcome(parameter_id, parameter.source, None, exc.message, "not_applicable")
    return MilestoneOutcome(parameter_id, parameter.source, test)


def _world(kind: str) -> ReferenceParameter | None:
    rows = [p for p in budgets.reference_parameters() if p.kind == kind]
    return rows[-1] if rows else None


def assess(
    settings: Settings,
    years: IntArray,
    plan_t_co2e: FloatArray,
    bau_t_co2e: FloatArray,
    *,
    population_at: Callable[[int], float | None],
    plan_draws_t_co2e: FloatArray | None = None,
) -> OnePointFive:
    """Every 1.5 °C reference test on the plan (``plan_t_co2e``) of a scenario over ``years``.

    ``bau_t_co2e`` is the frozen BAU, whose base-year value is the base inventory. ``population_at(year)`` gives the
    city's population from the scenario's drivers (None outside them). ``plan_draws_t_co2e`` (draws, years) gives
    P(budget exceeded).
    """
    share = settings.co2_share
    co2 = plan_t_co2e * share
    base_year = int(years[0])
    tests = [
        _reduction(
            SR15,
            2010,
            settings.co2_2010_t or _value(years, bau_t_co2e * share, 2010),
            _value(years, co2, 2030),
            "the city's 2010 CO2 is not known: give co2_2010_t",
        ),
        _reduction(
            RACE_TO_ZERO,
            base_year,
            float(bau_t_co2e[0]) * share,
            _value(years, co2, 2030),
            "",
        ),
        _reduction(
            AR6_GHG,
            2019,
            settings.ghg_2019_t_co2e or _value(years, bau_t_co2e, 2019),
            _value(years, plan_t_co2e, 2030),
            "the city's 2019 GHG emissions are not known: give ghg_2019_t_co2e",
        ),
    ]
    return OnePointFive(
        co2_share=share,
        co2_share_stated=settings.co2_share_stated,
        tests=tuple(tests),
        budget=_budget(settings, years, co2, bau_t_co2e * share, population_at, plan_draws_t_co2e),
    )


def _budget(
    settings: Settings,
    years: IntArray,
    co2: FloatArray,
    bau_co2: FloatArray,
    population_at: Callable[[int], float | None],
    plan_draws_t_co2e: FloatArray | None,
) -> BudgetOutcome:
    parameter = budgets.reference_parameter(settings.budget_id)
    world_population = _world("world_population")
    allocation_year = world_population.base_year if world_population else None

    def unavailable(code: str, reason: str, allocation: budgets.CityBudget | None = None) -> BudgetOutcome:
        return BudgetOutcome(
            parameter, settings.rule, allocation_year, allocation, None, None, None, None, None, reason, code
        )

    if world_population is None or allocation_year is None:
        return unavailable("no_world_data", "no world population on file to allocate the budget")
    population = settings.population or population_at(allocation_year)
    if population is None:
        return unavailable(
            "population_unknown",
            f"the city's population in {allocation_year} is not known: add a population driver covering "
            f"{allocation_year} or give population",
        )
    world_emissions = _world("world_co2_emissions")
    city_co2 = settings.allocation_co2_t or _value(years, bau_co2, allocation_year)
    weight = {AllocationRule.PER_CAPITA: 1.0, AllocationRule.GRANDFATHERING: 0.0}.get(
        settings.rule, settings.population_weight
    )
    if weight is not None and weight < 1.0 and (city_co2 is None or world_emissions is None):
        return unavailable(
            "emissions_unknown",
            f"the {settings.rule.value} rule needs the city's CO2 in {allocation_year}: give allocation_co2_t",
        )
    try:
        allocation = budgets.allocate_city_budget(
            parameter.value_tonnes,
            settings.rule,
            city_population=population,
            world_population=world_population.value,
            city_emissions_tco2=city_co2,
            world_emissions_tco2=None if world_emissions is None else world_emissions.value_tonnes,
            population_weight=settings.population_weight,
        )
    except budgets.BudgetError as exc:
        return unavailable("allocation_error", exc.message)
    start = parameter.base_year if parameter.base_year is not None else int(years[0])
    if start < int(years[0]) or int(years[-1]) < BUDGET_END_YEAR:
        return unavailable(
            "period_outside",
            f"the budget counts from {start} to {BUDGET_END_YEAR}, the scenario covers {int(years[0])}–"
            f"{int(years[-1])}; choose a budget that starts within it",
            allocation,
        )
    check = budgets.check_budget(years, co2, allocation.budget_tco2, start, BUDGET_END_YEAR)
    first = _value(years, co2, start)
    assert first is not None  # start lies within the years
    rate: float | None = None
    linear: budgets.LinearCut | None = None
    note = ""
    try:
        rate = budgets.constant_rate_for_budget(first, allocation.budget_tco2)
        linear = budgets.linear_cut_for_budget(first, allocation.budget_tco2, start)
    except budgets.BudgetError as exc:
        note = exc.message
    p_exceeded: float | None = None
    if plan_draws_t_co2e is not None:
        first_index = int(np.flatnonzero(years == start)[0])
        last_index = int(np.flatnonzero(years == BUDGET_END_YEAR)[0])
        cumulative = plan_draws_t_co2e[:, first_index : last_index + 1].sum(axis=1) * settings.co2_share
        p_exceeded = float(np.mean(cumulative > allocation.budget_tco2))
    return BudgetOutcome(
        parameter=parameter,
        rule=settings.rule,
        allocation_year=allocation_year,
        allocation=allocation,
        check=check,
        first_year_tco2=first,
        constant_annual_cut=rate,
        linear=linear,
        p_exceeded=p_exceeded,
        cut_note=note,
    )
