"""The mitigation plan page, ``/cities/{slug}/plan``: the demo scenario drawn in both languages."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from zerocity.services import planning
from zerocity.web import plan_charts
from zerocity.web.charts import ChartLabels
from zerocity.web.routers import api_plan, pages_plan

Client = Callable[..., TestClient]


def visible_text(page: str) -> str:
    """The page's words without tags and SVG charts, entities decoded, for assertions about what a reader sees."""
    without_svg = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_svg))


def test_the_plan_page_is_in_traditional_chinese_by_default(make_client: Client) -> None:
    client = make_client(locale="zh_Hant")
    client.cookies.clear()

    response = client.get("/cities/kaohsiung/plan")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "減量計畫" in text
    assert "歸因方法：載入順序" in text
    assert "Attribution method" not in text


def test_the_plan_page_shows_the_targets_in_english(make_client: Client) -> None:
    response = make_client(locale="en").get("/cities/kaohsiung/plan")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Mitigation plan" in text
    for label in ("−30 % vs 2005 by 2030", "net zero 2050", "budget 2025–2050"):
        assert label in text
    assert "Cumulative budget" in text
    assert "P(met)" in text
    assert "46,298,000" in text  # the 2030 target: 66.14 Mt less 30 %


def test_the_plan_page_names_the_attribution_method_and_the_loading_order(make_client: Client) -> None:
    text = visible_text(make_client(locale="en").get("/cities/kaohsiung/plan").text)

    assert "Attribution method: loading order." in text
    assert "Loading order: public transport shift → efficient appliances" in text


def test_the_method_parameter_switches_to_shapley_values(make_client: Client) -> None:
    text = visible_text(make_client(locale="en").get("/cities/kaohsiung/plan?method=shapley").text)

    assert "Attribution method: Shapley values." in text
    assert "Attribution method: loading order." not in text
    assert "Loading order:" not in text


def test_an_unknown_method_falls_back_to_the_scenario_files_own(make_client: Client) -> None:
    response = make_client(locale="en").get("/cities/kaohsiung/plan?method=alphabetical")

    assert response.status_code == 200
    assert "Attribution method: loading order." in visible_text(response.text)


def test_the_page_draws_the_pathway_fan_and_cost_curve_as_svg_with_data_tables(make_client: Client) -> None:
    page = make_client(locale="en").get("/cities/kaohsiung/plan").text

    assert page.count("<svg") == 3
    assert page.count("<details>") == 3
    assert "<script>" not in page.split("</head>", 1)[1]  # no inline code in the body (CSP)
    text = visible_text(page)
    assert "2,000 draws, seed 20261127" in text
    assert "discounted at 3.5% (uk-green-book-stpr)" in text
    assert "National grid decarbonisation (external)" in text
    assert "Race to Zero" in text


def test_the_draw_count_can_be_chosen_and_zero_draws_leave_out_the_fan(make_client: Client) -> None:
    page = make_client(locale="en").get("/cities/kaohsiung/plan?draws=0").text

    assert "No Monte Carlo run" in visible_text(page)
    assert page.count("<svg") == 2


def test_too_many_draws_fall_back_to_the_files_count(make_client: Client) -> None:
    page = make_client(locale="en").get(f"/cities/kaohsiung/plan?draws={api_plan.MAX_DRAWS + 1}").text

    assert "2,000 draws" in visible_text(page)


def test_a_city_without_a_scenario_gets_an_empty_state(make_client: Client) -> None:
    response = make_client(locale="en").get("/cities/tainan/plan")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "No mitigation plan yet" in text
    assert "<svg" not in response.text


def test_an_unknown_city_has_no_plan_page(make_client: Client) -> None:
    assert make_client(locale="en").get("/cities/atlantis/plan").status_code == 404


def test_scenario_text_is_escaped_in_the_page(make_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = planning.demo_scenario_text().replace('label = "net zero 2050"', 'label = "<script>alert(1)</script>"')
    monkeypatch.setattr(pages_plan, "demo_scenario_text", lambda: hostile)

    page = make_client(locale="en").get("/cities/kaohsiung/plan").text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _bars(widths_costs: list[tuple[float, float]]) -> list[dict[str, Any]]:
    bars, x = [], 0.0
    for index, (width, cost) in enumerate(widths_costs):
        bars.append({"action": f"a{index}", "x0_tco2e": x, "x1_tco2e": x + width, "mac_per_tco2e": cost})
        x += width
    return bars


def test_macc_bars_are_drawn_side_by_side_without_overlapping() -> None:
    svg = str(plan_charts.macc_svg(_bars([(100, -50), (300, 20), (50, 400)]), ChartLabels("TWD/t"), "en"))

    # Each bar is one path "M x,y h w v h h -w Z" in the rect marks' group; their spans may touch, not overlap.
    rect_group = svg.split('class="mark-rect', 1)[1].split("</g>", 1)[0]
    spans = sorted(
        (float(x), float(x) + float(w)) for x, w in re.findall(r'd="M(-?[\d.]+),-?[\d.]+h(-?[\d.]+)v', rect_group)
    )
    assert len(spans) == 3
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end - 0.01
