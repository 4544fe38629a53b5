"""The account page: profile, city roles and API tokens (shown once, usable as a bearer token, revocable)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

EDITOR = "editor@kaohsiung.demo"


def new_token(client: TestClient, name: str = "nightly meter import") -> str:
    answer = client.post("/account/tokens", data={"name": name})
    assert answer.status_code == 201, answer.text
    found = re.search(r'id="new-token"[^>]*value="(zc_[^"]+)"', answer.text)
    assert found, "the new token is not on the page"
    return found.group(1)


def test_the_account_page_asks_a_visitor_to_sign_in_first(make_client) -> None:
    answer = make_client().get("/account")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/account"


def test_the_account_page_shows_the_user_their_cities_and_roles(make_client) -> None:
    page = make_client(EDITOR).get("/account").text

    assert "Kaohsiung editor" in page
    assert "editor@kaohsiung.demo" in page
    assert re.search(r'<a href="/cities/kaohsiung">[^<]+</a></td><td>Editor</td>', page)
    assert "/cities/tainan" not in page


def test_a_new_token_is_shown_once_and_never_again(make_client) -> None:
    client = make_client(EDITOR)
    plain = new_token(client)

    later = client.get("/account")

    assert plain not in later.text
    assert plain[:10] in later.text  # its prefix identifies it in the list
    assert "nightly meter import" in later.text
    assert later.headers["cache-control"] == "no-store"


def test_a_new_token_works_as_a_bearer_token_and_revoking_it_stops_it(make_client) -> None:
    owner = make_client(EDITOR)
    plain = new_token(owner)
    script = make_client(headers={"Authorization": f"Bearer {plain}"})

    signed_in = script.get("/account")
    assert signed_in.status_code == 200
    assert "editor@kaohsiung.demo" in signed_in.text
    assert script.get("/cities/kaohsiung/inventories/2020").status_code == 200  # a draft only members may read

    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', owner.get("/account").text)
    assert token_id is not None
    revoked = owner.post(f"/account/tokens/{token_id.group(1)}/revoke")
    assert revoked.status_code == 303

    assert script.get("/account").status_code == 303  # back to the sign-in page
    assert script.get("/cities/kaohsiung/inventories/2020", follow_redirects=False).status_code == 303
    assert "Revoked on" in owner.get("/account").text


def test_a_token_needs_a_name(make_client) -> None:
    answer = make_client(EDITOR).post("/account/tokens", data={"name": "   "})

    assert answer.status_code == 422
    assert "give the token a name" in answer.text
    assert 'id="new-token"' not in answer.text


def test_nobody_revokes_another_users_token(make_client) -> None:
    plain = new_token(make_client(EDITOR))
    owner_page = make_client(EDITOR).get("/account").text
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', owner_page)
    assert token_id is not None

    answer = make_client("viewer@kaohsiung.demo").post(f"/account/tokens/{token_id.group(1)}/revoke")

    assert answer.status_code == 404
    assert make_client(headers={"Authorization": f"Bearer {plain}"}).get("/account").status_code == 200


def test_a_cross_site_form_cannot_create_a_token(make_client) -> None:
    client = make_client(EDITOR)

    answer = client.post("/account/tokens", data={"name": "evil"}, headers={"Origin": "https://evil.example"})

    assert answer.status_code == 403
    assert "evil" not in client.get("/account").text
