"""From a row's units to kilograms of gas: unit conversions, fuel-property bridges and their audit text.

Mass, volume and energy of a fuel are bridged only through an explicit net calorific value or density, taken
from the row (``ncv``/``ncv_unit``, ``density``/``density_unit``) or else from the factor's own data (IPCC 2006
Vol. 2 Table 1.2 NCVs ship with the IPCC factors). Nothing is guessed: without one, the row is an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from zerocity.core.errors import IncompatibleUnits, InputIssue, UnknownUnit, ZeroCityError
from zerocity.core.factors import EmissionFactor, FactorLibrary, usable_for_inventory
from zerocity.core.inventory.compiled import Conversion
from zerocity.core.methods.base import MethodFactors
from zerocity.core.units import units

#: Plain words for the dimensions people meet, keyed by a unit of each (pint orders dimensions its own way).
_DIMENSION_EXAMPLES = {
    "kg": "mass",
    "L": "volume",
    "km": "distance",
    "kWh": "energy",
    "vkm": "vehicle distance",
    "pkm": "passenger distance",
    "tkm": "freight transport work",
    "person": "population",
}


def describe_dimension(unit_text: str) -> str:
    dimension = units().parse(unit_text).dimensionality
    for example, words in _DIMENSION_EXAMPLES.items():
        if units().parse(example).dimensionality == dimension:
            return words
    return str(dimension)


def split_factor_unit(unit_text: str) -> tuple[str, str]:
    """``'lb/MWh'`` -> ``('lb', 'MWh')``; the numerator must be a mass."""
    text = unit_text.strip()
    for separator in ("/", " per "):
        if separator in text:
            mass, _, activity = text.partition(separator)
            mass, activity = mass.strip(), activity.strip()
            if units().dimensionality(mass) != "[mass]":
                raise UnknownUnit(f"factor unit {unit_text!r} must be a mass per activity unit, e.g. kg/TJ")
            units().parse(activity)
            return mass, activity
    raise UnknownUnit(f"factor unit {unit_text!r} must be a mass per activity unit, e.g. kg/TJ or lb/MWh")


def inline_factor(values: Mapping[str, float], unit_text: str, source: str, where: str) -> EmissionFactor:
    """A factor typed into the row itself; its source is the row's ``source`` cell or the row's location."""
    mass_unit, activity_unit = split_factor_unit(unit_text)
    gases = {gas: value for gas, value in values.items() if not math.isnan(value)}
    return EmissionFactor(
        factor_id="inline",
        activity_unit=activity_unit,
        mass_unit=mass_unit,
        gases=gases,
        source=source or f"given inline in {where}",
        status="user",
        origin=where,
    )


def direct_entry_factor(gas: str) -> EmissionFactor:
    """Directly reported tonnes of one gas (or of CO2e): measured, or from an inventory made elsewhere."""
    return EmissionFactor(
        factor_id=f"direct:{gas}",
        activity_unit="t",
        mass_unit="t",
        gases={gas: 1.0},
        source="reported directly in the input row",
        status="user",
        origin="direct entry",
    )


class ConversionBuilder:
    """Deduplicates conversions and collects the warnings a reviewer should see once per factor."""

    def __init__(self, library: FactorLibrary, year: int) -> None:
        self.library = library
        self.year = year
        self.conversions: list[Conversion] = []
        self.warnings: list[InputIssue] = []
        self._index: dict[tuple[object, ...], int] = {}
        self._warned: set[str] = set()

    def unit_is_known(self, text: str) -> bool:
        try:
            units().parse(text)
        except ZeroCityError:
            return False
        return True

    def unit_error(self, text: str) -> str:
        try:
            units().parse(text)
        except ZeroCityError as exc:
            return exc.message
        return ""

    def for_direct(self, factor: EmissionFactor) -> int:
        return self._add(("direct", factor.factor_id), lambda: Conversion(factor, "t", 1.0, "reported directly"))

    def for_factor(
        self,
        factor: EmissionFactor,
        texts: Mapping[str, str],
        method: tuple[str, MethodFactors] | None = None,
    ) -> int:
        key = (
            id(factor),
            factor.factor_id,
            tuple(sorted(texts.items())),
            method[0] if method else "",
            id(method),
        )
        self._warn_about(factor)

        def build() -> Conversion:
            multiplier, conversion = self._bridge(factor, texts)
            if method is None:
                return Conversion(factor, texts["activity_unit"], multiplier, conversion)
            name, result = method
            return Conversion(
                factor,
                texts["activity_unit"],
                multiplier * result.activity_scale,
                conversion,
                method=name,
                method_equation=result.equation,
                method_explanation=result.explanation,
            )

        return self._add(key, build)

    def method_factor(self, method: str, result: MethodFactors) -> EmissionFactor:
        assert result.kg_per_unit is not None and result.activity_unit is not None
        return EmissionFactor(
            factor_id=f"method:{method}",
            activity_unit=result.activity_unit,
            mass_unit="kg",
            gases=dict(result.kg_per_unit),
            source=result.equation,
            status="derived",
            origin="calculation method",
            description=result.explanation,
        )

    def market_factor(self, factor_id: str, value: str, unit_text: str, source: str) -> EmissionFactor:
        if factor_id:
            factor = self.library.resolve(factor_id, self.year)
            problem = usable_for_inventory(factor)
            if problem:
                raise IncompatibleUnits(problem)
            return factor
        return inline_factor({"CO2e": float(value.replace(",", ""))}, unit_text, source, "market-based factor")

    def _add(self, key: tuple[object, ...], build: Any) -> int:
        if key not in self._index:
            self.conversions.append(build())
            self._index[key] = len(self.conversions) - 1
        return self._index[key]

    def _bridge(self, factor: EmissionFactor, texts: Mapping[str, str]) -> tuple[float, str]:
        system = units()
        activity_unit, target = texts["activity_unit"], factor.activity_unit
        if system.same_dimension(activity_unit, target):
            multiplier = system.factor(activity_unit, target)
            return multiplier, f"1 {activity_unit} = {multiplier:.10g} {target}"
        ncv = self._property(texts, "ncv", factor.ncv, factor.ncv_unit, "IPCC/factor NCV")
        density = self._property(texts, "density", factor.density, factor.density_unit, "factor density")
        quantity = system.quantity(1.0, activity_unit)
        candidates = []
        if ncv is not None:
            candidates += [(quantity * ncv[0], f"× NCV {ncv[1]}"), (quantity / ncv[0], f"÷ NCV {ncv[1]}")]
        if density is not None:
            candidates += [
                (quantity * density[0], f"× density {density[1]}"),
                (quantity / density[0], f"÷ density {density[1]}"),
            ]
        if ncv is not None and density is not None:
            candidates += [
                (quantity * density[0] * ncv[0], f"× density {density[1]} × NCV {ncv[1]}"),
                (quantity / density[0] / ncv[0], f"÷ density {density[1]} ÷ NCV {ncv[1]}"),
            ]
        wanted = system.parse(target).dimensionality
        for candidate, how in candidates:
            if candidate.dimensionality == wanted:
                multiplier = float(candidate.to(system.parse(target)).magnitude)
                return multiplier, f"1 {activity_unit} {how} = {multiplier:.10g} {target}"
        missing = "a density and/or NCV (columns ncv + ncv_unit, density + density_unit)"
        raise IncompatibleUnits(
            f"activity in {activity_unit} ({describe_dimension(activity_unit)}) does not match factor "
            f"{factor.factor_id} per {target} ({describe_dimension(target)}); converting needs {missing}",
            activity_unit=activity_unit,
            factor_unit=target,
        )

    def _property(
        self, texts: Mapping[str, str], name: str, factor_value: float | None, factor_unit: str, label: str
    ) -> tuple[Any, str] | None:
        value, unit_text = texts.get(name, ""), texts.get(f"{name}_unit", "")
        if value:
            if not unit_text:
                raise IncompatibleUnits(
                    f"{name} needs {name}_unit (e.g. TJ/Gg for NCV, kg/L for density)", column=f"{name}_unit"
                )
            number = float(value.replace(",", ""))
            return units().quantity(number, unit_text), f"{number:g} {unit_text} (row)"
        if factor_value is not None and factor_unit:
            return units().quantity(factor_value, factor_unit), f"{factor_value:g} {factor_unit} ({label})"
        return None

    def _warn_about(self, factor: EmissionFactor) -> None:
        if factor.factor_id in self._warned or factor.factor_id.startswith(("method:", "direct:")):
            return
        self._warned.add(factor.factor_id)

        def warn(code: str, reason: str) -> None:
            self.warnings.append(InputIssue("", 0, "factor_id", reason, code=code, severity="warning"))

        if factor.status in ("secondary", "derived", "unconfirmed"):
            warn(
                f"factor_{factor.status}",
                f"factor {factor.factor_id} is {factor.status}: verify against {factor.source}",
            )
        if factor.is_co2e_only:
            warn(
                "co2e_only_factor",
                f"factor {factor.factor_id} is published as CO2e only "
                f"(GWP basis: {factor.gwp_basis or 'unstated'}); "
                "it is kept as CO2e and not re-weighted when the GWP set changes",
            )
