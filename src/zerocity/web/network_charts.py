"""Charts of the member network's comparisons, as server-side SVG like :mod:`zerocity.web.charts`.

Two pictures, each one Vega-Lite spec drawn by vl-convert and cached by its JSON text (``charts.render_spec``):

* **one figure per city** (total, per person, per unit of GDP, change since the base year) as horizontal bars in
  the order given (the table's order), negative values drawn to the left of zero;
* **sector shares** as one bar per city split into the GPC sectors, each city's bar summing to 100 %
  (AFOLU removals, a negative share, are drawn to the left).

Every word arrives translated (:class:`~zerocity.web.charts.ChartLabels`); the locale only picks number symbols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from markupsafe import Markup

from zerocity.web import charts

#: One colour per GPC sector (I-V): the brand greens for energy, then colours that stay apart in grey print.
SECTOR_COLOURS: Final[Mapping[str, str]] = {
    "I": charts.BASIC_COLOUR,
    "II": charts.TREND_BASIC_PLUS_COLOUR,
    "III": "#e0a030",
    "IV": "#8e5ea2",
    "V": "#7fb69e",
}


def city_bars_svg(values: Sequence[tuple[str, float]], labels: charts.ChartLabels, locale: str) -> Markup:
    """One bar per city: ``values`` is ``(city name, figure)`` in the order to draw. Series key: ``value``."""
    series = labels.series_label("value")
    bars = [charts.bar(name, order, series, 0, charts.finite(value)) for order, (name, value) in enumerate(values)]
    spec = charts.horizontal_stack(bars, labels, {series: charts.BASIC_COLOUR})
    spec["encoding"]["color"]["legend"] = None  # one series: the axis title says what it is
    return charts.render_spec(spec, locale)


def sector_shares_svg(
    shares: Sequence[tuple[str, Mapping[str, float]]], labels: charts.ChartLabels, locale: str
) -> Markup:
    """Per city a bar of its sector shares in percent: ``shares`` is ``(city name, {sector code: fraction})``.
    Series keys: the sector codes ``I`` to ``V`` (``labels.series`` gives their names)."""
    colours = {labels.series_label(code): colour for code, colour in SECTOR_COLOURS.items()}
    bars = []
    for order, (name, by_sector) in enumerate(shares):
        for stack, code in enumerate(SECTOR_COLOURS):
            value = 100.0 * charts.finite(by_sector.get(code))
            bars.append(charts.bar(name, order, labels.series_label(code), stack, value))
    return charts.render_spec(charts.horizontal_stack(bars, labels, colours), locale)
