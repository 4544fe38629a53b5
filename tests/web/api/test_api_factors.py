"""``/api/factors``: searching the bundled factor library and reading one factor with its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.api import Api, demo_api, error_of


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def test_factors_are_searched_by_words_in_any_language(api: Api) -> None:
    english = api.get("/api/factors?q=residential natural gas", role="anonymous").json()
    chinese = api.get("/api/factors?q=天然氣 residential", role="anonymous").json()

    assert "ipcc2006/residential/natural_gas" in [f["factor_id"] for f in english["items"]]
    assert [f["factor_id"] for f in chinese["items"]] == [f["factor_id"] for f in english["items"]]


def test_factors_can_be_filtered_by_category(api: Api) -> None:
    body = api.get("/api/factors?category=grid&per_page=200").json()

    assert body["total"] == len(body["items"]) > 0
    assert {f["category"] for f in body["items"]} == {"grid"}
    assert "tw-grid:2020" in [f["factor_id"] for f in body["items"]]


def test_factors_can_be_filtered_by_status(api: Api) -> None:
    everything = api.get("/api/factors?per_page=1").json()["total"]
    published = api.get("/api/factors?status=published&per_page=200").json()

    assert {f["status"] for f in published["items"]} == {"published"}
    assert 0 < published["total"] <= everything


def test_the_factor_list_is_paginated(api: Api) -> None:
    first = api.get("/api/factors?per_page=5").json()
    second = api.get("/api/factors?per_page=5&page=2").json()

    assert len(first["items"]) == len(second["items"]) == 5
    assert not {f["factor_id"] for f in first["items"]} & {f["factor_id"] for f in second["items"]}
    assert first["pages"] == -(-first["total"] // 5)


def test_a_factor_is_read_by_its_id_with_slashes(api: Api) -> None:
    response = api.get("/api/factors/ipcc2006/residential/natural_gas", role="anonymous")

    assert response.status_code == 200
    body = response.json()
    assert (body["activity_unit"], body["mass_unit"]) == ("TJ", "kg")
    assert body["gases"]["CO2"] > 50_000
    assert "IPCC 2006" in body["source"]


def test_a_grid_factor_stays_co2e_only(api: Api) -> None:
    body = api.get("/api/factors/tw-grid:2019").json()

    assert body["gases"] == {"CO2e": pytest.approx(0.509)}
    assert body["valid_year"] == 2019


def test_an_unknown_factor_is_a_404_with_a_hint(api: Api) -> None:
    response = api.get("/api/factors/ipcc2006/residential/natural_gaz")

    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "not_found"
    assert "ipcc2006/residential/natural_gas" in error["params"]["hint"]
