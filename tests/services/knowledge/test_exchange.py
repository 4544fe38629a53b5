"""Exchange: the monthly digest e-mail, the Atom feed, and the portable export (JSON, CSV) with its import, all of
published content only. The Atom document and the exports are read back, not just searched for strings."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select
from tests.services.conftest import World
from tests.services.knowledge.cases_fixtures import CASES_TOML, NEWS_TOML

from zerocity.core.errors import InputErrors
from zerocity.services import cities
from zerocity.services.actor import Actor
from zerocity.services.errors import Forbidden, InvalidRequest, NotAuthenticated
from zerocity.services.knowledge import cases_demo, exchange
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, CaseVersion
from zerocity.store.migrate import upgrade
from zerocity.store.models import AuditEntry

BASE = "https://zerocity.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def loaded(world: World) -> World:
    """The world with the three test cases (two published in March 2026, one in April) and two news items."""
    with world.db.write() as session:
        cases_demo.load_cases(session, tomllib.loads(CASES_TOML))
        cases_demo.load_news(session, tomllib.loads(NEWS_TOML))
    return world


def _export(db: Database) -> dict[str, Any]:
    with db.read() as session:
        return json.loads(exchange.export_json(session, BASE))  # type: ignore[no-any-return]


# -- digest ------------------------------------------------------------------------------------------------------
def test_the_digest_lists_the_cases_first_published_that_month(loaded: World) -> None:
    with loaded.db.read() as session:
        march = exchange.monthly_digest(session, 2026, 3, "en", BASE + "/")
        april = exchange.monthly_digest(session, 2026, 4, "zh_Hant", BASE)
        may = exchange.monthly_digest(session, 2026, 5, "en", BASE)

    assert [e.title for e in march.entries] == ["臺南市掩埋場沼氣發電", "Kaohsiung electric buses"]
    assert [e.translation_needed for e in march.entries] == [True, False]
    assert march.subject == "ZeroCity best practices: March 2026"
    assert f"{BASE}/cases/" in march.entries[1].url
    assert [e.title for e in april.entries] == ["京都住宅節能診斷"]
    assert april.subject.startswith("ZeroCity") and "2026" in april.subject
    assert may.entries == () and "No new cases" in may.text


def test_the_digest_html_is_a_whole_document_without_style_or_script_and_with_escaped_text(loaded: World) -> None:
    with loaded.db.write() as session:
        session.execute(
            CaseVersion.__table__.update()
            .where(CaseVersion.title == "Kaohsiung electric buses")
            .values(summary="Buses <script>alert(1)</script> & more")
        )
    with loaded.db.read() as session:
        digest = exchange.monthly_digest(session, 2026, 3, "en", BASE)

    assert digest.html.startswith("<!doctype html>")
    assert "<script" not in digest.html and "style=" not in digest.html and "<style" not in digest.html
    assert "Buses &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in digest.html
    assert 'href="https://zerocity.example.org/cases/' in digest.html
    assert "bgcolor=" in digest.html
    assert "Buses <script>alert(1)</script> & more" in digest.text  # plain text is not HTML: nothing to escape
    assert "Kaohsiung electric buses" in digest.text and "臺南市掩埋場沼氣發電" in digest.text


@pytest.mark.parametrize(("year", "month"), [(2026, 13), (2026, 0), (1800, 1)])
def test_an_impossible_month_is_refused(loaded: World, year: int, month: int) -> None:
    with pytest.raises(InvalidRequest), loaded.db.read() as session:
        exchange.monthly_digest(session, year, month, "en", BASE)


# -- Atom ------------------------------------------------------------------------------------------------------------
def _feed(db: Database, lang: str | None = None) -> ET.Element:
    with db.read() as session:
        return ET.fromstring(exchange.atom_feed(session, BASE, lang))


def test_the_atom_feed_has_one_entry_per_published_language_version_and_news(loaded: World) -> None:
    feed = _feed(loaded.db)

    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    titles = {(e.get(XML_LANG), e.findtext(f"{ATOM}title")) for e in entries}
    assert titles == {
        ("zh-Hant-TW", "高雄市電動公車"),
        ("en", "Kaohsiung electric buses"),
        ("zh-Hant-TW", "臺南市掩埋場沼氣發電"),
        ("zh-Hant-TW", "京都住宅節能診斷"),  # its English version is a draft: not in the feed
        ("zh-Hant-TW", "淨零城市論壇"),
        ("en", "Net-zero city forum"),
        ("zh-Hant-TW", "案例庫上線"),
    }
    for entry in entries:
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href", "").startswith(BASE)  # type: ignore[union-attr]
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)


def test_the_atom_feed_in_one_language_and_its_content_is_escaped_html(loaded: World) -> None:
    feed = _feed(loaded.db, "en")
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["Kaohsiung electric buses", "Net-zero city forum"]
    buses = next(e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Kaohsiung electric buses")
    content = buses.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert "<h4>What was done</h4>" in (content.text or "")  # the parsed text is HTML: it was escaped in the XML
    assert {c.get("term") for c in buses.findall(f"{ATOM}category")} == {"mobility", "net_zero"}


def test_the_feed_refuses_an_unknown_language(loaded: World) -> None:
    with pytest.raises(InvalidRequest), loaded.db.read() as session:
        exchange.atom_feed(session, BASE, "fr")


# -- export and import ---------------------------------------------------------------------------------------------
def test_the_json_export_holds_published_versions_only(loaded: World) -> None:
    document = _export(loaded.db)
    assert (document["format"], document["format_version"]) == ("zerocity-cases", 2)
    by_slug = {c["slug"]: c for c in document["cases"]}
    assert set(by_slug) == {"test-kaohsiung-buses", "test-tainan-landfill-gas", "test-kyoto-homes"}
    assert by_slug["test-kyoto-homes"]["en"] is None  # a draft is not exported
    assert by_slug["test-tainan-landfill-gas"]["en"] is None
    buses = by_slug["test-kaohsiung-buses"]
    assert buses["city_slug"] == "kaohsiung" and buses["zh"]["title"] == "高雄市電動公車"
    assert buses["results"][0]["value"] == 12500.0 and buses["links"][0]["url"] == "https://example.org/buses"


def _comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The exported cases without what differs between two databases (ids in URLs)."""
    return sorted(({k: v for k, v in c.items() if k != "url"} for c in document["cases"]), key=lambda c: c["slug"])


