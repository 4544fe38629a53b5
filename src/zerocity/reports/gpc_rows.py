"""The GPC table as plain rows, shared by the text, CSV and XLSX reports."""

from __future__ import annotations

from dataclasses import dataclass

from zerocity.core.inventory.result import InventoryResult


@dataclass(frozen=True)
class GpcRow:
    ref: str
    sector: str
    subsector: str
    scope: int
    tco2e: float | None
    notation_key: str
    data_quality: str
    gases_t: dict[str, float]
    basic: bool
    basic_plus: bool
    territorial: bool


def gpc_rows(result: InventoryResult, *, include_empty: bool = True) -> list[GpcRow]:
    """One row per GPC reference number in the standard's order; refs with no data have tco2e None."""
    keys = result.notation_keys()
    rows = []
    for i, ref in enumerate(result.catalogue.refs):
        has_values = bool(result.ref_has_values[i])
        if not include_empty and not has_values and ref.ref not in keys:
            continue
        rows.append(
            GpcRow(
                ref=ref.ref,
                sector=ref.sector,
                subsector=ref.subsector,
                scope=ref.scope,
                tco2e=float(result.ref_co2e_t[i]) if has_values else None,
                notation_key=keys.get(ref.ref, ""),
                data_quality=result.ref_quality[i],
                gases_t={g: float(result.ref_gas_t[i, j]) for j, g in enumerate(result.compiled.gases)},
                basic=ref.basic,
                basic_plus=ref.basic_plus,
                territorial=ref.territorial,
            )
        )
    return rows
