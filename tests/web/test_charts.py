"""Server-side SVG charts (src/zerocity/web/charts.py): real vl-convert output, escaping and the cache."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from zerocity.web import charts
from zerocity.web.charts import ChartError, ChartLabels

MARKUP = "<script>alert(1)</script>"
BY_SECTOR = {
    "Stationary energy": {"basic_tco2e": 31_040_214.7, "basic_plus_tco2e": 31_142_606.0},
    "Transportation": {"basic_tco2e": 3_575_899.5, "basic_plus_tco2e": 3_575_899.5},
    "Agriculture, forestry and other land use (AFOLU)": {"basic_tco2e": 0.0, "basic_plus_tco2e": -80_700.0},
}
BY_SCOPE = {"1": 44_970_504.4, "1_excluding_generation": 23_322_223.9, "2": 14_824_320.9, "3": 102_391.3}
SECTOR_LABELS = ChartLabels(
    value_axis="公噸 CO₂e",
    series={"basic": "BASIC", "basic_plus_extra": "BASIC+ 增加部分"},
    categories={"Stationary energy": "固定能源", "Transportation": "運輸"},
    description="各部門排放量",
)


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_sector_bars_are_an_svg_document_marked_safe() -> None:
    svg = charts.sector_bar_svg(BY_SECTOR, SECTOR_LABELS, "zh_Hant")
    assert isinstance(svg, Markup)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")


def test_sector_bars_show_the_translated_sector_names_and_legend() -> None:
    texts = _texts(charts.sector_bar_svg(BY_SECTOR, SECTOR_LABELS, "zh_Hant"))
    assert "固定能源" in texts and "運輸" in texts
    assert "BASIC+ 增加部分" in texts
    assert "公噸 CO₂e" in texts


def test_a_label_with_markup_is_escaped_in_the_svg() -> None:
    labels = ChartLabels(value_axis=MARKUP, categories={"Transportation": MARKUP}, series={"basic": MARKUP})
    svg = charts.sector_bar_svg(BY_SECTOR, labels, "en")
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_a_city_name_in_a_trend_legend_is_escaped() -> None:
    labels = ChartLabels(value_axis="t", series={"basic": MARKUP, "basic_plus": "BASIC+"})
    svg = charts.trend_svg([2019], [1.0], [2.0], labels, "en")
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_scope_bars_set_grid_generation_apart() -> None:
    labels = ChartLabels(
        value_axis="t CO₂e",
        series={"emissions": "Emissions", "generation": "Grid energy generation (I.4.4)"},
        categories={"1": "Scope 1", "2": "Scope 2", "3": "Scope 3"},
    )
    texts = _texts(charts.scope_bar_svg(BY_SCOPE, labels, "en"))
    assert {"Scope 1", "Scope 2", "Scope 3", "Grid energy generation (I.4.4)"} <= set(texts)


def test_the_trend_labels_every_year_without_a_thousands_separator() -> None:
    labels = ChartLabels(value_axis="t CO₂e", category_axis="Inventory year", series={"basic": "B", "basic_plus": "P"})
    texts = _texts(charts.trend_svg([2017, 2018, 2019], [1e6, None, 1.2e6], [1.1e6, 1.2e6, 1.3e6], labels, "en"))
    assert {"2017", "2018", "2019"} <= set(texts)
    assert "2,017" not in texts


def test_the_trend_refuses_series_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        charts.trend_svg([2018, 2019], [1.0], [1.0, 2.0], ChartLabels(value_axis="t"), "en")


def test_axis_numbers_are_grouped_by_thousands() -> None:
    texts = _texts(charts.sector_bar_svg(BY_SECTOR, SECTOR_LABELS, "zh_Hant"))
    assert "20,000,000" in texts


def test_the_value_axis_has_at_most_three_round_ticks() -> None:
    values = [{"category": "a", "value": 31e6}, {"category": "a", "value": 1e5}, {"category": "b", "value": -8e4}]
    assert charts._sparse_ticks(values) == [0.0, 20_000_000.0]
    assert charts._sparse_ticks([{"category": "a", "value": 0.3}]) == [0.0, 0.2]
    assert charts._sparse_ticks([{"category": "a", "value": 0.0}]) == [0.0]


def test_the_same_chart_twice_is_drawn_once() -> None:
    labels = ChartLabels(value_axis="t CO₂e (cache test)")
    first = charts.scope_bar_svg(BY_SCOPE, labels, "en")
    before = charts.cache_info()
    second = charts.scope_bar_svg(BY_SCOPE, labels, "en")
    after = charts.cache_info()
    assert second == first
    assert after["hits"] == before["hits"] + 1 and after["misses"] == before["misses"]


def test_different_numbers_make_a_different_chart() -> None:
    labels = ChartLabels(value_axis="t CO₂e")
    changed = {**BY_SCOPE, "2": 1.0}
    assert charts.scope_bar_svg(changed, labels, "en") != charts.scope_bar_svg(BY_SCOPE, labels, "en")


def test_output_that_is_not_an_svg_document_is_refused() -> None:
    with pytest.raises(ChartError):
        charts._as_markup("<script>alert(1)</script><svg></svg>")
    with pytest.raises(ChartError):
        charts._as_markup("<svg>unfinished")


def test_missing_and_non_finite_figures_are_drawn_as_zero() -> None:
    odd = {"Waste": {"basic_tco2e": float("nan"), "basic_plus_tco2e": None}}
    svg = charts.sector_bar_svg(odd, ChartLabels(value_axis="t"), "en")
    assert "Waste" in _texts(svg)
