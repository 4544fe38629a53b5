"""What a plan page shows of one planner run (``services.planning.result_to_dict``), in the reader's language.

The pathway with its wedges, the targets, the Monte Carlo fan, the MACC, the actions with their co-benefits, the
rooftop-PV split, the 1.5 °C reference tests with the city carbon budget, and the Sobol sensitivity ranking. Charts
are drawn here (``plan_charts``); the template only lays them out. Every word is translated here or in the template;
scenario ids (an action's id, a target's label) are the author's own words and are shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from zerocity.core.planning.templates import action_template, action_templates
from zerocity.web import charts, plan_charts
from zerocity.web.i18n import gettext
from zerocity.web.render import N_

#: ``?method=`` values and the core's names for them.
METHODS: Final[Mapping[str, str]] = {"order": "loading_order", "proportional": "proportional", "shapley": "shapley"}
METHOD_NAMES: Final[Mapping[str, str]] = {
    "loading_order": N_("loading order"),
    "proportional": N_("proportional"),
    "shapley": N_("Shapley values"),
}
METHOD_EXPLANATIONS: Final[Mapping[str, str]] = {
    "loading_order": N_(
        "Each action is credited with what it saves after the actions loaded before it, in the loading order shown."
    ),
    "proportional": N_("The joint saving is shared in proportion to what each action would save on its own."),
    "shapley": N_("Each action is credited with its average contribution over every order of loading (Shapley)."),
}
EXTERNAL_NAMES: Final[Mapping[str, str]] = {
    "national_grid": N_("National grid decarbonisation (external)"),
    "autonomous_efficiency": N_("Autonomous efficiency (external)"),
}
TARGET_TYPES: Final[Mapping[str, str]] = {
    "base_year": N_("Base-year reduction"),
    "fixed_level": N_("Fixed level"),
    "budget": N_("Cumulative budget"),
    "intensity": N_("Intensity"),
    "baseline_scenario": N_("Below BAU"),
}
STAGES: Final[Mapping[str, str]] = {
    "demand_avoidance": N_("Demand avoidance"),
    "efficiency": N_("Efficiency"),
    "fuel_switch": N_("Electrification and fuel switch"),
    "supply": N_("Supply"),
    "removals": N_("Removals and offsets"),
}
CO_BENEFIT_NAMES: Final[Mapping[str, str]] = {
    "air_quality": N_("Air quality"),
    "health": N_("Health"),
    "jobs": N_("Jobs"),
    "energy_bills": N_("Energy bills"),
    "resilience": N_("Resilience"),
    "energy_security": N_("Energy security"),
    "comfort": N_("Comfort"),
    "congestion": N_("Less congestion"),
    "noise": N_("Less noise"),
    "road_safety": N_("Road safety"),
}
#: A co-benefit with its qualitative level, one whole phrase per level so that translations read naturally.
CO_BENEFIT_LEVELS: Final[Mapping[str, str]] = {
    "low": N_("%(benefit)s: low"),
    "medium": N_("%(benefit)s: medium"),
    "high": N_("%(benefit)s: high"),
}
PV_ACCOUNTING: Final[Mapping[str, str]] = {
    "additional_only": N_("only the generation beyond the PV the national grid pathway already places in the city"),
    "share_of_national": N_("no city wedge: local PV is shown as a share of the national grid wedge"),
}
MILESTONES: Final[Mapping[str, str]] = {
    "sr15-co2-2030-vs-2010": N_("IPCC SR1.5: net CO₂ 45 % below 2010 by 2030"),
    "race-to-zero-halve-2030": N_("Race to Zero: halve emissions by 2030 from the base year"),
    "ar6-wg3-ghg-2030-vs-2019": N_("IPCC AR6: greenhouse gases 43 % below 2019 by 2030"),
}
MILESTONE_REASONS: Final[Mapping[str, str]] = {
    "sr15-co2-2030-vs-2010": N_("Not applied: the city's 2010 CO₂ emissions are not known (co2_2010_t)."),
    "ar6-wg3-ghg-2030-vs-2019": N_("Not applied: the city's 2019 emissions are not known (ghg_2019_t_co2e)."),
    "no_target_year": N_("Not applied: the scenario does not reach 2030."),
    "not_applicable": N_("Not applied to this scenario."),
}
ALLOCATION_RULES: Final[Mapping[str, str]] = {
    "per_capita": N_("per capita"),
    "grandfathering": N_("by current emissions (grandfathering)"),
    "blended": N_("a blend of per capita and current emissions"),
}
BUDGET_REASONS: Final[Mapping[str, str]] = {
    "population_unknown": N_(
        "The city's population in the allocation year is not known: add a population driver or give population."
    ),
    "emissions_unknown": N_("This allocation rule needs the city's CO₂ in the allocation year (allocation_co2_t)."),
    "period_outside": N_(
        "The budget's period lies outside the scenario's years; choose a budget that starts within it."
    ),
    "no_world_data": N_("No world totals are on file to allocate the budget."),
    "allocation_error": N_("The budget could not be allocated with these settings."),
}
INPUT_PARAMETERS: Final[Mapping[str, str]] = {
    "base_t_co2e": N_("base-year emissions"),
    "growth_rate": N_("growth rate"),
    "elasticity": N_("elasticity"),
    "autonomous_efficiency": N_("autonomous efficiency"),
    "effect": N_("effect"),
    "p_max": N_("maximum penetration"),
    "k": N_("adoption speed"),
    "t_mid": N_("mid-point year"),
    "p": N_("penetration"),
    "year": N_("step year"),
    "start_year": N_("start year"),
    "end_year": N_("end year"),
    "capacity_factor": N_("capacity factor"),
}
GRID_MULTIPLIER: Final[str] = N_("National grid factor path")


def action_label(action_id: str) -> str:
    """An action's id from the scenario file made readable (``electric_scooters_buses`` → ``electric scooters buses``).

    Scenario files name actions in the author's words, which the catalogue cannot translate."""
    return action_id.replace("_", " ")


