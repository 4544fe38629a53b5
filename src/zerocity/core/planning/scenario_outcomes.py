"""What a scenario run reports besides the pathway (steps 5–6 of :mod:`~zerocity.core.planning.scenario`): targets
on the plan and per Monte Carlo draw, the MACC and cost by payer, and the Sobol sensitivity of the plan's emissions.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zerocity.core.planning import costs, montecarlo, sensitivity, targets
from zerocity.core.planning.scenario_evaluation import _evaluate, _Evaluation
from zerocity.core.planning.scenario_model import (
    MAX_SOBOL_RUNS,
    FloatArray,
    IntArray,
    InvalidScenario,
    Scenario,
    ScenarioTarget,
    SensitivityOutcome,
)


def sensitivity_year(scenario: Scenario) -> int:
    """The year whose plan emissions the Sobol indices explain (see :class:`SensitivitySettings`)."""
    if scenario.sensitivity.year is not None:
        return scenario.sensitivity.year
    single = [t.target.target_year for t in scenario.targets if t.target.type is not targets.TargetType.BUDGET]
    if single:
        return single[0]
    return 2030 if scenario.base_year <= 2030 <= scenario.end_year else scenario.end_year


def _sensitivity(scenario: Scenario, draws: int, seed: int) -> SensitivityOutcome | None:
    """Sobol indices (SALib, PLANNING.md §9) of the plan's emissions in the sensitivity year, ranked by total index.

    Run alongside Monte Carlo only (draws > 0), on the same distributions and seed; the model is evaluated once
    over all N·(D + 2) Saltelli points.
    """
    settings = scenario.sensitivity
    if not settings.enabled:
        return None
    year = sensitivity_year(scenario)
    if draws == 0:
        return SensitivityOutcome(year, None, "no Monte Carlo run (draws = 0)")
    if len(scenario.uncertain) < 2:
        return SensitivityOutcome(year, None, "Sobol indices need at least two uncertain inputs")
    samples = settings.base_samples
    while samples * (len(scenario.uncertain) + 2) > MAX_SOBOL_RUNS and samples > 2:
        samples //= 2
    if samples * (len(scenario.uncertain) + 2) > MAX_SOBOL_RUNS:
        return SensitivityOutcome(year, None, f"too many uncertain inputs for {MAX_SOBOL_RUNS:,} model runs")
    index = year - scenario.base_year

    def emissions_in_year(inputs: montecarlo.Draws) -> FloatArray:
        rows = next(iter(inputs.values())).shape[0]
        plan = np.broadcast_to(_evaluate(scenario, inputs).plan, (rows, scenario.years.size))
        return np.asarray(plan[:, index], dtype=np.float64)

    try:
        result = sensitivity.sobol_indices(emissions_in_year, scenario.uncertain, samples, seed)
    except sensitivity.InvalidSensitivityInput as exc:
        return SensitivityOutcome(year, None, exc.reason)
    return SensitivityOutcome(year, result)


def _label(entry: ScenarioTarget, index: int) -> str:
    return entry.label or f"{entry.target.type.value} {entry.target.target_year} (#{index + 1})"


def _evaluate_target(entry: ScenarioTarget, years: IntArray, plan: FloatArray, bau: FloatArray) -> targets.TargetResult:
    """The target on the plan; its base is the stated base emissions or the BAU (the inventory) in its base year.

    The plan's own base-year value would be wrong as a base: an action already under way in the base year (a
    logistic tail) would lower the base and so the target level.
    """
    target = entry.target
    latest = max(target.base_year, int(years[0]))
    base = entry.base_t_co2e
    if base is None and target.type is not targets.TargetType.BUDGET:
        base = float(bau[int(np.flatnonzero(years == target.base_year)[0])])
    try:
        return targets.evaluate(target, years, plan, latest_year=latest, base_tco2e=base)
    except targets.InvalidTarget as exc:
        raise InvalidScenario(f"targets.{_label(entry, 0)}", exc.message) from None


def _level_per_draw(
    entry: ScenarioTarget, outcome: targets.TargetResult, years: IntArray, frozen: FloatArray
) -> float | FloatArray:
    """The target level in each draw. A base-year target measured from the inventory (the frozen BAU in its base
    year) moves with that base when base-year emissions are uncertain: its level is ``E_base,d · (1 − p)``, so a
    draw is judged against its own base. Every other level is fixed when the target is adopted (fixed level, net
    zero, budget, stated base, baseline scenario frozen at adoption)."""
    target = entry.target
    if target.type is not targets.TargetType.BASE_YEAR or entry.base_t_co2e is not None:
        return outcome.target_tco2e
    assert target.reduction is not None  # base_year_target sets it
    base = frozen[:, int(np.flatnonzero(years == target.base_year)[0])]
    return np.asarray(base * (1.0 - target.reduction), dtype=np.float64)


def _met_per_draw(
    outcome: targets.TargetResult, years: IntArray, emissions: FloatArray, level: float | FloatArray
) -> npt.NDArray[np.bool_]:
    limit = level * (1.0 + targets.MET_TOLERANCE)
    if outcome.type is targets.TargetType.BUDGET:
        # Budget period: base_year … target year, which evaluate() checked against the path.
        start = int(np.flatnonzero(years == max(outcome.latest_year, int(years[0])))[0])
        stop = int(np.flatnonzero(years == outcome.year)[0])
        return np.asarray(emissions[:, start : stop + 1].sum(axis=1) <= limit)
    return np.asarray(emissions[:, int(np.flatnonzero(years == outcome.year)[0])] <= limit)


def _costs(scenario: Scenario, ev: _Evaluation) -> tuple[costs.MaccBars | None, costs.PayerCosts | None, int | None]:
    costed = [a for a in scenario.actions if a.costs is not None]
    if not costed:
        return None, None, None
    rate = scenario.discount_rate
    if rate is None:
        raise InvalidScenario("costs.discount_rate", "actions have costs: state the discount rate")
    year = scenario.macc_year or min(scenario.base_year + 10, scenario.end_year)
    index = int(year - scenario.base_year)
    ids: list[str] = []
    macs: list[float] = []
    widths: list[float] = []
    for action in costed:
        assert action.costs is not None
        abatement = float(ev.ordered_wedges[action.action_id][index])
        if abatement <= 0:
            continue  # no cost per tonne without tonnes; the action still appears in cost by payer
        ids.append(action.action_id)
        macs.append(costs.static_mac(action.costs, abatement, rate))
        widths.append(abatement)
    macc = costs.macc_bars(ids, macs, widths) if ids else None
    payer = costs.cost_by_payer([a.costs for a in costed if a.costs is not None], rate)
    return macc, payer, year
