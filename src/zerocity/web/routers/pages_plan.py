"""A city's mitigation plan page: the pathway with its wedges, the targets, the Monte Carlo fan, the MACC and the
1.5 °C context (PLANNING.md §1–§8).

For now the page is public and shows the bundled worked example for the demo city (``data/demo/kaohsiung_plan.toml``,
every figure illustrative); any other city sees an empty state. The run goes through the same cached runner as
``POST /api/plans/run`` (:func:`zerocity.services.planning.run_scenario_text`), so the page and the API agree
to the last digit and a second visit costs only the template.

Query parameters: ``method=order|proportional|shapley`` picks how the gap is attributed to the actions (the page
always says which); ``draws`` sets the Monte Carlo draw count (bounded; unknown or out-of-range values fall back to
the file's own settings rather than failing: a hand-edited URL should still show a plan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import APIRouter, Request
from starlette.responses import Response

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import budgets
from zerocity.services import cities
from zerocity.services.planning import demo_scenario_text, result_to_dict, run_scenario_text
from zerocity.web import charts, plan_charts
from zerocity.web.deps import get_db, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page
from zerocity.web.routers.api_plan import MAX_DRAWS
from zerocity.web.routers.pages_cities import city_name

router = APIRouter(include_in_schema=False)

#: Cities shown the bundled worked example (``api_plan.DEMO_SCENARIO``) until plans are stored per city.
DEMO_PLAN_CITIES: Final[frozenset[str]] = frozenset({"kaohsiung"})

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
RACE_TO_ZERO: Final[str] = "race-to-zero-halve-2030"


def action_label(action_id: str) -> str:
    """An action's id from the scenario file made readable (``electric_scooters_buses`` → ``electric scooters buses``).

    Scenario files name actions in the author's words, which the catalogue cannot translate."""
    return action_id.replace("_", " ")


def _yes_no(value: bool | None, locale: str) -> str:
    if value is None:
        return "—"
    return gettext(N_("Yes"), locale) if value else gettext(N_("No"), locale)


def _parse_draws(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    draws = int(text)
    return draws if 0 <= draws <= MAX_DRAWS else None


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


def _race_to_zero(data: Mapping[str, Any]) -> budgets.ReductionTest | None:
    """Halving by 2030 against the base year (UNFCCC Race to Zero), applied to the plan's CO2e as a stand-in for CO2."""
    years = list(data["years"])
    if 2030 not in years:
        return None
    try:
        return budgets.race_to_zero_test(years[0], data["plan_tco2e"][0], data["plan_tco2e"][years.index(2030)])
    except ZeroCityError:
        return None


def plan_context(data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """Everything the template shows of one run (``result_to_dict``), with the charts drawn."""
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
        "race_to_zero": _race_to_zero(data),
    }
    fan = data.get("fan_chart")
    if fan and data["draws"] > 0:
        keys = sorted(fan, key=lambda k: float(k.lstrip("p")))
        band_names = {
            "outer": gettext(N_("%(low)s–%(high)s percentile"), locale) % {"low": keys[0][1:], "high": keys[-1][1:]},
            "inner": gettext(N_("%(low)s–%(high)s percentile"), locale) % {"low": keys[1][1:], "high": keys[-2][1:]},
            "median": gettext(N_("Median"), locale),
            "plan": gettext(N_("Plan (central values)"), locale),
        }
        context["fan_chart"] = plan_charts.fan_svg(
            data["years"],
            fan,
            data["plan_tco2e"],
            charts.ChartLabels(
                value_axis=t_co2e,
                category_axis=year_axis,
                series=band_names,
                description=gettext(N_("Monte Carlo range of the plan's emissions"), locale),
            ),
            locale,
        )
        context["fan_columns"] = [{"key": "year", "label": year_axis}] + [
            {"key": k, "label": gettext(N_("Percentile %(p)s"), locale) % {"p": k[1:]}, "format": "tonnes"}
            for k in keys
        ]
        context["fan_rows"] = [
            {"year": str(year), **{k: fan[k][i] for k in keys}} for i, year in enumerate(data["years"])
        ]
    macc = data.get("macc")
    if macc and macc["bars"]:
        cost_axis = gettext(N_("Cost per tonne abated (TWD/t CO₂e)"), locale)
        abatement_axis = gettext(N_("Abatement in %(year)s (t CO₂e)"), locale) % {"year": macc["year"]}
        context["macc_chart"] = plan_charts.macc_svg(
            macc["bars"],
            charts.ChartLabels(
                value_axis=cost_axis,
                category_axis=abatement_axis,
                categories={b["action"]: action_label(b["action"]) for b in macc["bars"]},
                description=gettext(N_("Marginal abatement cost curve"), locale),
            ),
            locale,
        )
        context["macc_rows"] = [
            {
                "action": action_label(b["action"]),
                "abatement": b["x1_tco2e"] - b["x0_tco2e"],
                "cumulative": b["x1_tco2e"],
                "cost": b["mac_per_tco2e"],
            }
            for b in macc["bars"]
        ]
        context["macc_year"] = macc["year"]
    return context


@router.get("/cities/{slug}/plan")
def city_plan(request: Request, slug: str, method: str | None = None, draws: str | None = None) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        city = cities.get_city(session, slug)
        name = city_name(city, locale)
    context: dict[str, Any] = {"city": city, "city_name": name, "has_plan": slug in DEMO_PLAN_CITIES}
    if slug in DEMO_PLAN_CITIES:
        run = run_scenario_text(demo_scenario_text(), method=METHODS.get(method or ""), draws=_parse_draws(draws))
        context.update(plan_context(result_to_dict(run), locale))
        context["scenario_name"] = run.scenario.name
        context["max_draws"] = MAX_DRAWS
    return page(request, "plan/plan.html", context)
