"""Reading a scenario file (TOML, documented in ``docs/scenario-file.md``) into the core's :class:`Scenario`.

Not in the core because it reads files. Every problem is reported as :class:`ScenarioFileError` naming the file and
the key (``actions.heat_pumps.curve.p_max``), so that the CLI can print it and write nothing.
Base-year emissions of a pool come from its ``base_t_co2e`` or from the base inventory (``gpc_refs``), which the
caller computes and passes in as tCO2e per GPC reference number (see ``zerocity.services.planning``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zerocity.core.errors import MethodParameterError, ZeroCityError
from zerocity.core.planning import costs, montecarlo, targets
from zerocity.core.planning.bau import default_elasticity, tw_grid_pathway
from zerocity.core.planning.pools import Stage
from zerocity.core.planning.scenario import (
    Action,
    Curve,
    Driver,
    FuelSwitch,
    InvalidScenario,
    Pool,
    Scenario,
    ScenarioTarget,
)


class ScenarioFileError(ZeroCityError):
    """A scenario file that cannot be used; names the file and the key."""

    code = "scenario_file"

    def __init__(self, file: str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}", file=file, key=key, reason=reason)
        self.file = file
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class ScenarioDocument:
    """The parsed file: its path and its TOML tables."""

    path: Path
    data: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    def fail(self, key: str, reason: str) -> ScenarioFileError:
        return ScenarioFileError(self.name, key, reason)

    @property
    def base_year(self) -> int:
        return _int(self, self.table("scenario"), "scenario", "base_year")

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a table")
        return value

    def base_inventory(self) -> Mapping[str, Any]:
        return self.table("base_inventory")

    def resolve(self, relative: str) -> Path:
        return (self.path.parent / relative).resolve()


def read_document(path: str | Path) -> ScenarioDocument:
    """Parse the TOML file; a syntax error names the file and the line."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ScenarioFileError(file.name, "(file)", "not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(file.name, "(syntax)", str(exc)) from None
    return ScenarioDocument(file, data)


def build_scenario(doc: ScenarioDocument, base_emissions_by_ref: Mapping[str, float] | None = None) -> Scenario:
    """The core scenario described by ``doc``; ``base_emissions_by_ref`` is the base inventory (tCO2e per GPC ref)."""
    head = doc.table("scenario")
    base_year = doc.base_year
    end_year = _int(doc, head, "scenario", "end_year", 2050)
    years = np.arange(base_year, end_year + 1)
    pools = tuple(_pool(doc, pool_id, spec, base_emissions_by_ref) for pool_id, spec in _tables(doc, "pools").items())
    needs_grid = any(p.grid_electricity for p in pools) or any(
        "fuel_switch" in spec for spec in _tables(doc, "actions").values()
    )
    grid = None
    if needs_grid:
        grid_spec = doc.table("grid")
        pathway = grid_spec.get("pathway", "tw")
        if pathway != "tw":
            raise doc.fail("grid.pathway", "only the bundled Taiwan national path 'tw' is available")
        try:
            grid = tw_grid_pathway(years).kg_co2e_per_kwh
        except ZeroCityError as exc:
            raise doc.fail("grid.pathway", exc.message) from None
    costs_spec = doc.table("costs")
    rate_id = str(costs_spec.get("discount_rate", "uk-green-book-stpr"))
    try:
        rate = costs.discount_rate(rate_id).rate
    except ZeroCityError as exc:
        raise doc.fail("costs.discount_rate", exc.message) from None
    macc_year = costs_spec.get("macc_year")
    scenario = Scenario(
        name=str(head.get("name", doc.path.stem)),
        base_year=base_year,
        end_year=end_year,
        pools=pools,
        actions=tuple(_action(doc, action_id, spec) for action_id, spec in _tables(doc, "actions").items()),
        targets=tuple(_target(doc, i, spec) for i, spec in enumerate(_list(doc, "targets"), start=1)),
        drivers={name: _driver(doc, name, spec) for name, spec in _tables(doc, "drivers").items()},
        grid_factor_kg_per_kwh=grid,
        uncertain={name: _distribution(doc, name, spec) for name, spec in _uncertain_inputs(doc).items()},
        discount_rate=rate,
        discount_rate_id=rate_id,
        macc_year=None if macc_year is None else _int(doc, costs_spec, "costs", "macc_year"),
    )
    return scenario


def run_settings(doc: ScenarioDocument) -> tuple[int, int, str]:
    """``(draws, seed, wedge_method)`` from ``[uncertainty]`` and ``[scenario]`` (the CLI may override them)."""
    spec = doc.table("uncertainty")
    draws = _int(doc, spec, "uncertainty", "draws", 0)
    seed = _int(doc, spec, "uncertainty", "seed", 0)
    if draws < 0 or seed < 0:
        raise doc.fail("uncertainty", "draws and seed must be ≥ 0")
    return draws, seed, str(doc.table("scenario").get("wedge_method", "loading_order"))


def wrap(doc: ScenarioDocument, exc: InvalidScenario) -> ScenarioFileError:
    """A core validation error, located in the file."""
    return doc.fail(exc.key, exc.reason)


# -- sections -------------------------------------------------------------------------------------------------------


