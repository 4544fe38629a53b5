"""``/api/me`` and how the API knows its caller: API tokens, the session cookie, and bad credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.web.api import SAME_ORIGIN, Api, demo_api, error_of

from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.services.demo import DEMO_PASSWORD
from zerocity.store.models import ApiToken


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def test_a_token_identifies_its_user_and_roles(api: Api) -> None:
    response = api.get("/api/me", role="kaohsiung editor")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "editor@kaohsiung.demo"
    assert body["is_admin"] is False
    assert body["roles"] == [{"city": "kaohsiung", "role": "editor"}]


def test_an_administrator_is_marked_as_such(api: Api) -> None:
    body = api.get("/api/me", role="admin").json()

    assert (body["is_admin"], body["roles"]) == (True, [])


def test_the_public_has_no_identity(api: Api) -> None:
    response = api.get("/api/me", role="anonymous")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Bearer zc_not-a-real-token", "Bearer something-else", "Bearer " + "zc_" * 60])
def test_an_unknown_token_is_refused_rather_than_treated_as_the_public(api: Api, header: str) -> None:
    response = api.client.get("/api/cities/kaohsiung/inventories", headers={"Authorization": header})

    assert response.status_code == 401
    assert error_of(response)["message"] == "the API token is not valid or was revoked"


def test_a_revoked_token_stops_working(api: Api) -> None:
    with api.db.write() as session:
        token = session.scalars(select(ApiToken).where(ApiToken.name == "tests (kaohsiung editor)")).one()
        accounts.revoke_api_token(session, Actor.system(), token.id)

    assert api.get("/api/me", role="kaohsiung editor").status_code == 401


def test_the_session_cookie_of_a_signed_in_user_works_too(api: Api) -> None:
    api.client.post(
        "/login",
        data={"email": "viewer@kaohsiung.demo", "password": DEMO_PASSWORD, "next": "/"},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )

    response = api.client.get("/api/cities/kaohsiung/inventories/2020")

    assert response.status_code == 200
    assert api.client.get("/api/me").json()["roles"] == [{"city": "kaohsiung", "role": "viewer"}]


def test_a_cookie_write_from_another_site_is_refused(api: Api) -> None:
    api.client.post(
        "/login",
        data={"email": "admin@zerocity.demo", "password": DEMO_PASSWORD, "next": "/"},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )

    response = api.client.post(
        "/api/cities/kaohsiung/inventories", json={"year": 2021}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf"
    assert api.get("/api/cities/kaohsiung/inventories/2021").status_code == 404
