"""Charts for the web pages: Vega-Lite specs drawn as SVG on the server by vl-convert.

Why SVG from the server: the page needs no JavaScript (the CSP allows no inline code and we ship no chart library
to the browser), the picture scales with the page on a phone, prints sharply, and the same spec can later feed the
PDF and Excel reports (STACK.md §1, "Charts"). Drawing one chart takes about 20 ms, so the SVG is cached by the JSON
text of its spec: the same numbers with the same words give the same picture, and a cached dashboard costs nothing.

Charts know no language. The caller passes every visible word already translated (:class:`ChartLabels`) and the
request's locale, which only picks the thousands separator and decimal mark (from the CLDR data the ``number``
filter uses) and a font list that covers Traditional Chinese.

Text inside a chart can be user data (a sector label is ours, but a city name in a title would not be).
vl-convert writes text as escaped SVG ``<text>`` content and attribute values, so ``<script>`` arrives as
``&lt;script&gt;``; :func:`_as_markup` marks the result safe for Jinja only after checking it is an ``<svg>``
document. ``tests/web/test_charts.py`` holds both promises.

Other chart modules (``network_charts``, ``plan_charts``, ``training_charts``) build their pictures from the small
public toolkit below, so that every chart shares one look, one number format and one cache:

* :func:`finite` turns a figure into a number safe to draw (missing or non-finite -> 0);
* :func:`bar` and :func:`horizontal_stack` make the horizontal (stacked) bar chart the inventory pages use;
* :func:`base_config` is the shared Vega-Lite ``config`` (fonts, colours, padding) for a hand-written spec;
* :func:`render_spec` draws any finished spec as SVG markup for a template, cached by its JSON text.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypedDict

import vl_convert
from babel.numbers import get_decimal_symbol, get_group_symbol
from markupsafe import Markup

from zerocity.web.i18n import formatting_locale

#: Width of the plotting area in CSS pixels; ``.chart svg { max-width: 100% }`` scales it down on a phone.
WIDTH: Final[int] = 340
#: Height of one bar band in horizontal bar charts.
BAND_STEP: Final[int] = 30
TREND_HEIGHT: Final[int] = 220
#: Category labels longer than this (in pixels) end in an ellipsis; the data table beside the chart has them whole.
LABEL_LIMIT: Final[int] = 150
FONT_SIZE: Final[int] = 14
#: Room around the drawing: vl-convert measures text with its own fonts, a browser may draw it a little wider.
PADDING: Final[dict[str, int]] = {"left": 16, "right": 8, "top": 4, "bottom": 4}

#: Brand green for BASIC and for emissions in general (app.css --color-brand); a lighter green for what BASIC+ adds
#: and for grid generation, so that two greens in one stack read as "one total and its extension". The trend draws
#: BASIC+ in the link blue: two lines must differ in more than lightness.
BASIC_COLOUR: Final[str] = "#1b6b4f"
BASIC_PLUS_COLOUR: Final[str] = "#7fb69e"
GENERATION_COLOUR: Final[str] = "#b9cfc6"
TREND_BASIC_PLUS_COLOUR: Final[str] = "#0f5b8f"

#: System fonts only (the app runs behind firewalls); the CJK families make Chinese labels render, not tofu.
FONT: Final[str] = (
    'system-ui, "Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", "Helvetica Neue", '
    "Arial, sans-serif"
)

#: Axis numbers: thousands grouped, trailing zeros trimmed (20,000,000 and 0.25 alike; exact figures are in the tables).
AXIS_NUMBER_FORMAT: Final[str] = ",~f"
CACHE_SIZE: Final[int] = 512


class ChartError(RuntimeError):
    """vl-convert returned something that is not an SVG document; it is never put into a page."""


@dataclass(frozen=True)
class ChartLabels:
    """The words a chart shows, already translated by the caller.

    value_axis      title of the numeric axis, e.g. "t CO₂e"
    category_axis   title of the other axis (sectors, scopes, years); empty for none
    series          legend text per series key (each chart documents its keys)
    categories      display text per category key, e.g. the English GPC sector name -> its translation;
                    a key without an entry is shown as it is
    description     one sentence describing the chart, read by screen readers (the SVG's ``aria-label``)
    """

    value_axis: str
    category_axis: str = ""
    series: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def series_label(self, key: str) -> str:
        return self.series.get(key, key)

    def category_label(self, key: str) -> str:
        return self.categories.get(key, key)


# --- Charts --------------------------------------------------------------------------------------------------------


def sector_bar_svg(by_sector: Mapping[str, Mapping[str, Any]], labels: ChartLabels, locale: str) -> Markup:
    """Emissions by GPC sector as horizontal bars: BASIC, with what BASIC+ adds stacked on its end.

    ``by_sector`` is ``Inventory.summary["by_sector"]`` (``{sector: {"basic_tco2e": …, "basic_plus_tco2e": …}}``),
    in the order the bars should appear. Series keys: ``basic`` and ``basic_plus_extra``. BASIC+ can be lower than
    BASIC for a sector with removals (AFOLU), so the extension may be negative; it is drawn to the left.
    """
    values: list[Bar] = []
    for order, (sector, figures) in enumerate(by_sector.items()):
        basic = finite(figures.get("basic_tco2e"))
        extra = finite(figures.get("basic_plus_tco2e")) - basic
        category = labels.category_label(sector)
        values.append(bar(category, order, labels.series_label("basic"), 0, basic))
        values.append(bar(category, order, labels.series_label("basic_plus_extra"), 1, extra))
    colours = {labels.series_label("basic"): BASIC_COLOUR, labels.series_label("basic_plus_extra"): BASIC_PLUS_COLOUR}
    return render_spec(horizontal_stack(values, labels, colours), locale)


def scope_bar_svg(by_scope: Mapping[str, Any], labels: ChartLabels, locale: str) -> Markup:
    """Emissions by scope as horizontal bars, with grid-energy generation (I.4.4) set apart inside scope 1.

    ``by_scope`` is ``Inventory.summary["by_scope"]``: keys ``"1"``, ``"1_excluding_generation"``, ``"2"`` and
    ``"3"``. I.4.4 is scope 1 but outside BASIC (it would double count consumers' scope 2, GPC ch. 6), so the reader
    must see how much of scope 1 it is. Category keys: ``"1"``, ``"2"``, ``"3"``; series keys: ``emissions`` and
    ``generation``.
    """
    scope_1 = finite(by_scope.get("1"))
    without_generation = finite(by_scope.get("1_excluding_generation", scope_1))
    parts = {
        "1": (without_generation, scope_1 - without_generation),
        "2": (finite(by_scope.get("2")), 0.0),
        "3": (finite(by_scope.get("3")), 0.0),
    }
    emissions, generation = labels.series_label("emissions"), labels.series_label("generation")
    values: list[Bar] = []
    for order, (scope, (direct, generated)) in enumerate(parts.items()):
        category = labels.category_label(scope)
        values.append(bar(category, order, emissions, 0, direct))
        if scope == "1":
            values.append(bar(category, order, generation, 1, generated))
    colours = {emissions: BASIC_COLOUR, generation: GENERATION_COLOUR}
    return render_spec(horizontal_stack(values, labels, colours), locale)


def trend_svg(
    years: Sequence[int],
    basic: Sequence[float | None],
    basic_plus: Sequence[float | None],
    labels: ChartLabels,
    locale: str = "zh_Hant",
) -> Markup:
    """BASIC and BASIC+ per inventory year as two lines with points; a missing value leaves a gap.

    Years are drawn as ordinal labels (every inventory year appears, and 2019 is not written ``2,019``); the value
    axis starts at zero so that a small change does not look like a collapse. Series keys: ``basic``, ``basic_plus``.
    """
    if not len(years) == len(basic) == len(basic_plus):
        raise ValueError("years, basic and basic_plus must have the same length")
    values: list[dict[str, Any]] = []
    for key, series in (("basic", basic), ("basic_plus", basic_plus)):
        for year, value in zip(years, series, strict=True):
            if value is not None and math.isfinite(value):
                values.append({"year": str(year), "series": labels.series_label(key), "value": float(value)})
    series_names = [labels.series_label("basic"), labels.series_label("basic_plus")]
    spec: dict[str, Any] = {
        "description": labels.description,
        "width": WIDTH,
        "height": TREND_HEIGHT,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 60}, "strokeWidth": 2.5},
        "encoding": {
            "x": {
                "field": "year",
                "type": "ordinal",
                "sort": [str(year) for year in years],
                "title": labels.category_axis or None,
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": labels.value_axis,
                # Browsers draw the digits wider than vl-convert measures them: keep the title clear of them.
                "axis": {"format": AXIS_NUMBER_FORMAT, "tickCount": 5, "labelOverlap": "greedy", "titlePadding": 18},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": series_names, "range": [BASIC_COLOUR, TREND_BASIC_PLUS_COLOUR]},
                "legend": {"orient": "bottom", "title": None},
            },
        },
        "config": base_config(),
    }
    return render_spec(spec, locale)


# --- Specs ---------------------------------------------------------------------------------------------------------


class Bar(TypedDict):
    """One piece of a horizontal bar: the data row :func:`horizontal_stack` draws (made by :func:`bar`)."""

    category: str  # the bar's label on the category axis (already translated)
    order: int  # the bar's position from the top, from 0
    series: str  # legend text; its colour comes from ``horizontal_stack``'s ``colours``
    stack: int  # position inside the bar, left to right
    value: float


def finite(value: object) -> float:
    """A number for the chart: missing or non-finite values count as zero (the tables show them as —).

    Use it on every figure that goes into a spec: :func:`render_spec` refuses NaN and infinity.
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return 0.0


def bar(category: str, order: int, series: str, stack: int, value: float) -> Bar:
    """One :class:`Bar` row: ``value`` of ``series`` in the bar ``category``, the ``order``-th bar from the top,
    the ``stack``-th piece from the left."""
    return {"category": category, "order": order, "series": series, "stack": stack, "value": value}


def _sparse_ticks(values: Sequence[Mapping[str, Any]], count: int = 3) -> list[float]:
    """At most ``count`` round tick values (0, 20,000,000, 40,000,000) for a horizontal value axis.

    Why not Vega's own ticks: "40,000,000" is wide, and a browser often draws text wider than vl-convert measured
    it, so Vega's tick labels that "fit" can overlap on the page. Fewer, rounder ticks leave room.
    """
    stacks: dict[tuple[Any, bool], float] = {}
    for value in values:  # stacked bars: positive and negative parts pile up separately
        key = (value["category"], value["value"] >= 0)
        stacks[key] = stacks.get(key, 0.0) + value["value"]
    low, high = min(0.0, *stacks.values()), max(0.0, *stacks.values())
    if high == low:
        return [0.0]
    raw_step = (high - low) / (count - 1)
    magnitude = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    return [k * step for k in range(math.ceil(low / step), math.floor(high / step) + 1)]


def horizontal_stack(values: Sequence[Bar], labels: ChartLabels, colours: Mapping[str, str]) -> dict[str, Any]:
    """The Vega-Lite spec of horizontal bars: one bar per category in data order, its series stacked left to right
    in ``stack`` order, a negative piece drawn left of zero.

    ``colours`` maps each series' legend text to its colour, in legend order. The spec is a fresh dict, so a caller
    may adjust it before :func:`render_spec` (e.g. drop the legend of a single series).
    """
    categories = list(dict.fromkeys(v["category"] for v in values))
    return {
        "description": labels.description,
        "width": WIDTH,
        "height": {"step": BAND_STEP},
        "data": {"values": list(values)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "category",
                "type": "nominal",
                "sort": categories,
                "title": labels.category_axis or None,
                "axis": {"labelLimit": LABEL_LIMIT},
            },
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": labels.value_axis,
                "axis": {"format": AXIS_NUMBER_FORMAT, "values": _sparse_ticks(values), "labelOverlap": "greedy"},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": list(colours), "range": list(colours.values())},
                "legend": {"orient": "bottom", "title": None},
            },
            "order": {"field": "stack", "type": "quantitative"},
        },
        "config": base_config(),
    }


