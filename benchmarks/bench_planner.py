"""Planner benchmark: Monte Carlo over a whole scenario, vectorised, beside a naive per-draw loop.

    .venv/bin/python benchmarks/bench_planner.py [--draws 10000] [--actions 30] [--cities 100] [--city-draws 1000]
                                                 [--naive-draws 100] [--workers 2] [--executor process|thread|dask]

(1) One city: a synthetic scenario with ``--actions`` actions (logistic curves whose p_max, k, t_mid and effect
are uncertain) on ten pools, base year 2024 to 2050, two targets; ``zerocity.core.planning.scenario.run`` with
``--draws`` draws evaluates the whole model once over all draws (the Sobol analysis, which runs with Monte Carlo
by default, is switched off here and timed on its own as (4)). (2) The baseline in the same process: the naive
way, one deterministic run per draw with that draw's values substituted, for ``--naive-draws`` draws, reported
per draw and extrapolated. (3) Many cities: ``--cities`` scenarios × ``--city-draws`` draws through
``zerocity.core.planning.executors`` (a process pool by default; ``--executor dask`` needs dask) with ``--workers``
workers. (4) Sobol sensitivity of the one-city scenario (its default base samples, capped by the run budget).
Peak memory is the process's VmHWM (children for (3)).

Targets (issue 4, 2 cores): one city 10,000 draws under 2 s, at least 50× the naive loop, under 1 GB.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from dataclasses import replace

import numpy as np

from zerocity.core.planning import montecarlo, targets
from zerocity.core.planning.executors import KINDS, executor
from zerocity.core.planning.pools import Stage
from zerocity.core.planning.scenario import Action, Curve, Pool, Scenario, ScenarioTarget, SensitivitySettings, run

BASE_YEAR, END_YEAR = 2024, 2050
STAGES = (Stage.DEMAND_AVOIDANCE, Stage.EFFICIENCY, Stage.FUEL_SWITCH, Stage.SUPPLY)
CURVE_PARAMETERS = ("p_max", "k", "t_mid")


def synthetic_scenario(n_actions: int, seed: int = 0) -> Scenario:
    """Ten pools and ``n_actions`` actions with uncertain curves and effects (figures are synthetic)."""
    rng = np.random.default_rng(seed)
    pools = tuple(
        Pool(f"pool{i}", f"I.{i % 6 + 1}.1", "fuel", float(rng.uniform(0.5e6, 5e6)), growth_rate=0.01)
        for i in range(10)
    )
    actions = []
    uncertain: dict[str, montecarlo.Distribution] = {}
    for j in range(n_actions):
        action_id = f"action{j}"
        p_max = float(rng.uniform(0.2, 0.6))
        t_mid = float(rng.integers(2028, 2042))
        actions.append(
            Action(
                action_id,
                "efficiency",
                (pools[j % len(pools)].pool_id,),
                STAGES[j % len(STAGES)],
                Curve("logistic", {"p_max": p_max, "k": 0.35, "t_mid": t_mid}),
                effect=float(rng.uniform(0.1, 0.4)),
            )
        )
        uncertain[f"action.{action_id}.p_max"] = montecarlo.Triangular(p_max * 0.6, p_max, min(1.0, p_max * 1.3))
        uncertain[f"action.{action_id}.k"] = montecarlo.Uniform(0.2, 0.5)
        uncertain[f"action.{action_id}.t_mid"] = montecarlo.Uniform(t_mid - 3, t_mid + 3)
        uncertain[f"action.{action_id}.effect"] = montecarlo.Uniform(0.05, 0.45)
    base_total = sum(pool.base_t_co2e for pool in pools)
    return Scenario(
        name="synthetic",
        base_year=BASE_YEAR,
        end_year=END_YEAR,
        pools=pools,
        actions=tuple(actions),
        targets=(
            ScenarioTarget(targets.base_year_target(BASE_YEAR, 2030, 0.02), base_t_co2e=base_total),
            ScenarioTarget(targets.base_year_target(BASE_YEAR, 2050, 0.1), base_t_co2e=base_total),
        ),
        uncertain=uncertain,
        sensitivity=SensitivitySettings(enabled=False),
    )


def fixed_at_draw(scenario: Scenario, values: dict[str, np.ndarray], index: int) -> Scenario:
    """The scenario with draw ``index`` of every uncertain input written into its actions: one naive draw."""
    actions = []
    for action in scenario.actions:
        prefix = f"action.{action.action_id}."
        parameters = {name: float(values[prefix + name][index]) for name in CURVE_PARAMETERS}
        actions.append(
            replace(action, curve=Curve(action.curve.kind, parameters), effect=float(values[prefix + "effect"][index]))
        )
    return replace(scenario, actions=tuple(actions), uncertain={})


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def city_run(args: tuple[int, int, int]) -> float:
    """One city of the multi-city sweep (a top-level function, so a process pool can pickle it)."""
    city, n_actions, draws = args
    result = run(synthetic_scenario(n_actions, seed=city), draws=draws, seed=city)
    return float(result.p_target_met or 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=30)
    parser.add_argument("--naive-draws", type=int, default=100, help="draws of the per-draw baseline loop")
    parser.add_argument("--cities", type=int, default=100)
    parser.add_argument("--city-draws", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--executor", choices=KINDS, default="process", help="where the multi-city sweep runs")
    args = parser.parse_args()
    years = END_YEAR - BASE_YEAR + 1
    print(f"python planner benchmark: {os.cpu_count()} cores; {args.actions} actions × {years} years")

    scenario = synthetic_scenario(args.actions)
    run(scenario, draws=100, seed=1)  # warm-up: imports, caches
    start = time.perf_counter()
    result = run(scenario, draws=args.draws, seed=1)
    vectorised_s = time.perf_counter() - start
    vectorised_rate = args.draws / vectorised_s
    one_city_mb = peak_mb()  # before the sweep and the Sobol analysis, which are measured on their own
    print(
        f"(1) vectorised: {args.draws:,} draws in {vectorised_s:.2f} s = {vectorised_rate:,.0f} draws/s; "
        f"P(all targets met) {result.p_target_met:.3f}; peak RSS {one_city_mb:.0f} MB"
    )

    values = montecarlo.draw(scenario.uncertain, args.naive_draws, 1)
    start = time.perf_counter()
    for index in range(args.naive_draws):
        run(fixed_at_draw(scenario, values, index))
    naive_s = time.perf_counter() - start
    naive_rate = args.naive_draws / naive_s
    print(
        f"(2) naive per-draw loop: {args.naive_draws} draws in {naive_s:.2f} s = {naive_rate:,.1f} draws/s "
        f"(≈ {args.draws / naive_rate:,.0f} s for {args.draws:,} draws)"
    )
    speedup = vectorised_rate / naive_rate
    print(f"    speedup vectorised / naive: {speedup:,.0f}×")

    start = time.perf_counter()
    with executor(args.executor, workers=args.workers) as pool:
        shares = list(pool.map(city_run, [(city, args.actions, args.city_draws) for city in range(args.cities)]))
    sweep_s = time.perf_counter() - start
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"(3) {args.cities} cities × {args.city_draws:,} draws on {args.workers} {args.executor} workers: "
        f"{sweep_s:.2f} s = {args.cities * args.city_draws / sweep_s:,.0f} draws/s; mean P(met) {np.mean(shares):.3f}; "
        f"largest worker peak RSS {children_mb:.0f} MB"
    )
    start = time.perf_counter()
    sobol = run(replace(scenario, sensitivity=SensitivitySettings()), draws=100, seed=1).sensitivity
    sobol_s = time.perf_counter() - start
    assert sobol is not None and sobol.result is not None
    print(
        f"(4) Sobol: {len(scenario.uncertain)} inputs, {sobol.result.model_runs:,} model runs in {sobol_s:.2f} s; "
        f"top driver {sobol.result.top_driver}; peak RSS {peak_mb():.0f} MB"
    )
    verdict = "PASS" if vectorised_s < 2 and speedup >= 50 and one_city_mb < 1024 else "FAIL"
    print(f"targets: one city {args.draws:,} draws < 2 s, ≥ 50× naive, < 1 GB: {verdict}")
    print(
        f"one_city_s={vectorised_s:.3f} draws_per_s={vectorised_rate:.0f} speedup={speedup:.0f} "
        f"peak_mb={one_city_mb:.0f} cities_s={sweep_s:.2f} sobol_s={sobol_s:.2f}"
    )


if __name__ == "__main__":
    main()
