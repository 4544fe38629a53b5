"""The centre's city pages (src/zerocity/web/routers/pages_admin_cities.py): a new member city, its profile with a
stale-form check, and its population and GDP by year, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.web.admin_web_fixtures import ADMIN_EMAIL, SLUG, AdminSite, admin_site, hidden_version

from zerocity.services import audit, cities
from zerocity.store.models import City

__all__ = ["admin_site"]  # a fixture: imported so pytest finds it

NEW_CITY = {
    "slug": "hualien",
    "name_zh": "花蓮縣",
    "name_en": "Hualien County",
    "country": "TW",
    "region": "東部 Eastern Taiwan",
    "area_km2": "4,628.57",
    "boundary": "The county's 13 townships.",
}


def _city(site: AdminSite, slug: str) -> City | None:
    with site.db.read() as session:
        return session.scalar(select(City).where(City.slug == slug))


def test_an_administrator_creates_a_city_and_it_appears_in_the_public_directory(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    assert "Short name (in the address)" in admin.get("/admin/cities/new").text
    answer = admin.post("/admin/cities/new", data=NEW_CITY)
    assert (answer.status_code, answer.headers["location"]) == (303, "/admin/cities/hualien")
    assert "The city was created." in admin.get("/admin/cities/hualien").text
    created = _city(admin_site, "hualien")
    assert created is not None
    assert (created.name_zh, created.country, created.area_km2) == ("花蓮縣", "TW", 4628.57)
    for locale, name in (("en", "Hualien County"), ("zh_Hant", "花蓮縣")):
        directory = admin_site.client(locale=locale).get("/cities").text
        assert f'<a href="/cities/hualien">{name}</a>' in directory
    assert "Hualien County" in admin.get("/admin/cities").text
    with admin_site.db.read() as session:
        entries, _ = audit.entries(session, city_id=created.id)
    assert [(e.entity, e.action, e.user_id) for e in entries] == [("city", "create", admin_site.admin_id)]


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"slug": "Hua Lien"}, 422, "Use lower-case letters, digits and hyphens"),
        ({"slug": SLUG}, 409, "a city with this short name exists"),
        ({"name_zh": "  "}, 422, "Give the name in Chinese"),
        ({"country": "Taiwan"}, 422, "Choose a country."),
        ({"area_km2": "big"}, 422, "Give the area in square kilometres as a number greater than zero"),
        ({"area_km2": "-3"}, 422, "Give the area in square kilometres as a number greater than zero"),
    ],
)
def test_a_new_city_form_with_mistakes_comes_back_with_the_reason_and_saves_nothing(
    admin_site: AdminSite, changes: dict[str, str], status: int, message: str
) -> None:
    before = admin_site.counts()
    answer = admin_site.client(ADMIN_EMAIL).post("/admin/cities/new", data=NEW_CITY | changes)
    assert answer.status_code == status and message in answer.text
    assert 'value="Hualien County"' in answer.text  # what was typed stays in the form
    assert admin_site.counts() == before


def test_a_city_profile_is_saved_and_a_stale_form_is_refused_with_a_clear_message(admin_site: AdminSite) -> None:
    first, second = admin_site.client(ADMIN_EMAIL), admin_site.client(ADMIN_EMAIL)
    version = hidden_version(first.get(f"/admin/cities/{SLUG}").text)
    assert hidden_version(second.get(f"/admin/cities/{SLUG}").text) == version
    profile = {"name_zh": "高雄市", "name_en": "Kaohsiung City", "country": "TW", "area_km2": "2951.85"}
    saved = first.post(f"/admin/cities/{SLUG}", data=profile | {"region": "南部", "version": version})
    assert (saved.status_code, saved.headers["location"]) == (303, f"/admin/cities/{SLUG}")

    stale = second.post(f"/admin/cities/{SLUG}", data=profile | {"region": "Other", "version": version})

    assert stale.status_code == 409
    assert "Someone else changed this city after you opened this form" in stale.text
    assert f'<a href="/admin/cities/{SLUG}">Open the current version</a>' in stale.text
    assert 'value="Other"' in stale.text  # their typing is not lost
    city = _city(admin_site, SLUG)
    assert city is not None and (city.name_en, city.region, city.version) == ("Kaohsiung City", "南部", 2)


def test_a_stale_form_is_explained_in_traditional_chinese(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL, locale="zh_Hant")
    profile = {"name_zh": "高雄市", "name_en": "Kaohsiung", "country": "TW", "version": "0"}
    stale = admin.post(f"/admin/cities/{SLUG}", data=profile)
    assert stale.status_code == 409 and "已有其他人修改過這個城市" in stale.text


def test_population_and_gdp_are_saved_by_year_with_their_source_shown_and_removed(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    figures = {"year": "2020", "population": "2,765,932", "gdp": "1,234.5", "gdp_unit": "billion TWD",
               "source": "MOI household registration, Dec 2020"}  # fmt: skip
    answer = admin.post(f"/admin/cities/{SLUG}/stats", data=figures)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/admin/cities/{SLUG}#figures")
    page = admin.get(f"/admin/cities/{SLUG}").text
    assert "2,765,932" in page and "MOI household registration, Dec 2020" in page and "billion TWD" in page
    with admin_site.db.read() as session:
        stat = cities.city_view(session, SLUG).stats[2020]
    assert (stat.population, stat.gdp) == (2_765_932, 1234.5)

    replaced = admin.post(f"/admin/cities/{SLUG}/stats", data=figures | {"population": "2765000"})
    assert replaced.status_code == 303
    removed = admin.post(f"/admin/cities/{SLUG}/stats/2020/delete")
    assert removed.status_code == 303
    assert "No figures yet." in admin.get(f"/admin/cities/{SLUG}").text
    with admin_site.db.read() as session:
        assert cities.city_view(session, SLUG).stats == {}
        entries, _ = audit.entries(session, city_id=admin_site.city_id)
    assert [e.action for e in reversed(entries) if e.entity == "city_stat"] == ["set", "set", "delete"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": " "}, "Say where the figures come from"),
        ({"year": "20"}, "Enter a year between 1900 and 2100."),
        ({"population": "about three million"}, "Give the population as a number"),
        ({"population": "-5"}, "Give the population as a number"),
        ({"gdp": "NaN"}, "Give the GDP as a number"),
    ],
)
def test_figures_with_mistakes_come_back_with_the_reason_and_save_nothing(
    admin_site: AdminSite, changes: dict[str, str], message: str
) -> None:
    figures = {"year": "2020", "population": "2765932", "source": "MOI"}
    answer = admin_site.client(ADMIN_EMAIL).post(f"/admin/cities/{SLUG}/stats", data=figures | changes)
    assert answer.status_code == 422 and message in answer.text
    with admin_site.db.read() as session:
        assert cities.city_view(session, SLUG).stats == {}


def test_html_in_a_city_name_is_shown_as_text_everywhere(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    markup = '<script>alert("x")</script><b>Hualien</b>'
    answer = admin.post("/admin/cities/new", data=NEW_CITY | {"name_en": markup, "name_zh": markup})
    assert answer.status_code == 303
    pages = [admin.get(path).text for path in ("/admin/cities", "/admin/cities/hualien", "/admin/accounts/new")]
    pages += [admin_site.client(locale=locale).get("/cities").text for locale in ("en", "zh_Hant")]
    for html in pages:
        assert "&lt;script&gt;alert(" in html
        assert "<script>alert" not in html and "<b>Hualien</b>" not in html


def test_an_unknown_city_is_not_found(admin_site: AdminSite) -> None:
    admin = admin_site.client(ADMIN_EMAIL)
    assert admin.get("/admin/cities/atlantis").status_code == 404
    assert admin.post("/admin/cities/atlantis/stats/2020/delete").status_code == 404
