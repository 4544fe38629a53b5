"""A city's factor sets in the browser (src/zerocity/web/routers/pages_factor_sets.py): the list with its upload
form, one set's page and file, and the choice of set inside the inventory editor. Real app, SQLite copy of the
demo, signed in through the login form."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from zerocity.services import factor_sets, records
from zerocity.services.actor import Actor
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, City, FactorSet, Inventory

EDITOR = "editor@kaohsiung.demo"
VIEWER = "viewer@kaohsiung.demo"
SETS = "/cities/kaohsiung/factor-sets"
DRAFT = "/cities/kaohsiung/inventories/2020"
FACTORS = (
    b"factor_id,activity_unit,mass_unit,co2e,year,status,source,description\n"
    b"city:kaohsiung/retailer,kWh,kg,0.5,2020,published,Retailer letter 2021-03,Retailer mix 2020\n"
)
Client = Callable[..., TestClient]


def a_set(db: Database, name: str = "Retailer 2020") -> int:
    with db.write() as session:
        fields = factor_sets.FactorSetFields(name=name, description="letter of 2021-03")
        return factor_sets.upload_factor_set(session, Actor.system(), "kaohsiung", "retailer.csv", FACTORS, fields).id


def set_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(FactorSet)) or 0


def draft(db: Database) -> Inventory:
    with db.read() as session:
        city_id = session.scalar(select(City.id).where(City.slug == "kaohsiung"))
        found = session.scalar(select(Inventory).where(Inventory.city_id == city_id, Inventory.year == 2020))
        assert found is not None
        return found


def upload(client: TestClient, data: bytes, name: str = "Retailer 2020") -> object:
    return client.post(SETS, data={"name": name, "description": ""}, files={"file": ("retailer.csv", data, "text/csv")})


def test_the_list_offers_the_upload_form_to_an_editor_but_not_to_a_viewer(make_client: Client, db: Database) -> None:
    a_set(db)
    editor_page = make_client(EDITOR).get(SETS)
    viewer_page = make_client(VIEWER).get(SETS)

    assert editor_page.status_code == viewer_page.status_code == 200
    assert 'enctype="multipart/form-data"' in editor_page.text and "Retailer 2020" in editor_page.text
    assert "multipart/form-data" not in viewer_page.text and "Retailer 2020" in viewer_page.text
    assert "Retailer 2020" not in make_client().get(SETS).text  # no published inventory uses it


def test_a_bad_file_comes_back_with_every_row_and_column_in_traditional_chinese(
    make_client: Client, db: Database
) -> None:
    bad = FACTORS + b"tw-grid:2020,kWh,kg,0.1,2020,user,guess,\ncity:x,kWhh,kg,1,2020,user,x,\n"

    response = upload(make_client(EDITOR, locale="zh_Hant"), bad)

    assert response.status_code == 422
    found = re.findall(r"<tr>(.*?)</tr>", response.text, re.S)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]
    assert any(row.startswith("retailer.csv 3 ") and "(factor_id)" in row for row in rows)
    assert any(row.startswith("retailer.csv 4 ") and "(activity_unit)" in row for row in rows)
    assert "已存在" in response.text  # the bundled id's refusal, translated
    assert 'value="Retailer 2020"' in response.text  # the form keeps what was typed
    assert set_count(db) == 0


def test_a_good_file_leads_to_the_sets_page_with_its_factors_and_the_file(make_client: Client, db: Database) -> None:
    client = make_client(EDITOR)

    saved = upload(client, FACTORS)

    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert page.status_code == 200
    assert "city:kaohsiung/retailer" in page.text and "Retailer letter 2021-03" in page.text
    assert "Delete this factor set" in page.text
    downloaded = client.get(saved.headers["location"] + "/file")
    assert downloaded.content == FACTORS and "attachment" in downloaded.headers["content-disposition"]


def test_the_editor_loads_the_choice_and_choosing_a_set_recomputes_the_draft(make_client: Client, db: Database) -> None:
    set_id = a_set(db)
    client = make_client(EDITOR)
    assert f'hx-get="{DRAFT}/factor-set"' in client.get(DRAFT).text
    choice = client.get(f"{DRAFT}/factor-set", headers={"HX-Request": "true"})
    assert choice.status_code == 200 and "<html" not in choice.text
    assert f'<option value="{set_id}"' in choice.text
    before = draft(db)

    chosen = client.post(f"{DRAFT}/factor-set", data={"factor_set_id": str(set_id), "version": str(before.version)})

    assert chosen.status_code == 303 and chosen.headers["location"] == DRAFT
    after = draft(db)
    assert after.factor_set_id == set_id and after.version == before.version + 1
    assert "Retailer 2020" in client.get(f"{DRAFT}/factor-set").text


def test_a_choice_that_would_break_a_row_lists_the_row_and_changes_nothing(make_client: Client, db: Database) -> None:
    set_id = a_set(db)
    client = make_client(EDITOR)
    client.post(f"{DRAFT}/factor-set", data={"factor_set_id": str(set_id)})
    row = {"gpc_ref": "I.2.2", "activity_value": "1000", "activity_unit": "kWh", "factor_id": "city:kaohsiung/retailer"}
    with db.write() as session:
        line = records.add_record(session, Actor.system(), "kaohsiung", 2020, records.NewRecord(cells=row)).line

    refused = client.post(f"{DRAFT}/factor-set", data={"factor_set_id": ""})

    assert refused.status_code == 422
    assert "would no longer compute" in refused.text and f'<td class="num">{line}</td>' in refused.text
    assert draft(db).factor_set_id == set_id
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ActivityRecord).where(ActivityRecord.line == line))


def test_deleting_a_set_in_use_names_the_inventory_and_an_unused_one_goes(make_client: Client, db: Database) -> None:
    used, unused = a_set(db), a_set(db, "Old retailer")
    client = make_client(EDITOR)
    client.post(f"{DRAFT}/factor-set", data={"factor_set_id": str(used)})

    refused = client.post(f"{SETS}/{used}/delete")
    deleted = client.post(f"{SETS}/{unused}/delete")

    assert refused.status_code == 409 and "inventories of 2020" in refused.text
    assert deleted.status_code == 303 and deleted.headers["location"] == SETS
    assert set_count(db) == 1


@pytest.mark.parametrize("locale", ["zh_Hant", "en"])
def test_the_dashboard_links_to_the_citys_factor_sets(make_client: Client, locale: str) -> None:
    page = make_client(locale=locale).get("/cities/kaohsiung")
    assert f'href="{SETS}"' in page.text
    assert ("排放係數組" if locale == "zh_Hant" else "Emission factor sets") in page.text
