"""The exchange routes: the Atom feed, the monthly digest page, the exports of published cases (images included in
the JSON) and their import, and the news and events pages (with their upkeep by administrators)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from tests.web.cases_web_fixtures import case_ids, main_text

from zerocity.store.db import Database
from zerocity.store.hub_models import Case, CaseImage

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


def test_an_administrator_deletes_an_item_once_the_box_is_ticked_and_others_may_not(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    forum = case_ids["test-forum"]
    editor = make_client("editor@kaohsiung.demo", locale="en")
    assert editor.post(f"/news/{forum}/delete", data={"confirm": "yes"}).status_code == 403
    admin = make_client("admin@zerocity.demo", locale="en")
    form = admin.get(f"/news/{forum}/edit").text
    assert f'action="/news/{forum}/delete"' in form and "Delete this item" in form

    unticked = admin.post(f"/news/{forum}/delete")
    assert unticked.status_code == 303 and unticked.headers["location"] == f"/news/{forum}/edit"
    assert "Tick the box to confirm that the item is to be deleted." in admin.get(unticked.headers["location"]).text
    assert make_client(locale="en").get(f"/news/{forum}").status_code == 200

    ticked = admin.post(f"/news/{forum}/delete", data={"confirm": "yes"})
    assert ticked.status_code == 303 and ticked.headers["location"] == "/news"
    assert "The item was deleted." in admin.get("/news").text
    assert make_client(locale="en").get(f"/news/{forum}").status_code == 404
    assert "Net-zero city forum" not in make_client(locale="en").get("/news").text


# -- images in the JSON export and its import ------------------------------------------------------------------------
def _picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (5, 3), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def _export_with_an_image(make_client: Client, case_ids: dict[str, int]) -> tuple[TestClient, dict[str, Any]]:
    """The administrator, and the JSON export of the buses case (with one uploaded picture) under a new slug."""
    admin = make_client("admin@zerocity.demo", locale="en")
    buses = case_ids["test-kaohsiung-buses"]
    upload = admin.post(
        f"/cases/{buses}/images",
        files={"file": ("depot.png", _picture(), "image/png")},
        data={"alt_zh": "公車站", "alt_en": "Bus depot"},
    )
    assert upload.status_code == 303, upload.text
    document = admin.get("/cases/export.json").json()
    case = next(c for c in document["cases"] if c["slug"] == "test-kaohsiung-buses")
    document["cases"] = [case | {"slug": "copy-of-buses"}]
    return admin, document


def _import(admin: TestClient, document: dict[str, Any]) -> Any:
    body = json.dumps(document).encode()
    return admin.post("/cases/import", files={"file": ("cases.json", body, "application/json")})


def test_an_exported_image_imports_back_with_the_same_bytes_through_the_import_page(
    db: Database, make_client: Client, case_ids: dict[str, int]
) -> None:
    admin, document = _export_with_an_image(make_client, case_ids)
    (image,) = document["cases"][0]["images"]
    assert image["media_type"] == "image/png" and image["alt_en"] == "Bus depot"

    answer = _import(admin, document)

    assert answer.status_code == 303, answer.text
    with db.read() as session:
        copy_id = session.scalar(select(Case.id).where(Case.slug == "copy-of-buses"))
        stored = session.scalar(select(CaseImage).where(CaseImage.case_id == copy_id))
        assert stored is not None
        image_id, alt_zh = stored.id, stored.alt_zh
    served = make_client(locale="en").get(f"/cases/images/{image_id}")
    assert served.status_code == 200 and served.content == _picture() and alt_zh == "公車站"


def test_an_import_with_a_spoiled_image_names_the_case_and_the_image_and_lands_nothing(
    db: Database, make_client: Client, case_ids: dict[str, int]
) -> None:
    admin, document = _export_with_an_image(make_client, case_ids)
    document["cases"][0]["images"][0]["sha256"] = "0" * 64

    answer = _import(admin, document)

    assert answer.status_code == 422
    text = main_text(answer.text)
    assert "Nothing was imported." in text and "case copy-of-buses, image 1" in text and "sha256" in text
    with db.read() as session:
        assert session.scalar(select(Case.id).where(Case.slug == "copy-of-buses")) is None


def test_the_csv_export_counts_each_cases_images(make_client: Client, case_ids: dict[str, int]) -> None:
    admin, _ = _export_with_an_image(make_client, case_ids)
    answer = admin.get("/cases/export.csv")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))}
    assert rows["test-kaohsiung-buses"]["image_count"] == "1" and rows["test-tainan-landfill-gas"]["image_count"] == "0"
