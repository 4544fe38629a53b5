"""Executors for independent Monte Carlo jobs (``zerocity.core.planning.executors``): the same results whatever runs
them, and dask only when it is installed."""

from __future__ import annotations

import numpy as np
import pytest

from zerocity.core.planning.executors import ExecutorUnavailable, dask_available, executor
from zerocity.core.planning.montecarlo import MonteCarloJob, Uniform, run_many

YEARS = (2025, 2030, 2035)


def shrinking(draws: dict[str, np.ndarray]) -> np.ndarray:
    """A top-level (picklable) model: 100 t falling by an uncertain rate each five years."""
    return 100.0 * (1.0 - draws["rate"][:, None]) ** np.arange(len(YEARS))


def jobs() -> list[MonteCarloJob]:
    inputs = {"rate": Uniform(0.05, 0.2)}
    return [MonteCarloJob(city, shrinking, inputs, YEARS, 200) for city in ("kaohsiung", "tainan", "taichung")]


@pytest.mark.parametrize("kind", ["process", "thread"])
def test_every_local_executor_gives_the_results_of_the_default(kind: str) -> None:
    expected = run_many(jobs(), seed=9)
    with executor(kind, workers=2) as pool:
        results = run_many(jobs(), seed=9, executor=pool)
    for a, b in zip(expected, results, strict=True):
        np.testing.assert_array_equal(a.emissions, b.emissions)


def test_an_unknown_executor_is_refused() -> None:
    with pytest.raises(ExecutorUnavailable, match="process, thread, dask"), executor("ray"):
        pass


def test_a_scheduler_address_is_for_dask_only() -> None:
    with pytest.raises(ExecutorUnavailable, match="dask"), executor("process", address="tcp://127.0.0.1:8786"):
        pass


@pytest.mark.skipif(dask_available(), reason="dask.distributed is installed here")
def test_dask_without_dask_installed_is_a_clear_error_not_a_fallback() -> None:
    with pytest.raises(ExecutorUnavailable, match="not installed"), executor("dask"):
        pass


@pytest.mark.skipif(not dask_available(), reason="dask.distributed is not installed (optional [distributed] extra)")
def test_a_local_dask_cluster_gives_the_results_of_the_default() -> None:
    expected = run_many(jobs(), seed=9)
    with executor("dask", workers=2) as pool:
        results = run_many(jobs(), seed=9, executor=pool)
    for a, b in zip(expected, results, strict=True):
        np.testing.assert_array_equal(a.emissions, b.emissions)
