"""``…/results``: the stored figures of the last computation, read without recomputing anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.web.api import Api, demo_api, error_of

from zerocity.services import computation
from zerocity.store.models import City, Inventory, RefResult

RESULTS = "/api/cities/kaohsiung/inventories/{year}/results"


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def stored_inventory(api: Api, year: int) -> Inventory:
    with api.db.read() as session:
        query = select(Inventory).join(City, City.id == Inventory.city_id)
        return session.scalars(query.where(City.slug == "kaohsiung", Inventory.year == year)).one()


def test_results_repeat_the_stored_summary(api: Api) -> None:
    body = api.get(RESULTS.format(year=2019), role="anonymous").json()

    summary = stored_inventory(api, 2019).summary
    assert summary is not None
    assert body["totals"]["basic_tco2e"] == summary["basic_tco2e"]
    assert body["totals"]["territorial_tco2e"] == summary["territorial_tco2e"]
    assert body["by_scope"] == summary["by_scope"]
    assert body["gases_t"] == summary["gases_t"]
    assert body["completeness"] == summary["completeness"]
    assert body["gwp"] == {"name": "AR5", "values": summary["gwp_values"]}
    assert (
        body["by_sector"]["Stationary energy"]["basic_tco2e"]
        == summary["by_sector"]["Stationary energy"]["basic_tco2e"]
    )


def test_results_list_every_stored_reference_number_in_gpc_order(api: Api) -> None:
    body = api.get(RESULTS.format(year=2019)).json()

    with api.db.read() as session:
        query = select(RefResult).where(RefResult.inventory_id == stored_inventory(api, 2019).id)
        stored = {r.ref: r for r in session.scalars(query)}
    refs = [r["ref"] for r in body["by_ref"]]
    assert set(refs) == set(stored)
    assert refs.index("I.1.1") < refs.index("I.1.2") < refs.index("I.2.1") < refs.index("II.1.1")
    assert refs.index("I.8.1") < refs.index("II.1.1") < refs.index("III.1.1") < refs.index("IV.1")
    first = body["by_ref"][0]
    assert (first["ref"], first["sector"], first["scope"]) == ("I.1.1", "Stationary energy", 1)
    assert first["tco2e"] == stored["I.1.1"].tco2e


def test_results_are_read_not_recomputed(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the results endpoint must not recompute")

    monkeypatch.setattr(computation, "compute_rows", refuse)
    monkeypatch.setattr(computation, "recompute", refuse)

    assert api.get(RESULTS.format(year=2019)).status_code == 200


def test_an_empty_inventory_has_results_without_figures(api: Api) -> None:
    api.post("/api/cities/kaohsiung/inventories", json={"year": 2021})

    body = api.get(RESULTS.format(year=2021)).json()

    assert body["totals"]["basic_tco2e"] is None
    assert (body["by_ref"], body["by_sector"], body["gwp"], body["rows"]) == ([], {}, None, 0)


def test_results_of_a_draft_are_hidden_from_the_public(api: Api) -> None:
    response = api.get(RESULTS.format(year=2020), role="anonymous")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert api.get(RESULTS.format(year=2020), role="kaohsiung viewer").status_code == 200


def test_a_year_outside_the_calendar_is_a_validation_error(api: Api) -> None:
    assert api.get(RESULTS.format(year=99999999999999999999)).status_code == 422
