"""Penetration curves (``zerocity.core.planning.penetration``, PLANNING.md §2): closed-form values, the draws axis,
and errors naming the bad parameter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.planning.penetration import InvalidPenetration, linear_ramp, logistic, step

YEARS = np.arange(2025, 2051)


def test_linear_ramp_is_zero_before_start_half_way_at_midpoint_and_p_max_after_end() -> None:
    p = linear_ramp([2020, 2025, 2030, 2035, 2040], start_year=2025, end_year=2035, p_max=0.6)
    np.testing.assert_allclose(p, [0.0, 0.0, 0.3, 0.6, 0.6])


def test_step_switches_on_in_its_year() -> None:
    np.testing.assert_array_equal(step([2028, 2029, 2030, 2031], year=2030, p=0.4), [0.0, 0.0, 0.4, 0.4])


def test_logistic_reaches_half_of_p_max_at_t_mid() -> None:
    p = logistic([2030], p_max=0.8, k=0.7, t_mid=2030)
    assert p[0] == pytest.approx(0.4)


def test_logistic_matches_the_closed_form() -> None:
    p = logistic([2032], p_max=0.9, k=0.5, t_mid=2030)
    assert p[0] == pytest.approx(0.9 / (1 + np.exp(-1.0)))


def test_scalar_parameters_give_one_row_per_year() -> None:
    assert logistic(YEARS, 1.0, 0.3, 2035).shape == (YEARS.size,)


def test_draw_arrays_give_one_row_per_draw_matching_the_scalar_curves() -> None:
    p_max = np.array([0.2, 0.5, 0.9])
    t_mid = np.array([2030.0, 2035.0, 2040.0])
    curves = logistic(YEARS, p_max=p_max, k=0.4, t_mid=t_mid)
    assert curves.shape == (3, YEARS.size)
    for draw in range(3):
        np.testing.assert_allclose(curves[draw], logistic(YEARS, p_max[draw], 0.4, t_mid[draw]))


def test_linear_ramp_and_step_accept_draws_too() -> None:
    assert linear_ramp(YEARS, 2025, np.array([2030.0, 2040.0]), 0.5).shape == (2, YEARS.size)
    assert step(YEARS, np.array([2030, 2031, 2032]), 1.0).shape == (3, YEARS.size)


@pytest.mark.parametrize("bad", [-0.1, 1.2])
def test_a_p_max_outside_0_to_1_is_an_error_naming_p_max(bad: float) -> None:
    with pytest.raises(InvalidPenetration) as caught:
        logistic(YEARS, p_max=bad, k=0.3, t_mid=2035)
    assert caught.value.parameter == "p_max"
    assert "p_max" in str(caught.value)


def test_one_bad_draw_of_p_max_is_an_error() -> None:
    with pytest.raises(InvalidPenetration, match="p_max"):
        linear_ramp(YEARS, 2025, 2030, np.array([0.5, 1.5]))


def test_a_step_share_above_100_percent_is_an_error_naming_p() -> None:
    with pytest.raises(InvalidPenetration) as caught:
        step(YEARS, 2030, 1.01)
    assert caught.value.parameter == "p"


def test_a_ramp_ending_before_it_starts_is_an_error() -> None:
    with pytest.raises(InvalidPenetration, match="end_year"):
        linear_ramp(YEARS, 2035, 2030, 0.5)


def test_a_non_positive_logistic_rate_is_an_error() -> None:
    with pytest.raises(InvalidPenetration, match="k"):
        logistic(YEARS, 0.5, 0.0, 2035)


def test_draw_arrays_of_different_lengths_are_an_error() -> None:
    with pytest.raises(InvalidPenetration, match="one value per draw"):
        logistic(YEARS, np.array([0.5, 0.6]), 0.3, np.array([2030.0, 2031.0, 2032.0]))


@settings(max_examples=60, deadline=None)
@given(
    p_max=st.floats(0.0, 1.0),
    k=st.floats(0.01, 5.0),
    t_mid=st.floats(2000.0, 2080.0),
    start=st.integers(2020, 2040),
    length=st.integers(1, 20),
)
def test_every_curve_stays_within_0_and_p_max_and_never_falls(
    p_max: float, k: float, t_mid: float, start: int, length: int
) -> None:
    for curve in (logistic(YEARS, p_max, k, t_mid), linear_ramp(YEARS, start, start + length, p_max)):
        assert np.all(curve >= 0.0)
        assert np.all(curve <= p_max)
        assert np.all(np.diff(curve) >= -1e-15)
