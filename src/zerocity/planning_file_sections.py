"""The ``[pools]``, ``[[targets]]``, ``[drivers]`` and ``[uncertainty.inputs]`` tables of a scenario file, each
read into the core's model (the actions are in :mod:`zerocity.planning_file_actions`).

A pool's base-year emissions come from its ``base_t_co2e``, from the base inventory (``gpc_refs``) or from
``activity × intensity`` with units; every problem names its key through :meth:`ScenarioDocument.fail`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from zerocity.core.errors import MethodParameterError, UnknownUnit, ZeroCityError
from zerocity.core.planning import montecarlo, targets
from zerocity.core.planning.bau import default_elasticity
from zerocity.core.planning.scenario import Driver, Pool, ScenarioTarget
from zerocity.core.units import units
from zerocity.planning_file_document import ScenarioDocument, _float, _int, _str


def _pool(doc: ScenarioDocument, pool_id: str, spec: Mapping[str, Any], inventory: Mapping[str, float] | None) -> Pool:
    key = f"pools.{pool_id}"
    subsector = _str(doc, spec, key, "subsector")
    given = [name for name in ("base_t_co2e", "gpc_refs", "activity") if name in spec]
    if len(given) > 1:
        raise doc.fail(key, f"give one of base_t_co2e, gpc_refs or activity + intensity, not {' and '.join(given)}")
    if "base_t_co2e" in spec:
        base = _float(doc, spec, key, "base_t_co2e")
    elif "activity" in spec or "intensity" in spec:
        base = _activity_times_intensity(doc, key, spec)
    else:
        refs = spec.get("gpc_refs")
        if not isinstance(refs, list) or not refs:
            raise doc.fail(
                key, "give base_t_co2e, gpc_refs (GPC reference numbers of the base inventory) or activity + intensity"
            )
        if inventory is None:
            raise doc.fail(
                f"{key}.gpc_refs",
                f"the base year {doc.base_year} has no inventory: add [base_inventory] or give base_t_co2e",
            )
        missing = [str(r) for r in refs if str(r) not in inventory]
        if missing:
            raise doc.fail(f"{key}.gpc_refs", f"no emissions in the {doc.base_year} inventory for {', '.join(missing)}")
        base = math.fsum(inventory[str(r)] for r in refs)
    elasticity: float | None = None
    driver = str(spec.get("driver", ""))
    if driver:
        raw = spec.get("elasticity", "default")
        if raw == "default":
            try:
                elasticity = default_elasticity(subsector, driver).value
            except ZeroCityError as exc:
                raise doc.fail(f"{key}.elasticity", exc.message) from None
        else:
            elasticity = _float(doc, spec, key, "elasticity")
    return Pool(
        pool_id=pool_id,
        subsector=subsector,
        carrier=str(spec.get("carrier", "")),
        base_t_co2e=base,
        driver=driver,
        elasticity=elasticity,
        growth_rate=None if "growth_rate" not in spec else _float(doc, spec, key, "growth_rate"),
        autonomous_efficiency=_float(doc, spec, key, "autonomous_efficiency", 0.0),
        grid_electricity=bool(spec.get("grid_electricity", False)),
    )


#: Gas labels people write in an intensity's unit ("kg CO2e/kWh"): the intensity is CO2e per activity unit.
_CO2E_LABEL = re.compile(r"\s*CO(?:2|₂)e\b")


def _activity_times_intensity(doc: ScenarioDocument, key: str, spec: Mapping[str, Any]) -> float:
    """Base-year emissions ``activity × intensity`` in t CO2e, with units (``zerocity.core.units``, pint):
    ``activity = { value = 1200, unit = "GWh" }``, ``intensity = { value = 0.502, unit = "kg CO2e/kWh" }``.
    Units that do not multiply to a mass (a factor per vehicle-km on passenger-km) are refused, never guessed."""
    values: dict[str, tuple[float, str]] = {}
    for name in ("activity", "intensity"):
        table = spec.get(name)
        if not isinstance(table, Mapping):
            raise doc.fail(f"{key}.{name}", '{ value = …, unit = "…" } (activity and intensity go together)')
        unit = _str(doc, table, f"{key}.{name}", "unit")
        values[name] = (_float(doc, table, f"{key}.{name}", "value"), unit)
    (activity, activity_unit), (intensity, intensity_unit) = values["activity"], values["intensity"]
    if activity < 0 or intensity < 0:
        raise doc.fail(key, "activity and intensity must not be negative")
    system = units()
    parsed_units = {}
    for name, unit in (("activity", activity_unit), ("intensity", _CO2E_LABEL.sub("", intensity_unit))):
        try:
            parsed_units[name] = system.parse(unit)
        except UnknownUnit as exc:
            raise doc.fail(f"{key}.{name}.unit", exc.message) from None
    product = system.registry.Quantity(activity, parsed_units["activity"]) * system.registry.Quantity(
        intensity, parsed_units["intensity"]
    )
    try:
        return float(product.to(system.parse("t")).magnitude)
    except Exception:  # pint's DimensionalityError: the units do not multiply to a mass
        raise doc.fail(
            f"{key}.intensity.unit",
            f"{activity_unit} × {intensity_unit} is {product.dimensionality}, not a mass of CO2e",
        ) from None


def _target(doc: ScenarioDocument, number: int, spec: Mapping[str, Any]) -> ScenarioTarget:
    key = f"targets[{number}]"
    kind = _str(doc, spec, key, "type")
    base_year = _int(doc, spec, key, "base_year", doc.base_year)
    target_year = _int(doc, spec, key, "target_year")
    try:
        if kind == "base_year":
            target = targets.base_year_target(base_year, target_year, _float(doc, spec, key, "reduction"))
        elif kind == "net_zero":
            target = targets.net_zero_target(base_year, target_year, _float(doc, spec, key, "residual_t_co2e", 0.0))
        elif kind == "fixed_level":
            target = targets.fixed_level_target(base_year, target_year, _float(doc, spec, key, "level_t_co2e"))
        elif kind == "baseline_scenario":
            target = targets.baseline_scenario_target(
                base_year,
                target_year,
                _float(doc, spec, key, "reduction"),
                _float(doc, spec, key, "bau_t_co2e"),
                _int(doc, spec, key, "adopted_year"),
            )
        elif kind == "budget":
            target = targets.budget_target(base_year, target_year, _float(doc, spec, key, "budget_t_co2e"))
        else:
            raise doc.fail(f"{key}.type", "one of base_year, net_zero, fixed_level, baseline_scenario, budget")
    except targets.InvalidTarget as exc:
        raise doc.fail(_target_key(key, exc), exc.message) from None
    base = spec.get("base_t_co2e")
    return ScenarioTarget(
        target=target,
        base_t_co2e=None if base is None else _float(doc, spec, key, "base_t_co2e"),
        label=str(spec.get("label", "")),
    )


#: The core's target parameters by the scenario file's names for them.
_TARGET_KEYS = {"reduction": "reduction", "target_year": "target_year", "residual_tco2e": "residual_t_co2e",
                "level_tco2e": "level_t_co2e", "bau_tco2e": "bau_t_co2e", "adopted_year": "adopted_year",
                "budget_tco2e": "budget_t_co2e"}  # fmt: skip


def _target_key(key: str, exc: targets.InvalidTarget) -> str:
    """``targets[2].reduction`` when the core's error names one parameter of the target, else ``targets[2]``."""
    named = [_TARGET_KEYS[name] for name in exc.params if name in _TARGET_KEYS]
    if "target_year" in named:
        return f"{key}.target_year"
    return f"{key}.{named[0]}" if len(named) == 1 else key


