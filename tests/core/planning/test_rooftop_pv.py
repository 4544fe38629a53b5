"""Rooftop PV in the scenario model (``zerocity.core.planning.rooftop_pv``): the split between the national grid wedge
and the city's own PV, without the double count of PLANNING.md §4."""

from __future__ import annotations

import numpy as np
import pytest

from zerocity.core.planning.pools import HOURS_PER_YEAR, PvAccounting, Stage
from zerocity.core.planning.rooftop_pv import RooftopPv
from zerocity.core.planning.scenario import (
    EXTERNAL_GRID,
    Action,
    Curve,
    InvalidScenario,
    Pool,
    Scenario,
    run,
)

BASE, END = 2024, 2034
YEARS = np.arange(BASE, END + 1)
#: A grid path falling from 0.5 to 0.3 kg CO2e/kWh (synthetic, for closed-form checks).
GRID = np.linspace(0.5, 0.3, YEARS.size)
#: 100 GWh of grid electricity in the base year: 50,000 t CO2e at 0.5 kg/kWh.
BASE_T = 100e6 * 0.5 / 1000


def pv_action(
    capacity_kw: float = 10_000.0,
    national_kw: float = 4_000.0,
    accounting: PvAccounting = PvAccounting.ADDITIONAL_ONLY,
    pools: tuple[str, ...] = ("homes",),
) -> Action:
    return Action(
        "solar",
        "rooftop_pv",
        pools,
        Stage.SUPPLY,
        Curve("step", {"year": BASE, "p": 1.0}),
        pv=RooftopPv(capacity_kw, 0.15, accounting, (BASE,), (national_kw,)),
    )


def scenario(*actions: Action) -> Scenario:
    return Scenario(
        name="pv",
        base_year=BASE,
        end_year=END,
        pools=(
            Pool("homes", "I.1.2", "electricity", BASE_T, growth_rate=0.0, grid_electricity=True),
            Pool("gas", "I.1.1", "natural_gas", 1000.0, growth_rate=0.0),
        ),
        actions=actions,
        grid_factor_kg_per_kwh=GRID,
    )


def test_city_pv_counts_only_its_generation_beyond_the_national_pathway_at_the_grid_factor() -> None:
    result = run(scenario(pv_action(capacity_kw=10_000.0, national_kw=4_000.0)))

    counted_kwh = (10_000.0 - 4_000.0) * 0.15 * HOURS_PER_YEAR
    np.testing.assert_allclose(result.wedges_t_co2e["solar"], counted_kwh * GRID / 1000, rtol=1e-12)
    outcome = result.pv["solar"]
    np.testing.assert_allclose(outcome.generation_kwh, 10_000.0 * 0.15 * HOURS_PER_YEAR)
    np.testing.assert_allclose(outcome.national_pathway_kwh, 4_000.0 * 0.15 * HOURS_PER_YEAR)
    np.testing.assert_allclose(outcome.counted_kwh, counted_kwh)


def test_the_national_grid_wedge_is_the_same_with_or_without_city_pv() -> None:
    without = run(scenario())
    with_pv = run(scenario(pv_action()))

    np.testing.assert_allclose(with_pv.wedges_t_co2e[EXTERNAL_GRID], without.wedges_t_co2e[EXTERNAL_GRID])
    np.testing.assert_allclose(
        without.wedges_t_co2e[EXTERNAL_GRID], BASE_T - BASE_T * GRID / GRID[0], rtol=1e-12, atol=1e-9
    )
    gap = with_pv.bau_frozen_t_co2e - with_pv.plan_t_co2e
    np.testing.assert_allclose(sum(with_pv.wedges_t_co2e.values()), gap, rtol=1e-12, atol=1e-6)


def test_pv_no_larger_than_the_national_pathways_share_claims_nothing() -> None:
    result = run(scenario(pv_action(capacity_kw=3_000.0, national_kw=4_000.0)))

    assert np.all(result.wedges_t_co2e["solar"] == 0.0)
    assert np.all(result.pv["solar"].counted_kwh == 0.0)


def test_share_of_national_claims_no_wedge_and_reports_pv_against_the_national_grid_wedge() -> None:
    result = run(scenario(pv_action(accounting=PvAccounting.SHARE_OF_NATIONAL)))

    assert np.all(result.wedges_t_co2e["solar"] == 0.0)
    share = result.pv["solar"].share_of_national
    assert share is not None
    local_t = 10_000.0 * 0.15 * HOURS_PER_YEAR * GRID / 1000
    national_t = result.wedges_t_co2e[EXTERNAL_GRID]
    np.testing.assert_allclose(share[1:], local_t[1:] / national_t[1:], rtol=1e-9)
    assert share[0] == 0.0  # no national wedge yet in the base year


def test_efficiency_loaded_first_leaves_pv_its_share_of_what_remains() -> None:
    efficiency = Action(
        "lights",
        "appliance_efficiency",
        ("homes",),
        Stage.EFFICIENCY,
        Curve("step", {"year": BASE, "p": 1.0}),
        effect=0.5,
    )

    result = run(scenario(efficiency, pv_action()))

    alone = run(scenario(pv_action())).wedges_t_co2e["solar"]
    np.testing.assert_allclose(result.wedges_t_co2e["solar"], alone * 0.5, rtol=1e-12)


@pytest.mark.parametrize(
    ("action", "key"),
    [
        (pv_action(pools=("gas",)), "actions.solar.pools"),
        (pv_action(accounting=PvAccounting.ENDOGENOUS_GRID), "actions.solar.pv.accounting"),
        (pv_action(capacity_kw=1e9), "actions.solar.pv.capacity_kw"),
        (pv_action(capacity_kw=-1.0), "actions.solar.pv.capacity_kw"),
    ],
    ids=["not-grid-electricity", "endogenous-grid", "more-than-the-pool-uses", "negative-capacity"],
)
def test_an_unusable_pv_action_is_refused_naming_its_key(action: Action, key: str) -> None:
    with pytest.raises(InvalidScenario) as caught:
        run(scenario(action))
    assert caught.value.key == key


def test_national_pathway_anchors_are_interpolated_and_never_extrapolated() -> None:
    pv = RooftopPv(1000.0, 0.1, PvAccounting.ADDITIONAL_ONLY, (2024, 2034), (0.0, 1000.0))
    np.testing.assert_allclose(pv.national_kw(YEARS), np.linspace(0.0, 1000.0, YEARS.size))
    with pytest.raises(Exception, match="never extrapolated"):
        pv.national_kw(np.arange(2020, 2030))
