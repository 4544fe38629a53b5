"""The account page: profile, city roles and API tokens (shown once, usable as a bearer token, revocable), and
changing one's own password."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from zerocity.services.demo import DEMO_PASSWORD
from zerocity.web.deps import SESSION_COOKIE

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


# -- changing one's own password ------------------------------------------------------------------------------------
NEW_PASSWORD = "tide lantern orchard 42"


def change(
    client: TestClient, current: str = DEMO_PASSWORD, new: str = NEW_PASSWORD, again: str | None = None
) -> httpx.Response:
    fields = {"current_password": current, "new_password": new, "new_password_again": new if again is None else again}
    return client.post("/account/password", data=fields)


def signs_in(make_client: Callable[..., TestClient], password: str, email: str = EDITOR) -> bool:
    answer = make_client().post("/login", data={"email": email, "password": password, "next": "/"})
    assert answer.status_code in (303, 401), answer.text
    return answer.status_code == 303


def test_a_visitor_is_sent_to_sign_in_before_changing_a_password(make_client) -> None:
    visitor = make_client()

    assert visitor.get("/account/password").headers["location"] == "/login?next=/account/password"
    answer = change(visitor)

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    assert signs_in(make_client, DEMO_PASSWORD)


def test_the_password_form_asks_for_the_current_password_and_the_new_one_twice(make_client) -> None:
    answer = make_client(EDITOR).get("/account/password")

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert re.search(r'name="current_password"[^>]*autocomplete="current-password"', answer.text)
    assert len(re.findall(r'name="new_password(_again)?"[^>]*autocomplete="new-password"', answer.text)) == 2
    assert 'action="/account/password"' in answer.text
    assert "<script>" not in answer.text and "style=" not in answer.text
    assert 'href="/account/password"' in make_client(EDITOR).get("/account").text


def test_changing_the_password_keeps_this_browser_signed_in_and_signs_out_every_other(make_client) -> None:
    here = make_client(EDITOR)
    elsewhere = make_client(EDITOR)
    old_cookie = here.cookies.get(SESSION_COOKIE)

    answer = change(here)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/account"
    assert here.cookies.get(SESSION_COOKIE) not in (None, old_cookie)
    account = here.get("/account")
    assert account.status_code == 200
    assert "Your password is changed" in account.text
    assert elsewhere.get("/account").status_code == 303  # signed out: sent to the sign-in page
    stolen = make_client()  # the old cookie no longer signs anyone in, whoever holds it
    stolen.cookies.set(SESSION_COOKIE, old_cookie or "")
    assert stolen.get("/account").status_code == 303
    assert not signs_in(make_client, DEMO_PASSWORD)
    assert signs_in(make_client, NEW_PASSWORD)


def test_the_new_session_cookie_is_set_exactly_as_signing_in_sets_it(make_client) -> None:
    client = make_client()
    signed_in = client.post("/login", data={"email": EDITOR, "password": DEMO_PASSWORD, "next": "/"})
    changed = change(client)

    def attributes(response: httpx.Response) -> list[str]:
        cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v)
        return sorted(part.strip().lower() for part in cookie.split(";")[1:])

    assert changed.status_code == 303
    assert attributes(changed) == attributes(signed_in)
    assert "httponly" in attributes(changed) and "samesite=lax" in attributes(changed)


def test_a_wrong_current_password_is_refused_and_counted_until_the_sixth_attempt_is_turned_away(make_client) -> None:
    client = make_client(EDITOR)

    for attempt in range(5):
        answer = change(client, current=f"guess number {attempt}")
        assert answer.status_code == 422, attempt
        assert "This is not your current password." in answer.text
    sixth = change(client)  # even the right password: the account must wait

    assert sixth.status_code == 429
    assert "Too many attempts; wait a minute and try again." in sixth.text
    # The same limiter guards signing in to this account from this address.
    login = client.post("/login", data={"email": EDITOR, "password": DEMO_PASSWORD, "next": "/"})
    assert login.status_code == 429
    assert client.get("/account").status_code == 200  # nothing changed: still signed in
    assert signs_in(make_client, DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "field", "message"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again", "The two new passwords differ"),
        ("too short", "too short", "new_password", "The new password needs at least 10 characters."),
        (DEMO_PASSWORD, DEMO_PASSWORD, "new_password", "The new password must differ from the current one."),
        ("x" * 1001, "x" * 1001, "new_password", "The new password can have at most 1000 characters."),
        (EDITOR.upper(), EDITOR.upper(), "new_password", "The new password must not be your e-mail address."),
    ],
)
def test_a_mismatched_short_long_or_unchanged_new_password_is_refused_and_not_counted(
    make_client, new: str, again: str, field: str, message: str
) -> None:
    client = make_client(EDITOR)

    for _ in range(6):  # none of these checked the current password, so none counts against the limit
        answer = change(client, new=new, again=again)
        assert answer.status_code == 422
    assert message in answer.text
    assert re.search(rf'id="field-{field}-error">[^<]*{re.escape(message)}', answer.text)
    assert NEW_PASSWORD not in answer.text and DEMO_PASSWORD not in answer.text  # passwords are never echoed
    assert client.get("/account").status_code == 200
    assert signs_in(make_client, DEMO_PASSWORD)


def test_the_error_is_translated_into_traditional_chinese(make_client) -> None:
    answer = change(make_client(EDITOR, locale="zh_Hant"), current="not my password")

    assert answer.status_code == 422
    assert "This is not your current password." not in answer.text
    assert "目前的密碼不正確" in answer.text


def test_an_api_token_cannot_change_the_password(make_client) -> None:
    plain = new_token(make_client(EDITOR))
    script = make_client(headers={"Authorization": f"Bearer {plain}"})

    assert script.get("/account/password").status_code == 403
    answer = change(script)

    assert answer.status_code == 403
    assert signs_in(make_client, DEMO_PASSWORD)


def test_a_cross_site_form_cannot_change_the_password(make_client) -> None:
    client = make_client(EDITOR)

    answer = client.post(
        "/account/password",
        data={"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        headers={"Origin": "https://evil.example"},
    )

    assert answer.status_code == 403
    assert client.get("/account").status_code == 200
    assert signs_in(make_client, DEMO_PASSWORD)
    assert not signs_in(make_client, NEW_PASSWORD)
