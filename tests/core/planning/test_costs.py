"""Tests of ``zerocity.core.planning.costs``: annuities, NPV, MAC and MACC bars (PLANNING.md §7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerocity.core.planning.costs import (
    PAYERS,
    ActionCosts,
    InvalidCostInput,
    UnknownDiscountRate,
    annualised_capital,
    capital_recovery_factor,
    cost_by_payer,
    discount_rate,
    discount_rates,
    macc_bars,
    net_present_value,
    npv_mac,
    static_mac,
)

rates = st.floats(min_value=0.0, max_value=0.2, allow_nan=False)
lifetimes = st.integers(min_value=1, max_value=60)
money = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)


def heat_pumps(**changes: object) -> ActionCosts:
    values: dict[str, object] = {
        "action_id": "heat-pumps",
        "capital_cost": 1000.0,
        "capital_year": 2026,
        "operating_cost_per_year": 20.0,
        "energy_savings_per_year": 100.0,
        "lifetime_years": 10,
    }
    values.update(changes)
    return ActionCosts(**values)  # type: ignore[arg-type]


def test_capital_recovery_factor_matches_the_annuity_formula() -> None:
    # 0.05 · 1.05^10 / (1.05^10 − 1) = 0.1295045750…
    assert capital_recovery_factor(0.05, 10) == pytest.approx(0.12950457496545667, rel=1e-12)


def test_capital_recovery_factor_at_zero_discount_rate_is_one_over_the_lifetime() -> None:
    assert capital_recovery_factor(0.0, 8) == 1 / 8


@given(rate=rates, lifetime=lifetimes)
def test_the_annuity_of_one_repays_exactly_one_in_present_value(rate: float, lifetime: int) -> None:
    present_value = sum(capital_recovery_factor(rate, lifetime) / (1 + rate) ** t for t in range(1, lifetime + 1))
    assert present_value == pytest.approx(1.0, rel=1e-9)


def test_capital_recovery_factor_rejects_a_lifetime_of_zero() -> None:
    with pytest.raises(InvalidCostInput, match="lifetime_years"):
        capital_recovery_factor(0.05, 0)


def test_annualised_capital_is_capital_times_crf() -> None:
    assert annualised_capital(heat_pumps(), 0.05) == pytest.approx(129.50457496545667)


def test_net_present_value_discounts_savings_from_year_one() -> None:
    action = heat_pumps(operating_cost_per_year=0.0, energy_savings_per_year=150.0)
    annuity_factor = (1 - 1.05**-10) / 0.05  # 7.7217349…
    assert net_present_value(action, 0.05) == pytest.approx(-1000 + 150 * annuity_factor)


def test_static_mac_is_annualised_cost_net_of_savings_per_tonne() -> None:
    # (1000 · 0.1295046 + 20 − 100) / 2 t = 24.75 per tonne
    assert static_mac(heat_pumps(), 2.0, 0.05) == pytest.approx((129.50457496545667 + 20 - 100) / 2)


def test_a_cost_saving_action_has_a_negative_mac() -> None:
    assert static_mac(heat_pumps(capital_cost=100.0), 2.0, 0.05) < 0


@given(
    capital=money,
    operating=st.floats(min_value=0, max_value=1e5),
    savings=st.floats(min_value=-1e5, max_value=1e5),
    lifetime=lifetimes,
    rate=st.floats(min_value=0.001, max_value=0.2),
    tonnes=st.floats(min_value=0.1, max_value=1e5),
)
def test_npv_mac_equals_static_mac_when_flows_and_abatement_are_constant(
    capital: float, operating: float, savings: float, lifetime: int, rate: float, tonnes: float
) -> None:
    action = heat_pumps(
        capital_cost=capital,
        operating_cost_per_year=operating,
        energy_savings_per_year=savings,
        lifetime_years=lifetime,
    )
    static = static_mac(action, tonnes, rate)
    dynamic = npv_mac(action, np.full(lifetime, tonnes), rate)
    assert dynamic == pytest.approx(static, rel=1e-7, abs=1e-6 * (1 + abs(capital + operating + abs(savings))) / tonnes)


def test_npv_mac_without_discounted_tonnes_is_lower_for_a_net_cost() -> None:
    action = heat_pumps(energy_savings_per_year=0.0)
    discounted = npv_mac(action, np.full(10, 2.0), 0.05)
    undiscounted = npv_mac(action, np.full(10, 2.0), 0.05, discount_abatement=False)
    assert undiscounted < discounted
    assert undiscounted == pytest.approx(-net_present_value(action, 0.05) / 20.0)


def test_npv_mac_needs_one_abatement_value_per_year_of_life() -> None:
    with pytest.raises(InvalidCostInput, match="10 yearly values"):
        npv_mac(heat_pumps(), np.full(9, 2.0), 0.05)


def test_mac_without_abatement_is_an_error() -> None:
    with pytest.raises(InvalidCostInput, match="abatement must be > 0"):
        static_mac(heat_pumps(), 0.0, 0.05)


def test_negative_capital_cost_is_an_error() -> None:
    with pytest.raises(InvalidCostInput, match="capital_cost") as error:
        heat_pumps(capital_cost=-1.0)
    assert error.value.code == "invalid_cost_input"
    assert error.value.parameter == "capital_cost"


@pytest.mark.parametrize("lifetime", [0, -5])
def test_a_lifetime_that_is_not_positive_is_an_error(lifetime: int) -> None:
    with pytest.raises(InvalidCostInput, match="lifetime_years"):
        heat_pumps(lifetime_years=lifetime)


def test_negative_operating_cost_is_an_error_that_points_to_savings() -> None:
    with pytest.raises(InvalidCostInput, match="energy_savings_per_year"):
        heat_pumps(operating_cost_per_year=-5.0)


def test_negative_savings_are_an_extra_energy_cost_that_raises_the_mac() -> None:
    dearer = static_mac(heat_pumps(energy_savings_per_year=-50.0), 2.0, 0.05)
    cheaper = static_mac(heat_pumps(energy_savings_per_year=50.0), 2.0, 0.05)
    assert dearer - cheaper == pytest.approx(100.0 / 2.0)


def test_payer_shares_that_do_not_sum_to_one_are_an_error() -> None:
    with pytest.raises(InvalidCostInput, match=r"sum to 0\.9"):
        heat_pumps(payer_shares={"city": 0.5, "households": 0.4})


def test_an_unknown_payer_is_an_error() -> None:
    with pytest.raises(InvalidCostInput, match="unknown payer"):
        heat_pumps(payer_shares={"landlords": 1.0})


def test_cost_by_payer_splits_capital_and_net_cost_by_shares() -> None:
    shared = heat_pumps(payer_shares={"city": 0.25, "households": 0.75})
    city_only = heat_pumps(action_id="bus", capital_cost=500.0)
    split = cost_by_payer([shared, city_only], 0.05)
    assert split.capital_cost["city"] == pytest.approx(250 + 500)
    assert split.capital_cost["households"] == pytest.approx(750)
    assert split.capital_cost["businesses"] == 0
    total_net_cost = -(net_present_value(shared, 0.05) + net_present_value(city_only, 0.05))
    assert sum(split.net_present_cost.values()) == pytest.approx(total_net_cost)
    assert set(split.net_present_cost) == set(PAYERS)


def test_macc_bars_are_sorted_by_mac_with_loading_order_widths() -> None:
    bars = macc_bars(["solar", "led", "bus"], [40.0, -20.0, 120.0], [5.0, 2.0, 3.0])
    assert bars.action_ids == ("led", "solar", "bus")
    np.testing.assert_allclose(bars.x0, [0.0, 2.0, 7.0])
    np.testing.assert_allclose(bars.x1, [2.0, 7.0, 10.0])
    np.testing.assert_allclose(bars.height, [-20.0, 40.0, 120.0])


@given(
    data=st.lists(
        st.tuples(st.floats(min_value=-1e4, max_value=1e4), st.floats(min_value=0, max_value=1e6)),
        min_size=1,
        max_size=30,
    )
)
def test_macc_bars_never_overlap_and_end_at_the_total_abatement(data: list[tuple[float, float]]) -> None:
    ids = [f"a{i}" for i in range(len(data))]
    bars = macc_bars(ids, [mac for mac, _ in data], [width for _, width in data])
    assert bars.x0[0] == 0
    np.testing.assert_array_equal(bars.x0[1:], bars.x1[:-1])
    assert np.all(np.diff(bars.height) >= 0)
    assert bars.x1[-1] == pytest.approx(math.fsum(width for _, width in data), rel=1e-9, abs=1e-9)


def test_macc_bars_reject_negative_abatement() -> None:
    with pytest.raises(InvalidCostInput, match="negative abatement for bus"):
        macc_bars(["led", "bus"], [1.0, 2.0], [1.0, -1.0])


def test_macc_bars_need_one_mac_and_width_per_action() -> None:
    with pytest.raises(InvalidCostInput, match="one MAC and one abatement per action"):
        macc_bars(["led", "bus"], [1.0], [1.0, 2.0])


def test_every_shipped_discount_rate_names_its_source_and_kind() -> None:
    rates_shipped = discount_rates()
    assert len(rates_shipped) >= 3
    for rate in rates_shipped:
        assert rate.source
        assert rate.kind in {"social", "private"}
        assert 0 < rate.rate < 0.2


def test_the_green_book_rate_is_three_and_a_half_percent() -> None:
    assert discount_rate("uk-green-book-stpr").rate == 0.035


def test_an_unknown_discount_rate_is_an_error() -> None:
    with pytest.raises(UnknownDiscountRate, match="choose one of"):
        discount_rate("made-up")
