"""The ``[actions]`` tables of a scenario file: an action, the template it inherits from
(``data/planning/action_templates.csv``), and its curve, fuel switch, rooftop PV, co-benefits and costs.

Everything an action leaves out comes from its template; what it states wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zerocity.core.errors import MethodParameterError
from zerocity.core.planning import costs
from zerocity.core.planning.pools import PvAccounting, Stage
from zerocity.core.planning.rooftop_pv import RooftopPv
from zerocity.core.planning.scenario import Action, Curve, FuelSwitch
from zerocity.core.planning.templates import (
    CO_BENEFIT_LEVELS,
    ActionTemplate,
    CoBenefit,
    InvalidCoBenefit,
    UnknownActionTemplate,
    action_template,
)
from zerocity.core.planning.templates import co_benefits as checked_co_benefits
from zerocity.planning_file_document import ScenarioDocument, _float, _int, _positive


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
