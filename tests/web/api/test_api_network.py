"""``/api/network``: the member directory, comparisons with their basis and exclusions, and peers, as JSON; public
and published-only for every caller."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.web.api import Api, demo_api, error_of

from zerocity.store.models import City, Inventory

ROLES = ["anonymous", "kaohsiung editor", "tainan editor", "admin"]


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def _basic(api: Api, slug: str, year: int) -> float:
    with api.db.read() as session:
        inventory = session.scalar(
            select(Inventory).join(City, City.id == Inventory.city_id).where(City.slug == slug, Inventory.year == year)
        )
        assert inventory is not None and inventory.summary is not None
        return float(inventory.summary["basic_tco2e"])


@pytest.mark.parametrize("role", ROLES)
def test_the_directory_lists_each_city_with_its_latest_published_inventory_for_everyone(api: Api, role: str) -> None:
    response = api.get("/api/network/cities", role=role)

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"]) == (4, 1)
    kaohsiung = next(item for item in body["items"] if item["slug"] == "kaohsiung")
    assert kaohsiung["latest_year"] == 2019 and kaohsiung["published_years"] == [2017, 2018, 2019]
    assert kaohsiung["basic_tco2e"] == pytest.approx(_basic(api, "kaohsiung", 2019))
    assert kaohsiung["basic_per_capita_tco2e"] == pytest.approx(kaohsiung["basic_tco2e"] / kaohsiung["population"])
    assert (kaohsiung["gwp_set"], kaohsiung["level"], kaohsiung["climate_zone"]) == ("AR5", "BASIC", "Aw")
    assert set(kaohsiung) >= {"plan", "published_cases", "industry_share", "name_zh", "name_en", "region"}


def test_the_directory_filters_sorts_and_pages(api: Api) -> None:
    sorted_down = api.get("/api/network/cities?sort=per_capita&order=desc&per_page=2").json()
    central = api.get("/api/network/cities", params={"region": "中部 Central Taiwan"}).json()
    japan = api.get("/api/network/cities?country=JP").json()

    assert sorted_down["items"][0]["slug"] == "kaohsiung"
    assert (sorted_down["pages"], len(sorted_down["items"])) == (2, 2)
    assert [c["slug"] for c in central["items"]] == ["taichung"]
    assert japan["items"] == [] and japan["total"] == 0


@pytest.mark.parametrize("query", ["sort=secret", "order=up", "country=tw", "per_page=0"])
def test_directory_parameters_outside_their_range_are_validation_errors(api: Api, query: str) -> None:
    response = api.get(f"/api/network/cities?{query}")

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"


def test_a_comparison_states_its_basis_and_lists_exclusions_with_reasons(api: Api) -> None:
    response = api.get("/api/network/compare?metric=per_gdp", role="anonymous")

    assert response.status_code == 200
    body = response.json()
    assert body["metric"] == "per_gdp"
    assert body["basis"]["gwp_set"] == "AR5" and body["basis"]["level"] == "BASIC"
    assert body["basis"]["gdp_unit"] == "billion TWD"
    assert body["basis"]["statement"].startswith("Basis: BASIC, AR5 GWP100")
    assert {row["city"] for row in body["rows"]} == {"kaohsiung", "tainan", "taichung"}
    assert body["excluded"] == [
        {"city": "pingtung", "reason": "no_gdp", "detail": {"year": 2019}, "message": "no GDP is recorded for 2019"}
    ]
    assert body["unit"] == "t CO₂e per billion TWD of GDP"


def test_a_comparison_of_named_cities_gives_trend_and_rate(api: Api) -> None:
    body = api.get("/api/network/compare?metric=trend&cities=kaohsiung,tainan").json()

    assert [row["city"] for row in body["rows"]] == ["kaohsiung", "tainan"]
    row = body["rows"][0]
    expected = _basic(api, "kaohsiung", 2019) / _basic(api, "kaohsiung", 2017) - 1
    assert (row["base_year"], row["year"]) == (2017, 2019)
    assert row["value"] == pytest.approx(expected)
    assert (1 + row["annual_rate"]) ** 2 == pytest.approx(1 + expected)


def test_sector_shares_are_fractions_that_sum_to_one(api: Api) -> None:
    body = api.get("/api/network/compare?metric=sector_shares&cities=taichung").json()

    shares = body["rows"][0]["shares"]
    assert set(shares) == {"I", "II", "III", "IV", "V"}
    assert sum(shares.values()) == pytest.approx(1.0)


def test_a_basic_plus_comparison_excludes_inventories_that_do_not_cover_it(api: Api) -> None:
    body = api.get("/api/network/compare?metric=total&level=BASIC%2B").json()

    assert body["rows"] == []
    assert {e["reason"] for e in body["excluded"]} == {"level"}
    assert all("V.3" in e["detail"]["missing"] for e in body["excluded"])


def test_another_gwp_set_as_basis_leaves_every_ar5_inventory_out(api: Api) -> None:
    body = api.get("/api/network/compare?metric=total&gwp=AR6").json()

    assert body["rows"] == []
    assert {(e["reason"], e["detail"]["gwp_set"]) for e in body["excluded"]} == {("gwp_set", "AR5")}


@pytest.mark.parametrize("role", ROLES)
def test_a_comparison_never_shows_a_draft(api: Api, role: str) -> None:
    body = api.get("/api/network/compare?metric=total", role=role).json()

    years = {row["city"]: row["year"] for row in body["rows"]}
    assert years == {"kaohsiung": 2019, "tainan": 2019, "taichung": 2019, "pingtung": 2019}


def test_an_unknown_city_in_a_comparison_is_a_404(api: Api) -> None:
    response = api.get("/api/network/compare?cities=kaohsiung,atlantis")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query", ["metric=happiness", "gwp=AR9", "level=BASIC%2B%2B", "cities=Kaohsiung", "cities=a,,b", "gdp_unit=a%00b"]
)
def test_comparison_parameters_outside_the_schema_are_validation_errors(api: Api, query: str) -> None:
    response = api.get(f"/api/network/compare?{query}")

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"


def test_peers_rank_other_cities_with_the_similarity_by_feature(api: Api) -> None:
    response = api.get("/api/network/cities/kaohsiung/peers?limit=2", role="anonymous")

    assert response.status_code == 200
    body = response.json()
    assert body["city"] == "kaohsiung"
    assert body["features"] == ["population", "climate", "industry"]
    assert [p["city"] for p in body["peers"]] == ["tainan", "taichung"]
    assert body["peers"][0]["by_feature"]["climate"] == 1.0
    assert all(0 <= p["score"] <= 1 and isinstance(p["published_cases"], list) for p in body["peers"])


def test_peers_can_include_emissions_and_an_unknown_city_is_a_404(api: Api) -> None:
    with_emissions = api.get("/api/network/cities/kaohsiung/peers?emissions=true").json()
    assert "emissions" in with_emissions["features"]
    assert api.get("/api/network/cities/atlantis/peers").status_code == 404


def test_the_network_operations_are_documented_in_the_openapi_schema(api: Api) -> None:
    paths = api.get("/api/openapi.json").json()["paths"]

    for path in ("/api/network/cities", "/api/network/compare", "/api/network/cities/{slug}/peers"):
        assert "get" in paths[path], path
        assert {"401", "404", "422"} <= set(paths[path]["get"]["responses"])
