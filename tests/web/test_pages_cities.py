"""The public and analysis pages of the cities: home, directory, dashboard and GPC report
(src/zerocity/web/routers/pages_cities.py and its templates), against the real app on a SQLite demo database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.gpc import gpc_catalogue
from zerocity.services import cities, demo, imports, inventories
from zerocity.services.accounts import actor_for
from zerocity.services.actor import Actor
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.models import City, CityStat, Inventory, User
from zerocity.web.app import create_app
from zerocity.web.i18n import format_number, format_tonnes
from zerocity.web.issue_text import translate_reason
from zerocity.web.routers.pages_cities import SECTOR_NAMES, SUBSECTOR_NAMES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "zerocity"
CATALOGUE = PACKAGE / "locale" / "zh_Hant" / "LC_MESSAGES" / "messages.po"
ORIGIN = {"Origin": "http://testserver"}
DEMO_NAMES_ZH = ("高雄市（示範）", "臺南市（示範）", "臺中市（示範）", "屏東縣（示範）")
DEMO_NAMES_EN = ("Kaohsiung (demo)", "Tainan (demo)", "Taichung (demo)", "Pingtung County (demo)")
MARKUP_NAME = "<script>alert(1)</script>"


def _app(data_dir: Path, *, with_demo: bool) -> tuple[TestClient, Database]:
    url = f"sqlite:///{data_dir / 'zerocity.sqlite3'}"
    upgrade(url)
    db = Database(url)
    if with_demo:
        demo.load_demo(db)
    return TestClient(create_app(Settings(data_dir=data_dir), db=db)), db


def _add_city(db: Database, slug: str, name: str, *, population: float | None, inventory: bool = True) -> None:
    """A city (every text field ``name``) with a published 2019 inventory from the demo file, via the services."""
    system = Actor.system()
    with db.write() as session:
        fields = cities.NewCity(slug=slug, name_zh=name, name_en=name, country="TW", region=name, boundary=name)
        cities.create_city(session, system, fields)
        cities.set_stat(session, system, slug, cities.StatFields(year=2019, population=population, source=name))
        if not inventory:
            return
        inventories.create_inventory(session, system, slug, inventories.InventoryFields(year=2019))
        imports.import_file(session, system, slug, 2019, f"{slug}.csv", demo.demo_activity_file(0.1, name))
        for action in ("submit", "approve", "publish"):
            inventories.change_status(session, system, slug, 2019, action)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Database]]:
    """One demo database for the tests that only read (loading the demo takes a few seconds)."""
    client, db = _app(tmp_path_factory.mktemp("demo"), with_demo=True)
    yield client, db
    db.dispose()


@pytest.fixture
def db(demo_site: tuple[TestClient, Database]) -> Database:
    return demo_site[1]


@pytest.fixture
def client(demo_site: tuple[TestClient, Database]) -> Iterator[TestClient]:
    """A fresh visitor (no cookies) on the shared demo database."""
    with TestClient(demo_site[0].app) as visitor:
        yield visitor


@pytest.fixture
def own_site(tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    """A demo database of its own, for tests that change the demo's data."""
    client, database = _app(tmp_path, with_demo=True)
    yield client, database
    database.dispose()


@pytest.fixture
def bare_site(tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    """An empty database (no demo), for tests that add a city of their own."""
    client, database = _app(tmp_path, with_demo=False)
    yield client, database
    database.dispose()


def _sign_in(client: TestClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD, "next": "/"}, headers=ORIGIN)
    assert response.status_code == 200 and "zc_session" in client.cookies


def _in_english(client: TestClient) -> None:
    client.get("/lang/en?next=/")


def _summary(db: Database, slug: str, year: int) -> dict[str, object]:
    with db.read() as session:
        city = session.scalar(select(City).where(City.slug == slug))
        assert city is not None
        inventory = session.scalar(select(Inventory).where(Inventory.city_id == city.id, Inventory.year == year))
        assert inventory is not None and inventory.summary
        return dict(inventory.summary)


