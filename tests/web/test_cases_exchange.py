"""The exchange routes: the Atom feed, the monthly digest page, the exports of published cases, and the news and
events pages (with their upkeep by administrators)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient
from tests.web.cases_web_fixtures import case_ids, main_text

__all__ = ["case_ids"]

Client = Callable[..., TestClient]
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_atom_feed_is_valid_atom_with_escaped_content(make_client: Client, case_ids: dict[str, int]) -> None:
    answer = make_client(locale="en").get("/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id") == "http://testserver/feed.atom"
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert "Kaohsiung electric buses" in titles and "高雄市電動公車" in titles and "淨零城市論壇" in titles
    assert "Kyoto home energy checks" not in titles  # a draft


def test_the_feed_in_one_language(make_client: Client, case_ids: dict[str, int]) -> None:
    feed = ET.fromstring(make_client().get("/feed.atom?lang=zh_Hant").content)
    langs = {entry.get("{http://www.w3.org/XML/1998/namespace}lang") for entry in feed.findall(f"{ATOM}entry")}
    assert langs == {"zh-Hant-TW"}
    assert make_client().get("/feed.atom?lang=fr").status_code == 400


def test_the_digest_page_lists_the_months_new_cases_in_the_readers_language(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    english = make_client(locale="en").get("/digest/2026-03")
    assert english.status_code == 200 and english.headers["content-type"].startswith("text/html")
    assert "ZeroCity best practices: March 2026" in english.text
    assert "Kaohsiung electric buses" in english.text and "臺南市掩埋場沼氣發電" in english.text
    assert "style=" not in english.text and "<script" not in english.text
    chinese = make_client(locale="zh_Hant").get("/digest/2026-03")
    assert "高雄市電動公車" in chinese.text and "2026年3月" in chinese.text


def test_a_month_that_is_not_a_month_is_refused_kindly(make_client: Client) -> None:
    assert make_client(locale="en").get("/digest/2026-13").status_code == 400
    assert make_client(locale="en").get("/digest/march").status_code == 422


def test_the_exports_hold_published_cases_only(make_client: Client, case_ids: dict[str, int]) -> None:
    client = make_client(locale="en")
    document = json.loads(client.get("/cases/export.json").content)
    kyoto = next(c for c in document["cases"] if c["slug"] == "test-kyoto-homes")
    assert kyoto["en"] is None and kyoto["zh"]["title"] == "京都住宅節能診斷"
    answer = client.get("/cases/export.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))}
    assert rows["test-kaohsiung-buses"]["title_en"] == "Kaohsiung electric buses"
    assert len(rows) == len(document["cases"])


# -- news and events -------------------------------------------------------------------------------------------------
def test_the_news_page_shows_upcoming_events_and_recent_news(make_client: Client, case_ids: dict[str, int]) -> None:
    english = main_text(make_client(locale="en").get("/news").text)
    assert "Upcoming events" in english and "Net-zero city forum" in english
    assert "案例庫上線" in english  # news without an English version shows its Chinese title
    chinese = make_client(locale="zh_Hant").get(f"/news/{case_ids['test-forum']}")
    assert "淨零城市論壇" in chinese.text and 'rel="noopener nofollow"' in chinese.text


def test_an_administrator_writes_and_publishes_an_item_and_others_may_not(make_client: Client) -> None:
    admin = make_client("admin@zerocity.demo", locale="en")
    item = {"kind": "event", "item_date": "2031-01-10", "event_end": "2031-01-09", "title_en": "Workshop"}
    refused = admin.post("/news/new", data=item)
    assert refused.status_code == 422 and "Check the fields" in refused.text
    created = admin.post("/news/new", data=item | {"event_end": "2031-01-11", "body_en": "<script>x</script>"})
    assert created.status_code == 303
    item_id = int(created.headers["location"].split("/")[2])
    public = make_client(locale="en")
    assert public.get(f"/news/{item_id}").status_code == 404
    admin.post(f"/news/{item_id}/publish", data={"published": "true"})
    page = public.get(f"/news/{item_id}")
    assert page.status_code == 200 and "Workshop" in page.text and "<script>x" not in page.text
    editor = make_client("editor@kaohsiung.demo", locale="en")
    assert editor.post("/news/new", data=item).status_code == 403
    assert editor.post(f"/news/{item_id}/publish", data={"published": "false"}).status_code == 403
