"""The inventory as a CDP-ICLEI Track / GCoM-style emissions table: one row per GPC reference number.

What the table carries follows DOMAIN.md §6 ([CDP-EMIS], [ECRF]):

- inventory-level fields: city, accounting year, boundary, protocol, GWP set, gases included, reporting level
  (BASIC / BASIC+), direct (scope 1, with and without grid generation I.4.4), grid-indirect (scope 2) and
  outside-boundary (scope 3) totals, TOTAL BASIC, TOTAL BASIC+, territorial, biogenic CO2, population and area;
- per reference number: sector, sub-sector, scope, emissions per gas, CO2(b) separately, total t CO2e, notation
  key, data quality and a methodology note naming the factors and methods used.

Gases are reported as the engine computed them, in tonnes of gas. HFCs and PFCs are families of species with
different GWPs, so each family is summed in t CO2e under the inventory's GWP set; SF6 and NF3 are single gases
in tonnes. A factor published only as CO2e (Taiwan's grid factor) is never split into invented per-gas shares
(DOMAIN.md pitfall 6): it has its own column. Biogenic CO2 is shown beside the total, never in it (pitfall 8).
F-gas and CO2e-only columns appear only when the inventory has them; CO2, CH4, N2O and CO2(b) always do.

Figures keep full float precision (CDP forms accept decimals; a reviewer can round, but cannot un-round).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zerocity.core.inventory.compiled import Conversion
from zerocity.core.inventory.result import InventoryResult

TITLE = "CDP-ICLEI Track / GCoM emissions table by GPC reference number"
PROTOCOL = "GPC v1.1"

#: DOMAIN.md §1.1: II.5.3 (off-road transboundary) is optional, so a missing II.5.3 does not cost BASIC+.
OPTIONAL_REFS = frozenset({"II.5.3"})

LEVEL_BASIC_PLUS = "BASIC+"
LEVEL_BASIC = "BASIC"
LEVEL_INCOMPLETE = "incomplete"

#: Per-gas columns, in order. ``always`` columns appear in every table; the others only when the inventory has
#: that gas. ``in_co2e`` columns are already weighted by GWP (families of species, or factors given as CO2e).
_CO2, _CH4, _N2O = "co2_t", "ch4_t", "n2o_t"
_HFCS, _PFCS, _SF6, _NF3 = "hfcs_tco2e", "pfcs_tco2e", "sf6_t", "nf3_t"
_CO2E_ONLY, _OTHER = "co2e_not_split_tco2e", "other_gases_tco2e"
_ALWAYS = (_CO2, _CH4, _N2O)
_GAS_ORDER = (_CO2, _CH4, _N2O, _HFCS, _PFCS, _SF6, _NF3, _CO2E_ONLY, _OTHER)
_IN_CO2E = frozenset({_HFCS, _PFCS, _CO2E_ONLY, _OTHER})
BIOGENIC = "co2_biogenic_t"

#: A perfluorocarbon holds only carbon and fluorine (CF4, C2F6, c-C4F8); an HFC also holds hydrogen.
_PFC_FORMULA = re.compile(r"^(c-)?C\d*F\d+$")

ROW_COLUMNS_BEFORE_GASES = (
    "gpc_ref",
    "sector",
    "subsector",
    "scope",
    "status",
    "in_basic",
    "in_basic_plus",
    "in_territorial",
)
ROW_COLUMNS_AFTER_GASES = (BIOGENIC, "total_tco2e", "notation_key", "data_quality", "methodology")

#: Text that a spreadsheet would run as a formula if a cell began with it (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CityFacts:
    """What the table needs about the city beyond the computed inventory (from the city profile)."""

    city: str
    boundary: str = ""
    population: float | None = None
    population_year: int | None = None
    area_km2: float | None = None


@dataclass(frozen=True)
class CdpRow:
    gpc_ref: str
    sector: str
    subsector: str
    scope: int
    #: ``estimated`` (has figures), ``notation key`` (only a key) or ``missing`` (nothing: a gap to explain).
    status: str
    in_basic: bool
    in_basic_plus: bool
    in_territorial: bool
    #: CDP gas column -> value (t of gas, or t CO2e for the ``_tco2e`` columns) for each of the table's gas
    #: columns; empty when the ref has no figures (a notation key or a gap), so the file shows blanks, not zeros.
    gases: dict[str, float]
    co2_biogenic_t: float | None
    total_tco2e: float | None
    notation_key: str
    data_quality: str
    methodology: str


@dataclass(frozen=True)
class CdpTable:
    #: Inventory-level fields in the order they are written: (name, value).
    fields: list[tuple[str, object]]
    gas_columns: tuple[str, ...]
    rows: list[CdpRow]

    def value(self, name: str) -> object:
        """One inventory-level field by name."""
        for key, value in self.fields:
            if key == name:
                return value
        raise KeyError(name)

    @property
    def row_columns(self) -> tuple[str, ...]:
        return (*ROW_COLUMNS_BEFORE_GASES, *self.gas_columns, *ROW_COLUMNS_AFTER_GASES)


def gas_column(gas: str) -> str:
    """The CDP column of one engine gas (``HFC-134a`` -> ``hfcs_tco2e``); ``CO2_biogenic`` is not one of them."""
    simple = {"CO2": _CO2, "CH4": _CH4, "N2O": _N2O, "SF6": _SF6, "NF3": _NF3, "CO2e": _CO2E_ONLY}
    if gas in simple:
        return simple[gas]
    if gas.upper().startswith("HFC"):
        return _HFCS
    if _PFC_FORMULA.match(gas):
        return _PFCS
    return _OTHER


def cdp_table(result: InventoryResult, facts: CityFacts) -> CdpTable:
    """The table for one computed inventory: every GPC reference number in the standard's order, each figure
    taken from the engine's per-ref gas masses and totals (nothing is recomputed or rounded here)."""
    gases = result.compiled.gases
    # Per ref and CDP column: tonnes of gas, or GWP-weighted tonnes for the families given in CO2e.
    per_column: dict[str, np.ndarray] = {}
    for j, gas in enumerate(gases):
        if gas == "CO2_biogenic":
            continue
        column = gas_column(gas)
        scale = _weight(result, gas) if column in _IN_CO2E else 1.0
        values = result.ref_gas_t[:, j] * scale
        per_column[column] = per_column.get(column, 0.0) + values
    present = tuple(c for c in _GAS_ORDER if c in _ALWAYS or (c in per_column and bool(per_column[c].any())))
    biogenic = result.ref_gas_t[:, gases.index("CO2_biogenic")]
    zeros = np.zeros(len(result.catalogue.refs))

    keys = result.notation_keys()
    notes = _methodology(result)
    rows = []
    for i, ref in enumerate(result.catalogue.refs):
        has_values = bool(result.ref_has_values[i])
        key = keys.get(ref.ref, "")
        rows.append(
            CdpRow(
                gpc_ref=ref.ref,
                sector=ref.sector,
                subsector=ref.subsector,
                scope=ref.scope,
                status="estimated" if has_values else ("notation key" if key else "missing"),
                in_basic=ref.basic,
                in_basic_plus=ref.basic_plus,
                in_territorial=ref.territorial,
                gases={c: float(per_column.get(c, zeros)[i]) for c in present} if has_values else {},
                co2_biogenic_t=float(biogenic[i]) if has_values else None,
                total_tco2e=float(result.ref_co2e_t[i]) if has_values else None,
                notation_key=key,
                data_quality=result.ref_quality[i],
                methodology=notes.get(i, ""),
            )
        )
    return CdpTable(_inventory_fields(result, facts, rows, present), present, rows)