def _year_options(html: str) -> list[str]:
    select_element = html.split('id="field-year"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d{4})"', select_element)


# --- Directory and home --------------------------------------------------------------------------------------------


def test_the_directory_lists_the_four_demo_cities_in_chinese_by_default(client: TestClient) -> None:
    response = client.get("/cities")
    assert response.status_code == 200
    assert 'lang="zh-Hant-TW"' in response.text
    for name in DEMO_NAMES_ZH:
        assert name in response.text
    assert "Kaohsiung (demo)" not in response.text


def test_the_directory_lists_the_cities_in_english_after_switching_language(client: TestClient) -> None:
    _in_english(client)
    response = client.get("/cities")
    for name in DEMO_NAMES_EN:
        assert name in response.text
    assert "高雄市（示範）" not in response.text
    assert "Taiwan" in response.text


def test_the_directory_shows_the_latest_published_basic_total_of_each_city(client: TestClient, db: Database) -> None:
    response = client.get("/cities")
    basic = _summary(db, "tainan", 2019)["basic_tco2e"]
    assert format_tonnes(basic, "zh_Hant") in response.text
    assert "/cities/tainan" in response.text


def test_the_home_page_introduces_the_platform_and_lists_the_cities(client: TestClient) -> None:
    _in_english(client)
    response = client.get("/")
    assert response.status_code == 200
    assert "GPC standard" in response.text
    for slug in ("kaohsiung", "tainan", "taichung", "pingtung"):
        assert f'href="/cities/{slug}"' in response.text


# --- Dashboard -----------------------------------------------------------------------------------------------------


def test_a_visitor_sees_only_the_published_years_on_the_dashboard(client: TestClient) -> None:
    response = client.get("/cities/kaohsiung")
    assert response.status_code == 200
    assert _year_options(response.text) == ["2019", "2018", "2017"]
    assert 'value="2019" selected' in response.text


def test_a_visitor_asking_for_the_draft_year_finds_nothing_but_the_sign_in_page(client: TestClient) -> None:
    assert client.get("/cities/kaohsiung?year=2020").status_code == 404
    report = client.get("/cities/kaohsiung/inventories/2020/report", follow_redirects=False)
    assert report.status_code == 303
    assert report.headers["location"].startswith("/login?next=")


def test_the_editor_of_kaohsiung_sees_the_2020_draft(client: TestClient) -> None:
    _sign_in(client, "editor@kaohsiung.demo")
    response = client.get("/cities/kaohsiung")
    assert _year_options(response.text) == ["2020", "2019", "2018", "2017"]
    assert 'value="2020" selected' in response.text
    assert "badge--draft" in response.text
    assert 'href="/cities/kaohsiung/inventories/2020"' in response.text


def test_the_editor_of_kaohsiung_sees_only_published_years_of_another_city(client: TestClient) -> None:
    _sign_in(client, "editor@kaohsiung.demo")
    assert _year_options(client.get("/cities/tainan").text) == ["2019", "2018", "2017"]


def test_the_dashboard_totals_are_the_stored_summary_formatted(client: TestClient, db: Database) -> None:
    summary = _summary(db, "kaohsiung", 2018)
    response = client.get("/cities/kaohsiung?year=2018")
    for key in ("basic_tco2e", "basic_plus_tco2e", "territorial_tco2e"):
        assert format_tonnes(summary[key], "zh_Hant") in response.text


def test_the_dashboard_shows_basic_emissions_per_person(client: TestClient, db: Database) -> None:
    with db.read() as session:
        city = session.scalar(select(City).where(City.slug == "kaohsiung"))
        assert city is not None
        stat = session.get(CityStat, (city.id, 2019))
        assert stat is not None and stat.population
        population = stat.population
    per_capita = float(str(_summary(db, "kaohsiung", 2019)["basic_tco2e"])) / population
    response = client.get("/cities/kaohsiung?year=2019")
    assert format_number(per_capita, "zh_Hant", digits=2) in response.text
    assert format_number(population, "zh_Hant") in response.text


