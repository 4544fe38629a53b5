"""Charts of a planner run (``services.planning.result_to_dict``) as server-side SVG, like :mod:`zerocity.web.charts`.

Three pictures, each drawn from one Vega-Lite spec and cached by its JSON text (``charts.render_spec``):

* the **pathway**: frozen BAU, adjusted BAU and the plan as lines, and between the plan and the frozen BAU one
  stacked band per wedge, actions first (in the order given) and the external wedges (national grid, autonomous
  efficiency) on top, so the bands fill exactly the gap frozen BAU − plan (PLANNING.md §4);
* the **Monte Carlo fan**: the outer and inner percentile bands, the median and the deterministic plan;
* the **MACC**: one rectangle per action from ``x0`` to ``x1`` (cumulative abatement) and from 0 to its marginal
  abatement cost. The bars come from the core already laid end to end, so they cannot overlap; a white outline
  keeps neighbours of similar cost apart.

As in ``charts``, every word arrives translated (:class:`~zerocity.web.charts.ChartLabels`) and the locale only
picks the number symbols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from markupsafe import Markup

from zerocity.web import charts

PATHWAY_HEIGHT: Final[int] = 260
MACC_HEIGHT: Final[int] = 240
BAU_COLOUR: Final[str] = "#5f6b6d"
ADJUSTED_COLOUR: Final[str] = "#0f5b8f"
PLAN_COLOUR: Final[str] = charts.BASIC_COLOUR
#: External wedges in greys (national effort the city may not claim); actions in a qualitative palette.
EXTERNAL_COLOURS: Final[tuple[str, ...]] = ("#c9cfd1", "#dfe3e4", "#b0b8bb")
ACTION_COLOURS: Final[tuple[str, ...]] = (
    "#1b6b4f", "#7fb69e", "#e0a030", "#8e5ea2", "#d1495b", "#2e86ab", "#a3b18a", "#264653", "#5c4d7d", "#66a182",
    "#c97b84", "#3d5a80",
)  # fmt: skip


def pathway_svg(run: Mapping[str, Any], action_order: Sequence[str], labels: charts.ChartLabels, locale: str) -> Markup:
    """Frozen BAU, adjusted BAU and plan lines with the wedges stacked between plan and frozen BAU.

    Series keys: ``bau``, ``bau_adjusted``, ``plan`` and each wedge name (actions and external wedges).
    """
    years = [int(y) for y in run["years"]]
    external = [w for w in run["external_wedges"] if w in run["wedges"]]
    actions = [a for a in action_order if a in run["wedges"]] + [
        a for a in run["wedges"] if a not in action_order and a not in external
    ]
    bands: list[dict[str, Any]] = []
    floor = [charts.finite(v) for v in run["plan_tco2e"]]
    for order, wedge in enumerate([*actions, *external]):
        top = [low + charts.finite(v) for low, v in zip(floor, run["wedges"][wedge], strict=True)]
        for year, low, high in zip(years, floor, top, strict=True):
            bands.append({"year": year, "series": labels.series_label(wedge), "order": order, "y0": low, "y1": high})
        floor = top
    lines: list[dict[str, Any]] = []
    for key, source in (("bau", "bau_tco2e"), ("bau_adjusted", "bau_adjusted_tco2e"), ("plan", "plan_tco2e")):
        for year, value in zip(years, run[source], strict=True):
            lines.append({"year": year, "line": labels.series_label(key), "value": charts.finite(value)})
    wedge_names = [labels.series_label(w) for w in [*actions, *external]]
    wedge_colours = [ACTION_COLOURS[i % len(ACTION_COLOURS)] for i in range(len(actions))] + [
        EXTERNAL_COLOURS[i % len(EXTERNAL_COLOURS)] for i in range(len(external))
    ]
    line_names = [labels.series_label(k) for k in ("bau", "bau_adjusted", "plan")]
    x = _year_axis(labels)
    spec: dict[str, Any] = {
        "description": labels.description,
        "width": charts.WIDTH,
        "height": PATHWAY_HEIGHT,
        "layer": [
            {
                "data": {"values": bands},
                "mark": {"type": "area", "opacity": 0.9},
                "encoding": {
                    "x": x,
                    "y": _value_axis(labels, "y0"),
                    "y2": {"field": "y1"},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": wedge_names, "range": wedge_colours},
                        "legend": {"orient": "bottom", "title": None, "columns": 1},
                    },
                    "order": {"field": "order", "type": "quantitative"},
                },
            },
            {
                "data": {"values": lines},
                "mark": {"type": "line", "strokeWidth": 2.5},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "stroke": {
                        "field": "line",
                        "type": "nominal",
                        "scale": {"domain": line_names, "range": [BAU_COLOUR, ADJUSTED_COLOUR, PLAN_COLOUR]},
                        "legend": {"orient": "top", "title": None, "columns": 1},
                    },
                    "strokeDash": {
                        "field": "line",
                        "type": "nominal",
                        "scale": {"domain": line_names, "range": [[6, 4], [2, 3], [1, 0]]},
                        "legend": None,
                    },
                },
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
        "config": charts.base_config(),
    }
    return charts.render_spec(spec, locale)


def fan_svg(
    years: Sequence[int],
    percentiles: Mapping[str, Sequence[float]],
    plan: Sequence[float],
    labels: charts.ChartLabels,
    locale: str,
) -> Markup:
    """Monte Carlo percentile bands of the plan's emissions.

    ``percentiles`` maps ``"p2.5"``, ``"p25"``, ``"p50"``, ``"p75"``, ``"p97.5"`` (outer pair, inner pair, median;
    the outermost and innermost keys are used whatever their numbers) to one value per year. Series keys:
    ``outer``, ``inner``, ``median``, ``plan``.
    """
    keys = sorted(percentiles, key=lambda k: float(k.lstrip("p")))
    low, high = keys[0], keys[-1]
    inner_low, inner_high = (keys[1], keys[-2]) if len(keys) >= 4 else (low, high)
    median = keys[len(keys) // 2]
    bands = []
    for band, (a, b) in (("outer", (low, high)), ("inner", (inner_low, inner_high))):
        for i, year in enumerate(years):
            bands.append(
                {
                    "year": int(year),
                    "series": labels.series_label(band),
                    "y0": charts.finite(percentiles[a][i]),
                    "y1": charts.finite(percentiles[b][i]),
                }
            )
    lines = [
        {"year": int(year), "line": labels.series_label(key), "value": charts.finite(series[i])}
        for key, series in (("median", percentiles[median]), ("plan", plan))
        for i, year in enumerate(years)
    ]
    band_names = [labels.series_label("outer"), labels.series_label("inner")]
    line_names = [labels.series_label("median"), labels.series_label("plan")]
    x = _year_axis(labels)
    spec: dict[str, Any] = {
        "description": labels.description,
        "width": charts.WIDTH,
        "height": PATHWAY_HEIGHT,
        "layer": [
            {
                "data": {"values": bands},
                "mark": {"type": "area"},
                "encoding": {
                    "x": x,
                    "y": _value_axis(labels, "y0"),
                    "y2": {"field": "y1"},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": band_names, "range": ["#cfe3da", "#8fbfaa"]},
                        "legend": {"orient": "bottom", "title": None, "columns": 1},
                    },
                },
            },
            {
                "data": {"values": lines},
                "mark": {"type": "line", "strokeWidth": 2.5},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "stroke": {
                        "field": "line",
                        "type": "nominal",
                        "scale": {"domain": line_names, "range": [PLAN_COLOUR, "#1d2a2e"]},
                        "legend": {"orient": "top", "title": None, "columns": 1},
                    },
                    "strokeDash": {
                        "field": "line",
                        "type": "nominal",
                        "scale": {"domain": line_names, "range": [[1, 0], [5, 4]]},
                        "legend": None,
                    },
                },
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
        "config": charts.base_config(),
    }
    return charts.render_spec(spec, locale)


def macc_svg(bars: Sequence[Mapping[str, Any]], labels: charts.ChartLabels, locale: str) -> Markup:
    """Marginal abatement cost curve: widths are abatement (``x0_tco2e``–``x1_tco2e``), heights the cost per tonne.

    ``labels.value_axis`` titles the cost axis, ``labels.category_axis`` the abatement axis; ``labels.categories``
    gives each action's display name.
    """
    values = [
        {
            "action": labels.category_label(str(bar["action"])),
            "x0": charts.finite(bar["x0_tco2e"]),
            "x1": charts.finite(bar["x1_tco2e"]),
            "cost": charts.finite(bar["mac_per_tco2e"]),
        }
        for bar in bars
    ]
    names = [v["action"] for v in values]
    spec: dict[str, Any] = {
        "description": labels.description,
        "width": charts.WIDTH,
        "height": MACC_HEIGHT,
        "data": {"values": values},
        "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 1},
        "encoding": {
            "x": {
                "field": "x0",
                "type": "quantitative",
                "title": labels.category_axis or None,
                "axis": {"format": charts.AXIS_NUMBER_FORMAT, "tickCount": 3, "labelOverlap": "greedy"},
            },
            "x2": {"field": "x1"},
            "y": {
                "field": "cost",
                "type": "quantitative",
                "title": labels.value_axis,
                "axis": {"format": charts.AXIS_NUMBER_FORMAT, "tickCount": 5, "titlePadding": 18},
            },
            "y2": {"datum": 0},
            "color": {
                "field": "action",
                "type": "nominal",
                "scale": {
                    "domain": names,
                    "range": [ACTION_COLOURS[i % len(ACTION_COLOURS)] for i in range(len(names))],
                },
                "legend": {"orient": "bottom", "title": None, "columns": 1},
            },
        },
        "config": charts.base_config(),
    }
    return charts.render_spec(spec, locale)


def _year_axis(labels: charts.ChartLabels) -> dict[str, Any]:
    return {
        "field": "year",
        "type": "quantitative",
        "title": labels.category_axis or None,
        "axis": {"format": "d", "tickCount": 6, "labelOverlap": "greedy"},
        "scale": {"zero": False, "nice": False},
    }


def _value_axis(labels: charts.ChartLabels, field: str) -> dict[str, Any]:
    return {
        "field": field,
        "type": "quantitative",
        "title": labels.value_axis,
        "axis": {"format": charts.AXIS_NUMBER_FORMAT, "tickCount": 5, "labelOverlap": "greedy", "titlePadding": 18},
    }
