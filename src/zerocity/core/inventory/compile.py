"""Validate an activity table and compile it into arrays, reporting every problem at once.

Checks run on the distinct values of each column (a million rows hold a few dozen units and factor ids) and
are mapped back to rows with numpy. Each problem names the file, the spreadsheet row (header = row 1), the
column and the reason; if there is any, nothing is computed (``InputErrors``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from zerocity.core.errors import InputErrors, ZeroCityError
from zerocity.core.factors import FACTOR_GASES, EmissionFactor, FactorLibrary, usable_for_inventory
from zerocity.core.gpc import DATA_QUALITY_CODES, GpcCatalogue, gpc_catalogue, parse_notation_key
from zerocity.core.gwp import all_gases, canonical_gas
from zerocity.core.inventory.columns import INLINE_FACTOR_COLUMNS, KNOWN, REQUIRED
from zerocity.core.inventory.compiled import (
    CompiledActivity,
    NotationEntry,
    gas_matrix_for,
)
from zerocity.core.inventory.conversions import ConversionBuilder, direct_entry_factor, inline_factor
from zerocity.core.inventory.issues import IssueCollector
from zerocity.core.methods.registry import run_method
from zerocity.core.table import BoolArray, FloatArray, IntArray, RawColumn, RawTable

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
YEAR_RANGE = (1990, 2100)


def compile_activity(
    raw: RawTable,
    library: FactorLibrary,
    *,
    inventory_year: int | None = None,
    city: str | None = None,
    catalogue: GpcCatalogue | None = None,
) -> CompiledActivity:
    """Validate ``raw`` and compile the rows of one city-year; raises ``InputErrors`` listing every problem."""
    return _Compiler(raw, library, catalogue or gpc_catalogue()).run(inventory_year, city)


def parse_number(text: str) -> float | None:
    """A number as people type it in spreadsheets (``1,234.5`` too); None if it is not one."""
    if _NUMBER.match(text):
        return float(text)
    if _GROUPED_NUMBER.match(text):
        return float(text.replace(",", ""))
    return None


class _Compiler:
    def __init__(self, raw: RawTable, library: FactorLibrary, catalogue: GpcCatalogue) -> None:
        self.raw = raw
        self.library = library
        self.catalogue = catalogue
        self.issues = IssueCollector(raw)
        self.n = raw.n_rows
        empty = RawColumn([""], np.zeros(self.n, dtype=np.int64))
        self.col = {name: raw.columns.get(name, empty) for name in _ALL_COLUMNS}
        self.blank = {name: self.col[name].blank_mask() for name in _ALL_COLUMNS}

    # -- orchestration ---------------------------------------------------------------------------------------
    def run(self, inventory_year: int | None, city: str | None) -> CompiledActivity:
        for name in REQUIRED:
            if name not in self.raw.columns:
                self.issues.file_level(name, f"required column {name!r} is missing (found: {_listing(self.raw)})")
                raise InputErrors(self.issues.errors())
        if self.n == 0:
            self.issues.file_level("", "the file has a header but no data rows")
            raise InputErrors(self.issues.errors())

        ref_index = self._refs()
        kinds = self._row_kinds()
        numbers = {name: self._numbers(name) for name in _NUMERIC_COLUMNS}
        self._check_signs(ref_index, numbers)
        self._check_scope(ref_index)
        quality = self._quality()
        fuel = self._fuels()
        year, chosen_city, selected = self._select_city_year(inventory_year, city)
        # Factors are resolved for the chosen city-year only: another year's rows cite another year's grid factor.
        kinds = {kind: mask & selected for kind, mask in kinds.items()}
        notation = self._notation(ref_index, kinds["notation"])
        self._duplicates()

        builder = ConversionBuilder(self.library, year)
        conversion_index = np.full(self.n, -1, dtype=np.int64)
        amount = np.zeros(self.n, dtype=np.float64)
        gases = self._gases_present(kinds)
        self._activity_rows(kinds["activity"], numbers, fuel, year, builder, conversion_index, amount, ref_index)
        self._direct_rows(kinds, numbers, builder, conversion_index, amount)
        market_index = self._market_rows(kinds["activity"], ref_index, builder)
        self._cross_row_notation(ref_index, kinds, notation)

        if self.issues.has_errors():
            raise InputErrors(self.issues.errors())
        positions = np.flatnonzero(selected)
        return CompiledActivity(
            raw=self.raw,
            inventory_year=year,
            city=chosen_city,
            gases=gases,
            positions=positions,
            ref_index=ref_index[positions],
            amount=amount[positions],
            conversion_index=conversion_index[positions],
            conversions=builder.conversions,
            gas_matrix=gas_matrix_for(builder.conversions, gases),
            market_conversion_index=market_index[positions],
            quality=quality[positions],
            notation=[e for e in notation if selected[np.searchsorted(self.raw.row_numbers, e.row)]],
            warnings=builder.warnings + self.issues.warnings(),
        )

    # -- per-column checks -----------------------------------------------------------------------------------
    def _refs(self) -> IntArray:
        column = self.col["gpc_ref"]
        per_unique = []
        for text in column.uniques:
            if not text:
                per_unique.append(-1)
                self.issues.rows_with(column, text, "gpc_ref", "GPC reference number is empty")
            elif text in self.catalogue:
                per_unique.append(self.catalogue.index(text))
            else:
                per_unique.append(-1)
                self.issues.rows_with(column, text, "gpc_ref", f"unknown GPC reference number {text!r}")
        return np.asarray(per_unique, dtype=np.int64)[column.codes]

    def _row_kinds(self) -> dict[str, BoolArray]:
        has = {name: ~self.blank[name] for name in ("activity_value", "emissions_tco2e", "emissions_t")}
        notation = ~self.blank["notation_key"]
        values = has["activity_value"].astype(int) + has["emissions_tco2e"] + has["emissions_t"]
        self.issues.rows(
            notation & (values > 0),
            "notation_key",
            "a notation key together with a value: give one or the other",
        )
        self.issues.rows(
            ~notation & (values > 1),
            "activity_value",
            "give only one of activity_value, emissions_tco2e or emissions_t per row",
        )
        self.issues.rows(
            ~notation & (values == 0),
            "activity_value",
            "row has no activity_value, emissions_tco2e, emissions_t or notation_key",
        )
        gas_without_mass = ~self.blank["gas"] & ~has["emissions_t"]
        self.issues.rows(gas_without_mass & ~notation, "gas", "gas is given but emissions_t is empty")
        self.issues.rows(has["emissions_t"] & self.blank["gas"], "gas", "emissions_t needs the gas it measures")
        single = values == 1
        return {
            "notation": notation & (values == 0),
            "activity": ~notation & single & has["activity_value"],
            "direct_co2e": ~notation & single & has["emissions_tco2e"],
            "direct_gas": ~notation & single & has["emissions_t"] & ~self.blank["gas"],
        }

    def _numbers(self, name: str) -> FloatArray:
        column = self.col[name]
        fast = _bulk_numbers(column.uniques)
        if fast is not None:
            return fast[column.codes]
        per_unique = []
        for text in column.uniques:
            value = parse_number(text) if text else None
            if text and value is None:
                self.issues.rows_with(column, text, name, f"not a number: {text!r}")
            elif value is not None and not np.isfinite(value):
                self.issues.rows_with(column, text, name, f"not a finite number: {text!r}")
            per_unique.append(np.nan if value is None else value)
        return np.asarray(per_unique, dtype=np.float64)[column.codes]

    def _check_signs(self, ref_index: IntArray, numbers: dict[str, FloatArray]) -> None:
        allows = np.asarray([r.allows_negative for r in self.catalogue.refs] + [False])[ref_index]
        for name in ("activity_value", "ncv", "density", "market_ef_co2e", *INLINE_FACTOR_COLUMNS):
            self.issues.rows(numbers[name] < 0, name, "must not be negative")
        for name in ("emissions_tco2e", "emissions_t"):
            self.issues.rows(
                (numbers[name] < 0) & ~allows,
                name,
                "negative emissions (removals) are allowed only where GPC allows them (V.2 land)",
            )

    def _check_scope(self, ref_index: IntArray) -> None:
        column = self.col["scope"]
        ref_scopes = np.asarray([r.scope for r in self.catalogue.refs] + [0])[ref_index]
        given = np.zeros(len(column.uniques), dtype=np.int64)
        for i, text in enumerate(column.uniques):
            cleaned = text.lower().removeprefix("scope").strip()
            if text and cleaned not in ("1", "2", "3"):
                self.issues.rows_with(column, text, "scope", f"scope must be 1, 2 or 3, got {text!r}")
            given[i] = int(cleaned) if cleaned in ("1", "2", "3") else 0
        per_row = given[column.codes]
        wrong = (per_row > 0) & (ref_index >= 0) & (per_row != ref_scopes)
        for position in np.flatnonzero(wrong)[: self.issues.room()]:
            ref = self.catalogue.refs[ref_index[position]]
            self.issues.at(
                int(position), "scope", f"{ref.ref} is scope {ref.scope}; it has no scope {per_row[position]}"
            )

    def _quality(self) -> IntArray:
        column = self.col["data_quality"]
        per_unique = []
        for text in column.uniques:
            code = text.upper()
            if code and code not in DATA_QUALITY_CODES:
                self.issues.rows_with(column, text, "data_quality", f"data quality must be H, M or L, got {text!r}")
            per_unique.append(DATA_QUALITY_CODES.index(code) if code in DATA_QUALITY_CODES else -1)
        return np.asarray(per_unique, dtype=np.int64)[column.codes]

    def _fuels(self) -> list[str]:
        """Canonical fuel per distinct ``fuel`` text ("" for blank); unknown fuels are errors."""
        column = self.col["fuel"]
        canonical = []
        for text in column.uniques:
            try:
                canonical.append(self.library.canonical_fuel(text) if text else "")
            except ZeroCityError as exc:
                self.issues.rows_with(column, text, "fuel", exc.message)
                canonical.append("")
        return canonical

    def _select_city_year(self, inventory_year: int | None, city: str | None) -> tuple[int, str, BoolArray]:
        year_column, city_column = self.col["year"], self.col["city"]
        year_of_unique = []
        for text in year_column.uniques:
            value = parse_number(text) if text else None
            ok = value is not None and value == int(value) and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]
            if text and not ok:
                self.issues.rows_with(
                    year_column, text, "year", f"year must be a whole year {YEAR_RANGE[0]}–{YEAR_RANGE[1]}"
                )
            year_of_unique.append(int(value) if ok and value is not None else 0)
        years = np.asarray(year_of_unique, dtype=np.int64)[year_column.codes]
        distinct_years = sorted(set(years.tolist()) - {0})
        if inventory_year is None:
            if len(distinct_years) > 1:
                self.issues.file_level("year", f"the file holds several years {distinct_years}: choose one (--year)")
            elif not distinct_years:
                self.issues.file_level("year", "no inventory year: add a 'year' column or give --year")
            year = distinct_years[0] if distinct_years else 0
        else:
            year = inventory_year
        selected = (years == year) | (years == 0)
        cities = city_column.texts() if len(city_column.uniques) > 1 else None
        chosen_city = city or ""
        if cities is not None:
            city_array = np.asarray(city_column.uniques, dtype=object)[city_column.codes]
            present = sorted({c for c in city_array[selected].tolist() if c})
            if city is None:
                if len(present) > 1:
                    self.issues.file_level("city", f"the file holds several cities {present}: choose one (--city)")
                chosen_city = present[0] if present else ""
            selected &= (city_array == chosen_city) | (city_array == "")
        elif city_column.uniques and city_column.uniques[0]:
            chosen_city = city or city_column.uniques[0]
            if city is not None and city != city_column.uniques[0]:
                selected &= False
        if not selected.any() and not self.issues.has_errors():
            self.issues.file_level("year", f"no rows for year {year}" + (f" and city {city!r}" if city else ""))
        return year, chosen_city, selected

    def _notation(self, ref_index: IntArray, notation_rows: BoolArray) -> list[NotationEntry]:
        column = self.col["notation_key"]
        keys_of_unique = []
        for text in column.uniques:
            keys = parse_notation_key(text) if text else ()
            if text and keys is None:
                self.issues.rows_with(
                    column, text, "notation_key", f"invalid notation key {text!r}; use NO, IE, NE or C"
                )
            keys_of_unique.append(keys or ())
        entries = []
        for position in np.flatnonzero(notation_rows).tolist():
            keys = keys_of_unique[column.codes[position]]
            if keys and ref_index[position] >= 0:
                entries.append(
                    NotationEntry(
                        int(ref_index[position]),
                        keys,
                        column.uniques[column.codes[position]],
                        int(self.raw.row_numbers[position]),
                    )
                )
        return entries

    def _duplicates(self) -> None:
        """Rows identical in every column are almost always a copy-paste slip; GPC forbids double counting."""
        names = [n for n in self.raw.header if n]
        if not names or self.n < 2:
            return
        key = np.zeros(self.n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for name in names:
                codes = self.raw.columns[name].codes.astype(np.uint64)
                key = key * np.uint64(1_000_003) + codes + np.uint64(1)
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        same = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
        stacked = np.stack([self.raw.columns[n].codes for n in names], axis=1)
        first_of: dict[int, int] = {}
        for s in same.tolist():
            earlier, later = int(order[s]), int(order[s + 1])
            first = first_of.get(earlier, earlier)
            if np.array_equal(stacked[first], stacked[later]):  # the hash may collide: compare for real
                first_of[later] = first
                self.issues.at(
                    later, "", f"duplicate of row {int(self.raw.row_numbers[first])} (every column identical)"
                )

    def _gases_present(self, kinds: dict[str, BoolArray]) -> tuple[str, ...]:
        gases = list(FACTOR_GASES)
        column = self.col["gas"]
        used_codes = set(np.unique(column.codes[kinds["direct_gas"]]).tolist())
        for code in sorted(used_codes):
            text = column.uniques[code]
            gas = _direct_gas_name(text)
            if gas is None:
                self.issues.rows_with(
                    column,
                    text,
                    "gas",
                    f"unknown gas {text!r}; use CO2, CH4, N2O, CO2_biogenic or an F-gas name",
                )
            elif gas not in gases:
                gases.append(gas)
        return tuple(gases)

    # -- rows that compute from activity data ----------------------------------------------------------------
    def _activity_rows(
        self,
        activity: BoolArray,
        numbers: dict[str, FloatArray],
        fuel: Sequence[str],
        year: int,
        builder: ConversionBuilder,
        conversion_index: IntArray,
        amount: FloatArray,
        ref_index: IntArray,
    ) -> None:
        unit_col = self.col["activity_unit"]
        self.issues.rows(activity & self.blank["activity_unit"], "activity_unit", "activity_unit is empty")
        bad_codes = []
        for code, text in enumerate(unit_col.uniques):
            if text and not builder.unit_is_known(text):
                bad_codes.append(code)
                self.issues.rows_with(unit_col, text, "activity_unit", builder.unit_error(text), among=activity)
        amount[activity] = numbers["activity_value"][activity]
        activity = activity & ~self.blank["activity_unit"] & ~np.isin(unit_col.codes, bad_codes)

        has_id = ~self.blank["factor_id"]
        has_inline = np.zeros(self.n, dtype=bool)
        for name in INLINE_FACTOR_COLUMNS:
            has_inline |= ~self.blank[name]
        has_method = ~self.blank["method"]
        self.issues.rows(activity & has_id & has_inline, "factor_id", "give factor_id or inline ef_* values, not both")
        self.issues.rows(
            ~activity & (has_id | has_inline | has_method) & ~self.blank["notation_key"],
            "factor_id",
            "a factor or method on a notation-key row",
        )
        self.issues.rows(
            activity & has_inline & self.blank["ef_unit"],
            "ef_unit",
            "inline factors need ef_unit, e.g. kg/TJ",
        )
        self.issues.rows(
            activity & ~has_id & ~has_inline & ~has_method,
            "factor_id",
            "no emission factor: give factor_id, inline ef_* values with ef_unit, or a method",
        )
        self.issues.rows(
            activity & ~self.blank["ef_co2e"] & (~self.blank["ef_co2"] | ~self.blank["ef_ch4"] | ~self.blank["ef_n2o"]),
            "ef_co2e",
            "give per-gas factors or ef_co2e, not both (CO2e is computed from the gases)",
        )

        factor_of_row = np.full(self.n, -1, dtype=np.int64)
        factors: list[EmissionFactor] = []
        self._library_factors(activity & has_id & ~has_inline, fuel, year, factors, factor_of_row)
        self._inline_factors(activity & has_inline & ~has_id & ~self.blank["ef_unit"], numbers, factors, factor_of_row)
        plain = activity & ~has_method & (factor_of_row >= 0)
        self._bulk_conversions(plain, factors, factor_of_row, builder, conversion_index)
        self._method_rows(activity & has_method, factors, factor_of_row, ref_index, builder, conversion_index)

    def _library_factors(
        self,
        rows: BoolArray,
        fuel: Sequence[str],
        year: int,
        factors: list[EmissionFactor],
        factor_of_row: IntArray,
    ) -> None:
        id_col, fuel_col = self.col["factor_id"], self.col["fuel"]
        pair = id_col.codes * len(fuel_col.uniques) + fuel_col.codes
        for key in np.unique(pair[rows]).tolist():
            factor_text = id_col.uniques[key // len(fuel_col.uniques)]
            fuel_name = fuel[key % len(fuel_col.uniques)]
            these = rows & (pair == key)
            try:
                factor = self.library.resolve(factor_text, year, fuel_name)
            except ZeroCityError as exc:
                self.issues.rows(these, "factor_id", exc.message)
                continue
            problem = usable_for_inventory(factor)
            if problem is None and factor.valid_year is not None and factor.valid_year != year:
                problem = (
                    f"factor {factor.factor_id} is for {factor.valid_year} but the inventory year is {year}; "
                    "use the factor of the inventory year (e.g. tw-grid)"
                )
            if problem is None and fuel_name and factor.fuel and fuel_name != factor.fuel:
                problem = f"fuel {fuel_name!r} does not match factor {factor.factor_id} (fuel {factor.fuel!r})"
            if problem is not None:
                self.issues.rows(these, "factor_id", problem)
                continue
            factors.append(factor)
            factor_of_row[these] = len(factors) - 1

    def _inline_factors(
        self,
        rows: BoolArray,
        numbers: dict[str, FloatArray],
        factors: list[EmissionFactor],
        factor_of_row: IntArray,
    ) -> None:
        if not rows.any():
            return
        key_columns = [*INLINE_FACTOR_COLUMNS, "ef_unit", "source"]
        stacked = np.stack([self.col[c].codes[rows] for c in key_columns], axis=1)
        distinct, inverse = np.unique(stacked, axis=0, return_inverse=True)
        row_positions = np.flatnonzero(rows)
        for i, codes in enumerate(distinct.tolist()):
            first = int(row_positions[np.argmax(inverse == i)])
            values = {gas: float(numbers[c][first]) for c, gas in INLINE_FACTOR_COLUMNS.items()}
            unit_text = self.col["ef_unit"].uniques[codes[-2]]
            source = self.col["source"].uniques[codes[-1]]
            try:
                factor = inline_factor(values, unit_text, source, f"{self.raw.file} row {self.raw.row_numbers[first]}")
            except ZeroCityError as exc:
                self.issues.rows(_positions_mask(self.n, row_positions[inverse.ravel() == i]), "ef_unit", exc.message)
                continue
            factors.append(factor)
            factor_of_row[row_positions[inverse.ravel() == i]] = len(factors) - 1

    def _bulk_conversions(
        self,
        rows: BoolArray,
        factors: list[EmissionFactor],
        factor_of_row: IntArray,
        builder: ConversionBuilder,
        conversion_index: IntArray,
    ) -> None:
        """One conversion per distinct (activity unit, factor, NCV, density): the whole file in a few dozen."""
        if not rows.any():
            return
        key_columns = ["activity_unit", "ncv", "ncv_unit", "density", "density_unit"]
        parts = [self.col[c].codes for c in key_columns] + [factor_of_row]
        sizes = [len(self.col[c].uniques) for c in key_columns] + [max(len(factors), 1)]
        key = np.zeros(self.n, dtype=np.int64)
        for codes, size in zip(parts, sizes, strict=True):
            key = key * size + codes
        row_positions = np.flatnonzero(rows)
        distinct, first_index, inverse = np.unique(key[rows], return_index=True, return_inverse=True)
        for i in range(len(distinct)):
            first = int(row_positions[first_index[i]])
            these = row_positions[inverse.ravel() == i]
            texts = {c: self.col[c].uniques[self.col[c].codes[first]] for c in key_columns}
            try:
                index = builder.for_factor(factors[int(factor_of_row[first])], texts)
            except ZeroCityError as exc:
                column = str(exc.params.get("column", "activity_unit"))
                self.issues.rows(_positions_mask(self.n, these), column, exc.message)
                continue
            conversion_index[these] = index

    def _method_rows(
        self,
        rows: BoolArray,
        factors: list[EmissionFactor],
        factor_of_row: IntArray,
        ref_index: IntArray,
        builder: ConversionBuilder,
        conversion_index: IntArray,
    ) -> None:
        """Rows naming a method (waste, wastewater, T&D losses): few, so one at a time."""
        for position in np.flatnonzero(rows).tolist():
            method = self.col["method"].uniques[self.col["method"].codes[position]]
            params = self.col["method_params"].uniques[self.col["method_params"].codes[position]]
            ref = self.catalogue.refs[ref_index[position]].ref if ref_index[position] >= 0 else ""
            try:
                result = run_method(method, params, ref, builder.year)
            except ZeroCityError as exc:
                column = "method" if exc.code in ("unknown_method", "method_not_for_ref") else "method_params"
                self.issues.at(position, column, exc.message)
                continue
            texts = {c: self.col[c].uniques[self.col[c].codes[position]] for c in _UNIT_TEXT_COLUMNS}
            try:
                if result.needs_factor:
                    if factor_of_row[position] < 0:
                        self.issues.at(position, "factor_id", f"method {method} needs a factor_id or inline factor")
                        continue
                    factor = factors[int(factor_of_row[position])]
                else:
                    if factor_of_row[position] >= 0:
                        self.issues.at(position, "factor_id", f"method {method} computes its own factors")
                        continue
                    factor = builder.method_factor(method, result)
                conversion_index[position] = builder.for_factor(factor, texts, method=(method, result))
            except ZeroCityError as exc:
                self.issues.at(position, str(exc.params.get("column", "activity_unit")), exc.message)

    # -- direct entries and the market-based figure ----------------------------------------------------------
    def _direct_rows(
        self,
        kinds: dict[str, BoolArray],
        numbers: dict[str, FloatArray],
        builder: ConversionBuilder,
        conversion_index: IntArray,
        amount: FloatArray,
    ) -> None:
        direct = kinds["direct_co2e"]
        amount[direct] = numbers["emissions_tco2e"][direct]
        amount[kinds["direct_gas"]] = numbers["emissions_t"][kinds["direct_gas"]]
        if direct.any():
            conversion_index[direct] = builder.for_direct(direct_entry_factor("CO2e"))
        gas_col = self.col["gas"]
        for code in np.unique(gas_col.codes[kinds["direct_gas"]]).tolist():
            gas = _direct_gas_name(gas_col.uniques[code])
            if gas is not None:
                these = kinds["direct_gas"] & (gas_col.codes == code)
                conversion_index[these] = builder.for_direct(direct_entry_factor(gas))
        self._conflicting_columns(direct | kinds["direct_gas"])

    def _conflicting_columns(self, direct: BoolArray) -> None:
        for name in ("factor_id", "ef_unit", "activity_unit", "method"):
            self.issues.rows(direct & ~self.blank[name], name, f"{name} has no meaning on a directly reported row")

    def _market_rows(self, activity: BoolArray, ref_index: IntArray, builder: ConversionBuilder) -> IntArray:
        """Market-based scope 2 (GHG Protocol Scope 2 Guidance), beside the location-based figure, never instead."""
        market = np.full(self.n, -1, dtype=np.int64)
        has_id, has_value = ~self.blank["market_factor_id"], ~self.blank["market_ef_co2e"]
        wanted = has_id | has_value
        if not wanted.any():
            return market
        scope2 = np.asarray([r.scope == 2 for r in self.catalogue.refs] + [False])[ref_index]
        self.issues.rows(wanted & ~scope2, "market_factor_id", "market-based factors apply to scope 2 rows only")
        self.issues.rows(has_id & has_value, "market_factor_id", "give market_factor_id or market_ef_co2e, not both")
        self.issues.rows(has_value & self.blank["market_ef_unit"], "market_ef_unit", "market_ef_co2e needs its unit")
        usable = wanted & scope2 & activity & ~(has_id & has_value) & ~(has_value & self.blank["market_ef_unit"])
        for position in np.flatnonzero(usable).tolist():
            texts = {c: self.col[c].uniques[self.col[c].codes[position]] for c in _UNIT_TEXT_COLUMNS}
            try:
                factor = builder.market_factor(
                    self.col["market_factor_id"].uniques[self.col["market_factor_id"].codes[position]],
                    self.col["market_ef_co2e"].uniques[self.col["market_ef_co2e"].codes[position]],
                    self.col["market_ef_unit"].uniques[self.col["market_ef_unit"].codes[position]],
                    self.col["source"].uniques[self.col["source"].codes[position]],
                )
                market[position] = builder.for_factor(factor, texts)
            except ZeroCityError as exc:
                self.issues.at(position, "market_factor_id", exc.message)
        return market

    def _cross_row_notation(
        self, ref_index: IntArray, kinds: dict[str, BoolArray], notation: list[NotationEntry]
    ) -> None:
        valued = kinds["activity"] | kinds["direct_co2e"] | kinds["direct_gas"]
        refs_with_values = set(np.unique(ref_index[valued]).tolist())
        for entry in notation:
            if "NO" in entry.keys and entry.ref_index in refs_with_values:
                ref = self.catalogue.refs[entry.ref_index].ref
                position = int(np.searchsorted(self.raw.row_numbers, entry.row))
                self.issues.at(position, "notation_key", f"{ref} is marked NO (not occurring) but other rows report it")


_UNIT_TEXT_COLUMNS = ("activity_unit", "ncv", "ncv_unit", "density", "density_unit")
_NUMERIC_COLUMNS = (
    "activity_value",
    "emissions_tco2e",
    "emissions_t",
    "ncv",
    "density",
    "market_ef_co2e",
    *INLINE_FACTOR_COLUMNS,
)
_ALL_COLUMNS = KNOWN


def _bulk_numbers(texts: Sequence[str]) -> FloatArray | None:
    """All distinct texts parsed at once by numpy when every one is a plain finite number (the usual case);
    None sends the column to the careful per-value path that names each bad cell."""
    if len(texts) < 1000:
        return None
    values = [t if t else "nan" for t in texts]
    try:
        parsed = np.asarray(values, dtype=np.str_).astype(np.float64)
    except ValueError:
        return None
    blank = np.asarray([not t for t in texts])
    if not np.isfinite(parsed[~blank]).all() or any("_" in t for t in texts):
        return None
    return parsed


def _direct_gas_name(text: str) -> str | None:
    cleaned = text.strip()
    if cleaned.upper().replace(" ", "").replace("_", "") in ("CO2(B)", "CO2B", "CO2BIOGENIC", "BIOGENICCO2"):
        return "CO2_biogenic"
    gas = canonical_gas(cleaned)
    return gas if gas in all_gases() else None


def _positions_mask(n: int, positions: IntArray) -> BoolArray:
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return mask


def _listing(raw: RawTable) -> str:
    return ", ".join(h for h in raw.header if h) or "no columns"
