"""Global warming potentials (100-year) as data, one named set per IPCC assessment report.

Every inventory pins one set; CO2e is always recomputed from gas masses with it (DOMAIN.md §3, pitfall 7).
``AR6-fossil`` applies AR6's fossil-methane value 29.8 (AR6 WG1 Table 7.15) to all CH4: a per-inventory opt-in
for fuel-dominated inventories. AR5 values are those without climate-carbon feedback (never CH4 = 34).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import ZeroCityError

DEFAULT_GWP_SET = "AR5"  # Taiwan's MOENV registry moved to AR5 on 2024-02-05 (DOMAIN.md §3)


class UnknownGwpSet(ZeroCityError):
    code = "unknown_gwp_set"


class UnknownGas(ZeroCityError):
    code = "unknown_gas"


@dataclass(frozen=True)
class GwpSet:
    name: str
    values: dict[str, float]
    sources: dict[str, str]

    def __getitem__(self, gas: str) -> float:
        try:
            return self.values[canonical_gas(gas)]
        except KeyError:
            raise UnknownGas(f"gas {gas!r} has no GWP in set {self.name}", gas=gas, gwp_set=self.name) from None


def canonical_gas(name: str) -> str:
    """``hfc134a``, ``HFC-134A`` and ``HFC 134a`` all mean ``HFC-134a``; ``co2`` means ``CO2``."""
    cleaned = name.strip().replace(" ", "-").replace("_", "-")
    upper = cleaned.upper()
    for gas in all_gases():
        if gas.upper() == upper or gas.upper().replace("-", "") == upper.replace("-", ""):
            return gas
    return cleaned


@cache
def _rows() -> tuple[dict[str, str], ...]:
    return read_bundled_csv("gwp/gwp100.csv")


@cache
def all_gases() -> tuple[str, ...]:
    return tuple(dict.fromkeys(row["gas"] for row in _rows()))


@cache
def gwp_set_names() -> tuple[str, ...]:
    return tuple(dict.fromkeys(row["gwp_set"] for row in _rows()))


@cache
def gwp_set(name: str) -> GwpSet:
    wanted = name.strip().upper()
    for known in gwp_set_names():
        if known.upper() == wanted:
            rows = [r for r in _rows() if r["gwp_set"] == known]
            return GwpSet(
                name=known,
                values={r["gas"]: float(r["gwp100"]) for r in rows},
                sources={r["gas"]: r["source"] for r in rows},
            )
    raise UnknownGwpSet(f"unknown GWP set {name!r}; choose one of {', '.join(gwp_set_names())}", gwp_set=name)
