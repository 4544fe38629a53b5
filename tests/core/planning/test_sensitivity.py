"""Tests of ``zerocity.core.planning.sensitivity``: Sobol indices against closed-form cases (PLANNING.md §9)."""

from __future__ import annotations

import numpy as np
import pytest

from zerocity.core.planning.montecarlo import Draws, Fixed, FloatArray, Normal, Uniform
from zerocity.core.planning.sensitivity import InvalidSensitivityInput, sobol_indices

ISHIGAMI_INPUTS = {f"x{i}": Uniform(-np.pi, np.pi) for i in (1, 2, 3)}


def ishigami(draws: Draws) -> FloatArray:
    """Ishigami & Homma (1990) with a = 7, b = 0.1: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437."""
    x1, x2, x3 = draws["x1"], draws["x2"], draws["x3"]
    return np.asarray(np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1), dtype=np.float64)


def three_a_plus_b(draws: Draws) -> FloatArray:
    return 3 * draws["a"] + draws["b"]


def test_ishigami_indices_match_their_analytic_values() -> None:
    result = sobol_indices(ishigami, ISHIGAMI_INPUTS, base_samples=2**13, seed=1)
    assert result["x1"].first_order == pytest.approx(0.3139, abs=0.03)
    assert result["x2"].first_order == pytest.approx(0.4424, abs=0.03)
    assert result["x3"].first_order == pytest.approx(0.0, abs=0.03)
    assert result["x1"].total == pytest.approx(0.5576, abs=0.03)
    assert result["x2"].total == pytest.approx(0.4424, abs=0.03)
    assert result["x3"].total == pytest.approx(0.2437, abs=0.03)
    assert result.top_driver == "x1"
    assert [index.name for index in result.indices] == ["x1", "x2", "x3"]


def test_a_linear_model_splits_variance_by_squared_coefficients() -> None:
    # Var(3a) = 9/12 and Var(b) = 1/12 for independent U(0, 1): S1 = 0.9 and 0.1, equal to ST (no interaction).
    result = sobol_indices(three_a_plus_b, {"b": Uniform(0, 1), "a": Uniform(0, 1)}, base_samples=2**12, seed=2)
    assert result.top_driver == "a"
    assert result["a"].first_order == pytest.approx(0.9, abs=0.02)
    assert result["b"].first_order == pytest.approx(0.1, abs=0.02)
    assert result["a"].total == pytest.approx(0.9, abs=0.02)
    assert result["b"].total == pytest.approx(0.1, abs=0.02)


def test_unbounded_distributions_are_mapped_through_their_quantiles() -> None:
    result = sobol_indices(three_a_plus_b, {"a": Normal(0, 1), "b": Normal(0, 3)}, base_samples=2**12, seed=3)
    # Var(3a) = 9 = Var(b): the two inputs share the variance equally.
    assert result["a"].first_order == pytest.approx(0.5, abs=0.05)
    assert result["b"].first_order == pytest.approx(0.5, abs=0.05)


def test_a_fixed_input_gets_zero_indices() -> None:
    result = sobol_indices(three_a_plus_b, {"a": Uniform(0, 1), "b": Fixed(2.0)}, base_samples=2**10, seed=4)
    assert result["b"].total == pytest.approx(0.0, abs=1e-12)
    assert result.top_driver == "a"


def test_the_result_records_its_sampling_settings_and_is_reproducible() -> None:
    first = sobol_indices(ishigami, ISHIGAMI_INPUTS, base_samples=2**8, seed=5)
    again = sobol_indices(ishigami, ISHIGAMI_INPUTS, base_samples=2**8, seed=5)
    assert first == again
    assert (first.base_samples, first.model_runs, first.seed) == (256, 256 * (3 + 2), 5)


def test_a_base_sample_size_that_is_not_a_power_of_two_is_an_error() -> None:
    with pytest.raises(InvalidSensitivityInput, match="power of two"):
        sobol_indices(ishigami, ISHIGAMI_INPUTS, base_samples=1000, seed=1)


def test_a_single_uncertain_input_is_an_error() -> None:
    with pytest.raises(InvalidSensitivityInput, match="at least two"):
        sobol_indices(lambda draws: draws["a"], {"a": Uniform(0, 1)}, base_samples=64, seed=1)


def test_a_model_returning_the_wrong_shape_is_an_error() -> None:
    with pytest.raises(InvalidSensitivityInput, match="one value per row"):
        sobol_indices(lambda draws: np.zeros((3, 3)), ISHIGAMI_INPUTS, base_samples=64, seed=1)


def test_a_constant_output_is_an_error() -> None:
    with pytest.raises(InvalidSensitivityInput, match="does not vary"):
        sobol_indices(lambda draws: np.zeros_like(draws["x1"]), ISHIGAMI_INPUTS, base_samples=64, seed=1)