def test_the_dashboard_says_so_when_the_population_is_missing(bare_site: tuple[TestClient, Database]) -> None:
    client, db = bare_site
    _add_city(db, "nopop", "No population", population=None)
    _in_english(client)
    response = client.get("/cities/nopop")
    assert "No population figure is recorded for 2019." in response.text
    assert "no population figure for this year" in client.get("/cities").text


def test_the_dashboard_draws_three_charts_each_with_its_data_table(client: TestClient) -> None:
    html = client.get("/cities/kaohsiung").text
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', html, flags=re.S)
    assert len(figures) == 3
    for figure in figures:
        assert figure.lstrip().startswith("<svg")
        assert "<figcaption>" in figure and "<details>" in figure and "<table" in figure


def test_the_dashboard_names_the_sectors_and_the_completeness_in_english(client: TestClient, db: Database) -> None:
    _in_english(client)
    html = client.get("/cities/kaohsiung?year=2019").text
    assert "Stationary energy" in html and "Transportation" in html
    completeness = _summary(db, "kaohsiung", 2019)["completeness"]
    assert isinstance(completeness, dict)
    assert f"Of the {completeness['basic_refs']} reference numbers in BASIC" in html
    assert "AR5" in html


def test_the_dashboard_links_to_the_report_and_the_exports(client: TestClient) -> None:
    html = client.get("/cities/kaohsiung?year=2018").text
    base = "/cities/kaohsiung/inventories/2018"
    for link in ("/report", "/export/gpc.xlsx", "/export/gpc.csv", "/export/cdp.csv", "/export/activity.csv"):
        assert f'href="{base}{link}"' in html


def test_a_visitor_is_offered_the_activity_data_but_not_the_editor(client: TestClient) -> None:
    _in_english(client)
    html = client.get("/cities/kaohsiung?year=2019").text
    assert 'href="/cities/kaohsiung/inventories/2019"' in html
    assert "See the activity data" in html and "Open the inventory editor" not in html


def test_the_editor_is_offered_the_inventory_editor(client: TestClient) -> None:
    _sign_in(client, "editor@kaohsiung.demo")
    _in_english(client)
    assert "Open the inventory editor" in client.get("/cities/kaohsiung?year=2020").text


def test_a_city_without_inventories_shows_an_empty_state(bare_site: tuple[TestClient, Database]) -> None:
    client, db = bare_site
    _add_city(db, "keelung", "Keelung", population=360000.0, inventory=False)
    _in_english(client)
    response = client.get("/cities/keelung")
    assert response.status_code == 200
    assert "This city has not published an inventory yet." in response.text
    assert "<svg" not in response.text
    assert "No inventory to show yet." in client.get("/cities").text


def test_an_unknown_city_gets_a_friendly_not_found_page_in_chinese(client: TestClient) -> None:
    response = client.get("/cities/atlantis")
    assert response.status_code == 404
    assert "找不到這個城市" in response.text
    assert 'href="/"' in response.text
    assert "Traceback" not in response.text


# --- GPC report ----------------------------------------------------------------------------------------------------


def test_the_report_lists_every_reference_number_and_the_basic_total(client: TestClient, db: Database) -> None:
    response = client.get("/cities/kaohsiung/inventories/2019/report")
    assert response.status_code == 200
    rows = re.findall(r'<th scope="row">([IV]+\.\d(?:\.\d)?)</th>', response.text)
    assert rows == [ref.ref for ref in gpc_catalogue().refs]
    summary = _summary(db, "kaohsiung", 2019)
    assert format_tonnes(summary["basic_tco2e"], "zh_Hant") in response.text
    assert format_tonnes(summary["generation_I44_tco2e"], "zh_Hant") in response.text


def test_the_report_shows_each_gas_of_a_reference_number(client: TestClient, db: Database) -> None:
    by_ref = _summary(db, "kaohsiung", 2019)["by_ref"]
    assert isinstance(by_ref, dict)
    row = client.get("/cities/kaohsiung/inventories/2019/report").text.split('<th scope="row">I.1.1</th>', 1)[1]
    row = row.split("</tr>", 1)[0]
    for value in by_ref["I.1.1"]["gases_t"].values():
        assert format_tonnes(value, "zh_Hant") in row
    assert by_ref["I.1.1"]["data_quality"] in row