def test_the_json_export_imports_into_another_database_and_exports_the_same(
    loaded: World, make_db_url: Any, db_url: str
) -> None:
    exported = _export(loaded.db)
    other_url = make_db_url("postgresql" if db_url.startswith("postgresql") else "sqlite")
    upgrade(other_url)
    other = Database(other_url)
    try:
        with other.write() as session:  # the same member cities, so cases keep their link to them
            for slug, name_zh, name_en in (("kaohsiung", "高雄市", "Kaohsiung"), ("tainan", "臺南市", "Tainan")):
                cities.create_city(
                    session, Actor.system(), cities.NewCity(slug=slug, name_zh=name_zh, name_en=name_en, country="TW")
                )
            report = exchange.import_json(session, Actor.system(), json.dumps(exported).encode())
        assert sorted(report.created) == sorted(c["slug"] for c in exported["cases"])
        assert _comparable(_export(other)) == _comparable(exported)
    finally:
        other.dispose()


def _count_cases(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def test_an_import_with_one_bad_case_lands_nothing_and_names_every_problem(loaded: World) -> None:
    exported = _export(loaded.db)
    for case in exported["cases"]:
        case["slug"] = "copy-" + case["slug"]
    exported["cases"][0]["themes"] = ["no_such_theme"]
    exported["cases"][1]["country"] = "ZZ"
    before = _count_cases(loaded.db)

    with pytest.raises(InputErrors) as raised, loaded.db.write() as session:
        exchange.import_json(session, loaded.admin, json.dumps(exported).encode())
    assert {(issue.row, issue.column.split(".")[0]) for issue in raised.value.issues} == {(1, "themes"), (2, "country")}
    assert _count_cases(loaded.db) == before


def test_an_import_never_overwrites_an_existing_case(loaded: World) -> None:
    exported = _export(loaded.db)
    with pytest.raises(InputErrors, match="already exists"), loaded.db.write() as session:
        exchange.import_json(session, loaded.admin, json.dumps(exported).encode())


@pytest.mark.parametrize(
    "data", [b"not json", b"[]", b'{"format": "other", "format_version": 1, "cases": []}', b"\xff\xfe"]
)
def test_a_file_that_is_not_an_export_is_refused(loaded: World, data: bytes) -> None:
    with pytest.raises(InvalidRequest), loaded.db.write() as session:
        exchange.import_json(session, loaded.admin, data)


@pytest.mark.parametrize("role", ["editor", "viewer", "public"])
def test_only_administrators_import(loaded: World, role: str) -> None:
    exported = json.dumps(_export(loaded.db)).encode()
    error = NotAuthenticated if role == "public" else Forbidden
    with pytest.raises(error), loaded.db.write() as session:
        exchange.import_json(session, getattr(loaded, role), exported)


def test_an_import_is_audited(loaded: World) -> None:
    exported = _export(loaded.db)
    exported["cases"] = [dict(exported["cases"][0], slug="imported-one")]
    with loaded.db.write() as session:
        exchange.import_json(session, loaded.admin, json.dumps(exported).encode())
    with loaded.db.read() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
        assert entry is not None and entry.user_id == loaded.admin.user_id and "imported-one" in (entry.new_value or "")


def test_the_csv_export_has_a_bom_one_row_per_published_case_and_quotes_formulas(loaded: World) -> None:
    with loaded.db.write() as session:
        session.execute(
            CaseVersion.__table__.update()
            .where(CaseVersion.title == "Kaohsiung electric buses")
            .values(summary="=HYPERLINK(1)")
        )
    with loaded.db.read() as session:
        data = exchange.export_csv(session, BASE)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_slug = {row["slug"]: row for row in rows}
    assert set(by_slug) == {"test-kaohsiung-buses", "test-tainan-landfill-gas", "test-kyoto-homes"}
    buses = by_slug["test-kaohsiung-buses"]
    assert (buses["title_zh"], buses["title_en"], buses["city_en"]) == (
        "高雄市電動公車",
        "Kaohsiung electric buses",
        "Kaohsiung",
    )
    assert buses["summary_en"] == "'=HYPERLINK(1)"
    assert buses["themes"] == "mobility; net_zero" and buses["tco2e_avoided_per_year"] == "12500.0"
    assert json.loads(buses["results"])[0]["source"] == "Illustrative figure written for the tests"
    assert by_slug["test-kyoto-homes"]["translation_needed"] == "en"
    assert by_slug["test-kyoto-homes"]["title_en"] == ""