def template_name(template_id: str, locale: str) -> str:
    """A catalogue template's name in the reader's language (bilingual data); "—" for an action without one."""
    if template_id in {t.template_id for t in action_templates()}:
        template = action_template(template_id)
        return template.name_zh if locale == "zh_Hant" else template.name_en
    return "—"


def input_label(name: str, locale: str) -> str:
    """An uncertain input's name (``action.heat_pumps.p_max``) in words: the action or pool, then the parameter."""
    if name == "grid.multiplier":
        return gettext(GRID_MULTIPLIER, locale)
    parts = name.split(".")
    if len(parts) == 3 and parts[2] in INPUT_PARAMETERS:
        return f"{action_label(parts[1])} · {gettext(INPUT_PARAMETERS[parts[2]], locale)}"
    return name


def _yes_no(value: bool | None, locale: str) -> str:
    if value is None:
        return "—"
    return gettext(N_("Yes"), locale) if value else gettext(N_("No"), locale)


def _wedge_label(wedge: str, locale: str) -> str:
    return gettext(EXTERNAL_NAMES[wedge], locale) if wedge in EXTERNAL_NAMES else action_label(wedge)


def _target_rows(targets: Sequence[Mapping[str, Any]], locale: str) -> list[dict[str, Any]]:
    return [
        {
            "label": t["label"],
            "type": gettext(TARGET_TYPES.get(t["type"], t["type"]), locale),
            "year": t["year"],
            "target_tco2e": t["target_tco2e"],
            "projected_tco2e": t["projected_tco2e"],
            "met": _yes_no(t["met"], locale),
            # The core reports per cent; the percent filter wants a fraction.
            "achieved": None if t["percent_achieved"] is None else t["percent_achieved"] / 100,
            "on_track": _yes_no(t["on_track"], locale),
            "p_met": t["p_met"],
        }
        for t in targets
    ]


