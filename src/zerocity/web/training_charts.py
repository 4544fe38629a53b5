"""The training dashboard's chart, as server-side SVG like :mod:`zerocity.web.charts`.

**People trained per member city**: one horizontal bar per city in the order given (the table's order), drawn with
:func:`~zerocity.web.charts.horizontal_stack` and cached by its spec's JSON text (``charts.render_spec``). Every word
arrives translated (:class:`~zerocity.web.charts.ChartLabels`); the locale only picks number symbols.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from zerocity.web import charts


def people_trained_svg(people: Sequence[tuple[str, int]], labels: charts.ChartLabels, locale: str) -> Markup:
    """One bar per city: ``people`` is ``(city name, people trained)`` in the order to draw. Series key: ``people``
    (its legend stays, naming what is counted)."""
    series = labels.series_label("people")
    bars = [charts.bar(name, order, series, 0, float(count)) for order, (name, count) in enumerate(people)]
    return charts.render_spec(charts.horizontal_stack(bars, labels, {series: charts.BASIC_COLOUR}), locale)
