"""Shared fixtures for checks against figures published by others (DOMAIN.md §7).

The data live outside the repository, in ``<repo>/../shared/data/external`` (``/work/shared/data/external`` on
a developer machine, the ``shared/`` folder checked out beside the clone in CI). Locally a missing folder skips
these tests; when the ``CI`` environment variable is set it is a failure, so CI can never pass by skipping them.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from zerocity.core.factors import bundled_library
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.inventory.engine import compute_inventory
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import RawTable

#: ``tests/external/conftest.py`` -> parents[2] is the repository, parents[3] the folder that holds it.
EXTERNAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "external"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(what: str) -> None:
    message = f"external check data not found: {what}"
    if running_in_ci():
        pytest.fail(message + " (CI is set: these checks must run in CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def external_dir() -> Path:
    if not EXTERNAL_DIR.is_dir():
        _missing(str(EXTERNAL_DIR))
    return EXTERNAL_DIR


@pytest.fixture(scope="session")
def external_file(external_dir: Path) -> Callable[[str, str], Path]:
    """``external_file("metcouncil-ghg-cprg", "fuel_use.csv")`` -> its path (skip locally / fail in CI if absent)."""

    def locate(folder: str, name: str) -> Path:
        path = external_dir / folder / name
        if not path.is_file():
            _missing(str(path))
        return path

    return locate


@pytest.fixture(scope="session")
def read_csv() -> Callable[[Path], list[dict[str, str]]]:
    """Rows of a CSV as dicts (a UTF-8 BOM, as in the Taipower file, is dropped)."""

    def read(path: Path) -> list[dict[str, str]]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    return read


InventoryRunner = Callable[..., InventoryResult]


@pytest.fixture(scope="session")
def run_inventory() -> InventoryRunner:
    """``run_inventory(header, rows, gwp="AR6", **compile_kwargs)``: compile the rows and compute the inventory."""

    def run(
        header: Sequence[str], rows: Sequence[Sequence[object]], gwp: str = "AR6", **compile_kwargs: object
    ) -> InventoryResult:
        raw = RawTable.from_rows("external-check.csv", list(header), [[_cell(v) for v in row] for row in rows])
        compiled = compile_activity(raw, bundled_library(), **compile_kwargs)  # type: ignore[arg-type]
        return compute_inventory(compiled, gwp)

    return run


def _cell(value: object) -> str:
    """Cell text as a spreadsheet would hold it; floats keep every digit (repr is exact for float64)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)
