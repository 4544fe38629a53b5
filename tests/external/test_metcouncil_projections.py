"""Pathway arithmetic checked against Met Council's CPRG projections (``metcouncil-ghg-cprg``, see its SOURCE.md).

Data: ``projections_economy_bau_emissions.csv`` (BAU, 2005–2050, seven sectors, t CO2e) and
``projections_economy_ppp_emissions.csv`` (the same BAU rows plus the "ppp" scenario, 2026–2050). MIT licence,
Metropolitan Council, commit d0163b2 (2025-12-16).

What IS checked:

1. **Growth-rate fallback** (PLANNING.md §1, ``project_bau`` without a driver): feeding each sector's year-over-year
   growth rates, implied from Met Council's own BAU series, to ``E[t] = E[t−1]·(1 + g[t])`` from 2025 reproduces
   their BAU series to 2050 (relative 1e-9). This checks our compounding and year indexing (g applies from t0 + 1),
   not their projection method: the growth rates come from their output, so the check cannot validate their drivers.
   Natural Systems (a net sink, negative emissions) is left out: ``project_bau`` refuses negative base emissions.
2. **Wedges sum to the gap**: each sector is one activity pool with one action whose reduction fraction is their
   ``r_s(t) = 1 − PPP_s(t) / BAU_s(t)``; ordered wedges (``apply_actions``) and Shapley wedges across the seven
   sectors both sum to Σ BAU − Σ PPP in every year 2026–2050. Their PPP is not built from actions, so this checks
   our telescoping and attribution on real, uneven magnitudes (a sink, a sector whose PPP exceeds BAU), not a
   decomposition they publish.
3. **Target arithmetic** (PLANNING.md §12, derived): 2005 base 65,068,147 t and 2050 PPP 10,392,132.35 t give
   −84.03 %; a −80 % base-year target for 2050 is met with (84.03 / 80) = 105.0 % achieved. The 2005 total differs by
   0.03 t between the two files (Industrial Processes 4,940,901.86 vs .89): tolerance 1 t.

What is NOT checked: their BAU drivers and elasticities, their PPP measures, costs, Monte Carlo, the national-grid
split (their electricity pathway is not separated into a grid wedge), and anything specific to Taiwan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from zerocity.core.planning import attribution, targets
from zerocity.core.planning.bau import project_bau
from zerocity.core.planning.pools import ActivityPool, PoolAction, Stage, apply_actions

FOLDER = "metcouncil-ghg-cprg"
Series = dict[str, dict[int, float]]


def _series(rows: list[dict[str, str]], scenario: str | None) -> Series:
    out: Series = defaultdict(dict)
    for row in rows:
        if scenario is None or row["scenario"] == scenario:
            out[row["sector"]][int(row["emissions_year"])] = float(row["value_emissions"])
    return dict(out)


@pytest.fixture(scope="module")
def bau(external_file: Callable[[str, str], Path], read_csv: Callable[[Path], list[dict[str, str]]]) -> Series:
    return _series(read_csv(external_file(FOLDER, "projections_economy_bau_emissions.csv")), None)


@pytest.fixture(scope="module")
def ppp_file(
    external_file: Callable[[str, str], Path], read_csv: Callable[[Path], list[dict[str, str]]]
) -> tuple[Series, Series]:
    rows = read_csv(external_file(FOLDER, "projections_economy_ppp_emissions.csv"))
    return _series(rows, "bau"), _series(rows, "ppp")


def test_the_files_hold_seven_sectors_to_2050(bau: Series, ppp_file: tuple[Series, Series]) -> None:
    assert len(bau) == 7 and all(max(years) == 2050 for years in bau.values())
    assert set(ppp_file[1]) == set(bau)
    assert min(ppp_file[1]["Transportation"]) == 2026


@pytest.mark.parametrize(
    "sector", ["Agriculture", "Building Fuel", "Electricity", "Industrial Processes", "Transportation", "Waste"]
)
def test_the_growth_rate_fallback_reproduces_their_bau_from_its_implied_growth_rates(bau: Series, sector: str) -> None:
    years = np.arange(2025, 2051)
    values = np.array([bau[sector][int(y)] for y in years])
    growth = np.concatenate([[0.0], values[1:] / values[:-1] - 1.0])
    projection = project_bau(years, 2025, values[0], growth_rate=growth)
    np.testing.assert_allclose(projection.frozen_t_co2e, values, rtol=1e-9)
    assert projection.method == "growth_rate" and not projection.causal


def _pools_and_fractions(ppp_file: tuple[Series, Series]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    bau_rows, ppp_rows = ppp_file
    years = np.arange(2026, 2051)
    sectors = sorted(ppp_rows)
    bau = np.array([[bau_rows[s][int(y)] for y in years] for s in sectors])
    ppp = np.array([[ppp_rows[s][int(y)] for y in years] for s in sectors])
    return sectors, years, bau, 1.0 - ppp / bau


def test_ordered_wedges_fed_their_reductions_sum_to_the_ppp_gap(ppp_file: tuple[Series, Series]) -> None:
    sectors, years, bau, fractions = _pools_and_fractions(ppp_file)
    total_wedges = np.zeros(years.size)
    plan = np.zeros(years.size)
    for sector, base, fraction in zip(sectors, bau, fractions, strict=True):
        pool = ActivityPool(sector, "all", years, base)
        result = apply_actions(pool, [PoolAction(f"ppp:{sector}", Stage.EFFICIENCY, np.ones(years.size), fraction)])
        total_wedges += result.wedges_t_co2e[f"ppp:{sector}"]
        plan += result.plan_t_co2e
    _, ppp_rows = ppp_file
    ppp_total = np.array([sum(ppp_rows[s][int(y)] for s in sectors) for y in years])
    np.testing.assert_allclose(plan, ppp_total, rtol=1e-9)
    np.testing.assert_allclose(total_wedges, bau.sum(axis=0) - ppp_total, rtol=1e-9, atol=1e-3)


def test_shapley_wedges_across_sectors_sum_to_the_ppp_gap(ppp_file: tuple[Series, Series]) -> None:
    sectors, years, bau, fractions = _pools_and_fractions(ppp_file)

    def value(subset: frozenset[int]) -> np.ndarray:
        return np.sum([bau[i] * fractions[i] for i in subset], axis=0) if subset else np.zeros(years.size)

    wedges = attribution.shapley_wedges(value, len(sectors)).wedges
    gap = bau.sum(axis=0) - (bau * (1.0 - fractions)).sum(axis=0)
    np.testing.assert_allclose(wedges.sum(axis=0), gap, rtol=1e-9, atol=1e-3)
    # separate pools do not interact: each sector's Shapley wedge is its own BAU − PPP
    np.testing.assert_allclose(wedges, bau * fractions, rtol=1e-9, atol=1e-3)


def test_their_2050_ppp_meets_a_minus_80_percent_target_with_84_percent_cut(
    bau: Series, ppp_file: tuple[Series, Series]
) -> None:
    base_2005 = sum(values[2005] for values in bau.values())
    assert base_2005 == pytest.approx(65_068_147.19, abs=1.0)
    _, ppp_rows = ppp_file
    years = np.arange(2026, 2051)
    path = np.array([sum(values[int(y)] for values in ppp_rows.values()) for y in years])
    assert path[-1] == pytest.approx(10_392_132.35, abs=0.01)
    target = targets.base_year_target(2005, 2050, 0.80)
    result = targets.evaluate(target, years, path, latest_year=2050, base_tco2e=base_2005)
    assert result.met
    assert 1.0 - path[-1] / base_2005 == pytest.approx(0.8403, abs=5e-5)
    assert result.percent_achieved == pytest.approx(0.8403 / 0.80 * 100, abs=0.01)