def reporting_level(rows: Sequence[CdpRow]) -> tuple[str, list[str], list[str]]:
    """The GPC reporting level the inventory reaches, and the refs missing for BASIC and for BASIC+.

    A level is reached when every reference number in it is either estimated or covered by a notation key
    (GPC v1.1 ch. 3: NO, IE, NE and C are valid answers; silence is not).
    """
    missing_basic = [r.gpc_ref for r in rows if r.in_basic and r.status == "missing"]
    missing_plus = [
        r.gpc_ref
        for r in rows
        if r.in_basic_plus and not r.in_basic and r.status == "missing" and r.gpc_ref not in OPTIONAL_REFS
    ]
    if missing_basic:
        return LEVEL_INCOMPLETE, missing_basic, missing_plus
    return (LEVEL_BASIC if missing_plus else LEVEL_BASIC_PLUS), missing_basic, missing_plus


def _inventory_fields(
    result: InventoryResult, facts: CityFacts, rows: list[CdpRow], gas_columns: tuple[str, ...]
) -> list[tuple[str, object]]:
    level, missing_basic, missing_plus = reporting_level(rows)
    completeness = result.completeness()
    market = result.market_scope2_t
    gwp = result.gwp
    return [
        ("report", TITLE),
        ("city", facts.city),
        ("accounting_year", result.compiled.inventory_year),
        ("boundary", facts.boundary),
        ("protocol", PROTOCOL),
        ("gwp_set", gwp.name),
        ("gwp_values", "; ".join(f"{g} {gwp.values[g]:g}" for g in ("CO2", "CH4", "N2O"))),
        ("gwp_source", gwp.sources.get("CH4", "")),
        ("gases_included", "; ".join(_gases_included(result, gas_columns))),
        ("reporting_level", level),
        ("refs_missing_for_basic", "; ".join(missing_basic)),
        ("refs_missing_for_basic_plus", "; ".join(missing_plus)),
        ("basic_refs_estimated", completeness["estimated"]),
        ("basic_refs_notation_key_only", completeness["notation_key_only"]),
        ("basic_refs_not_estimated_ne", completeness["not_estimated_ne"]),
        ("total_basic_tco2e", result.total("basic")),
        ("total_basic_plus_tco2e", result.total("basic_plus")),
        ("total_basic_plus_s3_tco2e", result.total("basic_plus_s3")),
        ("territorial_tco2e", result.total("territorial")),
        ("scope1_tco2e", result.scope(1)),
        ("scope1_excluding_generation_tco2e", result.scope(1, excluding_generation=True)),
        ("generation_I44_tco2e", result.generation_t),
        ("scope2_location_based_tco2e", result.scope(2)),
        ("scope2_market_based_tco2e", None if math.isnan(market) else market),
        ("scope3_tco2e", result.scope(3)),
        ("biogenic_co2_t", result.biogenic_co2_t),
        ("population", facts.population),
        ("population_year", facts.population_year),
        ("area_km2", facts.area_km2),
    ]