def _driver(doc: ScenarioDocument, name: str, spec: Mapping[str, Any]) -> Driver:
    key = f"drivers.{name}"
    values = spec.get("values")
    if not isinstance(values, Mapping) or len(values) < 2:
        raise doc.fail(f"{key}.values", "a table of at least two year = value anchors")
    try:
        anchors = sorted((int(year), float(value)) for year, value in values.items())
    except (TypeError, ValueError):
        raise doc.fail(f"{key}.values", "years must be whole numbers and values numbers") from None
    if any(value <= 0 or not math.isfinite(value) for _, value in anchors):
        raise doc.fail(f"{key}.values", "driver values must be positive")
    return Driver(
        name=name,
        anchor_years=tuple(y for y, _ in anchors),
        anchor_values=tuple(v for _, v in anchors),
        source=_str(doc, spec, key, "source"),
        vintage=str(spec.get("vintage", "")),
    )


def _uncertain_inputs(doc: ScenarioDocument) -> Mapping[str, Mapping[str, Any]]:
    inputs = doc.table("uncertainty").get("inputs", {})
    if not isinstance(inputs, Mapping) or not all(isinstance(v, Mapping) for v in inputs.values()):
        raise doc.fail("uncertainty.inputs", "a table of input = { distribution = …, … }")
    return inputs


def _distribution(doc: ScenarioDocument, name: str, spec: Mapping[str, Any]) -> montecarlo.Distribution:
    key = f"uncertainty.inputs.{name}"
    kind = _str(doc, spec, key, "distribution")
    shapes: dict[str, tuple[type[Any], tuple[str, ...]]] = {
        "normal": (montecarlo.Normal, ("mean", "sd")),
        "uniform": (montecarlo.Uniform, ("low", "high")),
        "triangular": (montecarlo.Triangular, ("low", "mode", "high")),
        "truncated_normal": (montecarlo.TruncatedNormal, ("mean", "sd", "low", "high")),
        "beta": (montecarlo.Beta, ("a", "b", "low", "high")),
    }
    if kind == "lognormal":
        try:
            return montecarlo.LogNormal.from_mean_sd(_float(doc, spec, key, "mean"), _float(doc, spec, key, "sd"))
        except MethodParameterError as exc:
            raise doc.fail(key, exc.reason) from None
    if kind not in shapes:
        raise doc.fail(f"{key}.distribution", f"one of lognormal, {', '.join(shapes)}")
    cls, fields = shapes[kind]
    try:
        distribution: montecarlo.Distribution = cls(*(_float(doc, spec, key, f) for f in fields))
    except MethodParameterError as exc:
        raise doc.fail(key, exc.reason) from None
    return distribution
