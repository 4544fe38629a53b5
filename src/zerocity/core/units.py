"""Units of activity data and emission factors, with pint.

One registry, built once from pint's defaults plus ``data/units/definitions.txt``; user spellings (``度``,
``公秉``, ``therms``, ``m³``) are mapped through ``data/units/aliases.csv``. Conversions between mass, volume and
energy of a fuel need its density or net calorific value and are never done here: see ``fuel_bridge``.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pint

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import IncompatibleUnits, UnknownUnit

_SUFFIXES = ("", "s")


@dataclass(frozen=True)
class UnitInfo:
    """A parsed unit: the canonical pint expression and its dimensionality as text."""

    text: str
    canonical: str
    dimensionality: str


class UnitSystem:
    """Parses user unit strings and converts between units, caching every answer (inputs repeat a lot)."""

    def __init__(self) -> None:
        self.registry: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=False, cache_folder=None)
        definitions = resources.files("zerocity.data").joinpath("units/definitions.txt")
        with resources.as_file(definitions) as path:
            self.registry.load_definitions(str(path))
        self._aliases = {_normalise(row["alias"]): row["unit"] for row in read_bundled_csv("units/aliases.csv")}

    @lru_cache(maxsize=4096)  # noqa: B019 - one long-lived instance per process (see units())
    def parse(self, text: str) -> Any:
        """The pint unit for a user's spelling; raises UnknownUnit naming close spellings."""
        cleaned = _normalise(text)
        if not cleaned:
            raise UnknownUnit("empty unit", unit=text)
        if cleaned in self._aliases:
            return self._parse_expression(self._aliases[cleaned], text)
        if "/" in cleaned:
            numerator, _, denominator = cleaned.partition("/")
            if "/" in denominator:
                raise UnknownUnit(f"unit {text!r} has more than one '/'", unit=text)
            top = self.parse(numerator) if numerator.strip() not in ("", "1") else self.registry.dimensionless
            return top / self.parse(denominator)
        if " per " in cleaned:
            numerator, _, denominator = cleaned.partition(" per ")
            return self.parse(numerator) / self.parse(denominator)
        return self._parse_expression(cleaned, text)

    def _parse_expression(self, expression: str, original: str) -> Any:
        # pint reads "m3" as m*3; a trailing power digit after a letter means an exponent in user input.
        if len(expression) > 1 and expression[-1] in "23" and expression[-2].isalpha():
            expression = f"({expression[:-1]})**{expression[-1]}"
        try:
            unit = self.registry.parse_units(expression)
        except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, TypeError):
            raise UnknownUnit(f"unknown unit {original!r}{self._suggest(original)}", unit=original) from None
        except Exception:  # pint's parser raises a few bare exception types on garbage
            raise UnknownUnit(f"unknown unit {original!r}", unit=original) from None
        if not unit.dimensionality and str(unit) != "dimensionless":
            raise UnknownUnit(f"unit {original!r} has no dimension", unit=original)
        return unit

    def _suggest(self, text: str) -> str:
        folded = {alias.lower(): alias for alias in self._aliases}
        close = [folded[c] for c in difflib.get_close_matches(text.lower(), list(folded), n=3, cutoff=0.75)]
        return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""

    def info(self, text: str) -> UnitInfo:
        unit = self.parse(text)
        return UnitInfo(text=text, canonical=f"{unit:~P}", dimensionality=str(unit.dimensionality))

    @lru_cache(maxsize=16384)  # noqa: B019
    def factor(self, from_unit: str, to_unit: str) -> float:
        """Multiplier taking a magnitude in ``from_unit`` to ``to_unit``; IncompatibleUnits if dimensions differ."""
        source, target = self.parse(from_unit), self.parse(to_unit)
        try:
            return float(self.registry.Quantity(1.0, source).to(target).magnitude)
        except pint.errors.DimensionalityError:
            raise IncompatibleUnits(
                f"cannot convert {from_unit!r} ({source.dimensionality}) to {to_unit!r} ({target.dimensionality})",
                from_unit=from_unit,
                to_unit=to_unit,
            ) from None

    def dimensionality(self, text: str) -> str:
        return str(self.parse(text).dimensionality)

    def same_dimension(self, a: str, b: str) -> bool:
        return bool(self.parse(a).dimensionality == self.parse(b).dimensionality)

    def quantity(self, magnitude: float, unit: str) -> Any:
        return self.registry.Quantity(magnitude, self.parse(unit))


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).strip().split())


@cache
def units() -> UnitSystem:
    """The process-wide unit system (pint registries are expensive to build and meant to be shared)."""
    return UnitSystem()
