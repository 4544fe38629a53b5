"""``/api/cities/{slug}/inventories``: who sees which inventory, creating one, and the review workflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.api import Api, counts, demo_api, error_of

KAOHSIUNG = "/api/cities/kaohsiung/inventories"


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def version_of(api: Api, year: int) -> int:
    return int(api.get(f"{KAOHSIUNG}/{year}").json()["version"])


def test_the_public_lists_only_published_inventories(api: Api) -> None:
    response = api.get(KAOHSIUNG, role="anonymous")

    assert response.status_code == 200
    assert [i["year"] for i in response.json()["items"]] == [2017, 2018, 2019]
    assert all(i["published"] for i in response.json()["items"])


@pytest.mark.parametrize("role", ["kaohsiung viewer", "kaohsiung editor", "admin"])
def test_members_and_administrators_also_list_the_draft(api: Api, role: str) -> None:
    items = api.get(KAOHSIUNG, role=role).json()["items"]

    assert [(i["year"], i["status"]) for i in items][-1] == (2020, "draft")


def test_another_citys_editor_does_not_see_the_draft(api: Api) -> None:
    items = api.get(KAOHSIUNG, role="tainan editor").json()["items"]

    assert 2020 not in [i["year"] for i in items]


def test_an_inventory_shows_its_status_version_and_totals(api: Api) -> None:
    response = api.get(f"{KAOHSIUNG}/2019", role="anonymous")

    assert response.status_code == 200
    body = response.json()
    assert (body["city"], body["year"], body["status"], body["published"]) == ("kaohsiung", 2019, "approved", True)
    assert body["record_count"] == 45
    assert body["version"] >= 1
    assert body["totals"]["basic_plus_tco2e"] > body["totals"]["basic_tco2e"] > 0


def test_a_draft_looks_absent_to_the_public(api: Api) -> None:
    response = api.get(f"{KAOHSIUNG}/2020", role="anonymous")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_viewer_reads_the_draft(api: Api) -> None:
    assert api.get(f"{KAOHSIUNG}/2020", role="kaohsiung viewer").json()["status"] == "draft"


def test_an_editor_creates_an_empty_draft(api: Api) -> None:
    response = api.post(KAOHSIUNG, role="kaohsiung editor", json={"year": 2021, "gwp_set": "AR6"})

    assert response.status_code == 201
    body = response.json()
    assert (body["year"], body["gwp_set"], body["status"], body["record_count"]) == (2021, "AR6", "draft", 0)
    assert body["totals"]["basic_tco2e"] is None


def test_a_whole_number_written_as_a_float_is_an_integer_as_json_schema_says(api: Api) -> None:
    response = api.post(KAOHSIUNG, json={"year": 2021.0})

    assert response.status_code == 201
    assert response.json()["year"] == 2021


@pytest.mark.parametrize("year", ["2021", 2021.5, False, True, None])
def test_a_year_that_is_not_an_integer_is_refused(api: Api, year: object) -> None:
    before = counts(api.db)

    response = api.post(KAOHSIUNG, json={"year": year})

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["body", "year"]
    assert counts(api.db) == before


def test_an_unknown_gwp_set_is_a_validation_error(api: Api) -> None:
    response = api.post(KAOHSIUNG, json={"year": 2021, "gwp_set": "AR9"})

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["body", "gwp_set"]


def test_a_second_inventory_for_a_year_is_a_conflict(api: Api) -> None:
    response = api.post(KAOHSIUNG, json={"year": 2019})

    assert response.status_code == 409
    assert error_of(response)["params"] == {"field": "year"}


def test_an_editor_submits_and_an_administrator_approves_and_the_editor_publishes(api: Api) -> None:
    submitted = api.post(
        f"{KAOHSIUNG}/2020/status", role="kaohsiung editor", json={"action": "submit", "version": version_of(api, 2020)}
    )
    approved = api.post(f"{KAOHSIUNG}/2020/status", json={"action": "approve", "version": submitted.json()["version"]})
    published = api.post(
        f"{KAOHSIUNG}/2020/status",
        role="kaohsiung editor",
        json={"action": "publish", "version": approved.json()["version"]},
    )

    assert [r.status_code for r in (submitted, approved, published)] == [200, 200, 200]
    assert published.json()["status"] == "approved"
    assert published.json()["published"] is True
    assert api.get(f"{KAOHSIUNG}/2020", role="anonymous").status_code == 200


def test_an_editor_may_not_approve(api: Api) -> None:
    api.post(f"{KAOHSIUNG}/2020/status", json={"action": "submit", "version": version_of(api, 2020)})

    response = api.post(
        f"{KAOHSIUNG}/2020/status",
        role="kaohsiung editor",
        json={"action": "approve", "version": version_of(api, 2020)},
    )

    assert response.status_code == 403
    assert api.get(f"{KAOHSIUNG}/2020").json()["status"] == "submitted"


def test_a_status_change_from_a_stale_version_is_a_conflict(api: Api) -> None:
    stale = version_of(api, 2020) - 1

    response = api.post(f"{KAOHSIUNG}/2020/status", json={"action": "submit", "version": stale})

    assert response.status_code == 409
    assert api.get(f"{KAOHSIUNG}/2020").json()["status"] == "draft"


def test_reopening_needs_a_reason(api: Api) -> None:
    response = api.post(f"{KAOHSIUNG}/2019/status", json={"action": "reopen", "version": version_of(api, 2019)})

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert error_of(response)["params"] == {"field": "reason"}


def test_reopening_with_a_reason_unpublishes(api: Api) -> None:
    response = api.post(
        f"{KAOHSIUNG}/2019/status",
        json={"action": "reopen", "version": version_of(api, 2019), "reason": "grid factor revised"},
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["published"]) == ("draft", False)
    assert api.get(f"{KAOHSIUNG}/2019", role="anonymous").status_code == 404


def test_an_unknown_action_is_a_validation_error(api: Api) -> None:
    response = api.post(f"{KAOHSIUNG}/2020/status", json={"action": "delete", "version": 1})

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["body", "action"]


def test_an_empty_inventory_cannot_be_submitted(api: Api) -> None:
    api.post(KAOHSIUNG, json={"year": 2021})

    response = api.post(f"{KAOHSIUNG}/2021/status", json={"action": "submit", "version": 1})

    assert response.status_code == 409
    assert "empty" in error_of(response)["message"]
