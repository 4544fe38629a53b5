"""Where independent Monte Carlo jobs run (``montecarlo.run_many``: several cities or scenarios), behind the one
``concurrent.futures.Executor`` interface (STACK.md §3, "Compute").

- ``process`` (default): a local ``ProcessPoolExecutor``; models must be picklable (top-level functions);
- ``thread``: a ``ThreadPoolExecutor``, for models that cannot be pickled (NumPy releases the GIL in its loops);
- ``dask``: a ``dask.distributed`` cluster (a local one, or the scheduler at ``address``) for multi-node sweeps,
  through ``Client.get_executor()``. Optional: dask is not a dependency of ZeroCity (the ``[distributed]`` extra);
  asking for it without dask installed is a clear error, never a silent fallback.

Results never depend on the executor: ``run_many`` seeds job ``i`` with child ``i`` of ``SeedSequence(seed)``. A
single city's draws are vectorised and need no executor (20 runs × 200 k draws take 0.27 s on one core), so dask
pays off only for large sweeps.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from zerocity.core.errors import ZeroCityError

KINDS = ("process", "thread", "dask")


class ExecutorUnavailable(ZeroCityError):
    """The executor asked for does not exist here (an unknown kind, or dask without dask installed)."""

    code = "executor_unavailable"


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported in this environment."""
    try:
        return importlib.util.find_spec("dask.distributed") is not None
    except ModuleNotFoundError:  # no "dask" package at all
        return False


@contextmanager
def executor(kind: str = "process", *, workers: int | None = None, address: str | None = None) -> Iterator[Executor]:
    """An executor of ``kind`` for ``montecarlo.run_many``, shut down (and a dask client closed) on exit.

    ``workers`` sizes a local pool or local dask cluster; ``address`` (dask only) names a running scheduler, e.g.
    ``tcp://10.0.0.5:8786``.
    """
    if kind not in KINDS:
        raise ExecutorUnavailable(f"unknown executor {kind!r}; choose one of {', '.join(KINDS)}", kind=kind)
    if address is not None and kind != "dask":
        raise ExecutorUnavailable("only a dask executor connects to a scheduler address", kind=kind)
    if kind == "process":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield pool
        return
    if kind == "thread":
        with ThreadPoolExecutor(max_workers=workers) as threads:
            yield threads
        return
    if not dask_available():
        raise ExecutorUnavailable(
            "dask.distributed is not installed: install ZeroCity's [distributed] extra, or use the process executor",
            kind=kind,
        )
    distributed: Any = importlib.import_module("dask.distributed")
    client = distributed.Client(address) if address else distributed.Client(n_workers=workers, processes=True)
    try:
        dask_pool: Executor = client.get_executor()
        yield dask_pool
    finally:
        client.close()