def base_config() -> dict[str, Any]:
    """The ``config`` every chart shares: transparent background, padding, system fonts and axis text size."""
    return {
        "background": None,  # the page's card shows through
        "padding": PADDING,
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelColor": "#1d2a2e",
            "titleColor": "#1d2a2e",
        },
        "legend": {"labelFontSize": FONT_SIZE, "labelLimit": 320},
    }


# --- Rendering -----------------------------------------------------------------------------------------------------


def number_locale(locale: str) -> dict[str, Any]:
    """A d3-format locale with the decimal mark and thousands separator CLDR gives the catalogue ``locale``.

    d3 ships no zh-TW number locale; taking the symbols from Babel keeps chart axes and page tables identical.
    """
    cldr = formatting_locale(locale)
    return {
        "decimal": get_decimal_symbol(cldr),
        "thousands": get_group_symbol(cldr),
        "grouping": [3],
        "currency": ["", ""],
    }


def render_spec(spec: Mapping[str, Any], locale: str) -> Markup:
    """Draw a Vega-Lite spec as SVG markup, safe for a template; ``locale`` picks the axes' number symbols.

    The SVG is cached by the spec's JSON text, so the same spec costs one drawing. Raises :class:`ChartError` if
    vl-convert returns anything but an SVG document.
    """
    # allow_nan=False: a NaN would be invalid JSON for vl-convert; finite() has already removed them.
    spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=False, allow_nan=False)
    locale_json = json.dumps(number_locale(locale), sort_keys=True)
    return _as_markup(_svg(spec_json, locale_json))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _svg(spec_json: str, locale_json: str) -> str:
    """The SVG for one spec; cached on the spec's JSON text, which holds every number and word drawn."""
    return vl_convert.vegalite_to_svg(spec_json, format_locale=json.loads(locale_json), allowed_base_urls=[])


def _as_markup(svg: str) -> Markup:
    """Mark vl-convert's output safe for a template, after checking it is an SVG document and nothing else."""
    if not svg.startswith("<svg") or not svg.rstrip().endswith("</svg>"):
        raise ChartError("vl-convert did not return an SVG document")
    return Markup(svg)


def cache_info() -> dict[str, int]:
    """Hits, misses and size of the SVG cache (for tests and the benchmarks)."""
    info = _svg.cache_info()
    return {"hits": info.hits, "misses": info.misses, "size": info.currsize}
