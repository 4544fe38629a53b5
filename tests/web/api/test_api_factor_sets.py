"""A city's factor sets through the REST API (src/zerocity/web/routers/api_factor_sets.py): upload, read back, the
file byte for byte, choosing a set for a draft, and the refusals a script must be able to tell apart."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from tests.web.api import Api, demo_api, error_of

SETS = "/api/cities/kaohsiung/factor-sets"
DRAFT = "/api/cities/kaohsiung/inventories/2020"
#: The retailer's factor (row 2), CO2e only: 0.5 kg per kWh.
FACTORS = (
    b"factor_id,activity_unit,mass_unit,co2e,year,status,source,description\n"
    b"city:kaohsiung/retailer,kWh,kg,0.5,2020,published,Retailer letter 2021-03,Retailer mix 2020\n"
)
RETAILER_ROW = {
    "gpc_ref": "I.2.2",
    "description": "offices on the green retailer",
    "activity_value": "2000000",
    "activity_unit": "kWh",
    "factor_id": "city:kaohsiung/retailer",
}


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def upload(api: Api, data: bytes = FACTORS, role: str = "kaohsiung editor", name: str = "Retailer 2020") -> Any:
    return api.post(
        SETS, role, files={"file": ("retailer.csv", data, "text/csv")}, data={"name": name, "description": "letter"}
    )


def test_a_set_goes_up_comes_back_byte_for_byte_and_makes_a_row_compute_with_its_factor(api: Api) -> None:
    created = upload(api)
    assert created.status_code == 201, created.text
    body = created.json()
    set_id = body["id"]
    assert (body["factor_count"], body["filename"], body["used_by"]) == (1, "retailer.csv", [])
    assert body["sha256"] == hashlib.sha256(FACTORS).hexdigest()

    listed = api.get(SETS, "kaohsiung viewer").json()
    assert [item["id"] for item in listed["items"]] == [set_id]
    detail = api.get(f"{SETS}/{set_id}", "kaohsiung viewer").json()
    factor = detail["factors"][0]
    assert (factor["factor_id"], factor["gases"], factor["row"]) == ("city:kaohsiung/retailer", {"CO2e": 0.5}, 2)
    assert (factor["source"], factor["year"], factor["status"]) == ("Retailer letter 2021-03", 2020, "published")
    downloaded = api.get(f"{SETS}/{set_id}/file", "kaohsiung viewer")
    assert downloaded.content == FACTORS
    assert downloaded.headers["content-type"] == "text/csv"
    assert "retailer.csv" in downloaded.headers["content-disposition"]

    version = api.get(DRAFT).json()["version"]
    chosen = api.request("PUT", f"{DRAFT}/factor-set", "kaohsiung editor", json={"factor_set_id": set_id})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["factor_set"]["id"] == set_id
    assert chosen.json()["inventory"]["version"] == version + 1
    assert api.get(f"{DRAFT}/factor-set", "kaohsiung viewer").json()["factor_set"]["name"] == "Retailer 2020"

    record = api.post(f"{DRAFT}/records", "kaohsiung editor", json={"cells": RETAILER_ROW})
    assert record.status_code == 201, record.text
    # 2,000,000 kWh x 0.5 kg CO2e/kWh = 1,000 t CO2e.
    assert record.json()["co2e_t"] == pytest.approx(1000.0, rel=1e-12)
    assert api.get(f"{SETS}/{set_id}").json()["used_by"] == [{"year": 2020, "status": "draft", "published": False}]


def test_a_set_in_use_is_not_deleted_and_cannot_be_cleared_while_a_row_cites_it(api: Api) -> None:
    set_id = upload(api).json()["id"]
    api.request("PUT", f"{DRAFT}/factor-set", json={"factor_set_id": set_id})
    record = api.post(f"{DRAFT}/records", json={"cells": RETAILER_ROW}).json()

    refused = api.delete(f"{SETS}/{set_id}")
    assert refused.status_code == 409
    assert error_of(refused)["params"]["inventories"] == "2020"

    cleared = api.request("PUT", f"{DRAFT}/factor-set", json={"factor_set_id": None})
    assert cleared.status_code == 422
    issues = error_of(cleared)["issues"]
    assert [(i["row"], i["column"]) for i in issues] == [(record["line"], "factor_id")]
    assert api.get(f"{DRAFT}/factor-set").json()["factor_set"]["id"] == set_id

    api.delete(f"/api/records/{record['id']}?version={record['version']}")
    assert api.request("PUT", f"{DRAFT}/factor-set", json={"factor_set_id": None}).json()["factor_set"] is None
    assert api.delete(f"{SETS}/{set_id}").status_code == 204
    assert api.get(f"{SETS}/{set_id}").status_code == 404


def test_a_bad_file_is_refused_with_every_row_and_column_and_nothing_is_stored(api: Api) -> None:
    bad = FACTORS + b"tw-grid:2020,kWh,kg,0.1,2020,user,guess,\ncity:x,kWhh,kg,zero,2020,user,,\n"

    refused = upload(api, bad)

    assert refused.status_code == 422
    error = error_of(refused)
    assert error["code"] == "input_errors"
    assert {(i["row"], i["column"]) for i in error["issues"]} == {
        (3, "factor_id"),
        (4, "co2e"),
        (4, "activity_unit"),
        (4, "source"),
    }
    assert api.get(SETS).json()["items"] == []


def test_the_public_sees_no_set_that_no_published_inventory_uses(api: Api) -> None:
    set_id = upload(api).json()["id"]
    assert api.get(SETS, "anonymous").json()["items"] == []
    assert api.get(f"{SETS}/{set_id}", "anonymous").status_code == 404
    assert api.get(f"{SETS}/{set_id}/file", "tainan editor").status_code == 404


def test_a_published_inventorys_set_is_public_with_its_file(api: Api) -> None:
    set_id = upload(api).json()["id"]
    api.request("PUT", f"{DRAFT}/factor-set", json={"factor_set_id": set_id})
    for role, action in (("kaohsiung editor", "submit"), ("admin", "approve"), ("kaohsiung editor", "publish")):
        version = api.get(DRAFT).json()["version"]
        answer = api.post(f"{DRAFT}/status", role, json={"action": action, "version": version})
        assert answer.status_code == 200, answer.text

    assert [item["id"] for item in api.get(SETS, "anonymous").json()["items"]] == [set_id]
    assert api.get(f"{SETS}/{set_id}/file", "anonymous").content == FACTORS
    assert api.get(f"{DRAFT}/factor-set", "anonymous").json()["factor_set"]["id"] == set_id
    # An approved inventory keeps its set: changing it now is a conflict, not a silent recomputation.
    assert api.request("PUT", f"{DRAFT}/factor-set", json={"factor_set_id": None}).status_code == 409


def test_writes_are_refused_to_another_citys_editor_and_to_the_public(api: Api) -> None:
    assert upload(api, role="tainan editor").status_code == 403
    assert upload(api, role="anonymous").status_code == 401
    set_id = upload(api).json()["id"]
    choose = {"json": {"factor_set_id": set_id}}
    assert api.request("PUT", f"{DRAFT}/factor-set", "kaohsiung viewer", **choose).status_code == 403
    assert api.request("PUT", f"{DRAFT}/factor-set", "tainan editor", **choose).status_code == 404


def test_a_set_of_another_city_is_refused_for_an_inventory(api: Api) -> None:
    tainan = api.post(
        "/api/cities/tainan/factor-sets", files={"file": ("t.csv", FACTORS, "text/csv")}, data={"name": "Tainan"}
    ).json()["id"]

    refused = api.request("PUT", f"{DRAFT}/factor-set", json={"factor_set_id": tainan})

    assert refused.status_code == 400
    assert error_of(refused)["code"] == "invalid_request"


def test_a_blank_name_or_a_name_taken_is_refused(api: Api) -> None:
    assert upload(api, name="   ").status_code == 422
    assert upload(api).status_code == 201
    taken = upload(api)
    assert taken.status_code == 409 and error_of(taken)["code"] == "conflict"
