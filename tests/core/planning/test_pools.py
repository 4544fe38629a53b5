"""Activity pools (``zerocity.core.planning.pools``, PLANNING.md §2–§4): loading order, multiplicative residuals,
share caps, fuel switch, rooftop PV and the national-grid / city-PV split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zerocity.core.planning.pools import (
    ActivityPool,
    InvalidPoolInput,
    PoolAction,
    PvAccounting,
    ShareCapExceeded,
    Stage,
    apply_actions,
    avoided_t_co2e,
    check_share_caps,
    fuel_switch_effect,
    fuel_switch_electricity_kwh,
    loading_order,
    pv_generation_kwh,
    split_grid_and_city_pv,
)

YEARS = np.arange(2030, 2033)


def pool(bau: float | list[float] = 100.0) -> ActivityPool:
    return ActivityPool("I.1.1", "natural_gas", YEARS, np.broadcast_to(np.asarray(bau, dtype=float), YEARS.shape))


def constant(value: float) -> np.ndarray:
    return np.full(YEARS.shape, value)


def test_two_actions_of_20_and_50_percent_give_ordered_wedges_of_20_and_40() -> None:
    """PLANNING.md §3 closed form: E_BAU = 100, r = 0.2 then 0.5 → 20 and 0.5 × 80 = 40, plan 40."""
    result = apply_actions(
        pool(),
        [
            PoolAction("retrofit", Stage.EFFICIENCY, constant(0.5)),
            PoolAction("avoid", Stage.DEMAND_AVOIDANCE, constant(0.2)),
        ],
    )
    assert result.order == ("avoid", "retrofit")
    np.testing.assert_allclose(result.wedges_t_co2e["avoid"], 20.0)
    np.testing.assert_allclose(result.wedges_t_co2e["retrofit"], 40.0)
    np.testing.assert_allclose(result.plan_t_co2e, 40.0)


def test_loading_order_follows_the_stages_and_keeps_the_callers_order_within_a_stage() -> None:
    actions = [
        PoolAction("offset", Stage.REMOVALS, constant(0.1)),
        PoolAction("pv", Stage.SUPPLY, constant(0.1)),
        PoolAction("heat pump", Stage.FUEL_SWITCH, constant(0.1)),
        PoolAction("insulation", Stage.EFFICIENCY, constant(0.1)),
        PoolAction("lighting", Stage.EFFICIENCY, constant(0.1)),
        PoolAction("telework", Stage.DEMAND_AVOIDANCE, constant(0.1)),
    ]
    names = [a.name for a in loading_order(actions)]
    assert names == ["telework", "insulation", "lighting", "heat pump", "pv", "offset"]


def test_reduction_fraction_is_penetration_times_effect() -> None:
    action = PoolAction("retrofit", Stage.EFFICIENCY, constant(0.5), effect=0.3)
    np.testing.assert_allclose(action.reduction_fraction(), 0.15)


@settings(max_examples=60, deadline=None)
@given(
    fractions=st.lists(arrays(np.float64, 3, elements=st.floats(0.0, 1.0)), min_size=1, max_size=6),
    bau=st.floats(0.0, 1e7),
)
def test_ordered_wedges_sum_to_bau_minus_plan(fractions: list[np.ndarray], bau: float) -> None:
    actions = [PoolAction(f"a{i}", list(Stage)[i % 5], f) for i, f in enumerate(fractions)]
    result = apply_actions(pool(bau), actions)
    total = sum(result.wedges_t_co2e.values())
    np.testing.assert_allclose(total, result.gap_t_co2e, rtol=1e-12, atol=1e-9)
    expected_plan = bau * np.prod([1 - f for f in fractions], axis=0)
    np.testing.assert_allclose(result.plan_t_co2e, expected_plan, rtol=1e-12, atol=1e-9)


def test_a_leading_draws_axis_is_carried_through() -> None:
    draws = np.array([[0.1, 0.2, 0.3], [0.5, 0.5, 0.5]])
    result = apply_actions(pool(), [PoolAction("retrofit", Stage.EFFICIENCY, draws)])
    assert result.plan_t_co2e.shape == (2, 3)
    np.testing.assert_allclose(result.plan_t_co2e, 100 * (1 - draws))


def test_mutually_exclusive_options_above_100_percent_name_the_actions_and_the_year() -> None:
    heat_pump = PoolAction("heat pump", Stage.FUEL_SWITCH, np.array([0.3, 0.5, 0.7]), stock="gas boilers")
    boiler = PoolAction("condensing boiler", Stage.EFFICIENCY, np.array([0.4, 0.5, 0.4]), stock="gas boilers")
    with pytest.raises(ShareCapExceeded) as caught:
        apply_actions(pool(), [heat_pump, boiler])
    assert caught.value.params["year"] == 2032
    assert caught.value.params["actions"] == ["heat pump", "condensing boiler"]
    assert "heat pump" in str(caught.value) and "2032" in str(caught.value)


def test_options_summing_to_exactly_100_percent_pass() -> None:
    check_share_caps(
        YEARS,
        [
            PoolAction("heat pump", Stage.FUEL_SWITCH, constant(0.6), stock="boilers"),
            PoolAction("boiler", Stage.EFFICIENCY, constant(0.4), stock="boilers"),
        ],
    )


def test_options_on_different_stocks_are_not_summed() -> None:
    check_share_caps(
        YEARS,
        [
            PoolAction("heat pump", Stage.FUEL_SWITCH, constant(0.8), stock="boilers"),
            PoolAction("e-bus", Stage.FUEL_SWITCH, constant(0.8), stock="buses"),
        ],
    )


def test_the_share_cap_is_checked_per_draw_and_reports_the_earliest_year() -> None:
    a = PoolAction("a", Stage.EFFICIENCY, np.array([[0.5, 0.5, 0.9], [0.9, 0.5, 0.5]]), stock="s")
    b = PoolAction("b", Stage.EFFICIENCY, constant(0.5), stock="s")
    with pytest.raises(ShareCapExceeded) as caught:
        check_share_caps(YEARS, [a, b])
    assert caught.value.params["year"] == 2030


def test_a_penetration_above_100_percent_is_an_error_naming_the_action() -> None:
    with pytest.raises(InvalidPoolInput, match="retrofit"):
        apply_actions(pool(), [PoolAction("retrofit", Stage.EFFICIENCY, np.array([0.5, 1.2, 0.5]))])


def test_duplicate_action_names_are_an_error() -> None:
    with pytest.raises(InvalidPoolInput, match="duplicate"):
        apply_actions(pool(), [PoolAction("x", Stage.EFFICIENCY, constant(0.1))] * 2)


def test_fuel_switch_electricity_is_old_energy_times_p_times_efficiency_ratio() -> None:
    """1000 kWh of gas in a 0.9 boiler, half switched to a COP-3 heat pump → 1000 × 0.5 × 0.9/3 = 150 kWh."""
    assert fuel_switch_electricity_kwh(1000.0, 0.5, 0.9, 3.0) == pytest.approx(150.0)


def test_fuel_switch_abatement_grows_as_the_grid_decarbonises() -> None:
    grid = np.array([0.5, 0.3, 0.1])
    effect = fuel_switch_effect(0.2, grid, efficiency_old=0.9, efficiency_new=3.0)
    np.testing.assert_allclose(effect, 1 - 0.3 * grid / 0.2)
    assert np.all(np.diff(effect) > 0)
    result = apply_actions(pool(), [PoolAction("heat pump", Stage.FUEL_SWITCH, constant(0.5), effect=effect)])
    assert np.all(np.diff(result.wedges_t_co2e["heat pump"]) > 0)


def test_switching_to_a_dirty_grid_increases_emissions() -> None:
    effect = fuel_switch_effect(0.2, 1.0, efficiency_old=1.0, efficiency_new=1.0)
    result = apply_actions(pool(), [PoolAction("e-heater", Stage.FUEL_SWITCH, constant(1.0), effect=effect)])
    assert np.all(result.plan_t_co2e > 100.0)


def test_pv_generation_is_capacity_times_capacity_factor_times_8760_hours() -> None:
    assert pv_generation_kwh(1000.0, 0.14) == pytest.approx(1000 * 0.14 * 8760)


def test_pv_avoided_scope2_is_generation_times_each_years_grid_factor() -> None:
    np.testing.assert_allclose(avoided_t_co2e(1_000_000.0, np.array([0.5, 0.4])), [500.0, 400.0])


def test_a_capacity_factor_above_1_is_an_error() -> None:
    with pytest.raises(InvalidPoolInput, match="capacity_factor"):
        pv_generation_kwh(100.0, 1.5)


FROZEN = 0.5
PATHWAY = np.array([0.4, 0.3, 0.2])
ELECTRICITY = np.full(3, 1_000_000.0)


def test_the_national_grid_wedge_is_consumption_times_frozen_minus_pathway_factor() -> None:
    split = split_grid_and_city_pv(ELECTRICITY, FROZEN, PATHWAY, np.zeros(3), PvAccounting.SHARE_OF_NATIONAL)
    np.testing.assert_allclose(split.national_grid_wedge_t_co2e, [100.0, 200.0, 300.0])


def test_additional_only_counts_just_the_pv_beyond_the_citys_share_of_the_national_target() -> None:
    split = split_grid_and_city_pv(
        ELECTRICITY,
        FROZEN,
        PATHWAY,
        city_pv_kwh=np.array([100_000.0, 300_000.0, 500_000.0]),
        accounting=PvAccounting.ADDITIONAL_ONLY,
        city_share_of_national_pv_kwh=np.array([200_000.0, 200_000.0, 200_000.0]),
    )
    np.testing.assert_allclose(split.counted_pv_kwh, [0.0, 100_000.0, 300_000.0])
    np.testing.assert_allclose(split.city_pv_wedge_t_co2e, [0.0, 30.0, 60.0])
    np.testing.assert_allclose(split.national_grid_wedge_t_co2e, [100.0, 200.0, 300.0])


def test_share_of_national_claims_no_city_wedge_and_reports_the_share() -> None:
    split = split_grid_and_city_pv(ELECTRICITY, FROZEN, PATHWAY, np.full(3, 250_000.0), PvAccounting.SHARE_OF_NATIONAL)
    np.testing.assert_allclose(split.city_pv_wedge_t_co2e, 0.0)
    assert split.city_pv_share_of_national is not None
    np.testing.assert_allclose(split.city_pv_share_of_national, [100 / 100, 75 / 200, 50 / 300])


def test_endogenous_grid_counts_all_city_pv_at_the_endogenous_factor() -> None:
    endogenous = np.array([0.45, 0.4, 0.35])
    split = split_grid_and_city_pv(
        ELECTRICITY,
        FROZEN,
        PATHWAY,
        np.full(3, 100_000.0),
        PvAccounting.ENDOGENOUS_GRID,
        endogenous_factor_kg_per_kwh=endogenous,
    )
    np.testing.assert_allclose(split.city_pv_wedge_t_co2e, [45.0, 40.0, 35.0])
    np.testing.assert_allclose(split.national_grid_wedge_t_co2e, [50.0, 100.0, 150.0])


@pytest.mark.parametrize("accounting", [PvAccounting.ADDITIONAL_ONLY, PvAccounting.ENDOGENOUS_GRID])
def test_each_accounting_choice_demands_the_data_it_needs(accounting: PvAccounting) -> None:
    with pytest.raises(InvalidPoolInput):
        split_grid_and_city_pv(ELECTRICITY, FROZEN, PATHWAY, np.ones(3), accounting)


@settings(max_examples=50, deadline=None)
@given(pv=st.floats(0.0, 1e7), share=st.floats(0.0, 1e7))
def test_pv_within_the_citys_national_share_never_counts_twice(pv: float, share: float) -> None:
    split = split_grid_and_city_pv(
        ELECTRICITY, FROZEN, PATHWAY, np.full(3, pv), PvAccounting.ADDITIONAL_ONLY, city_share_of_national_pv_kwh=share
    )
    np.testing.assert_allclose(split.counted_pv_kwh, max(pv - share, 0.0))
    assert np.all(split.city_pv_wedge_t_co2e <= avoided_t_co2e(pv, PATHWAY) + 1e-9)
