"""Targets, % achieved and on-track (``zerocity.core.planning.targets``, PLANNING §5 and §10).

Kaohsiung check case (PLANNING §5, derived from Kaohsiung EPB headline figures, tolerance 0.05 percentage points):
base 2005 66.14 Mt, 2023 49.52 Mt, −30 % by 2030 (46.298 Mt) → 83.8 % achieved; r_obs 1.59 %/yr ≥ r_req 0.96 %/yr.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning.targets import (
    InvalidTarget,
    TargetType,
    base_year_target,
    baseline_scenario_target,
    budget_target,
    compound_rates,
    evaluate,
    fixed_level_target,
    intensity_target,
    net_zero_target,
    percent_achieved,
)

KAOHSIUNG_YEARS = [2005, 2023, 2030]
KAOHSIUNG_PATH = [66.14e6, 49.52e6, 47.0e6]  # the 2030 value is an illustrative projection


def test_kaohsiung_is_83_8_percent_of_the_way_to_its_2030_target() -> None:
    result = evaluate(base_year_target(2005, 2030, 0.30), KAOHSIUNG_YEARS, KAOHSIUNG_PATH, latest_year=2023)
    assert result.target_tco2e == pytest.approx(46.298e6)
    assert result.percent_achieved == pytest.approx(83.8, abs=0.05)


def test_kaohsiung_is_on_track_by_the_compound_rate_test() -> None:
    result = evaluate(base_year_target(2005, 2030, 0.30), KAOHSIUNG_YEARS, KAOHSIUNG_PATH, latest_year=2023)
    assert result.on_track is True
    assert result.on_track_method == "compound-rate"
    assert result.observed_rate == pytest.approx(0.0159, abs=5e-5)
    assert result.required_rate == pytest.approx(0.0096, abs=5e-5)


def test_a_projection_above_the_target_level_is_not_met() -> None:
    result = evaluate(base_year_target(2005, 2030, 0.30), KAOHSIUNG_YEARS, KAOHSIUNG_PATH, latest_year=2023)
    assert result.projected_tco2e == 47.0e6
    assert result.met is False


def test_exactly_reaching_the_level_is_met_despite_float_rounding() -> None:
    # 100 · (1 − 0.3) is 70.00000000000001 in floating point
    assert evaluate(base_year_target(2020, 2030, 0.3), [2020, 2030], [100.0, 70.0]).met


def test_percent_achieved_is_100_when_the_target_year_value_hits_the_level() -> None:
    result = evaluate(base_year_target(2020, 2030, 0.5), [2020, 2030], [100.0, 50.0])
    assert result.percent_achieved == pytest.approx(100.0)
    assert result.on_track is None  # latest year is the target year: nothing left to be on track for


def test_net_zero_is_met_at_or_below_the_residual_allowed() -> None:
    target = net_zero_target(2020, 2050, residual_tco2e=10.0)
    assert target.type is TargetType.FIXED_LEVEL
    assert evaluate(target, [2020, 2050], [100.0, 10.0]).met
    assert not evaluate(target, [2020, 2050], [100.0, 10.5]).met


def test_net_zero_on_track_uses_the_straight_line() -> None:
    # base 100 in 2020, zero in 2050: the line is at 50 in 2035
    target = net_zero_target(2020, 2050)
    on_line = evaluate(target, [2020, 2035, 2050], [100.0, 50.0, 0.0], latest_year=2035)
    above = evaluate(target, [2020, 2035, 2050], [100.0, 51.0, 0.0], latest_year=2035)
    assert (on_line.on_track, on_line.on_track_method) == (True, "linear")
    assert above.on_track is False
    assert on_line.percent_achieved == pytest.approx(50.0)


def test_intensity_target_scales_with_population() -> None:
    # 10 t/cap in 2020 with 1 M people; −40 % per capita by 2030 with 1.2 M people → 6 · 1.2 M = 7.2 Mt
    target = intensity_target(2020, 2030, 0.4, "population")
    result = evaluate(target, [2020, 2030], [10e6, 7.0e6], activity_by_year={2020: 1e6, 2030: 1.2e6})
    assert result.target_tco2e == pytest.approx(7.2e6)
    assert result.met


def test_intensity_target_without_activity_data_is_refused() -> None:
    with pytest.raises(InvalidTarget, match="population"):
        evaluate(intensity_target(2020, 2030, 0.4, "population"), [2020, 2030], [10.0, 7.0])


def test_baseline_scenario_target_uses_the_bau_frozen_at_adoption() -> None:
    # BAU 2030 frozen at 150 when adopted in 2022; −20 % → 120, above the 2020 base of 100
    target = baseline_scenario_target(2020, 2030, 0.2, bau_tco2e=150.0, adopted_year=2022)
    result = evaluate(target, [2020, 2030], [100.0, 119.0])
    assert result.target_tco2e == pytest.approx(120.0)
    assert result.met
    assert result.percent_achieved is None  # the target allows growth above base: % of a reduction is undefined


def test_budget_target_compares_cumulative_emissions() -> None:
    # 100 → 0 linearly over 2025–2030 spends 300
    assert evaluate(budget_target(2025, 2030, 300.0), [2025, 2030], [100.0, 0.0]).met
    result = evaluate(budget_target(2025, 2030, 299.0), [2025, 2030], [100.0, 0.0])
    assert (result.met, result.projected_tco2e) == (False, pytest.approx(300.0))


def test_compound_rates_match_their_definitions() -> None:
    observed, required = compound_rates(2000, 100.0, 2010, 81.0, 2012, 65.61)
    # 81 = 100·0.9² reached over 10 years; 65.61 = 81·0.9² needed over 2 years, i.e. 10 % a year
    assert observed == pytest.approx(1 - 0.81 ** (1 / 10))
    assert required == pytest.approx(0.1)


def test_a_target_year_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidTarget, match="already in the past"):
        evaluate(base_year_target(2005, 2020, 0.3), [2005, 2020], [100.0, 80.0], today=2026)


def test_a_target_year_before_the_base_year_is_refused() -> None:
    with pytest.raises(InvalidTarget, match="must come after the base year"):
        base_year_target(2030, 2020, 0.3)


@pytest.mark.parametrize("reduction", [0.0, -0.1, 1.5])
def test_a_reduction_outside_zero_to_one_is_refused(reduction: float) -> None:
    with pytest.raises(InvalidTarget, match="fraction in"):
        base_year_target(2005, 2030, reduction)


def test_a_fixed_level_above_base_is_not_a_reduction_target() -> None:
    with pytest.raises(InvalidTarget, match="not below base-year emissions"):
        evaluate(fixed_level_target(2020, 2030, 120.0), [2020, 2030], [100.0, 90.0])


def test_a_path_without_the_target_year_is_refused() -> None:
    with pytest.raises(InvalidTarget, match="target year 2030"):
        evaluate(base_year_target(2020, 2030, 0.3), [2020, 2025], [100.0, 90.0])


def test_a_negative_net_zero_residual_is_refused() -> None:
    with pytest.raises(InvalidTarget):
        net_zero_target(2020, 2050, residual_tco2e=-1.0)


def test_invalid_target_errors_carry_a_code_for_translation() -> None:
    with pytest.raises(ZeroCityError) as caught:
        base_year_target(2030, 2030, 0.3)
    assert caught.value.code == "invalid_target"
    assert caught.value.params == {"base_year": 2030, "target_year": 2030}


@given(
    st.floats(min_value=1.0, max_value=1e9),
    st.floats(min_value=0.01, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_percent_achieved_is_the_share_of_the_required_cut_delivered(base: float, p: float, share: float) -> None:
    level = base * (1 - p)
    latest = base - share * (base - level)
    assert percent_achieved(base, latest, level) == pytest.approx(share * 100, abs=1e-6)


@given(st.floats(min_value=0.01, max_value=0.99), st.floats(min_value=0.01, max_value=0.99))
def test_a_more_ambitious_target_is_never_easier_to_meet(p_low: float, p_high: float) -> None:
    p_low, p_high = sorted((p_low, p_high))
    path = ([2020, 2030], [100.0, 60.0])
    if evaluate(base_year_target(2020, 2030, p_high), *path).met:
        assert evaluate(base_year_target(2020, 2030, p_low), *path).met
