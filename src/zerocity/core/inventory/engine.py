"""The inventory engine: gas masses per row, CO2e under the pinned GWP set, and GPC totals.

``E_gas = activity × conversion × factor_gas`` for every row at once (a gather and a multiply in numpy), then
``CO2e = Σ_gas E_gas × GWP_gas``. Totals are sums over reference numbers (GPC v1.1 ch. 3, DOMAIN.md §1.2);
biogenic CO2 is carried in its own column with GWP 0 in totals and reported beside them.
"""

from __future__ import annotations

import numpy as np

from zerocity.core.gpc import GpcCatalogue, gpc_catalogue
from zerocity.core.gwp import GwpSet, gwp_set
from zerocity.core.inventory.compiled import CompiledActivity
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import FloatArray

KG_PER_T = 1000.0


def gwp_weights(gases: tuple[str, ...], gwp: GwpSet) -> FloatArray:
    """Per-gas weights: GWP for real gases, 1 for factors published as CO2e, 0 for biogenic CO2."""
    weights = []
    for gas in gases:
        if gas == "CO2e":
            weights.append(1.0)
        elif gas == "CO2_biogenic":
            weights.append(0.0)
        else:
            weights.append(gwp[gas])
    return np.asarray(weights, dtype=np.float64)


def row_gas_kg(compiled: CompiledActivity) -> FloatArray:
    """kg of each gas for each row (rows × gases); notation-key rows are zero."""
    return compiled.amount[:, None] * compiled.gas_matrix[compiled.conversion_index]


def compute_inventory(
    compiled: CompiledActivity, gwp_set_name: str, catalogue: GpcCatalogue | None = None
) -> InventoryResult:
    catalogue = catalogue or gpc_catalogue()
    gwp = gwp_set(gwp_set_name)
    weights = gwp_weights(compiled.gases, gwp)
    gas_kg = row_gas_kg(compiled)
    co2e_t = (gas_kg @ weights) / KG_PER_T

    n_refs = len(catalogue.refs)
    ref_co2e = np.bincount(compiled.ref_index, weights=co2e_t, minlength=n_refs).astype(np.float64)
    ref_gas_t = (
        np.stack(
            [
                np.bincount(compiled.ref_index, weights=gas_kg[:, j], minlength=n_refs)
                for j in range(len(compiled.gases))
            ],
            axis=1,
        )
        / KG_PER_T
    )
    has_values = np.bincount(compiled.ref_index, weights=(compiled.conversion_index >= 0), minlength=n_refs) > 0

    market_t = _market_scope2(compiled, weights, co2e_t, catalogue)
    quality = _worst_quality_per_ref(compiled, n_refs)
    return InventoryResult(
        catalogue=catalogue,
        compiled=compiled,
        gwp=gwp,
        row_co2e_t=co2e_t,
        row_gas_kg=gas_kg,
        ref_co2e_t=ref_co2e,
        ref_gas_t=ref_gas_t,
        ref_has_values=has_values,
        ref_quality=quality,
        market_scope2_t=market_t,
    )


def _market_scope2(
    compiled: CompiledActivity, weights: FloatArray, location_co2e_t: FloatArray, catalogue: GpcCatalogue
) -> float:
    """Market-based scope 2: rows with a contract factor use it; others keep their location-based figure
    (Taiwan publishes no residual mix: DOMAIN.md §2, a documented simplification)."""
    has_market = compiled.market_conversion_index >= 0
    if not has_market.any():
        return float("nan")
    market_kg = compiled.amount[has_market, None] * compiled.gas_matrix[compiled.market_conversion_index[has_market]]
    market_rows = (market_kg @ weights) / KG_PER_T
    scope2 = np.asarray([r.scope == 2 for r in catalogue.refs])[compiled.ref_index]
    return float(location_co2e_t[scope2 & ~has_market].sum() + market_rows.sum())


def _worst_quality_per_ref(compiled: CompiledActivity, n_refs: int) -> list[str]:
    worst = np.full(n_refs, -1, dtype=np.int64)
    np.maximum.at(worst, compiled.ref_index, compiled.quality)
    return ["" if w < 0 else "HML"[w] for w in worst.tolist()]
