"""A city's plans, ``/cities/{slug}/plan`` and ``/cities/{slug}/plans/{id}``: the stored demo plan drawn in both
languages, who sees drafts, publishing, and the MACC drawing."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from zerocity.services import plans
from zerocity.services.actor import Actor
from zerocity.services.planning import demo_scenario_text
from zerocity.store.db import Database
from zerocity.web import plan_charts
from zerocity.web.charts import ChartLabels
from zerocity.web.routers import api_plan

Client = Callable[..., TestClient]
EDITOR = "editor@kaohsiung.demo"
VIEWER = "viewer@kaohsiung.demo"


def visible_text(page: str) -> str:
    """The page's words without tags and SVG charts, entities decoded, for assertions about what a reader sees."""
    without_svg = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_svg)))


def demo_plan_id(db: Database) -> int:
    with db.read() as session:
        [item] = plans.list_plans(session, Actor.public(), "kaohsiung")
    return item.plan.id


@pytest.fixture
def demo_url(db: Database) -> str:
    return f"/cities/kaohsiung/plans/{demo_plan_id(db)}"


def save_draft(db: Database, name: str = "Draft pathway", text: str | None = None) -> int:
    """A second, unpublished plan of Kaohsiung (fewer draws, so that it saves quickly)."""
    with db.write() as session:
        plan = plans.create_plan(
            session,
            Actor.system(),
            "kaohsiung",
            name,
            text or demo_scenario_text().replace("draws = 2000", "draws = 50"),
        )
        return plan.id


def test_the_plan_page_is_in_traditional_chinese_by_default(make_client: Client, demo_url: str) -> None:
    client = make_client(locale="zh_Hant")
    client.cookies.clear()

    response = client.get(demo_url)

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "減量計畫" in text
    assert "歸因方法：載入順序" in text
    assert "措施與共同效益" in text and "能源安全：高" in text
    assert "城市碳預算" in text and "依人均原則分配" in text
    assert "Attribution method" not in text and "Co-benefits" not in text


def test_the_plan_page_shows_the_targets_in_english(make_client: Client, demo_url: str) -> None:
    response = make_client(locale="en").get(demo_url)

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Mitigation plan" in text
    for label in ("−30 % vs 2005 by 2030", "net zero 2050", "budget 2025–2050"):
        assert label in text
    assert "Cumulative budget" in text
    assert "P(met)" in text
    assert "46,298,000" in text  # the 2030 target: 66.14 Mt less 30 %


def test_the_plan_page_names_the_attribution_method_and_the_loading_order(make_client: Client, demo_url: str) -> None:
    text = visible_text(make_client(locale="en").get(demo_url).text)

    assert "Attribution method: loading order." in text
    assert "Loading order: public transport shift → efficient appliances" in text


def test_the_method_parameter_switches_to_shapley_values(make_client: Client, demo_url: str) -> None:
    text = visible_text(make_client(locale="en").get(f"{demo_url}?method=shapley").text)

    assert "Attribution method: Shapley values." in text
    assert "Attribution method: loading order." not in text
    assert "Loading order:" not in text


def test_an_unknown_method_falls_back_to_the_saved_run(make_client: Client, demo_url: str) -> None:
    response = make_client(locale="en").get(f"{demo_url}?method=alphabetical")

    assert response.status_code == 200
    assert "Attribution method: loading order." in visible_text(response.text)


def test_the_page_draws_the_pathway_fan_and_cost_curve_as_svg_with_data_tables(
    make_client: Client, demo_url: str
) -> None:
    page = make_client(locale="en").get(demo_url).text

    assert page.count("<svg") == 3
    assert page.count("<details>") == 4  # three data tables and the scenario file
    assert "<script>" not in page.split("</head>", 1)[1]  # no inline code in the body (CSP)
    text = visible_text(page)
    assert "2,000 draws, seed 20261127" in text
    assert "discounted at 3.5% (uk-green-book-stpr)" in text
    assert "National grid decarbonisation (external)" in text


def test_the_page_shows_the_one_point_five_tests_and_the_city_budget(make_client: Client, demo_url: str) -> None:
    text = visible_text(make_client(locale="en").get(demo_url).text)

    assert "reference points from global pathways, with high uncertainty, not negotiated obligations" in text
    assert "Race to Zero: halve emissions by 2030 from the base year 50% below 2020 19.3% below 2020 No" in text
    assert "Not applied: the city's 2010 CO₂ emissions are not known" in text
    assert "Global remaining budget: 500 GtCO₂ from 2020 (50% chance of staying below 1.5 °C)" in text
    assert "Shared per capita (shares of 2020)" in text
    assert re.search(r"needs a constant cut of [\d.]+% a year from 2020", text)
    assert "Probability that the plan exceeds the budget" in text


