"""The centre's administration area as a whole (src/zerocity/web/routers/pages_admin*.py): only centre
administrators reach any of its pages or forms, its link in the header is theirs alone, and its pages are plain
forms that post (the CSRF check is global) with no inline script or style, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from tests.web.admin_web_fixtures import ADMIN_EMAIL, EDITOR_EMAIL, SLUG, VIEWER_EMAIL, AdminSite, admin_site

__all__ = ["admin_site"]  # a fixture: imported so pytest finds it


def _pages(site: AdminSite) -> list[str]:
    return [
        "/admin",
        "/admin/cities",
        "/admin/cities/new",
        f"/admin/cities/{SLUG}",
        "/admin/accounts",
        "/admin/accounts/new",
        f"/admin/accounts/{site.viewer_id}",
    ]


def _forms(site: AdminSite) -> list[tuple[str, dict[str, str]]]:
    """Every form of the area, each with data that an administrator's request would save."""
    account = f"/admin/accounts/{site.viewer_id}"
    profile = {"name_zh": "高雄市", "name_en": "Kaohsiung City", "country": "TW", "version": "1"}
    return [
        ("/admin/cities/new", {"slug": "hualien", "name_zh": "花蓮縣", "name_en": "Hualien", "country": "TW"}),
        (f"/admin/cities/{SLUG}", profile),
        (f"/admin/cities/{SLUG}/stats", {"year": "2020", "population": "2765932", "source": "MOI"}),
        (f"/admin/cities/{SLUG}/stats/2020/delete", {}),
        ("/admin/accounts/new", {"email": "intruder@example.org", "is_admin": "1"}),
        (f"{account}/roles", {"city": SLUG, "role": "editor"}),
        (f"{account}/roles/{SLUG}/revoke", {}),
        (f"{account}/admin", {"admin": "1"}),
        (f"{account}/active", {"active": "0"}),
        (f"{account}/password", {}),
    ]


@pytest.mark.parametrize("email", [EDITOR_EMAIL, VIEWER_EMAIL, None], ids=["editor", "viewer", "public"])
def test_every_administration_page_and_form_refuses_everyone_but_centre_administrators(
    admin_site: AdminSite, email: str | None
) -> None:
    client = admin_site.client(email)
    before, viewer_hash = admin_site.counts(), admin_site.user(VIEWER_EMAIL).password_hash
    for path in _pages(admin_site):
        answer = client.get(path)
        if email:
            assert answer.status_code == 403, path
            assert "You do not have permission to do this" in answer.text
        else:  # the public is sent to sign in, as on every other signed-in page
            assert (answer.status_code, answer.headers["location"]) == (303, f"/login?next={path}"), path
    for path, data in _forms(admin_site):
        answer = client.post(path, data=data)
        assert answer.status_code == (403 if email else 303), path
    assert admin_site.counts() == before
    viewer = admin_site.user(VIEWER_EMAIL)
    assert (viewer.is_admin, viewer.active, viewer.password_hash) == (False, True, viewer_hash)
    assert admin_site.roles(admin_site.viewer_id) == {SLUG: "viewer"}


def test_the_header_links_the_administration_for_centre_administrators_only(admin_site: AdminSite) -> None:
    link = re.compile(r'<a href="/admin"[^>]*>Administration</a>')
    assert link.search(admin_site.client(ADMIN_EMAIL).get("/").text)
    for email in (EDITOR_EMAIL, VIEWER_EMAIL, None):
        assert not link.search(admin_site.client(email).get("/").text)


def test_the_overview_counts_cities_and_accounts_in_traditional_chinese(admin_site: AdminSite) -> None:
    page = admin_site.client(ADMIN_EMAIL, locale="zh_Hant").get("/admin")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "<h1>系統管理</h1>" in page.text
    assert 'aria-current="page">系統管理</a>' in page.text  # the header marks where the reader is
    assert "中心管理員：1 位。已停用帳號：0 個。" in page.text


def test_every_administration_form_posts_and_no_page_has_inline_script_or_style(admin_site: AdminSite) -> None:
    client = admin_site.client(ADMIN_EMAIL)
    actions = set()
    for path in _pages(admin_site):
        html = client.get(path).text
        main = html.split('<main id="main"', 1)[1]
        for form in re.findall(r"<form\b[^>]*>", main):
            assert 'method="post"' in form, (path, form)
            actions.add(re.sub(r'.*action="([^"]+)".*', r"\1", form))
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html), path
    expected = {path for path, _ in _forms(admin_site) if "/stats/" not in path}  # the world has no figures yet
    assert actions == expected


def test_a_form_posted_from_another_site_is_refused_and_saves_nothing(admin_site: AdminSite) -> None:
    client = admin_site.client(ADMIN_EMAIL)
    before = admin_site.counts()
    answer = client.post(
        "/admin/accounts/new", data={"email": "planted@example.org"}, headers={"Origin": "https://evil.example"}
    )
    assert answer.status_code == 403
    assert admin_site.counts() == before