def _pathway_rows(data: Mapping[str, Any], wedges: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for i, year in enumerate(data["years"]):
        row = {
            "year": str(year),
            "bau": data["bau_tco2e"][i],
            "bau_adjusted": data["bau_adjusted_tco2e"][i],
            "plan": data["plan_tco2e"][i],
        }
        row.update({f"wedge:{w}": data["wedges"][w][i] for w in wedges})
        rows.append(row)
    return rows


def _action_rows(data: Mapping[str, Any], locale: str) -> list[dict[str, Any]]:
    """One row per action: its template, stage and co-benefits in words (qualitative: never in tonnes or costs)."""
    rows = []
    for action in data.get("actions", []):
        benefits = [
            gettext(CO_BENEFIT_LEVELS[b["level"]], locale)
            % {"benefit": gettext(CO_BENEFIT_NAMES.get(b["benefit"], b["benefit"]), locale)}
            for b in action["co_benefits"]
            if b["level"] in CO_BENEFIT_LEVELS
        ]
        rows.append(
            {
                "action": action_label(action["id"]),
                "template": template_name(action["template"] or "", locale),
                "stage": gettext(STAGES.get(action["stage"], action["stage"]), locale),
                "co_benefits": "、".join(benefits) if locale == "zh_Hant" else ", ".join(benefits),
            }
        )
    return [{**row, "co_benefits": row["co_benefits"] or "—"} for row in rows]


def _pv_items(data: Mapping[str, Any], locale: str) -> list[dict[str, Any]]:
    years = list(data["years"])
    last = len(years) - 1
    return [
        {
            "action": action_label(action_id),
            "accounting": gettext(PV_ACCOUNTING.get(pv["accounting"], pv["accounting"]), locale),
            "year": years[last],
            "generation_mwh": pv["generation_kwh"][last] / 1000,
            "national_mwh": pv["national_pathway_kwh"][last] / 1000,
            "counted_mwh": pv["counted_kwh"][last] / 1000,
            "wedge_tco2e": pv["city_wedge_tco2e"][last],
        }
        for action_id, pv in data.get("pv", {}).items()
    ]


def _one_point_five(data: Mapping[str, Any], locale: str) -> dict[str, Any] | None:
    assessment = data.get("one_point_five")
    if not assessment:
        return None
    tests = []
    for test in assessment["tests"]:
        row: dict[str, Any] = {
            "name": gettext(MILESTONES.get(test["id"], test["id"]), locale),
            "source": test["source"],
            "available": test["available"],
        }
        if test["available"]:
            row |= {
                "base_year": test["base_year"],
                "target_year": test["target_year"],
                "required": test["required_reduction"],
                "achieved": test["achieved_reduction"],
                "met": _yes_no(test["met"], locale),
            }
        else:
            reason = MILESTONE_REASONS.get(test["id"]) if test["reason_code"] == "base_unknown" else None
            reason = reason or MILESTONE_REASONS.get(test["reason_code"], MILESTONE_REASONS["not_applicable"])
            row["reason"] = gettext(reason, locale)
        tests.append(row)
    budget = dict(assessment["budget"])
    budget["rule_name"] = gettext(ALLOCATION_RULES.get(budget["rule"], budget["rule"]), locale)
    if not budget["available"]:
        budget["reason_text"] = gettext(
            BUDGET_REASONS.get(budget.get("reason_code", ""), BUDGET_REASONS["allocation_error"]), locale
        )
    return {"co2e_stands_in": assessment["co2_basis"] == "co2e_stands_in", "co2_share": assessment["co2_share"],
            "tests": tests, "budget": budget}  # fmt: skip


def _sensitivity(data: Mapping[str, Any], locale: str) -> dict[str, Any] | None:
    sensitivity = data.get("sensitivity")
    if not sensitivity:
        return None
    if not sensitivity["available"]:
        return {"available": False, "year": sensitivity["year"]}
    return {
        "available": True,
        "year": sensitivity["year"],
        "model_runs": sensitivity["model_runs"],
        "seed": sensitivity["seed"],
        "top_driver": input_label(sensitivity["top_driver"], locale),
        "rows": [
            {
                "input": input_label(index["input"], locale),
                "first_order": index["first_order"],
                "total": index["total"],
            }
            for index in sensitivity["indices"]
        ],
    }


def plan_context(data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """Everything the results part of a plan page shows of one run, with the charts drawn."""
    t_co2e = gettext(N_("t CO₂e"), locale)
    year_axis = gettext(N_("Year"), locale)
    actions = [a for a in data["loading_order"] if a in data["wedges"]]
    external = [w for w in data["external_wedges"] if w in data["wedges"]]
    wedges = [*actions, *external]
    series = {
        "bau": gettext(N_("Frozen BAU"), locale),
        "bau_adjusted": gettext(N_("Adjusted BAU"), locale),
        "plan": gettext(N_("Plan"), locale),
        **{w: _wedge_label(w, locale) for w in wedges},
    }
    method = data["wedge_method"]
    method_name = gettext(METHOD_NAMES.get(method, method), locale)
    pathway_chart = plan_charts.pathway_svg(
        data,
        actions,
        charts.ChartLabels(
            value_axis=t_co2e,
            category_axis=year_axis,
            series=series,
            description=gettext(
                N_("Emissions pathway: frozen BAU, adjusted BAU and plan, wedges by %(method)s"), locale
            )
            % {"method": method_name},
        ),
        locale,
    )
    context: dict[str, Any] = {
        "run": data,
        "method": method,
        "method_name": method_name,
        "method_explanation": gettext(METHOD_EXPLANATIONS[method], locale) if method in METHOD_EXPLANATIONS else "",
        "method_links": [
            {"key": key, "name": gettext(METHOD_NAMES[core], locale), "current": core == method}
            for key, core in METHODS.items()
        ],
        "loading_order": [action_label(a) for a in data["loading_order"]],
        "pathway_chart": pathway_chart,
        "pathway_columns": [
            {"key": "year", "label": year_axis},
            {"key": "bau", "label": series["bau"], "format": "tonnes"},
            {"key": "bau_adjusted", "label": series["bau_adjusted"], "format": "tonnes"},
            {"key": "plan", "label": series["plan"], "format": "tonnes"},
            *({"key": f"wedge:{w}", "label": series[w], "format": "tonnes"} for w in wedges),
        ],
        "pathway_rows": _pathway_rows(data, wedges),
        "targets": _target_rows(data["targets"], locale),
        "fan_chart": None,
        "macc_chart": None,
        "action_rows": _action_rows(data, locale),
        "pv_items": _pv_items(data, locale),
        "one_point_five": _one_point_five(data, locale),
        "sensitivity": _sensitivity(data, locale),
    }
    context.update(_fan(data, locale, t_co2e, year_axis))
    context.update(_macc(data, locale))
    return context


def _fan(data: Mapping[str, Any], locale: str, t_co2e: str, year_axis: str) -> dict[str, Any]:
    fan = data.get("fan_chart")
    if not fan or data["draws"] <= 0:
        return {}
    keys = sorted(fan, key=lambda k: float(k.lstrip("p")))
    band_names = {
        "outer": gettext(N_("%(low)s–%(high)s percentile"), locale) % {"low": keys[0][1:], "high": keys[-1][1:]},
        "inner": gettext(N_("%(low)s–%(high)s percentile"), locale) % {"low": keys[1][1:], "high": keys[-2][1:]},
        "median": gettext(N_("Median"), locale),
        "plan": gettext(N_("Plan (central values)"), locale),
    }
    labels = charts.ChartLabels(
        value_axis=t_co2e,
        category_axis=year_axis,
        series=band_names,
        description=gettext(N_("Monte Carlo range of the plan's emissions"), locale),
    )
    return {
        "fan_chart": plan_charts.fan_svg(data["years"], fan, data["plan_tco2e"], labels, locale),
        "fan_columns": [{"key": "year", "label": year_axis}]
        + [
            {"key": k, "label": gettext(N_("Percentile %(p)s"), locale) % {"p": k[1:]}, "format": "tonnes"}
            for k in keys
        ],
        "fan_rows": [{"year": str(year), **{k: fan[k][i] for k in keys}} for i, year in enumerate(data["years"])],
    }


def _macc(data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    macc = data.get("macc")
    if not macc or not macc["bars"]:
        return {}
    cost_axis = gettext(N_("Cost per tonne abated (TWD/t CO₂e)"), locale)
    abatement_axis = gettext(N_("Abatement in %(year)s (t CO₂e)"), locale) % {"year": macc["year"]}
    labels = charts.ChartLabels(
        value_axis=cost_axis,
        category_axis=abatement_axis,
        categories={b["action"]: action_label(b["action"]) for b in macc["bars"]},
        description=gettext(N_("Marginal abatement cost curve"), locale),
    )
    return {
        "macc_chart": plan_charts.macc_svg(macc["bars"], labels, locale),
        "macc_rows": [
            {
                "action": action_label(b["action"]),
                "abatement": b["x1_tco2e"] - b["x0_tco2e"],
                "cumulative": b["x1_tco2e"],
                "cost": b["mac_per_tco2e"],
            }
            for b in macc["bars"]
        ],
        "macc_year": macc["year"],
    }
