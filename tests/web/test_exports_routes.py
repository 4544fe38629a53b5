"""Download routes of an inventory: GPC workbook and CSV, CDP table, activity data in the import format."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from zerocity.services import cities, exports, inventories
from zerocity.services.actor import Actor
from zerocity.store.db import Database
from zerocity.store.models import City, Inventory
from zerocity.web.report_labels import xlsx_labels
from zerocity.web.routers.exports import content_disposition

PUBLISHED = "/cities/kaohsiung/inventories/2019"
DRAFT = "/cities/kaohsiung/inventories/2020"
EXPORTS = ("gpc.xlsx", "gpc.csv", "activity.csv", "cdp.csv")


def basic_total(db: Database, slug: str, year: int) -> float:
    with db.read() as session:
        city_id = session.scalar(select(City.id).where(City.slug == slug))
        summary = session.scalar(select(Inventory.summary).where(Inventory.city_id == city_id, Inventory.year == year))
    assert summary is not None
    return float(summary["basic_tco2e"])


def test_the_gpc_workbook_opens_with_openpyxl_and_has_an_audit_sheet(make_client) -> None:
    answer = make_client().get(f"{PUBLISHED}/export/gpc.xlsx")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == exports.XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    assert "Audit" in workbook.sheetnames
    assert workbook["Audit"].max_row >= 46  # a header and the 45 records


def test_the_gpc_workbook_is_written_in_the_readers_language(make_client) -> None:
    english = make_client(locale="en").get(f"{PUBLISHED}/export/gpc.xlsx")
    chinese = make_client(locale="zh_Hant").get(f"{PUBLISHED}/export/gpc.xlsx")

    english_sheets = openpyxl.load_workbook(io.BytesIO(english.content), read_only=True).sheetnames
    chinese_sheets = openpyxl.load_workbook(io.BytesIO(chinese.content), read_only=True).sheetnames
    assert english_sheets[0] == "GPC summary"
    assert chinese_sheets[0] == xlsx_labels("zh_Hant")["GPC summary"] != "GPC summary"


@pytest.mark.parametrize("name", ["gpc.csv", "activity.csv", "cdp.csv"])
def test_csv_exports_start_with_a_utf8_byte_order_mark_for_excel(make_client, name: str) -> None:
    answer = make_client().get(f"{PUBLISHED}/export/{name}")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    answer.content.decode("utf-8-sig")  # and the rest is UTF-8


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_is_an_attachment_with_an_encoded_file_name(make_client, name: str) -> None:
    disposition = make_client().get(f"{PUBLISHED}/export/{name}").headers["content-disposition"]

    assert disposition.startswith('attachment; filename="kaohsiung_2019')
    assert "filename*=UTF-8''kaohsiung_2019" in disposition
    assert disposition.endswith(name)


def test_a_file_name_outside_ascii_keeps_its_exact_name_in_the_rfc_5987_parameter() -> None:
    disposition = content_disposition('高雄 "2019".csv')

    assert disposition == (
        "attachment; filename=\"__ _2019_.csv\"; filename*=UTF-8''%E9%AB%98%E9%9B%84%20%222019%22.csv"
    )


@pytest.mark.parametrize("name", EXPORTS)
def test_the_public_cannot_export_a_draft(make_client, name: str) -> None:
    answer = make_client().get(f"{DRAFT}/export/{name}", follow_redirects=False)

    assert answer.status_code == 303  # asked to sign in, as for any inventory page, existing or not
    assert answer.headers["location"].startswith("/login?next=")
    assert "Traceback" not in answer.text


def test_a_city_viewer_may_export_the_draft(make_client) -> None:
    assert make_client("viewer@kaohsiung.demo").get(f"{DRAFT}/export/gpc.csv").status_code == 200


def test_an_inventory_without_records_has_nothing_to_export(db, make_client) -> None:
    with db.write() as session:
        inventories.create_inventory(session, Actor.system(), "kaohsiung", inventories.InventoryFields(year=2021))

    answer = make_client("editor@kaohsiung.demo").get("/cities/kaohsiung/inventories/2021/export/gpc.csv")

    assert answer.status_code == 409


def test_the_cdp_export_answers_501_until_the_service_provides_it(make_client, monkeypatch) -> None:
    monkeypatch.delattr(exports, "cdp_csv", raising=False)

    answer = make_client().get(f"{PUBLISHED}/export/cdp.csv")

    assert answer.status_code == 501
    assert "not available yet" in answer.text
    assert make_client().get(f"{PUBLISHED}/export/gpc.csv").status_code == 200


def test_activity_data_reimported_into_a_new_inventory_reproduces_the_basic_total(db, make_client) -> None:
    """The round trip: export the records, import them into another inventory of the same year (the Taiwan grid
    factor depends on the year, so the same year is what must reproduce the total) through the upload pages."""
    exported = make_client().get(f"{PUBLISHED}/export/activity.csv")
    assert exported.status_code == 200
    admin = Actor.system()
    with db.write() as session:
        fields = cities.NewCity(slug="roundtrip", name_zh="往返市", name_en="Round trip", country="TW")
        cities.create_city(session, admin, fields)
        inventories.create_inventory(session, admin, "roundtrip", inventories.InventoryFields(year=2019))
    client = make_client("admin@zerocity.demo")

    preview = client.post(
        "/cities/roundtrip/inventories/2019/import",
        files={"file": ("activity.csv", exported.content, "text/csv")},
        data={"mode": "replace"},
    )
    assert preview.status_code == 200, preview.text
    batch = re.search(r'action="/imports/(\d+)/commit"', preview.text)
    assert batch is not None
    assert client.post(f"/imports/{batch.group(1)}/commit").status_code == 303

    assert basic_total(db, "roundtrip", 2019) == pytest.approx(basic_total(db, "kaohsiung", 2019), rel=1e-12)