def test_the_report_lists_the_calculation_warnings(client: TestClient, db: Database) -> None:
    warnings = _summary(db, "kaohsiung", 2019)["warnings"]
    assert isinstance(warnings, list) and warnings
    html = client.get("/cities/kaohsiung/inventories/2019/report").text
    shown = translate_reason(str(warnings[0]), "zh_Hant")
    assert shown != str(warnings[0])  # translated, not the engine's English
    assert escape(shown).split("；")[0] in html


def test_the_report_names_who_submitted_and_approved_the_inventory(own_site: tuple[TestClient, Database]) -> None:
    client, db = own_site
    with db.write() as session:
        # The demo approves as the system actor, who has no name; take 2020 through the review with real people.
        inventories.change_status(session, _actor(session, "editor@kaohsiung.demo"), "kaohsiung", 2020, "submit")
        inventories.change_status(session, _actor(session, "admin@zerocity.demo"), "kaohsiung", 2020, "approve")
    _sign_in(client, "viewer@kaohsiung.demo")
    html = client.get("/cities/kaohsiung/inventories/2020/report").text
    assert "高雄承辦人 Kaohsiung editor" in html
    assert "中心管理員 Centre admin" in html
    assert "editor@kaohsiung.demo" not in html


def _actor(session: Session, email: str) -> Actor:
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None
    return actor_for(session, user)


# --- Escaping ------------------------------------------------------------------------------------------------------


def test_a_city_name_with_markup_is_escaped_on_every_page(bare_site: tuple[TestClient, Database]) -> None:
    client, db = bare_site
    _add_city(db, "markup", MARKUP_NAME, population=1000.0)
    for locale in ("zh_Hant", "en"):
        client.get(f"/lang/{locale}?next=/")
        for path in ("/", "/cities", "/cities/markup", "/cities/markup/inventories/2019/report"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert MARKUP_NAME not in response.text, path
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text, path


# --- Translations --------------------------------------------------------------------------------------------------


def test_every_gpc_sector_and_subsector_has_a_translatable_label() -> None:
    catalogue = gpc_catalogue()
    assert set(catalogue.sectors) <= set(SECTOR_NAMES)
    assert {ref.subsector for ref in catalogue.refs} <= set(SUBSECTOR_NAMES)


def _messages_of_these_pages() -> set[tuple[str | None, str]]:
    sources = [PACKAGE / "web" / "routers" / "pages_cities.py", PACKAGE / "web" / "routers" / "pages_factors.py"]
    templates = [PACKAGE / "web" / "templates" / "home.html"]
    templates += sorted((PACKAGE / "web" / "templates" / "cities").glob("*.html"))
    templates += sorted((PACKAGE / "web" / "templates" / "factors").glob("*.html"))
    options = {"newstyle_gettext": "true", "trimmed": "true", "silent": "false"}
    found: set[tuple[str | None, str]] = set()
    for path, method, method_options in [(p, "python", {}) for p in sources] + [
        (p, "jinja2", options) for p in templates
    ]:
        for _line, message, _comments, context in extract_from_file(method, str(path), options=method_options):
            found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def _translated(path: Path) -> dict[tuple[str | None, str], str]:
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="zh_Hant")
    out: dict[tuple[str | None, str], str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        if text:
            out[(message.context, str(message.id[0] if isinstance(message.id, tuple) else message.id))] = str(text)
    return out


def test_every_message_of_these_pages_has_a_chinese_translation() -> None:
    known = _translated(CATALOGUE)
    messages = _messages_of_these_pages()
    assert len(messages) > 100
    assert sorted(m for m in messages if m not in known) == []


def test_the_chinese_translations_keep_every_placeholder() -> None:
    for (_context, msgid), text in _translated(CATALOGUE).items():
        assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(re.findall(r"%\(\w+\)s", msgid)), msgid