def _gases_included(result: InventoryResult, gas_columns: tuple[str, ...]) -> list[str]:
    """The gases with any emissions, named as GPC names them (CO2e-only factors say so rather than hide it)."""
    names = []
    totals = result.gas_totals_t()
    for gas, tonnes in totals.items():
        if tonnes == 0.0 or gas == "CO2_biogenic":
            continue
        names.append("CO2e (factor not split by gas)" if gas == "CO2e" else gas)
    if totals.get("CO2_biogenic", 0.0) != 0.0:
        names.append("CO2(b) (reported separately)")
    return names


def _weight(result: InventoryResult, gas: str) -> float:
    return 1.0 if gas == "CO2e" else float(result.gwp[gas])


# -- methodology notes ---------------------------------------------------------------------------------------
def _methodology(result: InventoryResult) -> dict[int, str]:
    """Per ref index: the distinct factors and methods its rows used, in the order the rows give them.

    Works on distinct (ref, conversion, source text) triples, so a million-row inventory costs one ``np.unique``.
    Direct entries and notation keys have no factor: their row's ``source`` cell is their justification.
    """
    compiled = result.compiled
    if compiled.n_rows == 0:
        return {}
    raw = compiled.raw
    source = raw.column("source")
    key = raw.column("notation_key")
    positions = compiled.positions
    source_codes = source.codes[positions] if source is not None else np.zeros(compiled.n_rows, dtype=np.int64)
    key_codes = key.codes[positions] if key is not None else np.zeros(compiled.n_rows, dtype=np.int64)
    triples = np.stack([compiled.ref_index, compiled.conversion_index, source_codes, key_codes], axis=1)
    distinct, first = np.unique(triples, axis=0, return_index=True)
    notes: dict[int, list[str]] = {}
    for ref_index, conversion_index, source_code, key_code in distinct[np.argsort(first)].tolist():
        source_text = source.uniques[source_code] if source is not None else ""
        if conversion_index >= 0:
            text = _describe(compiled.conversions[conversion_index], source_text)
        else:
            key_text = key.uniques[key_code] if key is not None else ""
            text = f"{key_text}: {source_text}" if source_text else key_text
        if text and text not in notes.setdefault(ref_index, []):
            notes[ref_index].append(text)
    return {i: "; ".join(parts) for i, parts in notes.items()}


def _describe(conversion: Conversion, source_text: str) -> str:
    factor = conversion.factor
    if factor.origin == "direct entry":
        return f"reported directly ({source_text})" if source_text else "reported directly"
    if factor.factor_id.startswith("method:"):
        return f"{conversion.method}: {factor.source}"
    year = f", {factor.year}" if factor.year else ""
    text = f"{factor.factor_id} ({factor.source}{year}, {factor.status})"
    if conversion.method:
        text += f" with {conversion.method}: {conversion.method_equation}"
    return text


# -- CSV -------------------------------------------------------------------------------------------------------
def to_csv(table: CdpTable) -> str:
    """Two blocks separated by one empty line: ``field,value`` rows for the inventory, then the table by ref.

    Write it as ``utf-8-sig`` so Excel in Taiwan reads it (STACK.md §2.11).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["field", "value"])
    for name, value in table.fields:
        writer.writerow([name, _cell(value)])
    writer.writerow([])
    writer.writerow(table.row_columns)
    for row in table.rows:
        writer.writerow(
            [
                row.gpc_ref,
                row.sector,
                row.subsector,
                row.scope,
                row.status,
                _cell(row.in_basic),
                _cell(row.in_basic_plus),
                _cell(row.in_territorial),
                *[_cell(row.gases.get(c)) for c in table.gas_columns],
                _cell(row.co2_biogenic_t),
                _cell(row.total_tco2e),
                _safe_text(row.notation_key),
                row.data_quality,
                _safe_text(row.methodology),
            ]
        )
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, int):
        return str(value)
    return _safe_text(str(value))


def _safe_text(text: str) -> str:
    """Text from the input file must stay text in a spreadsheet: a leading ``'`` defuses ``=HYPERLINK(...)``."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text