def _pool(doc: ScenarioDocument, pool_id: str, spec: Mapping[str, Any], inventory: Mapping[str, float] | None) -> Pool:
    key = f"pools.{pool_id}"
    subsector = _str(doc, spec, key, "subsector")
    if "base_t_co2e" in spec:
        base = _float(doc, spec, key, "base_t_co2e")
    else:
        refs = spec.get("gpc_refs")
        if not isinstance(refs, list) or not refs:
            raise doc.fail(key, "give base_t_co2e or gpc_refs (GPC reference numbers of the base inventory)")
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


def _action(doc: ScenarioDocument, action_id: str, spec: Mapping[str, Any]) -> Action:
    key = f"actions.{action_id}"
    stage_name = _str(doc, spec, key, "stage")
    try:
        stage = Stage(stage_name)
    except ValueError:
        raise doc.fail(f"{key}.stage", f"one of {', '.join(s.value for s in Stage)}") from None
    pools = spec.get("pools")
    if isinstance(pools, str):
        pools = [pools]
    if not isinstance(pools, list) or not pools:
        raise doc.fail(f"{key}.pools", "a list of pool ids")
    curve_spec = spec.get("curve")
    if not isinstance(curve_spec, Mapping):
        raise doc.fail(f"{key}.curve", 'a table such as { kind = "linear", start_year = …, end_year = …, p_max = … }')
    kind = _str(doc, curve_spec, f"{key}.curve", "kind")
    parameters = {name: _float(doc, curve_spec, f"{key}.curve", name) for name in curve_spec if name != "kind"}
    for share in ("p", "p_max"):
        if share in parameters and not 0.0 <= parameters[share] <= 1.0:
            raise doc.fail(f"{key}.curve.{share}", f"a share of the stock in [0, 1] (0–100 %), got {parameters[share]}")
    switch = None
    if "fuel_switch" in spec:
        fs = spec["fuel_switch"]
        fkey = f"{key}.fuel_switch"
        if not isinstance(fs, Mapping):
            raise doc.fail(fkey, "a table { old_factor_kg_per_kwh, efficiency_old, efficiency_new }")
        switch = FuelSwitch(
            _positive(doc, fs, fkey, "old_factor_kg_per_kwh"),
            _positive(doc, fs, fkey, "efficiency_old"),
            _positive(doc, fs, fkey, "efficiency_new"),
        )
    return Action(
        action_id=action_id,
        template=str(spec.get("template", stage.value)),
        pools=tuple(str(p) for p in pools),
        stage=stage,
        curve=Curve(kind, parameters),
        effect=_float(doc, spec, key, "effect", 1.0),
        fuel_switch=switch,
        stock=str(spec.get("stock", "")),
        costs=_costs(doc, action_id, spec.get("costs")),
    )


def _costs(doc: ScenarioDocument, action_id: str, spec: object) -> costs.ActionCosts | None:
    if spec is None:
        return None
    key = f"actions.{action_id}.costs"
    if not isinstance(spec, Mapping):
        raise doc.fail(key, "must be a table")
    payers = spec.get("payers", {"city": 1.0})
    if not isinstance(payers, Mapping):
        raise doc.fail(f"{key}.payers", "a table of payer = share")
    try:
        return costs.ActionCosts(
            action_id=action_id,
            capital_cost=_float(doc, spec, key, "capital", 0.0),
            capital_year=_int(doc, spec, key, "capital_year", doc.base_year),
            operating_cost_per_year=_float(doc, spec, key, "operating_per_year", 0.0),
            energy_savings_per_year=_float(doc, spec, key, "energy_savings_per_year", 0.0),
            lifetime_years=_int(doc, spec, key, "lifetime_years"),
            payer_shares={str(k): _float(doc, payers, f"{key}.payers", k) for k in payers},
        )
    except MethodParameterError as exc:
        names = {"capital_cost": "capital", "operating_cost_per_year": "operating_per_year", "payer_shares": "payers"}
        raise doc.fail(f"{key}.{names.get(exc.parameter, exc.parameter)}", exc.reason) from None


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
        raise doc.fail(key, exc.message) from None
    base = spec.get("base_t_co2e")
    return ScenarioTarget(
        target=target,
        base_t_co2e=None if base is None else _float(doc, spec, key, "base_t_co2e"),
        label=str(spec.get("label", "")),
    )


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


# -- typed getters --------------------------------------------------------------------------------------------------


def _tables(doc: ScenarioDocument, key: str) -> dict[str, Mapping[str, Any]]:
    table = doc.table(key)
    for name, value in table.items():
        if not isinstance(value, Mapping):
            raise doc.fail(f"{key}.{name}", "must be a table")
    return {str(name): value for name, value in table.items()}


def _list(doc: ScenarioDocument, key: str) -> list[Mapping[str, Any]]:
    value = doc.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise doc.fail(key, "must be an array of tables ([[targets]])")
    return value


def _str(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str) -> str:
    value = spec.get(name)
    if not isinstance(value, str) or not value.strip():
        raise doc.fail(f"{key}.{name}", "required text")
    return value.strip()


def _float(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str, default: float | None = None) -> float:
    value = spec.get(name, default)
    if value is None:
        raise doc.fail(f"{key}.{name}", "required number")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise doc.fail(f"{key}.{name}", f"must be a finite number, got {value!r}")
    return float(value)


def _positive(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str) -> float:
    value = _float(doc, spec, key, name)
    if value <= 0:
        raise doc.fail(f"{key}.{name}", f"must be > 0, got {value}")
    return value


def _int(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str, default: int | None = None) -> int:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise doc.fail(f"{key}.{name}", f"required whole number, got {value!r}")
    return value
