"""The centre's account pages (src/zerocity/web/routers/pages_admin_accounts.py): new accounts with a password
shown once, roles given and taken away, administrator rights, disabling and password resets, each audited, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import select
from tests.web.admin_web_fixtures import (
    ADMIN_EMAIL,
    EDITOR_EMAIL,
    PASSWORD,
    SLUG,
    VIEWER_EMAIL,
    YEAR,
    AdminSite,
    admin_site,
    shown_password,
    sign_in,
)

from zerocity.store.models import ActivityRecord, AuditEntry

__all__ = ["admin_site"]  # a fixture: imported so pytest finds it

NEW_EDITOR = "lin@hualien.example.org"


def _account_audit(site: AdminSite, user_id: int) -> list[tuple[str, str, str, str | None, str | None, int | None]]:
    with site.db.read() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity.in_(("user", "membership"))).order_by(AuditEntry.id)
        )
        return [
            (e.entity, e.action, e.field, e.old_value, e.new_value, e.user_id)
            for e in entries
            if e.entity_id.split(":")[0] == str(user_id)
        ]


def _create(site: AdminSite, **fields: str) -> tuple[int, str]:
    """Creates an account through the form; its id and the password the page showed."""
    answer = site.client(ADMIN_EMAIL).post("/admin/accounts/new", data={"email": NEW_EDITOR, **fields})
    assert answer.status_code == 201, answer.text
    return site.user(NEW_EDITOR).id, shown_password(answer.text)


def test_a_new_account_signs_in_with_the_password_shown_once(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    answer = admin.post("/admin/accounts/new", data={"email": " Lin@Hualien.example.org ", "display_name": "林小姐"})
    assert answer.status_code == 201
    assert answer.headers["cache-control"] == "no-store"
    assert "It is shown only this once" in answer.text
    password = shown_password(answer.text)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)

    newcomer = admin_site.client()
    assert sign_in(newcomer, NEW_EDITOR, password).status_code == 303
    assert "林小姐" in newcomer.get("/account").text
    user = admin_site.user(NEW_EDITOR)
    assert (user.is_admin, user.active, user.locale) == (False, True, "zh_Hant")
    assert password not in user.password_hash and password not in admin.get(f"/admin/accounts/{user.id}").text
    assert password not in admin.get("/admin/accounts").text
    assert _account_audit(admin_site, user.id) == [
        ("user", "create", "", None, '{"email": "lin@hualien.example.org"}', admin_site.admin_id)
    ]


def test_a_new_account_can_get_a_city_role_in_the_same_form(admin_site: AdminSite) -> None:
    user_id, _ = _create(admin_site, city=SLUG, role="viewer")
    assert admin_site.roles(user_id) == {SLUG: "viewer"}
    page = admin_site.client(ADMIN_EMAIL).get("/admin/accounts").text
    assert re.search(r"lin@hualien\.example\.org</a>.*?Kaohsiung: Viewer", page, re.S)


def test_a_new_account_form_with_mistakes_comes_back_with_the_reason(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    before = admin_site.counts()
    duplicate = admin.post("/admin/accounts/new", data={"email": EDITOR_EMAIL.upper(), "display_name": "Again"})
    assert duplicate.status_code == 409 and "an account with this e-mail exists" in duplicate.text
    assert 'value="Again"' in duplicate.text
    bad = admin.post("/admin/accounts/new", data={"email": "not an address"})
    assert bad.status_code == 422 and "Give an e-mail address" in bad.text
    no_role = admin.post("/admin/accounts/new", data={"email": NEW_EDITOR, "city": SLUG, "role": "owner"})
    assert no_role.status_code == 422 and "Choose a role for the city" in no_role.text
    assert 'id="one-time-password"' not in duplicate.text + bad.text + no_role.text
    assert admin_site.counts() == before


def test_an_editor_role_lets_the_account_edit_the_draft_and_taking_it_away_stops_it(admin_site: AdminSite) -> None:
    user_id, password = _create(admin_site)
    newcomer = admin_site.client(NEW_EDITOR, password=password)
    draft = f"/cities/{SLUG}/inventories/{YEAR}"
    # Without a role the draft does not exist for them (404, no leak), let alone take their changes.
    assert newcomer.get(draft).status_code == 404
    assert newcomer.post(f"/records/{admin_site.record_id}", data=admin_site.record_form()).status_code == 404

    admin = admin_site.client(ADMIN_EMAIL)
    granted = admin.post(f"/admin/accounts/{user_id}/roles", data={"city": SLUG, "role": "editor"})
    assert (granted.status_code, granted.headers["location"]) == (303, f"/admin/accounts/{user_id}")
    assert admin_site.roles(user_id) == {SLUG: "editor"}
    saved = newcomer.post(f"/records/{admin_site.record_id}", data=admin_site.record_form(activity_value="120"))
    assert saved.status_code == 303 and saved.headers["location"].startswith(draft)
    assert newcomer.get(draft).status_code == 200

    as_viewer = admin.post(f"/admin/accounts/{user_id}/roles", data={"city": SLUG, "role": "viewer"})
    assert as_viewer.status_code == 303 and admin_site.roles(user_id) == {SLUG: "viewer"}
    read_only = newcomer.post(f"/records/{admin_site.record_id}", data=admin_site.record_form(activity_value="999"))
    assert read_only.status_code == 403 and newcomer.get(draft).status_code == 200

    revoked = admin.post(f"/admin/accounts/{user_id}/roles/{SLUG}/revoke")
    assert revoked.status_code == 303 and admin_site.roles(user_id) == {}
    refused = newcomer.post(f"/records/{admin_site.record_id}", data=admin_site.record_form(activity_value="999"))
    assert refused.status_code == 404 and newcomer.get(draft).status_code == 404
    with admin_site.db.read() as session:
        record = session.get(ActivityRecord, admin_site.record_id)
        assert record is not None and record.cells["activity_value"] == "120"
    assert [entry[:5] for entry in _account_audit(admin_site, user_id)[1:]] == [
        ("membership", "grant", "", None, "editor"),
        ("membership", "grant", "", "editor", "viewer"),
        ("membership", "revoke", "", "viewer", None),
    ]


def test_a_password_reset_ends_every_session_and_only_the_new_password_works(admin_site: AdminSite) -> None:
    editor = admin_site.client(EDITOR_EMAIL)
    assert editor.get("/account").status_code == 200
    admin = admin_site.client(ADMIN_EMAIL)

    answer = admin.post(f"/admin/accounts/{admin_site.editor_id}/password")

    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert "every session it had is ended" in answer.text
    password = shown_password(answer.text)
    assert editor.get("/account").headers["location"] == "/login?next=/account"
    assert sign_in(admin_site.client(), EDITOR_EMAIL, PASSWORD).status_code == 401
    assert sign_in(admin_site.client(), EDITOR_EMAIL, password).status_code == 303
    assert admin.get("/admin").status_code == 200  # the administrator's own session is untouched
    assert _account_audit(admin_site, admin_site.editor_id) == [
        ("user", "reset_password", "", None, None, admin_site.admin_id)
    ]


def test_an_administrator_cannot_remove_their_own_rights_or_disable_themselves(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    own = f"/admin/accounts/{admin_site.admin_id}"
    page = admin.get(own).text
    assert "you cannot remove your own administrator rights or disable it" in page
    assert 'name="admin" value="0"' not in page and 'name="active" value="0"' not in page

    demoted = admin.post(f"{own}/admin", data={"admin": "0"})
    assert demoted.status_code == 403
    assert "you cannot remove your own administrator rights; ask another administrator" in demoted.text
    disabled = admin.post(f"{own}/active", data={"active": "0"})
    assert disabled.status_code == 403 and "you cannot disable your own account" in disabled.text

    me = admin_site.user(ADMIN_EMAIL)
    assert (me.is_admin, me.active) == (True, True)
    assert admin.get("/admin").status_code == 200
    assert _account_audit(admin_site, admin_site.admin_id) == []


def test_self_demotion_is_refused_in_traditional_chinese(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL, locale="zh_Hant")
    demoted = admin.post(f"/admin/accounts/{admin_site.admin_id}/admin", data={"admin": "0"})
    assert demoted.status_code == 403 and "您不能移除自己的管理員權限" in demoted.text


def test_another_account_is_made_administrator_and_back_with_audit_entries(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    viewer = admin_site.client(VIEWER_EMAIL)
    assert viewer.get("/admin").status_code == 403
    assert admin.post(f"/admin/accounts/{admin_site.viewer_id}/admin", data={"admin": "1"}).status_code == 303
    assert viewer.get("/admin").status_code == 200  # the next request already sees the new rights
    assert admin.post(f"/admin/accounts/{admin_site.viewer_id}/admin", data={"admin": "0"}).status_code == 303
    assert viewer.get("/admin").status_code == 403
    assert [entry[2:5] for entry in _account_audit(admin_site, admin_site.viewer_id)] == [
        ("is_admin", "false", "true"),
        ("is_admin", "true", "false"),
    ]


def test_a_disabled_account_is_signed_out_cannot_sign_in_and_gets_its_roles_back_when_enabled(
    admin_site: AdminSite,
) -> None:
    editor = admin_site.client(EDITOR_EMAIL)
    admin = admin_site.client(ADMIN_EMAIL)
    disabled = admin.post(f"/admin/accounts/{admin_site.editor_id}/active", data={"active": "0"})
    assert disabled.status_code == 303
    assert "The account is disabled and signed out everywhere." in admin.get(disabled.headers["location"]).text
    assert editor.get("/account").status_code == 303
    assert sign_in(admin_site.client(), EDITOR_EMAIL, PASSWORD).status_code == 401
    listing = admin.get("/admin/accounts").text
    assert re.search(rf"{re.escape(EDITOR_EMAIL)}</a>.*?Disabled", listing, re.S)

    assert admin.post(f"/admin/accounts/{admin_site.editor_id}/active", data={"active": "1"}).status_code == 303
    again = admin_site.client(EDITOR_EMAIL)
    assert again.post(f"/records/{admin_site.record_id}", data=admin_site.record_form()).status_code == 303
    assert [entry[2:5] for entry in _account_audit(admin_site, admin_site.editor_id)] == [
        ("active", "true", "false"),
        ("active", "false", "true"),
    ]


def test_the_account_list_shows_roles_administrators_and_the_last_sign_in(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)  # signing in records the time
    listing = admin.get("/admin/accounts").text
    rows = {email: row for row in listing.split("<tr>")[2:] for email in re.findall(r">([^<>]+@[^<>]+)</a>", row)}
    assert set(rows) == {ADMIN_EMAIL, EDITOR_EMAIL, VIEWER_EMAIL}
    assert "Kaohsiung: Editor" in rows[EDITOR_EMAIL] and "Kaohsiung: Viewer" in rows[VIEWER_EMAIL]
    assert "<td>Yes</td>" in rows[ADMIN_EMAIL] and "<td>No</td>" in rows[EDITOR_EMAIL]
    assert "Never" in rows[VIEWER_EMAIL] and "Never" not in rows[ADMIN_EMAIL]
    assert all("Active" in row for row in rows.values())


def test_choosing_no_city_or_an_unknown_account_is_answered_clearly(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    missing = admin.post(f"/admin/accounts/{admin_site.viewer_id}/roles", data={"city": "", "role": "editor"})
    assert missing.status_code == 422 and "Choose a city and a role." in missing.text
    assert admin.get("/admin/accounts/999999").status_code == 404
    assert admin.post("/admin/accounts/999999/password").status_code == 404
    not_member = admin.post(f"/admin/accounts/{admin_site.admin_id}/roles/{SLUG}/revoke")
    assert not_member.status_code == 404 and "this account has no role in this city" in not_member.text
