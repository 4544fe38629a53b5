"""``/api/training``: programmes and sessions for anyone, registration for signed-in callers (strict bodies, the
same rules as the pages), on a private copy of the demo with the test programmes added."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.services.knowledge.training_fixtures import PAST, UPCOMING, programmes_toml
from tests.web.api import Api, demo_api

from zerocity.services.knowledge import training_demo


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    world = demo_api(tmp_path)
    training_demo.load_programmes(world.db, tomllib.loads(programmes_toml()))
    yield world
    world.db.dispose()


def test_anyone_lists_the_programmes_with_their_next_session(api: Api) -> None:
    answer = api.get("/api/training/programmes?per_page=200", "anonymous")
    assert answer.status_code == 200
    body = answer.json()
    by_slug = {item["slug"]: item for item in body["items"]}
    assert body["total"] == len(body["items"]) >= 2
    basics = by_slug["gpc-basics"]
    assert basics["title_zh"] == "溫室氣體盤查入門" and basics["topics"] == ["net_zero", "energy_governance"]
    assert basics["session_count"] == 2 and basics["next_session_at"].endswith("+08:00") and basics["sample"]


def test_a_programme_has_its_sessions_with_seats_and_materials_in_taiwan_time(api: Api) -> None:
    body = api.get("/api/training/programmes/gpc-basics", "anonymous").json()
    sessions = {s["slug"]: s for s in body["sessions"]}
    past, upcoming = sessions[PAST], sessions[UPCOMING]
    assert past["starts_at"] == "2026-03-10T09:30:00+08:00" and past["timezone"] == "Asia/Taipei"
    assert (past["capacity"], past["registered"], past["registration_open"]) == (3, 0, False)
    assert past["materials"][0]["url"] == "https://ghgprotocol.org/ghg-protocol-cities"
    assert (upcoming["seats_left"], upcoming["registration_open"]) == (2, True)
    assert "課程內容" in body["description_zh"]


def test_an_unknown_programme_is_404_in_the_error_shape(api: Api) -> None:
    answer = api.get("/api/training/programmes/no-such-course", "anonymous")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_a_member_registers_themselves_and_the_seat_count_follows(api: Api) -> None:
    answer = api.post(f"/api/training/sessions/{UPCOMING}/registrations", "kaohsiung viewer", json={"locale": "en"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["city"], body["email"], body["status"], body["locale"]) == (
        "kaohsiung",
        "viewer@kaohsiung.demo",
        "registered",
        "en",
    )
    again = api.post(f"/api/training/sessions/{UPCOMING}/registrations", "kaohsiung viewer", json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    seats = api.get("/api/training/programmes/gpc-basics", "anonymous").json()["sessions"]
    assert [s["registered"] for s in seats if s["slug"] == UPCOMING] == [1]


def test_an_editor_registers_a_colleague_and_a_full_session_answers_409(api: Api) -> None:
    colleague = {"participant": {"name": "王小明", "email": "wang@kaohsiung.example.org"}}
    first = api.post(f"/api/training/sessions/{UPCOMING}/registrations", "kaohsiung editor", json=colleague)
    assert first.status_code == 201 and first.json()["name"] == "王小明" and first.json()["city"] == "kaohsiung"
    assert api.post(f"/api/training/sessions/{UPCOMING}/registrations", "tainan editor", json={}).status_code == 201
    full = api.post(f"/api/training/sessions/{UPCOMING}/registrations", "kaohsiung viewer", json={})
    assert full.status_code == 409
    assert full.json()["error"]["message"] == "this session is full: every seat is taken, and there is no waiting list"


@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        ("anonymous", {}, 401),
        ("admin", {}, 403),  # the centre has no city of its own to register for
        ("kaohsiung viewer", {"city": "kaohsiung", "participant": {"name": "甲", "email": "a@example.org"}}, 403),
        ("tainan editor", {"city": "kaohsiung", "participant": {"name": "甲", "email": "a@example.org"}}, 403),
        ("kaohsiung editor", {"city": "tainan"}, 403),
    ],
)
def test_registrations_the_rules_do_not_allow_are_refused(
    api: Api, role: str, body: dict[str, object], status: int
) -> None:
    answer = api.post(f"/api/training/sessions/{UPCOMING}/registrations", role, json=body)
    assert answer.status_code == status, answer.text
    assert api.get("/api/training/programmes/gpc-basics", "anonymous").json()["sessions"][1]["registered"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"locale": "fr"},
        {"city": 12},
        {"participant": {"name": "甲"}},
        {"participant": {"name": "甲", "email": "not-an-address"}},
        {"participant": {"name": "   ", "email": "a@example.org"}},
        {"unknown": True},
    ],
)
def test_a_registration_body_outside_the_schema_is_422(api: Api, body: dict[str, object]) -> None:
    answer = api.post(f"/api/training/sessions/{UPCOMING}/registrations", "kaohsiung editor", json=body)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "validation"


def test_registering_for_a_session_that_started_is_409_and_an_unknown_one_404(api: Api) -> None:
    assert api.post(f"/api/training/sessions/{PAST}/registrations", "kaohsiung editor", json={}).status_code == 409
    unknown = api.post("/api/training/sessions/nope/registrations", "kaohsiung editor", json={})
    assert unknown.status_code == 404


def test_the_openapi_document_describes_the_training_endpoints(api: Api) -> None:
    paths = api.get("/api/openapi.json", "anonymous").json()["paths"]
    assert {"/api/training/programmes", "/api/training/programmes/{slug}",
            "/api/training/sessions/{slug}/registrations"} <= set(paths)  # fmt: skip
    assert "post" in paths["/api/training/sessions/{slug}/registrations"]
