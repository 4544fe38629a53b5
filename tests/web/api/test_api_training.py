"""``/api/training``: programmes and sessions for anyone, registration and cancelling for signed-in callers (strict
bodies, the same rules as the pages), ``/api/me/registrations``, and deleting programmes and sessions (the centre),
on a private copy of the demo with the test programmes added."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.services.knowledge.training_fixtures import PAST, UPCOMING, programmes_toml
from tests.web.api import Api, demo_api, error_of

from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.services.knowledge import training, training_demo, training_registrations
from zerocity.store.models import User


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


# -- cancelling and one's own registrations ---------------------------------------------------------------------------
def _register(api: Api, role: str, body: dict[str, object] | None = None) -> dict[str, Any]:
    answer = api.post(f"/api/training/sessions/{UPCOMING}/registrations", role, json=body or {})
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _seats_taken(api: Api) -> int:
    sessions = api.get("/api/training/programmes/gpc-basics", "anonymous").json()["sessions"]
    return next(s["registered"] for s in sessions if s["slug"] == UPCOMING)


def _attended_past_registration(api: Api) -> int:
    """The Kaohsiung editor at the past session, registered before it and marked attended after it."""
    with api.db.write() as session:
        past = training.get_session(session, PAST)
        editor = _actor(session, "editor@kaohsiung.demo")
        registration = training_registrations.register_self(
            session, editor, PAST, now=past.starts_at - timedelta(days=7)
        )
        training_registrations.set_attendance(
            session, Actor.system(), PAST, [registration.id], now=past.ends_at + timedelta(hours=1)
        )
        return registration.id


def _actor(session: Any, email: str) -> Actor:
    user = session.scalar(select(User).where(User.email == email))
    return accounts.actor_for(session, user)


def test_the_participant_cancels_through_the_api_and_the_seat_is_free_again(api: Api) -> None:
    mine = _register(api, "kaohsiung viewer")
    assert _seats_taken(api) == 1

    answer = api.post(f"/api/training/registrations/{mine['id']}/cancel", "kaohsiung viewer")

    assert answer.status_code == 200, answer.text
    assert (answer.json()["id"], answer.json()["status"], answer.json()["session"]) == (
        mine["id"],
        "cancelled",
        UPCOMING,
    )
    assert _seats_taken(api) == 0
    again = api.post(f"/api/training/registrations/{mine['id']}/cancel", "kaohsiung viewer")
    assert again.status_code == 409 and error_of(again)["message"] == "this registration is already cancelled"


@pytest.mark.parametrize(
    ("role", "status"),
    [("kaohsiung editor", 200), ("admin", 200), ("tainan editor", 404), ("anonymous", 401)],
)
def test_a_registration_is_cancelled_by_the_participants_city_editor_or_the_centre_only(
    api: Api, role: str, status: int
) -> None:
    mine = _register(api, "kaohsiung viewer")
    answer = api.post(f"/api/training/registrations/{mine['id']}/cancel", role)
    assert answer.status_code == status, answer.text
    assert _seats_taken(api) == (0 if status == 200 else 1)


def test_a_registration_with_recorded_attendance_cannot_be_cancelled(api: Api) -> None:
    registration_id = _attended_past_registration(api)
    answer = api.post(f"/api/training/registrations/{registration_id}/cancel", "admin")
    assert answer.status_code == 409
    assert error_of(answer)["message"] == "attendance was recorded for this registration; it can no longer be cancelled"


def test_an_unknown_registration_is_404(api: Api) -> None:
    assert api.post("/api/training/registrations/999999/cancel", "admin").status_code == 404


def _mine_in_the_test_programme(api: Api, role: str) -> list[dict[str, Any]]:
    """The caller's registrations for the test programme's sessions (the demo registered its accounts elsewhere)."""
    answer = api.get("/api/me/registrations?per_page=200", role)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["items"])
    return [item for item in body["items"] if item["session"] in (PAST, UPCOMING)]


def test_my_registrations_lists_mine_with_what_i_can_do_and_nobody_elses(api: Api) -> None:
    _register(api, "kaohsiung viewer", {"locale": "en"})
    _register(api, "kaohsiung editor", {"participant": {"name": "王小明", "email": "wang@kaohsiung.example.org"}})
    attended = _attended_past_registration(api)

    (entry,) = _mine_in_the_test_programme(api, "kaohsiung viewer")
    assert (entry["session"], entry["programme"], entry["email"], entry["locale"]) == (
        UPCOMING,
        "gpc-basics",
        "viewer@kaohsiung.demo",
        "en",
    )
    assert entry["cancellable"] and entry["certificate_url"] is None and entry["starts_at"].endswith("+08:00")
    assert entry["title_zh"] == "溫室氣體盤查入門"  # the session has no title of its own: the programme's

    editor = _mine_in_the_test_programme(api, "kaohsiung editor")
    assert [e["id"] for e in editor] == [attended]  # the colleague's registration is not the editor's own
    assert not editor[0]["cancellable"] and editor[0]["certificate_url"].endswith(f"/{attended}/certificate.pdf")
    assert api.get("/api/me/registrations", "admin").json()["items"] == []
    anonymous = api.get("/api/me/registrations", "anonymous")
    assert anonymous.status_code == 401 and error_of(anonymous)["code"] == "not_authenticated"


# -- deleting programmes and sessions ---------------------------------------------------------------------------------
def test_a_session_people_registered_for_is_deleted_only_with_force_and_their_registrations_go(api: Api) -> None:
    _register(api, "kaohsiung viewer")
    refused = api.delete(f"/api/training/sessions/{UPCOMING}", "admin")
    assert refused.status_code == 409 and "confirm" in error_of(refused)["message"]
    assert error_of(refused)["params"]["registered"] == 1

    assert api.delete(f"/api/training/sessions/{UPCOMING}?force=true", "admin").status_code == 204

    sessions = api.get("/api/training/programmes/gpc-basics", "anonymous").json()["sessions"]
    assert [s["slug"] for s in sessions] == [PAST]
    assert _mine_in_the_test_programme(api, "kaohsiung viewer") == []


def test_a_session_with_recorded_attendance_is_409_even_with_force(api: Api) -> None:
    _attended_past_registration(api)
    for url in (f"/api/training/sessions/{PAST}?force=true", "/api/training/programmes/gpc-basics?force=true"):
        answer = api.delete(url, "admin")
        assert answer.status_code == 409 and "must stay verifiable" in error_of(answer)["message"]
    assert api.get("/api/training/programmes/gpc-basics", "anonymous").json()["session_count"] == 2


def test_the_centre_deletes_a_programme_with_its_sessions(api: Api) -> None:
    assert api.delete("/api/training/programmes/climate-finance", "admin").status_code == 204
    assert api.get("/api/training/programmes/climate-finance", "anonymous").status_code == 404
    assert api.delete("/api/training/programmes/climate-finance", "admin").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("kaohsiung editor", 403), ("kaohsiung viewer", 403), ("anonymous", 401)])
def test_nobody_but_the_centre_deletes_programmes_or_sessions(api: Api, role: str, status: int) -> None:
    assert api.delete(f"/api/training/sessions/{UPCOMING}?force=true", role).status_code == status
    assert api.delete("/api/training/programmes/climate-finance?force=true", role).status_code == status
    assert api.get("/api/training/programmes/climate-finance", "anonymous").status_code == 200
    assert api.get("/api/training/programmes/gpc-basics", "anonymous").json()["session_count"] == 2


def test_the_openapi_document_describes_cancelling_my_registrations_and_deleting(api: Api) -> None:
    paths = api.get("/api/openapi.json", "anonymous").json()["paths"]
    assert "post" in paths["/api/training/registrations/{registration_id}/cancel"]
    assert "get" in paths["/api/me/registrations"]
    assert "delete" in paths["/api/training/programmes/{slug}"] and "delete" in paths["/api/training/sessions/{slug}"]
    assert [p["name"] for p in paths["/api/training/sessions/{slug}"]["delete"]["parameters"]] == ["slug", "force"]
