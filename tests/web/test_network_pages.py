"""The member network pages (src/zerocity/web/routers/pages_network.py, templates/network): directory, comparisons,
"cities like mine" and the public city profile, against the real app on a copy of the demo database.

The demo's 2020 inventories are drafts, newer than the published 2019 ones: they must never show here, whether the
reader is the public, the city's own editor or another city's editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from zerocity.services import cities, demo, imports, inventories
from zerocity.services.actor import Actor
from zerocity.store.db import Database
from zerocity.store.models import City, Inventory
from zerocity.web.i18n import format_tonnes

ClientFactory = Callable[..., TestClient]
READERS = [None, "editor@kaohsiung.demo", "editor@tainan.demo", "admin@zerocity.demo"]


def _basic(db: Database, slug: str, year: int) -> float:
    with db.read() as session:
        inventory = session.scalar(
            select(Inventory).join(City, City.id == Inventory.city_id).where(City.slug == slug, Inventory.year == year)
        )
        assert inventory is not None and inventory.summary is not None
        return float(inventory.summary["basic_tco2e"])


def _texts(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("email", READERS)
def test_the_directory_shows_every_city_with_its_latest_published_figures_and_no_draft(
    db: Database, make_client: ClientFactory, email: str | None
) -> None:
    response = make_client(email).get("/network")

    assert response.status_code == 200
    for name in ("Kaohsiung (demo)", "Tainan (demo)", "Taichung (demo)", "Pingtung County (demo)"):
        assert name in response.text
    assert format_tonnes(_basic(db, "kaohsiung", 2019), "en") in response.text
    assert format_tonnes(_basic(db, "kaohsiung", 2020), "en") not in response.text
    assert "2020" not in _texts(response.text)


def test_the_directory_speaks_traditional_chinese_by_default(make_client: ClientFactory) -> None:
    response = make_client(locale="zh_Hant").get("/network")

    assert '<html lang="zh-Hant-TW">' in response.text
    assert "會員城市網絡" in response.text and "高雄市（示範）" in response.text
    assert "4 個會員城市" in response.text


def test_the_directory_filters_by_region_and_sorts_by_a_column(make_client: ClientFactory) -> None:
    client = make_client()
    central = client.get("/network", params={"region": "中部 Central Taiwan"})
    by_per_capita = client.get("/network", params={"sort": "per_capita", "order": "desc"})

    assert "Taichung (demo)" in central.text and "Kaohsiung (demo)" not in central.text
    names = re.findall(r'href="/cities/([a-z-]+)/profile"', by_per_capita.text)
    assert names[0] == "kaohsiung"  # the highest BASIC per person in the demo
    assert 'aria-sort="descending"' in by_per_capita.text


def test_an_unknown_sort_is_a_clear_error_not_a_crash(make_client: ClientFactory) -> None:
    response = make_client().get("/network", params={"sort": "secret"})

    assert response.status_code == 400
    assert "Traceback" not in response.text


@pytest.mark.parametrize("email", READERS)
def test_a_comparison_prints_its_basis_and_shows_only_published_years(
    db: Database, make_client: ClientFactory, email: str | None
) -> None:
    response = make_client(email).get("/network/compare", params={"metric": "total"})

    assert response.status_code == 200
    assert "Basis: BASIC, AR5 GWP100, the latest published year of each city" in response.text
    assert format_tonnes(_basic(db, "tainan", 2019), "en") in response.text
    assert format_tonnes(_basic(db, "tainan", 2020), "en") not in response.text
    assert "<svg" in response.text


def test_per_gdp_names_the_unit_and_lists_the_city_without_gdp_with_its_reason(make_client: ClientFactory) -> None:
    response = make_client().get("/network/compare", params={"metric": "per_gdp"})
    text = _texts(response.text)

    assert "GDP unit compared: billion TWD" in text
    assert "Not compared" in text
    assert "Pingtung County (demo) : no GDP is recorded for 2019" in text


def test_a_basic_plus_comparison_excludes_the_demo_cities_naming_the_missing_sources(
    make_client: ClientFactory,
) -> None:
    response = make_client().get("/network/compare", params={"metric": "total", "level": "BASIC+"})
    text = _texts(response.text)

    assert "No city fits this basis." in text
    assert text.count("does not cover BASIC+ in full") == 4
    assert "V.3" in text


def test_a_comparison_of_chosen_cities_shows_their_sector_shares_and_trend(make_client: ClientFactory) -> None:
    client = make_client()
    shares = client.get("/network/compare", params={"metric": "sector_shares", "cities": ["kaohsiung", "tainan"]})
    trend = client.get("/network/compare", params={"metric": "trend", "cities": "kaohsiung,tainan"})

    assert "Taichung (demo)</a></th>" not in shares.text
    assert "Stationary energy" in shares.text and "%" in shares.text
    assert "checked" in shares.text
    assert "Trend: from each city's base year" in trend.text.replace("&#39;", "'")
    assert "2017" in _texts(trend.text)


def test_the_comparison_page_is_translated(make_client: ClientFactory) -> None:
    response = make_client(locale="zh_Hant").get("/network/compare", params={"metric": "per_gdp"})

    assert "比較基準：BASIC、AR5 GWP100" in response.text
    assert "屏東縣（示範）" in response.text and "2019 年沒有 GDP 資料" in response.text


@pytest.mark.parametrize(
    "params", [{"gwp": "AR9"}, {"metric": "happiness"}, {"level": "BASIC++"}, {"cities": "atlantis"}]
)
def test_a_comparison_that_cannot_be_made_says_so(make_client: ClientFactory, params: dict[str, str]) -> None:
    response = make_client().get("/network/compare", params=params)

    assert response.status_code in (400, 404)
    assert "Traceback" not in response.text


def test_cities_like_kaohsiung_say_why_and_list_their_cases(make_client: ClientFactory) -> None:
    response = make_client().get("/cities/kaohsiung/peers")
    text = _texts(response.text)

    assert response.status_code == 200
    assert re.findall(r'<h2 class="card__title"><a href="/cities/([a-z]+)/profile"', response.text)[0] == "tainan"
    assert "Climate: Aw (group A, tropical), same main group" in text
    assert "Who has solved this" in text
    assert 'href="/cities/kaohsiung/profile"' in response.text


def test_cities_like_mine_can_include_emissions_and_speak_chinese(make_client: ClientFactory) -> None:
    english = make_client().get("/cities/kaohsiung/peers", params={"emissions": "true"})
    chinese = make_client(locale="zh_Hant").get("/cities/kaohsiung/peers")

    assert "Emissions per person:" in english.text and "checked" in english.text
    assert "與高雄市（示範）相似的城市" in chinese.text and "相似原因" in chinese.text


@pytest.mark.parametrize("email", READERS)
def test_the_public_profile_shows_the_latest_published_inventory_never_the_draft(
    db: Database, make_client: ClientFactory, email: str | None
) -> None:
    response = make_client(email).get("/cities/kaohsiung/profile")

    assert response.status_code == 200
    assert "Inventory 2019" in response.text
    assert format_tonnes(_basic(db, "kaohsiung", 2019), "en") in response.text
    assert format_tonnes(_basic(db, "kaohsiung", 2020), "en") not in response.text


def test_the_public_profile_can_be_shared_and_printed(make_client: ClientFactory) -> None:
    response = make_client().get("/cities/kaohsiung/profile")
    html = response.text

    assert '<meta property="og:title" content="Kaohsiung (demo) · Climate profile">' in html
    assert re.search(r'<meta property="og:description" content="Kaohsiung \(demo\) emitted [\d,]+ t CO₂e in 2019', html)
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="og:url" content="http://testserver/cities/kaohsiung/profile">' in html
    assert '<link rel="stylesheet" href="/static/network.css">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "Since its base year 2017" in html


def test_the_public_profile_speaks_chinese(make_client: ClientFactory) -> None:
    response = make_client(locale="zh_Hant").get("/cities/tainan/profile")

    assert '<meta property="og:title" content="臺南市（示範） · 氣候行動概況">' in response.text
    assert "最新公開盤查" in response.text and "城市概況" in response.text


def test_the_print_stylesheet_keeps_the_profile_readable(make_client: ClientFactory) -> None:
    css = make_client().get("/static/network.css").text

    assert "@media print" in css and ".network-profile__url { display: block; }" in css


def test_unpublishing_an_inventory_takes_it_off_every_network_page(db: Database, make_client: ClientFactory) -> None:
    with db.write() as session:
        inventories.change_status(session, Actor.system(), "kaohsiung", 2019, "unpublish")
    client = make_client("editor@kaohsiung.demo")

    for url in ("/network", "/cities/kaohsiung/profile", "/network/compare?metric=total"):
        response = client.get(url)
        assert format_tonnes(_basic(db, "kaohsiung", 2019), "en") not in response.text, url
        assert format_tonnes(_basic(db, "kaohsiung", 2018), "en") in response.text, url


def test_a_city_that_has_published_nothing_says_so(db: Database, make_client: ClientFactory) -> None:
    with db.write() as session:
        cities.create_city(session, Actor.system(), cities.NewCity(slug="hualien", name_zh="花蓮縣", name_en="Hualien",
                                                                   country="TW"))  # fmt: skip
    client = make_client()

    assert "No published inventory yet" in client.get("/network").text
    assert "This city has not published an inventory yet." in client.get("/cities/hualien/profile").text
    assert "has not published an inventory yet" in client.get("/network/compare").text


def test_an_unknown_city_has_no_profile_or_peers(make_client: ClientFactory) -> None:
    client = make_client()
    assert client.get("/cities/atlantis/profile").status_code == 404
    assert client.get("/cities/atlantis/peers").status_code == 404


def test_names_with_markup_are_escaped_on_every_network_page(db: Database, make_client: ClientFactory) -> None:
    name = "<script>alert(1)</script>"
    system = Actor.system()
    with db.write() as session:
        cities.create_city(session, system, cities.NewCity(slug="xss", name_zh=name, name_en=name, country="TW",
                                                           region=name))  # fmt: skip
        cities.set_stat(session, system, "xss", cities.StatFields(year=2019, population=1000.0, source=name))
        inventories.create_inventory(session, system, "xss", inventories.InventoryFields(year=2019))
        imports.import_file(session, system, "xss", 2019, "xss.csv", demo.demo_activity_file(0.1, name))
        for action in ("submit", "approve", "publish"):
            inventories.change_status(session, system, "xss", 2019, action)
    client = make_client()

    for url in ("/network", "/network/compare", "/cities/xss/profile", "/cities/xss/peers", "/cities/kaohsiung/peers"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert name not in response.text, url
        assert str(escape(name)) in response.text, url
