"""``/api/cities``: the public directory, profiles, and who may create or change a city."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.api import Api, demo_api, error_of

NEW_CITY = {"slug": "hsinchu", "name_zh": "新竹市", "name_en": "Hsinchu", "country": "TW", "area_km2": 104.15}

#: A demo city's version after the demo loader: created (1), then population set for each of its years, then its
#: illustrative GDP for each year (services/knowledge/network_demo.py; Kaohsiung has one).
DEMO_VERSION = 1 + 4 + 4


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def test_the_directory_is_public_and_paginated(api: Api) -> None:
    first = api.get("/api/cities?per_page=3", role="anonymous")
    second = api.get("/api/cities?per_page=3&page=2", role="anonymous")

    assert first.status_code == second.status_code == 200
    assert (first.json()["total"], first.json()["pages"], first.json()["per_page"]) == (4, 2, 3)
    slugs = [c["slug"] for c in first.json()["items"] + second.json()["items"]]
    assert sorted(slugs) == ["kaohsiung", "pingtung", "taichung", "tainan"]
    assert len(first.json()["items"]) == 3


def test_a_page_past_the_end_is_empty_not_an_error(api: Api) -> None:
    response = api.get("/api/cities?page=9")

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["page"] == 9


@pytest.mark.parametrize("query", ["per_page=201", "per_page=0", "page=0", "page=abc"])
def test_pagination_outside_its_bounds_is_a_validation_error(api: Api, query: str) -> None:
    response = api.get(f"/api/cities?{query}")

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"
    assert error_of(response)["details"][0]["loc"][0] == "query"


def test_a_city_profile_lists_its_population_by_year(api: Api) -> None:
    response = api.get("/api/cities/kaohsiung", role="anonymous")

    assert response.status_code == 200
    body = response.json()
    assert body["name_en"].startswith("Kaohsiung")
    assert [s["year"] for s in body["stats"]] == [2017, 2018, 2019, 2020]
    assert all(s["population"] > 2_000_000 for s in body["stats"])
    assert body["version"] == DEMO_VERSION


def test_an_unknown_city_is_a_404_in_the_error_shape(api: Api) -> None:
    response = api.get("/api/cities/atlantis")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert error_of(response)["params"] == {"slug": "atlantis"}


def test_a_slug_that_cannot_exist_is_a_validation_error(api: Api) -> None:
    assert api.get("/api/cities/Not%20A%20Slug").status_code == 422


def test_an_administrator_creates_a_city(api: Api) -> None:
    response = api.post("/api/cities", json=NEW_CITY)

    assert response.status_code == 201
    assert response.json()["slug"] == "hsinchu"
    assert response.json()["stats"] == []
    assert api.get("/api/cities/hsinchu", role="anonymous").json()["area_km2"] == pytest.approx(104.15)


def test_a_city_editor_may_not_create_a_city(api: Api) -> None:
    response = api.post("/api/cities", role="kaohsiung editor", json=NEW_CITY)

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert api.get("/api/cities/hsinchu").status_code == 404


def test_the_public_must_sign_in_to_create_a_city(api: Api) -> None:
    response = api.post("/api/cities", role="anonymous", json=NEW_CITY)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_a_taken_slug_is_a_conflict(api: Api) -> None:
    response = api.post("/api/cities", json=NEW_CITY | {"slug": "tainan"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("area_km2", "104.15"),  # a number as text
        ("area_km2", False),  # a boolean for a number
        ("area_km2", -1.0),
        ("country", "tw"),
        ("name_en", ""),
        ("name_en", 42),
        ("name_en", "Hsin\x00chu"),  # PostgreSQL cannot store NUL in text
        ("mayor", "someone"),  # unknown fields are refused, not ignored
    ],
)
def test_city_fields_are_checked_strictly(api: Api, field: str, value: object) -> None:
    response = api.post("/api/cities", json=NEW_CITY | {field: value})

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"
    assert error_of(response)["details"][0]["loc"][:2] == ["body", field]


def test_malformed_json_is_a_validation_error(api: Api) -> None:
    response = api.post("/api/cities", content=b'{"slug": ', headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"


def test_an_editor_changes_only_the_fields_sent(api: Api) -> None:
    response = api.patch(
        "/api/cities/kaohsiung", role="kaohsiung editor", json={"version": DEMO_VERSION, "region": "South"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["version"]) == ("South", DEMO_VERSION + 1)
    assert body["name_en"].startswith("Kaohsiung")
    assert body["area_km2"] == pytest.approx(2951.85)


def test_a_null_area_clears_it(api: Api) -> None:
    response = api.patch("/api/cities/kaohsiung", json={"version": DEMO_VERSION, "area_km2": None})

    assert response.status_code == 200
    assert response.json()["area_km2"] is None


def test_a_null_name_is_refused(api: Api) -> None:
    response = api.patch("/api/cities/kaohsiung", json={"version": DEMO_VERSION, "name_en": None})

    assert response.status_code == 422
    assert api.get("/api/cities/kaohsiung").json()["version"] == DEMO_VERSION


def test_a_stale_version_is_a_conflict_and_changes_nothing(api: Api) -> None:
    api.patch("/api/cities/kaohsiung", json={"version": DEMO_VERSION, "region": "first"})

    response = api.patch(
        "/api/cities/kaohsiung", role="kaohsiung editor", json={"version": DEMO_VERSION, "region": "second"}
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert api.get("/api/cities/kaohsiung").json()["region"] == "first"


def test_another_citys_editor_may_not_change_the_profile(api: Api) -> None:
    response = api.patch("/api/cities/kaohsiung", role="tainan editor", json={"version": DEMO_VERSION, "region": "x"})

    assert response.status_code == 403
    assert api.get("/api/cities/kaohsiung").json()["version"] == DEMO_VERSION


def test_a_version_is_required_to_change_a_city(api: Api) -> None:
    response = api.patch("/api/cities/kaohsiung", json={"region": "x"})

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["body", "version"]
