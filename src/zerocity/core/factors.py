"""The emission factor library: IPCC 2006 defaults, Taiwan's grid factor by year, and a city's own factors.

Every factor carries its source, year and status (published / secondary / derived / target / unconfirmed / user)
and per-gas values in a stated mass unit per activity unit. Factors given only as CO2e (a grid average) stay
gas ``CO2e``: they are never split into invented per-gas shares (DOMAIN.md pitfall 6).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import cast

from zerocity.core.datafiles import STATUSES, read_bundled_csv
from zerocity.core.errors import FactorMissing, InvalidData, UnknownFactor, ZeroCityError
from zerocity.core.units import units

#: Gas columns a factor may carry, in the engine's column order. CO2_biogenic is CO2(b), kept out of totals.
FACTOR_GASES = ("CO2", "CH4", "N2O", "CO2e", "CO2_biogenic")
_GAS_COLUMNS = {"co2": "CO2", "ch4": "CH4", "n2o": "N2O", "co2e": "CO2e", "co2_biogenic": "CO2_biogenic"}

#: Statuses a factor may have and still enter an inventory; a ``target`` is a policy goal, not a measurement.
USABLE_STATUSES = frozenset({"published", "secondary", "derived", "unconfirmed", "user"})

#: ``tw-grid`` without a year resolves to the inventory year's factor; a missing year is an error.
_YEARLESS_SERIES = {"tw-grid": "tw-grid:{year}"}
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/\-]*$")


class UnknownFuel(ZeroCityError):
    code = "unknown_fuel"


@dataclass(frozen=True)
class EmissionFactor:
    factor_id: str
    activity_unit: str
    mass_unit: str
    gases: Mapping[str, float]
    source: str
    status: str
    year: int | None = None
    valid_year: int | None = None  # the inventory year an annual factor (grid) applies to
    category: str = ""
    fuel: str = ""
    ncv: float | None = None
    ncv_unit: str = ""
    density: float | None = None
    density_unit: str = ""
    basis: str = ""  # NCV (IPCC) or GCV (EPA, DESNZ): which heating value the energy figure uses
    gwp_basis: str = ""  # for CO2e factors: the GWP set used by the publisher, if stated
    description: str = ""
    origin: str = "bundled"
    notes: str = ""

    @property
    def is_co2e_only(self) -> bool:
        return "CO2e" in self.gases and not any(g in self.gases for g in ("CO2", "CH4", "N2O"))

    @property
    def unit_text(self) -> str:
        return f"{self.mass_unit}/{self.activity_unit}"

    def kg_per_activity_unit(self) -> dict[str, float]:
        to_kg = units().factor(self.mass_unit, "kg")
        return {gas: value * to_kg for gas, value in self.gases.items()}


@dataclass(frozen=True)
class Fuel:
    fuel: str
    name_en: str
    name_zh: str
    aliases: tuple[str, ...]


@dataclass
class FactorLibrary:
    """All factors an inventory may cite, by id. Immutable once built; ``with_factors`` returns a new library."""

    factors: dict[str, EmissionFactor] = field(default_factory=dict)
    fuels: dict[str, Fuel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._fuel_lookup = {}
        for fuel in self.fuels.values():
            for name in (fuel.fuel, fuel.name_en, fuel.name_zh, *fuel.aliases):
                self._fuel_lookup[_fold(name)] = fuel.fuel

    def __len__(self) -> int:
        return len(self.factors)

    def __contains__(self, factor_id: str) -> bool:
        return factor_id in self.factors

    def get(self, factor_id: str) -> EmissionFactor:
        try:
            return self.factors[factor_id.strip()]
        except KeyError:
            raise UnknownFactor(
                f"unknown factor id {factor_id!r}{self._suggest(factor_id)}", factor_id=factor_id
            ) from None

    def resolve(self, factor_id: str, inventory_year: int | None, fuel: str = "") -> EmissionFactor:
        """The factor a row means: ``tw-grid`` -> ``tw-grid:<year>``; ``ipcc2006/residential`` + fuel -> full id."""
        wanted = factor_id.strip()
        if wanted in _YEARLESS_SERIES:
            if inventory_year is None:
                raise FactorMissing(f"{wanted} needs the inventory year", factor_id=wanted)
            wanted = _YEARLESS_SERIES[wanted].format(year=inventory_year)
            if wanted not in self.factors:
                raise FactorMissing(
                    f"no {factor_id} factor for {inventory_year}; never substitute another year",
                    factor_id=wanted,
                    year=inventory_year,
                )
        elif wanted not in self.factors and fuel and f"{wanted}/{self.canonical_fuel(fuel)}" in self.factors:
            wanted = f"{wanted}/{self.canonical_fuel(fuel)}"
        return self.get(wanted)

    def canonical_fuel(self, name: str) -> str:
        try:
            return self._fuel_lookup[_fold(name)]
        except KeyError:
            close = difflib.get_close_matches(_fold(name), list(self._fuel_lookup), n=3, cutoff=0.7)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            raise UnknownFuel(f"unknown fuel {name!r}{hint}", fuel=name) from None

    def search(self, text: str = "", status: str = "", category: str = "") -> list[EmissionFactor]:
        """Factors whose id, fuel, category, description or source contain every word of ``text``."""
        words = [_fold(w) for w in text.split()]
        found = []
        for factor in self.factors.values():
            if status and factor.status != status:
                continue
            if category and factor.category != category:
                continue
            haystack = _fold(
                " ".join((factor.factor_id, factor.fuel, factor.category, factor.description, factor.source))
            )
            fuel_names = self.fuels.get(factor.fuel)
            if fuel_names:
                haystack += " " + _fold(" ".join((fuel_names.name_en, fuel_names.name_zh, *fuel_names.aliases)))
            if all(w in haystack for w in words):
                found.append(factor)
        return found

    def with_factors(self, extra: Iterable[EmissionFactor]) -> FactorLibrary:
        """A new library with user factors added; an id that shadows an existing one is an error."""
        merged = dict(self.factors)
        for factor in extra:
            if factor.factor_id in merged:
                raise InvalidData(
                    f"factor id {factor.factor_id!r} already exists ({merged[factor.factor_id].origin}); "
                    "give your factor its own id, e.g. 'city:...'",
                    factor_id=factor.factor_id,
                )
            merged[factor.factor_id] = factor
        return FactorLibrary(merged, self.fuels)

    def _suggest(self, factor_id: str) -> str:
        close = difflib.get_close_matches(factor_id.strip(), list(self.factors), n=3, cutoff=0.6)
        if not close:
            prefix = factor_id.strip().rsplit("/", 1)[0]
            close = [f for f in self.factors if f.startswith(prefix + "/")][:5]
        return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def _fold(text: str) -> str:
    return " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def factor_from_row(row: Mapping[str, str], origin: str, where: str) -> EmissionFactor:
    """Build a factor from one data row (bundled or user file); raises InvalidData naming ``where`` and the row's
    first problem (:func:`read_factor_row` gives them all)."""
    factor, problems = read_factor_row(row, origin)
    if factor is None:
        raise InvalidData(f"{where}: {problems[0][1]}", where=where)
    return factor


#: Optional numeric columns of a factor row and how each is read.
_NUMBER_COLUMNS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("year", int),
    ("valid_year", int),
    ("ncv", float),
    ("density", float),
)


def read_factor_row(row: Mapping[str, str], origin: str) -> tuple[EmissionFactor | None, list[tuple[str, str]]]:
    """The factor of one data row and every problem of the row as ``(column, reason)``, in reading order, so that
    one upload of a city's factor file names each bad cell at once. The factor is None when there is a problem.

    A reason with no column of its own (no gas value at all, per-gas values beside co2e) names ``co2e``."""
    problems: list[tuple[str, str]] = []

    def required(column: str) -> str:
        if column not in row:
            problems.append((column, f"missing column {column!r}"))
            return ""
        return row[column].strip()

    factor_id = required("factor_id")
    if "factor_id" in row and not _ID_PATTERN.match(factor_id):
        problems.append(("factor_id", f"factor_id {factor_id!r} may use letters, digits and _ . : / - only"))
    gases: dict[str, float] = {}
    unreadable_gas = False
    for column, gas in _GAS_COLUMNS.items():
        value = row.get(column, "").strip()
        if not value:
            continue
        try:
            gases[gas] = float(value)
        except ValueError as exc:
            problems.append((column, str(exc)))
            unreadable_gas = True
            continue
        if gases[gas] < 0:
            problems.append((column, f"{column} must not be negative"))
    if not gases and not unreadable_gas:
        problems.append(("co2e", "no gas value (co2, ch4, n2o, co2e or co2_biogenic)"))
    if "CO2e" in gases and any(g in gases for g in ("CO2", "CH4", "N2O")):
        problems.append(("co2e", "give either per-gas values or co2e, not both (CO2e is derived from gases)"))
    status = row.get("status", "").strip() or "user"
    if status not in STATUSES:
        problems.append(("status", f"unknown status {status!r}; use one of {', '.join(sorted(STATUSES))}"))
    if not row.get("source", "").strip():
        problems.append(("source", "source is required: every factor must say where it comes from"))
    activity_unit = required("activity_unit")
    mass_unit = required("mass_unit")
    if "mass_unit" in row:
        try:
            if units().dimensionality(mass_unit) != "[mass]":
                problems.append(("mass_unit", f"mass_unit {mass_unit!r} is not a mass"))
        except ZeroCityError as exc:
            problems.append(("mass_unit", exc.message))
    if "activity_unit" in row:
        try:
            units().parse(activity_unit)
        except ZeroCityError as exc:
            problems.append(("activity_unit", exc.message))
    numbers: dict[str, object] = {}
    for column, kind in _NUMBER_COLUMNS:
        value = row.get(column, "").strip()
        try:
            numbers[column] = kind(value) if value else None
        except ValueError as exc:
            problems.append((column, str(exc)))
    if problems:
        return None, problems
    return EmissionFactor(
        factor_id=factor_id,
        activity_unit=activity_unit,
        mass_unit=mass_unit,
        gases=gases,
        source=row["source"].strip(),
        status=status,
        year=cast(int | None, numbers["year"]),
        valid_year=cast(int | None, numbers["valid_year"]),
        category=row.get("category", "").strip(),
        fuel=row.get("fuel", "").strip(),
        ncv=cast(float | None, numbers["ncv"]),
        ncv_unit=row.get("ncv_unit", "").strip(),
        density=cast(float | None, numbers["density"]),
        density_unit=row.get("density_unit", "").strip(),
        basis=row.get("basis", "").strip(),
        gwp_basis=row.get("gwp_basis", "").strip(),
        description=row.get("description", "").strip(),
        origin=origin,
        notes=row.get("notes", "").strip(),
    ), []


def _grid_rows() -> list[dict[str, str]]:
    rows = []
    for row in read_bundled_csv("factors/tw_grid.csv"):
        rows.append(
            {
                **row,
                "valid_year": row["year"],
                "category": "grid",
                "fuel": "electricity",
                "gwp_basis": "unstated",
                "description": f"Taiwan national electricity emission factor {row['year']} (ROC {row['roc_year']})",
            }
        )
    return rows


@cache
def bundled_library() -> FactorLibrary:
    """IPCC 2006 defaults and Taiwan's grid factors, as shipped in ``zerocity/data/factors``."""
    fuels = {
        row["fuel"]: Fuel(
            fuel=row["fuel"],
            name_en=row["name_en"],
            name_zh=row["name_zh"],
            aliases=tuple(a for a in row["aliases"].split(";") if a),
        )
        for row in read_bundled_csv("factors/fuels.csv")
    }
    library = FactorLibrary({}, fuels)
    sources: list[tuple[str, Iterable[Mapping[str, str]]]] = [
        ("factors/ipcc2006_energy.csv", read_bundled_csv("factors/ipcc2006_energy.csv")),
        ("factors/tw_grid.csv", _grid_rows()),
    ]
    factors = []
    for path, rows in sources:
        for number, row in enumerate(rows, start=2):
            factor = factor_from_row(row, origin=f"bundled:{path}", where=f"{path}, row {number}")
            if factor.fuel and factor.fuel not in fuels:
                raise InvalidData(f"{path}, row {number}: fuel {factor.fuel!r} not in fuels.csv", path=path)
            factors.append(factor)
    return library.with_factors(factors)


def usable_for_inventory(factor: EmissionFactor) -> str | None:
    """Why a factor may not enter an inventory, or None if it may."""
    if factor.status not in USABLE_STATUSES:
        return (
            f"factor {factor.factor_id} has status {factor.status!r} ({factor.notes or factor.source}); "
            "a target is not a measured factor"
        )
    return None


def with_origin(factor: EmissionFactor, origin: str) -> EmissionFactor:
    return replace(factor, origin=origin)
