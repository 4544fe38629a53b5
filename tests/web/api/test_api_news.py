"""``/api/news``: the centre's news and events, read by anyone once published, written, published and deleted by
centre administrators only; strict bodies whose schema states every rule the service checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.web.api import Api, demo_api, error_of

from zerocity.services.knowledge import news
from zerocity.store.hub_models import NewsItem
from zerocity.store.models import AuditEntry

ITEM = {
    "kind": "event",
    "item_date": "2031-03-10",
    "event_days": 2,
    "place_zh": "高雄展覽館",
    "place_en": "Kaohsiung Exhibition Center",
    "online_url": "https://example.org/live",
    "title_zh": "淨零城市工作坊",
    "title_en": "Net-zero city workshop",
    "body_zh": "## 議程\n\n報名。<script>alert(1)</script>",
    "body_en": "Register [here](https://example.org).",
}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    world = demo_api(tmp_path)
    yield world
    world.db.dispose()


def _create(api: Api, **changes: Any) -> dict[str, Any]:
    answer = api.post("/api/news", "admin", json=ITEM | changes)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _publish(api: Api, item: dict[str, Any]) -> dict[str, Any]:
    answer = api.post(f"/api/news/{item['id']}/status", "admin", json={"action": "publish", "version": item["version"]})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _published_ids(api: Api, query: str = "", role: str = "anonymous") -> list[int]:
    answer = api.get(f"/api/news?per_page=200{query}", role)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


# -- reading -------------------------------------------------------------------------------------------------------
def test_anyone_lists_the_published_demo_news_newest_first_with_paging(api: Api) -> None:
    body = api.get("/api/news?per_page=2", "anonymous").json()
    assert body["page"] == 1 and body["per_page"] == 2 and len(body["items"]) == 2
    assert body["total"] >= 2 and body["pages"] == -(-body["total"] // 2)
    dates = [item["item_date"] for item in api.get("/api/news?per_page=200", "anonymous").json()["items"]]
    assert dates == sorted(dates, reverse=True)
    assert all(item["published"] and item["sample"] for item in body["items"])


def test_the_list_filters_by_kind_language_and_upcoming_events(api: Api) -> None:
    event = _publish(api, _create(api))
    story = _publish(api, _create(api, kind="news", event_days=None, item_date="2026-01-02", title_en=""))
    past_event = _publish(api, _create(api, item_date="2020-05-01", event_days=1))

    events = _published_ids(api, "&kind=event")
    assert event["id"] in events and past_event["id"] in events and story["id"] not in events
    upcoming = api.get("/api/news?upcoming=true&per_page=200", "anonymous").json()["items"]
    assert event["id"] in [i["id"] for i in upcoming] and past_event["id"] not in [i["id"] for i in upcoming]
    today = news.centre_today().isoformat()
    assert all(i["kind"] == "event" and (i["event_end"] or i["item_date"]) >= today for i in upcoming)
    assert [i["item_date"] for i in upcoming] == sorted(i["item_date"] for i in upcoming)
    assert story["id"] in _published_ids(api, "&lang=zh_Hant") and story["id"] not in _published_ids(api, "&lang=en")


def test_an_item_answers_with_its_markdown_and_sanitised_html_and_its_span_in_days(api: Api) -> None:
    item = _publish(api, _create(api))
    body = api.get(f"/api/news/{item['id']}", "anonymous").json()
    assert (body["item_date"], body["event_end"], body["event_days"]) == ("2031-03-10", "2031-03-11", 2)
    assert body["body_zh"] == ITEM["body_zh"] and "<script>" not in body["body_zh_html"]
    assert 'href="https://example.org"' in body["body_en_html"] and body["url"] == f"/news/{item['id']}"


def test_the_public_never_sees_an_unpublished_item_and_the_centre_does(api: Api) -> None:
    item = _create(api)
    assert not item["published"] and item["published_at"] is None
    for role in ("anonymous", "kaohsiung editor"):
        answer = api.get(f"/api/news/{item['id']}", role)
        assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"
        assert item["id"] not in _published_ids(api, role=role)
    assert api.get(f"/api/news/{item['id']}", "admin").status_code == 200
    assert item["id"] in _published_ids(api, role="admin")


# -- writing -------------------------------------------------------------------------------------------------------
def test_the_centre_creates_changes_publishes_unpublishes_and_deletes_an_item(api: Api) -> None:
    item = _create(api)
    changed = api.request(
        "PUT",
        f"/api/news/{item['id']}",
        "admin",
        json=ITEM | {"title_en": "Workshop, new date", "version": item["version"]},
    )
    assert changed.status_code == 200 and changed.json()["title_en"] == "Workshop, new date"
    published = _publish(api, changed.json())
    assert published["published"] and published["published_at"] is not None
    assert api.get(f"/api/news/{item['id']}", "anonymous").status_code == 200
    back = api.post(
        f"/api/news/{item['id']}/status", "admin", json={"action": "unpublish", "version": published["version"]}
    )
    assert back.status_code == 200 and not back.json()["published"]
    assert api.get(f"/api/news/{item['id']}", "anonymous").status_code == 404

    assert api.delete(f"/api/news/{item['id']}?version={back.json()['version']}", "admin").status_code == 204
    assert api.get(f"/api/news/{item['id']}", "admin").status_code == 404
    with api.db.read() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "news", AuditEntry.entity_id == str(item["id"]))
        ).all()
    assert list(actions) == ["create", "update", "publish", "unpublish", "delete"]


def test_a_write_based_on_a_stale_version_is_409(api: Api) -> None:
    item = _create(api)
    api.request("PUT", f"/api/news/{item['id']}", "admin", json=ITEM | {"version": item["version"]})
    stale = {"version": item["version"]}
    for answer in (
        api.request("PUT", f"/api/news/{item['id']}", "admin", json=ITEM | stale),
        api.post(f"/api/news/{item['id']}/status", "admin", json={"action": "publish"} | stale),
        api.delete(f"/api/news/{item['id']}?version={item['version']}", "admin"),
    ):
        assert answer.status_code == 409 and error_of(answer)["code"] == "conflict"


@pytest.mark.parametrize(("role", "status"), [("kaohsiung editor", 403), ("kaohsiung viewer", 403), ("anonymous", 401)])
def test_nobody_but_the_centre_writes_news(api: Api, role: str, status: int) -> None:
    item = _publish(api, _create(api))
    with api.db.read() as session:
        before = session.scalar(select(NewsItem.version).where(NewsItem.id == item["id"]))
    answers = [
        api.post("/api/news", role, json=ITEM),
        api.request(
            "PUT", f"/api/news/{item['id']}", role, json=ITEM | {"title_en": "Hijacked", "version": item["version"]}
        ),
        api.post(f"/api/news/{item['id']}/status", role, json={"action": "unpublish", "version": item["version"]}),
        api.delete(f"/api/news/{item['id']}", role),
    ]
    assert [a.status_code for a in answers] == [status] * 4
    with api.db.read() as session:
        assert session.scalar(select(NewsItem.version).where(NewsItem.id == item["id"])) == before
    assert api.get(f"/api/news/{item['id']}", "anonymous").json()["title_en"] == ITEM["title_en"]


@pytest.mark.parametrize(
    "changes",
    [
        {"title_zh": "", "title_en": ""},
        {"title_zh": "   ", "title_en": ""},
        {"kind": "rumour"},
        {"item_date": "2031-13-01"},
        {"item_date": "10 March 2031"},
        {"item_date": 20310310},
        {"event_days": 0},
        {"event_days": "2"},
        {"online_url": "javascript:alert(1)"},
        {"title_en": "x" * 301},
        {"title_en": "bad\x00title"},
        {"unknown": True},
    ],
)
def test_a_body_outside_the_schema_is_422_and_nothing_is_saved(api: Api, changes: dict[str, Any]) -> None:
    with api.db.read() as session:
        before = len(session.scalars(select(NewsItem.id)).all())
    answer = api.post("/api/news", "admin", json=ITEM | changes)
    assert answer.status_code == 422 and error_of(answer)["code"] == "validation", answer.text
    with api.db.read() as session:
        assert len(session.scalars(select(NewsItem.id)).all()) == before


def test_a_one_day_event_ends_on_its_first_day_and_news_without_a_span_has_no_end(api: Api) -> None:
    one_day = _create(api, event_days=1)
    assert (one_day["event_end"], one_day["event_days"]) == (one_day["item_date"], 1)
    story = _create(api, kind="news", event_days=None)
    assert story["event_end"] is None and story["event_days"] is None
    last_day = _create(api, item_date=dt.date.max.isoformat(), event_days=3)
    assert last_day["event_end"] == dt.date.max.isoformat()


def test_unknown_items_are_404(api: Api) -> None:
    assert api.get("/api/news/999999", "anonymous").status_code == 404
    assert api.delete("/api/news/999999", "admin").status_code == 404


def test_the_openapi_document_describes_the_news_endpoints_and_the_title_rule(api: Api) -> None:
    document = api.get("/api/openapi.json", "anonymous").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/news"]) and {"get", "put", "delete"} <= set(paths["/api/news/{item_id}"])
    assert "post" in paths["/api/news/{item_id}/status"]
    schema = document["components"]["schemas"]["NewsIn"]
    assert [option["required"] for option in schema["anyOf"]] == [["title_zh"], ["title_en"]]
    assert schema["properties"]["item_date"]["format"] == "date"
