"""Reading a scenario file (TOML, documented in ``docs/scenario-file.md``) into the core's :class:`Scenario`.

Not in the core because it reads files. Every problem is reported as :class:`ScenarioFileError` naming the file and
the key (``actions.heat_pumps.curve.p_max``), so that the CLI can print it and write nothing.
Base-year emissions of a pool come from its ``base_t_co2e`` or from the base inventory (``gpc_refs``), which the
caller computes and passes in as tCO2e per GPC reference number (see ``zerocity.services.planning``).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zerocity.core.errors import MethodParameterError, UnknownUnit, ZeroCityError
from zerocity.core.planning import costs, montecarlo, one_point_five, targets
from zerocity.core.planning.bau import default_elasticity, tw_grid_pathway
from zerocity.core.planning.budgets import AllocationRule
from zerocity.core.planning.pools import PvAccounting, Stage
from zerocity.core.planning.rooftop_pv import RooftopPv
from zerocity.core.planning.scenario import (
    Action,
    Curve,
    Driver,
    FuelSwitch,
    InvalidScenario,
    Pool,
    Scenario,
    ScenarioTarget,
    SensitivitySettings,
)
from zerocity.core.planning.templates import (
    CO_BENEFIT_LEVELS,
    ActionTemplate,
    CoBenefit,
    InvalidCoBenefit,
    UnknownActionTemplate,
    action_template,
)
from zerocity.core.planning.templates import co_benefits as checked_co_benefits
from zerocity.core.units import units


class ScenarioFileError(ZeroCityError):
    """A scenario file that cannot be used; names the file and the key (and the line, once located)."""

    code = "scenario_file"

    def __init__(self, file: str, key: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{file}: {key}: {reason}", file=file, key=key, reason=reason, line=line)
        self.file = file
        self.key = key
        self.reason = reason
        self.line = line

    def located(self, text: str) -> ScenarioFileError:
        """The same error with the line of ``text`` where its key is written (see :func:`locate_key`)."""
        return ScenarioFileError(self.file, self.key, self.reason, self.line or locate_key(text, self.key, self.reason))


_SYNTAX_LINE = re.compile(r"at line (\d+)")


def _split_key(text: str) -> list[str]:
    """``a."b.c".d`` → ``["a", "b.c", "d"]`` (TOML dotted keys, quoted parts kept whole)."""
    parts, current, quote = [], "", ""
    for char in text.strip():
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def locate_key(text: str, key: str, reason: str = "") -> int | None:
    """The line (1-based) of ``text`` where the entry ``key`` of an error is written, or None.

    ``key`` is as :class:`ScenarioFileError` names it: ``actions.heat_pumps.curve.p_max`` (found on the line that
    sets ``curve``, or ``p_max`` under ``[actions.heat_pumps.curve]``), ``targets[2].reduction`` (the second
    ``[[targets]]``), ``(syntax)`` (the line in the parser's message). A key written more than once or not at
    all gives the line of its closest written parent. Line-based: a value spread over several lines is found
    on its first line.
    """
    if key == "(syntax)":
        match = _SYNTAX_LINE.search(reason)
        return int(match.group(1)) if match else None
    found: dict[str, int] = {}
    table: list[str] = []
    arrays: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            name = ".".join(_split_key(line[2 : line.find("]]")]))
            arrays[name] = arrays.get(name, 0) + 1
            table = [f"{name}[{arrays[name]}]"]
        elif line.startswith("["):
            table = _split_key(line[1 : line.find("]")])
        elif "=" in line:
            table_key = _split_key(line.split("=", 1)[0])
            found.setdefault(".".join([*table, *table_key]), number)
            continue
        else:
            continue
        found.setdefault(".".join(table), number)
    parents = [
        (len(path), number) for path, number in found.items() if key == path or key.startswith((path + ".", path + "["))
    ]
    return max(parents)[1] if parents else None


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
    subsectors = {pool.pool_id: pool.subsector for pool in pools}
    actions = tuple(_action(doc, action_id, spec, subsectors) for action_id, spec in _tables(doc, "actions").items())
    needs_grid = any(p.grid_electricity for p in pools) or any(a.fuel_switch or a.pv for a in actions)
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
        actions=actions,
        targets=tuple(_target(doc, i, spec) for i, spec in enumerate(_list(doc, "targets"), start=1)),
        drivers={name: _driver(doc, name, spec) for name, spec in _tables(doc, "drivers").items()},
        grid_factor_kg_per_kwh=grid,
        uncertain={name: _distribution(doc, name, spec) for name, spec in _uncertain_inputs(doc).items()},
        discount_rate=rate,
        discount_rate_id=rate_id,
        macc_year=None if macc_year is None else _int(doc, costs_spec, "costs", "macc_year"),
        one_point_five=_one_point_five(doc),
        sensitivity=_sensitivity(doc),
    )
    return scenario


def _one_point_five(doc: ScenarioDocument) -> one_point_five.Settings:
    """``[one_point_five]``: the global budget and allocation rule, CO2 / CO2e, and the base figures the 1.5 °C
    reference tests need where the scenario's own years do not hold them."""
    spec = doc.table("one_point_five")
    key = "one_point_five"
    known = {"budget", "allocation", "population_weight", "co2_share", "co2_2010_t", "ghg_2019_t_co2e",
             "population", "allocation_co2_t"}  # fmt: skip
    unknown = sorted(set(spec) - known)
    if unknown:
        raise doc.fail(f"{key}.{unknown[0]}", f"not a key of [one_point_five]; keys are {', '.join(sorted(known))}")
    rule = spec.get("allocation", AllocationRule.PER_CAPITA.value)
    try:
        allocation = AllocationRule(rule)
    except ValueError:
        raise doc.fail(f"{key}.allocation", f"one of {', '.join(r.value for r in AllocationRule)}") from None

    def optional(name: str) -> float | None:
        return None if name not in spec else _float(doc, spec, key, name)

    return one_point_five.Settings(
        budget_id=str(spec.get("budget", one_point_five.DEFAULT_BUDGET)),
        rule=allocation,
        population_weight=optional("population_weight"),
        co2_share=_float(doc, spec, key, "co2_share", 1.0),
        co2_share_stated="co2_share" in spec,
        co2_2010_t=optional("co2_2010_t"),
        ghg_2019_t_co2e=optional("ghg_2019_t_co2e"),
        population=optional("population"),
        allocation_co2_t=optional("allocation_co2_t"),
    )


def _sensitivity(doc: ScenarioDocument) -> SensitivitySettings:
    """``[sensitivity]``: ``enabled`` (default true), ``year`` and ``samples`` (Sobol base samples N)."""
    spec = doc.table("sensitivity")
    enabled = spec.get("enabled", True)
    if not isinstance(enabled, bool):
        raise doc.fail("sensitivity.enabled", "true or false")
    return SensitivitySettings(
        enabled=enabled,
        year=None if "year" not in spec else _int(doc, spec, "sensitivity", "year"),
        base_samples=_int(doc, spec, "sensitivity", "samples", SensitivitySettings.base_samples),
    )


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


def _action(doc: ScenarioDocument, action_id: str, spec: Mapping[str, Any], subsectors: Mapping[str, str]) -> Action:
    """One action; with ``template`` (an id of ``data/planning/action_templates.csv``) it inherits the template's
    stage, effect, curve, fuel switch, rooftop-PV defaults, per-unit costs and co-benefits it does not override."""
    key = f"actions.{action_id}"
    template = _template(doc, key, spec)
    stage_name = spec.get("stage", template.stage.value if template else None)
    if not isinstance(stage_name, str):
        raise doc.fail(f"{key}.stage", "required text (or a template that gives it)")
    try:
        stage = Stage(stage_name)
    except ValueError:
        raise doc.fail(f"{key}.stage", f"one of {', '.join(s.value for s in Stage)}") from None
    pools = spec.get("pools")
    if isinstance(pools, str):
        pools = [pools]
    if not isinstance(pools, list) or not pools:
        raise doc.fail(f"{key}.pools", "a list of pool ids")
    if template is not None:
        outside = [str(p) for p in pools if str(p) in subsectors and not template.covers(subsectors[str(p)])]
        if outside:
            raise doc.fail(
                f"{key}.pools",
                f"the {template.template_id} template acts on GPC {', '.join(template.gpc_subsectors)}; "
                f"{', '.join(f'{p} is {subsectors[p]}' for p in outside)}",
            )
    return Action(
        action_id=action_id,
        template=template.template_id if template else "",
        pools=tuple(str(p) for p in pools),
        stage=stage,
        curve=_curve(doc, key, spec.get("curve"), template),
        effect=_float(doc, spec, key, "effect", template.effect if template else 1.0),
        fuel_switch=_fuel_switch(doc, key, spec.get("fuel_switch"), template),
        stock=str(spec.get("stock", "")),
        costs=_costs(doc, action_id, spec.get("costs"), template),
        co_benefits=_co_benefits(doc, key, spec.get("co_benefits"), template),
        pv=_pv(doc, key, spec.get("pv"), template),
    )


def _template(doc: ScenarioDocument, key: str, spec: Mapping[str, Any]) -> ActionTemplate | None:
    template_id = spec.get("template")
    if template_id is None:
        return None
    if not isinstance(template_id, str):
        raise doc.fail(f"{key}.template", 'the id of an action template, e.g. "rooftop_pv"')
    try:
        return action_template(template_id)
    except UnknownActionTemplate as exc:
        raise doc.fail(f"{key}.template", exc.message) from None


def _curve(doc: ScenarioDocument, key: str, spec: object, template: ActionTemplate | None) -> Curve:
    """The action's curve; a template's parameters fill in those the action leaves out when the kind is the same."""
    ckey = f"{key}.curve"
    if spec is None and template is not None:
        return Curve(template.curve_kind, dict(template.curve_parameters))
    if not isinstance(spec, Mapping):
        raise doc.fail(ckey, 'a table such as { kind = "linear", start_year = …, end_year = …, p_max = … }')
    kind = spec.get("kind", template.curve_kind if template else None)
    if not isinstance(kind, str) or not kind.strip():
        raise doc.fail(f"{ckey}.kind", "required text: linear, step or logistic")
    inherited = dict(template.curve_parameters) if template and template.curve_kind == kind else {}
    parameters = inherited | {name: _float(doc, spec, ckey, name) for name in spec if name != "kind"}
    for share in ("p", "p_max"):
        if share in parameters and not 0.0 <= parameters[share] <= 1.0:
            raise doc.fail(f"{ckey}.{share}", f"a share of the stock in [0, 1] (0–100 %), got {parameters[share]}")
    return Curve(kind, parameters)


def _fuel_switch(doc: ScenarioDocument, key: str, spec: object, template: ActionTemplate | None) -> FuelSwitch | None:
    fkey = f"{key}.fuel_switch"
    defaults: Mapping[str, float] = (template.fuel_switch if template else None) or {}
    if spec is None and not defaults:
        return None
    spec = {} if spec is None else spec
    if not isinstance(spec, Mapping):
        raise doc.fail(fkey, "a table { old_factor_kg_per_kwh, efficiency_old, efficiency_new }")
    merged = {**defaults, **spec}
    return FuelSwitch(
        _positive(doc, merged, fkey, "old_factor_kg_per_kwh"),
        _positive(doc, merged, fkey, "efficiency_old"),
        _positive(doc, merged, fkey, "efficiency_new"),
    )


def _pv(doc: ScenarioDocument, key: str, spec: object, template: ActionTemplate | None) -> RooftopPv | None:
    """Rooftop PV (``pv = { capacity_kw, national_pathway_kw, capacity_factor, accounting }``); the template gives
    the capacity factor and the accounting choice, the city its capacity target and the national pathway's PV."""
    pkey = f"{key}.pv"
    defaults = template.pv if template else None
    if spec is None and defaults is None:
        return None
    if not isinstance(spec, Mapping):
        raise doc.fail(pkey, "a table { capacity_kw, national_pathway_kw, capacity_factor, accounting }")
    raw_accounting = spec.get("accounting", defaults.accounting.value if defaults else "additional_only")
    try:
        accounting = PvAccounting(raw_accounting)
    except ValueError:
        raise doc.fail(f"{pkey}.accounting", f"one of {', '.join(a.value for a in PvAccounting)}") from None
    national = spec.get("national_pathway_kw")
    if isinstance(national, bool) or not isinstance(national, int | float | Mapping):
        raise doc.fail(
            f"{pkey}.national_pathway_kw",
            "the PV the national grid pathway already places in the city: kW, or a table of year = kW anchors",
        )
    try:
        anchors = sorted((int(y), float(v)) for y, v in national.items()) if isinstance(national, Mapping) else []
    except (TypeError, ValueError):
        raise doc.fail(f"{pkey}.national_pathway_kw", "years must be whole numbers and values numbers") from None
    if not isinstance(national, Mapping):
        anchors = [(doc.base_year, float(national))]
    if not anchors:
        raise doc.fail(f"{pkey}.national_pathway_kw", "give at least one year = kW anchor")
    return RooftopPv(
        capacity_kw=_float(doc, spec, pkey, "capacity_kw"),
        capacity_factor=_float(doc, spec, pkey, "capacity_factor", defaults.capacity_factor if defaults else None),
        accounting=accounting,
        national_anchor_years=tuple(y for y, _ in anchors),
        national_anchor_kw=tuple(v for _, v in anchors),
    )


def _co_benefits(
    doc: ScenarioDocument, key: str, spec: object, template: ActionTemplate | None
) -> tuple[CoBenefit, ...]:
    """The template's co-benefits with the action's own levels on top; ``"none"`` removes one."""
    levels = {b.benefit: b.level for b in template.co_benefits} if template else {}
    if spec is not None:
        if not isinstance(spec, Mapping) or not all(isinstance(v, str) for v in spec.values()):
            raise doc.fail(
                f"{key}.co_benefits", f'a table of co-benefit = level ({", ".join(CO_BENEFIT_LEVELS)} or "none")'
            )
        levels |= {str(name): str(level) for name, level in spec.items()}
    try:
        return checked_co_benefits({name: level for name, level in levels.items() if level != "none"})
    except InvalidCoBenefit as exc:
        raise doc.fail(f"{key}.co_benefits.{exc.params['benefit']}", exc.message) from None


def _costs(
    doc: ScenarioDocument, action_id: str, spec: object, template: ActionTemplate | None
) -> costs.ActionCosts | None:
    """The action's costs. ``units`` takes the template's per-unit capital, operating cost and savings times the
    number of units; any amount the action states wins, and lifetime and payers default to the template's."""
    if spec is None:
        return None
    key = f"actions.{action_id}.costs"
    if not isinstance(spec, Mapping):
        raise doc.fail(key, "must be a table")
    per_unit = template.costs if template else None
    amounts: dict[str, float] = {}
    if "units" in spec:
        if per_unit is None:
            raise doc.fail(f"{key}.units", "units need an action template with per-unit costs")
        units = _float(doc, spec, key, "units")
        if units < 0:
            raise doc.fail(f"{key}.units", f"must be ≥ 0, got {units}")
        amounts = {
            "capital": units * per_unit.capex_per_unit,
            "operating_per_year": units * per_unit.opex_per_unit_year,
            "energy_savings_per_year": units * per_unit.savings_per_unit_year,
        }
    payers = spec.get("payers", per_unit.payer_shares if per_unit else {"city": 1.0})
    if not isinstance(payers, Mapping):
        raise doc.fail(f"{key}.payers", "a table of payer = share")
    lifetime = spec.get("lifetime_years", per_unit.lifetime_years if per_unit else None)
    try:
        return costs.ActionCosts(
            action_id=action_id,
            capital_cost=_float(doc, spec, key, "capital", amounts.get("capital", 0.0)),
            capital_year=_int(doc, spec, key, "capital_year", doc.base_year),
            operating_cost_per_year=_float(
                doc, spec, key, "operating_per_year", amounts.get("operating_per_year", 0.0)
            ),
            energy_savings_per_year=_float(
                doc, spec, key, "energy_savings_per_year", amounts.get("energy_savings_per_year", 0.0)
            ),
            lifetime_years=_int(doc, {"lifetime_years": lifetime}, key, "lifetime_years"),
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
