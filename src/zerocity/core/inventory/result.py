"""An computed inventory: per-row and per-reference figures, GPC totals, and its JSON-ready summary."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from zerocity.core.errors import ZeroCityError
from zerocity.core.gpc import TOTALS, GpcCatalogue, ReferenceNumber
from zerocity.core.gwp import GwpSet
from zerocity.core.inventory.compiled import CompiledActivity
from zerocity.core.table import BoolArray, FloatArray


@dataclass(frozen=True)
class InventoryResult:
    catalogue: GpcCatalogue
    compiled: CompiledActivity
    gwp: GwpSet
    row_co2e_t: FloatArray
    row_gas_kg: FloatArray
    ref_co2e_t: FloatArray
    ref_gas_t: FloatArray
    ref_has_values: BoolArray
    ref_quality: list[str]
    market_scope2_t: float

    # -- totals (GPC v1.1 ch. 3; DOMAIN.md §1.2) --------------------------------------------------------------
    def _sum(self, include: list[bool]) -> float:
        return float(self.ref_co2e_t[np.asarray(include, dtype=bool)].sum())

    def total(self, name: str) -> float:
        """``basic``, ``basic_plus``, ``territorial``, ``other_scope3`` or ``basic_plus_s3`` in t CO2e."""
        refs = self.catalogue.refs
        if name not in (*TOTALS, "basic_plus_s3"):
            raise ZeroCityError(f"unknown total {name!r}; use one of {', '.join((*TOTALS, 'basic_plus_s3'))}")
        if name == "basic_plus_s3":
            return self.total("basic_plus") + self.total("other_scope3")
        return self._sum([getattr(r, name) for r in refs])

    def scope(self, scope: int, *, excluding_generation: bool = False) -> float:
        return self._sum(
            [r.scope == scope and not (excluding_generation and r.is_grid_generation) for r in self.catalogue.refs]
        )

    @property
    def generation_t(self) -> float:
        """I.4.4, emissions from generating grid energy in the city: reported on its own line (CDP)."""
        return self._sum([r.is_grid_generation for r in self.catalogue.refs])

    @property
    def biogenic_co2_t(self) -> float:
        return float(self.ref_gas_t[:, self.compiled.gases.index("CO2_biogenic")].sum())

    def gas_totals_t(self, refs: list[ReferenceNumber] | None = None) -> dict[str, float]:
        mask = np.ones(len(self.catalogue.refs), dtype=bool)
        if refs is not None:
            mask = np.isin([r.ref for r in self.catalogue.refs], [r.ref for r in refs])
        return {gas: float(self.ref_gas_t[mask, j].sum()) for j, gas in enumerate(self.compiled.gases)}

    def notation_keys(self) -> dict[str, str]:
        """The notation key(s) of each ref that has one, e.g. ``{'I.7.1': 'NO'}``."""
        found: dict[str, list[str]] = {}
        for entry in self.compiled.notation:
            ref = self.catalogue.refs[entry.ref_index].ref
            for key in entry.keys:
                if key not in found.setdefault(ref, []):
                    found[ref].append(key)
        return {ref: "; ".join(keys) for ref, keys in found.items()}

    def completeness(self) -> dict[str, int]:
        """How many BASIC refs are estimated, keyed, or silent (a silent ref is a gap a reviewer must see)."""
        keys = self.notation_keys()
        basic = [(i, r) for i, r in enumerate(self.catalogue.refs) if r.basic]
        estimated = sum(1 for i, _ in basic if self.ref_has_values[i])
        keyed = sum(1 for i, r in basic if not self.ref_has_values[i] and r.ref in keys)
        not_estimated = sum(1 for i, r in basic if "NE" in keys.get(r.ref, ""))
        return {
            "basic_refs": len(basic),
            "estimated": estimated,
            "notation_key_only": keyed,
            "not_estimated_ne": not_estimated,
            "missing": len(basic) - estimated - keyed,
        }

    # -- summaries ---------------------------------------------------------------------------------------------
    def by_ref(self) -> dict[str, dict[str, Any]]:
        keys = self.notation_keys()
        out: dict[str, dict[str, Any]] = {}
        for i, ref in enumerate(self.catalogue.refs):
            if not self.ref_has_values[i] and ref.ref not in keys:
                continue
            out[ref.ref] = {
                "sector": ref.sector,
                "subsector": ref.subsector,
                "scope": ref.scope,
                "tco2e": float(self.ref_co2e_t[i]) if self.ref_has_values[i] else None,
                "gases_t": {
                    gas: float(self.ref_gas_t[i, j])
                    for j, gas in enumerate(self.compiled.gases)
                    if self.ref_gas_t[i, j] != 0.0
                },
                "notation_key": keys.get(ref.ref),
                "data_quality": self.ref_quality[i] or None,
            }
        return out

    def by_sector(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for sector in self.catalogue.sectors:
            refs = [r for r in self.catalogue.refs if r.sector == sector]
            row: dict[str, float] = {}
            for total in ("basic", "basic_plus", "territorial"):
                row[f"{total}_tco2e"] = self._sum(
                    [r.sector == sector and getattr(r, total) for r in self.catalogue.refs]
                )
            for scope in (1, 2, 3):
                row[f"scope_{scope}_tco2e"] = self._sum(
                    [r.sector == sector and r.scope == scope for r in self.catalogue.refs]
                )
            if refs:
                out[sector] = row
        return out

    def by_scope(self) -> dict[str, float]:
        return {
            "1": self.scope(1),
            "1_excluding_generation": self.scope(1, excluding_generation=True),
            "2": self.scope(2),
            "3": self.scope(3),
        }

    def summary(self) -> dict[str, Any]:
        market = self.market_scope2_t
        return {
            "city": self.compiled.city or None,
            "year": self.compiled.inventory_year,
            "gwp": self.gwp.name,
            "gwp_values": {g: self.gwp.values[g] for g in ("CO2", "CH4", "N2O")},
            "basic_tco2e": self.total("basic"),
            "basic_plus_tco2e": self.total("basic_plus"),
            "basic_plus_s3_tco2e": self.total("basic_plus_s3"),
            "territorial_tco2e": self.total("territorial"),
            "generation_I44_tco2e": self.generation_t,
            "biogenic_co2_t": self.biogenic_co2_t,
            "scope2_location_based_tco2e": self.scope(2),
            "scope2_market_based_tco2e": None if math.isnan(market) else market,
            "by_scope": self.by_scope(),
            "by_sector": self.by_sector(),
            "by_ref": self.by_ref(),
            "gases_t": {g: v for g, v in self.gas_totals_t().items() if v != 0.0},
            "completeness": self.completeness(),
            "rows": self.compiled.n_rows,
            "warnings": [str(w) if w.row else w.reason for w in self.compiled.warnings],
        }