def test_the_page_names_what_drives_the_uncertainty_and_lists_co_benefits(make_client: Client, demo_url: str) -> None:
    text = visible_text(make_client(locale="en").get(demo_url).text)

    assert "the uncertainty is driven most by power plant renewables · maximum penetration" in text
    assert "National grid factor path" in text  # grid.multiplier in words
    assert "rooftop solar Rooftop PV Supply" in text and "Energy security: high" in text
    assert "Rooftop PV (rooftop solar): the plan counts only the generation beyond the PV" in text


def test_the_draw_count_can_be_chosen_and_zero_draws_leave_out_the_fan(make_client: Client, demo_url: str) -> None:
    page = make_client(locale="en").get(f"{demo_url}?draws=0").text

    text = visible_text(page)
    assert "No Monte Carlo run" in text and "No sensitivity ranking" in text
    assert page.count("<svg") == 2


def test_too_many_draws_fall_back_to_the_saved_run(make_client: Client, demo_url: str) -> None:
    page = make_client(locale="en").get(f"{demo_url}?draws={api_plan.MAX_DRAWS + 1}").text

    assert "2,000 draws" in visible_text(page)


def test_the_list_shows_the_published_plan_to_the_public(make_client: Client, demo_url: str) -> None:
    response = make_client(locale="en").get("/cities/kaohsiung/plan")

    assert response.status_code == 200
    assert f'href="{demo_url}"' in response.text
    text = visible_text(response.text)
    assert plans.DEMO_PLAN_NAME in text and "Published" in text and "Plan in 2030" in text
    assert "New plan" not in text


def test_drafts_are_listed_for_the_citys_members_only(make_client: Client, db: Database) -> None:
    draft = save_draft(db)

    public = make_client(locale="en").get("/cities/kaohsiung/plan").text
    member = make_client(VIEWER, locale="en").get("/cities/kaohsiung/plan").text

    assert "Draft pathway" not in public and "Draft pathway" in member
    assert make_client(locale="en").get(f"/cities/kaohsiung/plans/{draft}").status_code == 404
    assert make_client(VIEWER, locale="en").get(f"/cities/kaohsiung/plans/{draft}").status_code == 200


def test_a_plan_is_not_found_under_another_city(make_client: Client, demo_url: str) -> None:
    assert make_client(locale="en").get(demo_url.replace("kaohsiung", "tainan")).status_code == 404


def test_a_city_without_a_plan_gets_an_empty_state(make_client: Client) -> None:
    response = make_client(locale="en").get("/cities/tainan/plan")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "No mitigation plan yet" in text and "See the worked example" in text
    assert "<svg" not in response.text


def test_an_unknown_city_has_no_plan_page(make_client: Client) -> None:
    assert make_client(locale="en").get("/cities/atlantis/plan").status_code == 404


def test_scenario_text_is_escaped_in_the_page(make_client: Client, db: Database) -> None:
    hostile = demo_scenario_text().replace('label = "net zero 2050"', 'label = "<script>alert(1)</script>"')
    plan_id = save_draft(db, text=hostile.replace("draws = 2000", "draws = 50"))

    page = make_client(VIEWER, locale="en").get(f"/cities/kaohsiung/plans/{plan_id}").text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_editor_publishes_a_draft_and_the_public_then_sees_it(make_client: Client, db: Database) -> None:
    plan_id = save_draft(db)
    editor = make_client(EDITOR, locale="en")
    assert "Publish version 1" in visible_text(editor.get(f"/cities/kaohsiung/plans/{plan_id}").text)

    response = editor.post(f"/cities/kaohsiung/plans/{plan_id}/publish", data={"version": "1"})

    assert response.status_code == 303
    assert make_client(locale="en").get(f"/cities/kaohsiung/plans/{plan_id}").status_code == 200
    assert editor.post(f"/cities/kaohsiung/plans/{plan_id}/unpublish", data={"version": "1"}).status_code == 303
    assert make_client(locale="en").get(f"/cities/kaohsiung/plans/{plan_id}").status_code == 404


def test_a_viewer_may_not_publish(make_client: Client, db: Database) -> None:
    plan_id = save_draft(db)
    viewer = make_client(VIEWER, locale="en")

    assert "Publish version" not in visible_text(viewer.get(f"/cities/kaohsiung/plans/{plan_id}").text)
    assert viewer.post(f"/cities/kaohsiung/plans/{plan_id}/publish", data={"version": "1"}).status_code == 403


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
