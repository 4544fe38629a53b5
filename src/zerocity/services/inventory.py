"""Computing an inventory from an activity file: read, validate, compile, compute."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zerocity.core.factors import FactorLibrary
from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.inventory.engine import compute_inventory
from zerocity.core.inventory.result import InventoryResult
from zerocity.ingest.tables import read_table
from zerocity.services.factors import load_factor_library


def compute_inventory_file(
    path: str | Path,
    *,
    gwp: str = DEFAULT_GWP_SET,
    year: int | None = None,
    city: str | None = None,
    factor_files: Sequence[str | Path] = (),
    library: FactorLibrary | None = None,
) -> InventoryResult:
    """The inventory of one city-year in ``path``; raises ``InputErrors`` listing every problem in the file."""
    gwp_set(gwp)  # an unknown set fails before any file is read
    library = library or load_factor_library(factor_files)
    raw = read_table(path)
    compiled = compile_activity(raw, library, inventory_year=year, city=city)
    return compute_inventory(compiled, gwp)
