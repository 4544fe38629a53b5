"""``/api/cases``: search with the documented shape, published versions only for the public, and writes checked
role by role, strictly validated, with the four-eyes review."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from tests.services.knowledge.cases_fixtures import CASES_TOML
from tests.web.api import Api, demo_api, error_of

from zerocity.services.knowledge import cases_demo

NEW = {
    "city": "kaohsiung",
    "country": "TW",
    "year": 2024,
    "themes": ["mobility"],
    "gpc_sectors": ["II.1"],
    "action_templates": ["e_bus"],
    "results": [{"kind": "tco2e_avoided_per_year", "value": 800.0, "unit": "t CO2e/yr", "source": "test figure"}],
    "links": [{"url": "https://example.org/a", "label_en": "A"}],
    "versions": {"zh_Hant": {"title": "旗津渡輪電動化", "summary": "電動渡輪。", "body": "## 做法\n\n充電。"}},
}


@pytest.fixture
def api(tmp_path: Path) -> Api:
    api = demo_api(tmp_path)
    with api.db.write() as session:
        cases_demo.load_cases(session, tomllib.loads(CASES_TOML))
    return api


def _ids(api: Api) -> dict[str, int]:
    found = api.get("/api/cases?per_page=200&q=", role="anonymous").json()["items"]
    by_title = {item["title_zh"]: item["id"] for item in found}
    return {
        "buses": by_title["高雄市電動公車"],
        "landfill": by_title["臺南市掩埋場沼氣發電"],
        "kyoto": by_title["京都住宅節能診斷"],
    }


def test_search_answers_with_the_documented_fields_and_pagination(api: Api) -> None:
    answer = api.get("/api/cases", role="anonymous", params={"q": "電動公車", "per_page": 2})
    assert answer.status_code == 200
    body = answer.json()
    assert {"items", "page", "per_page", "total", "pages", "facets"} <= set(body)
    assert body["per_page"] == 2 and body["pages"] == -(-body["total"] // 2)
    hit = body["items"][0]
    for field in ("id", "title_zh", "title_en", "city", "themes", "score", "snippet", "snippet_html"):
        assert field in hit
    assert "<mark>" in hit["title_html"] + hit["snippet_html"]
    assert "<mark>" not in hit["snippet"]


def test_search_finds_the_test_case_by_a_two_character_word_and_filters_by_theme(api: Api) -> None:
    ids = _ids(api)
    found = api.get("/api/cases", role="anonymous", params={"q": "沼氣", "theme": ["waste"]}).json()["items"]
    assert ids["landfill"] in [item["id"] for item in found]
    landfill = next(item for item in found if item["id"] == ids["landfill"])
    assert landfill["title_en"] is None and landfill["translation_needed"] == ["en"]
    english_only = api.get("/api/cases", role="anonymous", params={"q": "沼氣", "lang": "en"}).json()["items"]
    assert ids["landfill"] not in [item["id"] for item in english_only]


@pytest.mark.parametrize(
    "query",
    [{"theme": "no_such_theme"}, {"country": "ZZ"}, {"sector": "IX.9"}, {"sort": "random"}, {"q": "x" * 10_001},
     {"year_from": "soon"}, {"lang": "fr"}],
)  # fmt: skip
def test_search_refuses_parameters_outside_their_vocabulary(api: Api, query: dict[str, Any]) -> None:
    answer = api.get("/api/cases", role="anonymous", params=query)
    assert answer.status_code == 422 and error_of(answer)["code"] == "validation"


def test_search_takes_a_query_of_ten_thousand_characters_and_punctuation(api: Api) -> None:
    for q in ("bus " * 2500, "！？。，", ""):
        assert api.get("/api/cases", role="anonymous", params={"q": q}).status_code == 200


def test_the_public_reads_published_versions_only(api: Api) -> None:
    kyoto = api.get(f"/api/cases/{_ids(api)['kyoto']}", role="anonymous").json()
    assert set(kyoto["versions"]) == {"zh_Hant"}
    assert kyoto["title_en"] is None and kyoto["translation_needed"] == ["en"]
    assert kyoto["versions"]["zh_Hant"]["status"] == "published"


def test_an_editor_creates_a_draft_the_public_cannot_see(api: Api) -> None:
    created = api.post("/api/cases", role="kaohsiung editor", json=NEW)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["versions"]["zh_Hant"]["status"] == "draft" and body["city"]["slug"] == "kaohsiung"
    assert "<h3>做法</h3>" in body["versions"]["zh_Hant"]["body_html"]
    assert api.get(f"/api/cases/{body['id']}", role="anonymous").status_code == 404
    assert api.get(f"/api/cases/{body['id']}", role="kaohsiung viewer").status_code == 404
    assert api.get(f"/api/cases/{body['id']}", role="kaohsiung editor").status_code == 200


@pytest.mark.parametrize(("role", "status"), [("tainan editor", 403), ("kaohsiung viewer", 403), ("anonymous", 401)])
def test_only_the_citys_editors_and_administrators_create_its_cases(api: Api, role: str, status: int) -> None:
    assert api.post("/api/cases", role=role, json=NEW).status_code == status


@pytest.mark.parametrize(
    "change",
    [
        {"year": "2024"},
        {"themes": ["space"]},
        {"country": "XX"},
        {"links": [{"url": "javascript:alert(1)"}]},
        {"results": [{"kind": "cost", "value": 1.0, "source": "   "}]},
        {"versions": {}},
        {"versions": {"fr": {"title": "x"}}},
        {"extra": 1},
        {"city": "Not A Slug"},
    ],
)
def test_a_body_outside_the_schema_is_refused_and_nothing_is_created(api: Api, change: dict[str, Any]) -> None:
    before = api.get("/api/cases?per_page=1", role="admin").json()["total"]
    answer = api.post("/api/cases", role="admin", json=NEW | change)
    assert answer.status_code == 422, answer.text
    assert api.get("/api/cases?per_page=1", role="admin").json()["total"] == before


def test_an_unknown_member_city_is_404(api: Api) -> None:
    assert api.post("/api/cases", role="admin", json=NEW | {"city": "atlantis"}).status_code == 404


def test_the_review_through_the_api_needs_four_eyes(api: Api) -> None:
    case = api.post("/api/cases", role="admin", json=NEW).json()
    status = f"/api/cases/{case['id']}/versions/zh_Hant/status"
    submitted = api.post(status, role="admin", json={"action": "submit", "version": 1})
    assert submitted.status_code == 200 and submitted.json()["versions"]["zh_Hant"]["status"] == "in_review"
    refused = api.post(status, role="admin", json={"action": "publish", "version": 2})
    assert refused.status_code == 409 and error_of(refused)["code"] == "conflict"
    by_editor = api.post(status, role="kaohsiung editor", json={"action": "publish", "version": 2})
    assert by_editor.status_code == 403


def test_an_editor_submits_an_administrator_publishes_and_the_public_finds_it(api: Api) -> None:
    case = api.post("/api/cases", role="kaohsiung editor", json=NEW).json()
    status = f"/api/cases/{case['id']}/versions/zh_Hant/status"
    api.post(status, role="kaohsiung editor", json={"action": "submit", "version": 1})
    published = api.post(status, role="admin", json={"action": "publish", "version": 2, "reason": "checked"})
    assert published.status_code == 200
    found = api.get("/api/cases", role="anonymous", params={"q": "旗津渡輪"}).json()["items"]
    assert [item["id"] for item in found][:1] == [case["id"]]


def test_patch_changes_only_what_is_given_and_refuses_a_stale_version(api: Api) -> None:
    case = api.post("/api/cases", role="kaohsiung editor", json=NEW).json()
    changed = api.patch(f"/api/cases/{case['id']}", role="kaohsiung editor", json={"version": 1, "year": 2025})
    assert changed.status_code == 200
    assert (changed.json()["year"], changed.json()["themes"], changed.json()["version"]) == (2025, ["mobility"], 2)
    stale = api.patch(f"/api/cases/{case['id']}", role="kaohsiung editor", json={"version": 1, "year": 2026})
    assert stale.status_code == 409
    other = api.patch(f"/api/cases/{case['id']}", role="tainan editor", json={"version": 2, "year": 2026})
    assert other.status_code in (403, 404)


def test_a_translation_is_added_as_its_own_draft(api: Api) -> None:
    case = api.post("/api/cases", role="kaohsiung editor", json=NEW).json()
    added = api.request("PUT", f"/api/cases/{case['id']}/versions/en", role="kaohsiung editor",
                        json={"title": "Electric ferries", "body": "<script>alert(1)</script>"})  # fmt: skip
    assert added.status_code == 200
    english = added.json()["versions"]["en"]
    assert english["status"] == "draft" and "<script>" not in english["body_html"]


def test_an_administrator_deletes_a_case(api: Api) -> None:
    case = api.post("/api/cases", role="kaohsiung editor", json=NEW).json()
    assert api.delete(f"/api/cases/{case['id']}", role="kaohsiung editor").status_code == 403
    assert api.delete(f"/api/cases/{case['id']}", role="admin").status_code == 204
    assert api.get(f"/api/cases/{case['id']}", role="admin").status_code == 404
