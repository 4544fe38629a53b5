"""The inventory editor pages: uploads (preview, commit), inline row edits, the review workflow and the audit log.

Every test runs against the real app on a SQLite copy of the demo database (built once per module), signed in
through the login form like a browser, with ``Origin`` set so the CSRF check passes.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, AuditEntry, City, ImportBatch, Inventory
from zerocity.web.i18n import format_tonnes

EDITOR = "editor@kaohsiung.demo"
VIEWER = "viewer@kaohsiung.demo"
ADMIN = "admin@zerocity.demo"
TAINAN_EDITOR = "editor@tainan.demo"
DRAFT = "/cities/kaohsiung/inventories/2020"
PUBLISHED = "/cities/kaohsiung/inventories/2019"

HEADER = "gpc_ref,description,activity_value,activity_unit,factor_id,data_quality"
GOOD_ROWS = [
    "I.1.1,household piped gas,3000,TJ,ipcc2006/residential/natural_gas,M",
    "I.1.1,household LPG cylinders,1500,TJ,ipcc2006/residential/liquefied_petroleum_gases,M",
    "I.2.1,commercial piped gas,800,TJ,ipcc2006/commercial_institutional/natural_gas,L",
]


def csv_file(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def inventory_row(db: Database, year: int = 2020, slug: str = "kaohsiung") -> Inventory:
    with db.read() as session:
        city_id = session.scalar(select(City.id).where(City.slug == slug))
        inventory = session.scalar(select(Inventory).where(Inventory.city_id == city_id, Inventory.year == year))
        assert inventory is not None
        return inventory


def audit_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def first_record(db: Database, year: int = 2020) -> ActivityRecord:
    inventory = inventory_row(db, year)
    with db.read() as session:
        record = session.scalar(
            select(ActivityRecord)
            .where(ActivityRecord.inventory_id == inventory.id, ActivityRecord.gpc_ref == "I.1.1")
            .order_by(ActivityRecord.line)
        )
        assert record is not None
        return record


def upload(client: TestClient, data: bytes, filename: str = "activity.csv", path: str = DRAFT, **headers: str):
    return client.post(
        f"{path}/import", files={"file": (filename, data, "text/csv")}, data={"mode": "replace"}, headers=headers
    )


def batch_id_in(html: str) -> int:
    found = re.search(r'action="/imports/(\d+)/commit"', html)
    assert found, "no Confirm import form on the page"
    return int(found.group(1))


def error_rows(html: str) -> list[tuple[str, str]]:
    """(row, column) of every line of the error table on a page."""
    table = html[html.index('class="data-table error-table"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>\s*<td>([^<]*)</td>', table)
    return [(row.strip(), column.strip()) for row, column in cells]


# -- uploads -------------------------------------------------------------------------------------------------------
def test_an_upload_with_a_bad_unit_on_row_3_names_the_row_and_column_and_saves_nothing(db, make_client) -> None:
    client = make_client(EDITOR)
    before, audit_before = inventory_row(db), audit_count(db)
    bad = GOOD_ROWS.copy()
    bad[1] = bad[1].replace(",TJ,", ",furlongs,")

    answer = upload(client, csv_file(bad))

    assert answer.status_code == 422
    assert ("3", "activity_unit") in error_rows(answer.text)
    assert "Nothing was saved" in answer.text
    after = inventory_row(db)
    assert (after.record_count, after.version, after.summary) == (before.record_count, before.version, before.summary)
    assert audit_count(db) == audit_before


def test_a_fixed_file_previews_then_commits_and_the_editor_shows_the_new_total(db, make_client) -> None:
    client = make_client(EDITOR)

    preview = upload(client, csv_file(GOOD_ROWS))
    assert preview.status_code == 200
    assert "3 rows are ready to import" in preview.text
    assert inventory_row(db).record_count == 45  # a preview changes nothing

    committed = client.post(f"/imports/{batch_id_in(preview.text)}/commit")
    assert committed.status_code == 303
    assert committed.headers["location"] == DRAFT

    inventory = inventory_row(db)
    assert inventory.record_count == 3
    editor = client.get(DRAFT)
    assert editor.status_code == 200
    assert format_tonnes(inventory.summary["basic_tco2e"], "en") in editor.text
    assert "The file was imported" in editor.text


def test_committing_the_same_upload_twice_answers_409_already_imported(db, make_client) -> None:
    client = make_client(EDITOR)
    batch = batch_id_in(upload(client, csv_file(GOOD_ROWS)).text)
    assert client.post(f"/imports/{batch}/commit").status_code == 303
    version = inventory_row(db).version

    again = client.post(f"/imports/{batch}/commit")

    assert again.status_code == 409
    assert "already imported" in again.text
    assert inventory_row(db).version == version


def test_discarding_a_preview_leaves_the_inventory_as_it_was(db, make_client) -> None:
    client = make_client(EDITOR)
    batch = batch_id_in(upload(client, csv_file(GOOD_ROWS)).text)

    answer = client.post(f"/imports/{batch}/discard")

    assert answer.status_code == 303
    assert inventory_row(db).record_count == 45
    assert client.post(f"/imports/{batch}/commit").status_code == 409


def test_an_upload_through_htmx_pushes_the_preview_url(db, make_client) -> None:
    client = make_client(EDITOR)

    answer = upload(client, csv_file(GOOD_ROWS), **{"HX-Request": "true", "HX-Target": ""})

    assert answer.status_code == 200
    assert answer.headers["HX-Push-Url"] == f"/imports/{batch_id_in(answer.text)}"
    assert client.get(answer.headers["HX-Push-Url"]).status_code == 200


def test_a_viewer_sees_no_upload_form_and_a_posted_import_is_forbidden(db, make_client) -> None:
    client = make_client(VIEWER)

    editor = client.get(DRAFT)
    assert editor.status_code == 200
    assert f'action="{DRAFT}/import"' not in editor.text
    assert "Submit for review" not in editor.text

    answer = upload(client, csv_file(GOOD_ROWS))
    assert answer.status_code == 403
    assert inventory_row(db).record_count == 45


def test_an_editor_of_another_city_cannot_import_into_kaohsiung(db, make_client) -> None:
    client = make_client(TAINAN_EDITOR)

    assert upload(client, csv_file(GOOD_ROWS), path=PUBLISHED).status_code == 403
    assert upload(client, csv_file(GOOD_ROWS), path=DRAFT).status_code == 404  # a draft of another city looks absent
    with db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(ImportBatch).where(ImportBatch.created_by.is_not(None)))
            == 0
        )
    assert inventory_row(db).record_count == 45
    assert inventory_row(db, 2019).record_count == 45


def test_a_50_mb_upload_is_refused_with_413_and_no_traceback(db, make_client) -> None:
    client = make_client(EDITOR)

    answer = upload(client, b"0" * (50 * 1024 * 1024))

    assert answer.status_code == 413
    assert "Traceback" not in answer.text
    assert inventory_row(db).record_count == 45


def test_a_file_over_the_limit_that_reaches_the_service_gets_a_413_page_naming_the_limit(db, make_client) -> None:
    client = make_client(EDITOR, max_upload_bytes=200_000)
    data = csv_file(GOOD_ROWS * 1000)
    assert 200_000 < len(data) < 200_000 + 64 * 1024  # past the limit, within the body guard's multipart margin

    answer = upload(client, data)

    assert answer.status_code == 413
    assert "upload limit of 0.2 MB" in answer.text
    assert "Traceback" not in answer.text


def _xlsx_with_a_formula() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(GOOD_ROWS[0].split(","))
    sheet.append(["I.1.1", "gas", "=1+1", "TJ", "ipcc2006/residential/natural_gas", "M"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        pytest.param("activity.pdf", b"%PDF-1.4 not a table", id="wrong-file-type"),
        pytest.param("activity.csv", b'gpc_ref,activity_value\n"I.1.1,3\nI.1.2,"4\n', id="broken-csv"),
        pytest.param("activity.csv", HEADER.encode() + b"\nI.1.1,\x81\xff\xfe,3,TJ,x,M\n", id="wrong-encoding"),
        pytest.param("activity.xlsx", b"PK\x03\x04 not really a zip", id="corrupt-xlsx"),
        pytest.param("activity.xlsx", _xlsx_with_a_formula(), id="xlsx-formula-cell"),
        pytest.param("activity.csv", b"", id="empty-file"),
    ],
)
def test_unreadable_files_are_listed_as_problems_not_crashes(db, make_client, filename: str, data: bytes) -> None:
    client = make_client(EDITOR)

    answer = upload(client, data, filename=filename)

    assert answer.status_code == 422
    assert 'class="data-table error-table"' in answer.text
    assert "Traceback" not in answer.text
    assert inventory_row(db).record_count == 45


def test_an_upload_without_a_file_asks_for_one(make_client) -> None:
    client = make_client(EDITOR)

    answer = client.post(f"{DRAFT}/import", data={"mode": "replace"})

    assert answer.status_code == 422
    assert "Choose a .csv or .xlsx file" in answer.text


def test_the_upload_form_states_the_size_limit_and_loads_the_progress_script(make_client) -> None:
    page = make_client(EDITOR, max_upload_bytes=5_000_000).get(DRAFT).text

    assert "at most 5 MB" in page
    assert 'data-max-bytes="5000000"' in page
    assert 'hx-encoding="multipart/form-data"' in page
    assert '<script src="/static/upload.js" defer></script>' in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_the_progress_script_is_served_from_this_site(make_client) -> None:
    answer = make_client().get("/static/upload.js")

    assert answer.status_code == 200
    assert "htmx:xhr:progress" in answer.text


# -- inline row edits ----------------------------------------------------------------------------------------------
def _edit_form(record: ActivityRecord, **changes: str) -> dict[str, str]:
    form = {
        "version": str(record.version),
        "description": record.cells.get("description", ""),
        "activity_value": record.cells.get("activity_value", ""),
        "activity_unit": record.cells.get("activity_unit", ""),
        "factor_id": record.cells.get("factor_id", ""),
        "notation_key": record.cells.get("notation_key", ""),
        "data_quality": record.cells.get("data_quality", ""),
        "reason": "",
    }
    return {**form, **changes}


HTMX = {"HX-Request": "true", "HX-Target": "record"}


def test_the_edit_button_fetches_a_form_row_with_the_records_version(db, make_client) -> None:
    record = first_record(db)
    client = make_client(EDITOR)

    answer = client.get(f"/records/{record.id}/edit", headers=HTMX)

    assert answer.status_code == 200
    assert answer.text.lstrip().startswith(f'<tr id="record-{record.id}"')
    assert f'name="version" value="{record.version}"' in answer.text
    assert 'value="3500.0"' in answer.text


def test_an_inline_edit_changes_the_rows_co2e_and_writes_audit_entries(db, make_client) -> None:
    record = first_record(db)
    client = make_client(EDITOR)
    form = _edit_form(record, activity_value="7000", reason="meter reading corrected")

    answer = client.post(f"/records/{record.id}", data=form, headers=HTMX)

    assert answer.status_code == 200
    saved = first_record(db)
    assert saved.co2e_t == pytest.approx(2 * record.co2e_t)
    assert saved.version == record.version + 1
    assert format_tonnes(saved.co2e_t, "en") in answer.text
    assert 'id="inventory-summary" class="inventory-summary" hx-swap-oob="true"' in answer.text
    assert format_tonnes(inventory_row(db).summary["basic_tco2e"], "en") in answer.text
    with db.read() as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "record", AuditEntry.entity_id == str(record.id))
        )
    assert entry is not None
    assert (entry.field, entry.old_value, entry.new_value) == ("activity_value", "3500.0", "7000")
    assert entry.reason == "meter reading corrected"


def test_an_edit_that_does_not_compute_returns_the_form_with_the_cores_error_and_saves_nothing(db, make_client) -> None:
    record = first_record(db)
    audit_before = audit_count(db)
    client = make_client(EDITOR)

    answer = client.post(f"/records/{record.id}", data=_edit_form(record, activity_unit="furlongs"), headers=HTMX)

    assert answer.status_code == 422
    assert "does not compute" in answer.text
    assert (str(record.line), "activity_unit") in error_rows(answer.text)
    assert 'value="furlongs"' in answer.text  # what was typed stays in the form
    assert first_record(db).cells == record.cells
    assert audit_count(db) == audit_before


def test_saving_a_row_with_a_stale_version_says_someone_else_saved_it(db, make_client) -> None:
    record = first_record(db)
    client = make_client(EDITOR)
    assert client.post(f"/records/{record.id}", data=_edit_form(record, activity_value="3600"), headers=HTMX).is_success

    stale = client.post(f"/records/{record.id}", data=_edit_form(record, activity_value="3700"), headers=HTMX)

    assert stale.status_code == 409
    assert "someone else saved this row" in stale.text
    assert first_record(db).cells["activity_value"] == "3600"


def test_without_javascript_a_saved_row_redirects_back_to_its_page_of_the_editor(db, make_client) -> None:
    record = first_record(db)
    client = make_client(EDITOR)

    answer = client.post(f"/records/{record.id}", data=_edit_form(record, description="piped gas, households"))

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{DRAFT}#record-{record.id}"
    assert first_record(db).cells["description"] == "piped gas, households"


def test_without_javascript_the_edit_link_opens_the_editor_with_that_row_as_a_form(db, make_client) -> None:
    record = first_record(db)
    client = make_client(EDITOR)

    answer = client.get(f"{DRAFT}?edit={record.id}")

    assert answer.status_code == 200
    assert f'<form class="form record-edit" method="post" action="/records/{record.id}"' in answer.text


def test_a_viewer_gets_no_edit_buttons_and_cannot_save_a_row(db, make_client) -> None:
    record = first_record(db)
    client = make_client(VIEWER)

    assert f'hx-get="/records/{record.id}/edit' not in client.get(DRAFT).text
    assert client.get(f"/records/{record.id}/edit", headers=HTMX).status_code == 403
    assert client.post(f"/records/{record.id}", data=_edit_form(record, activity_value="1")).status_code == 403
    assert first_record(db).cells == record.cells


def test_html_in_a_description_is_escaped_in_the_records_table(db, make_client) -> None:
    record = first_record(db)
    client = make_client(EDITOR)
    script = "<script>alert('x')</script>"
    assert client.post(f"/records/{record.id}", data=_edit_form(record, description=script)).status_code == 303

    page = client.get(DRAFT).text

    assert script not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


# -- the records table ---------------------------------------------------------------------------------------------
def test_the_records_table_filters_by_gpc_ref_and_answers_htmx_with_the_table_alone(make_client) -> None:
    client = make_client(EDITOR)

    answer = client.get(f"{DRAFT}?gpc_ref=I.1.1", headers={"HX-Request": "true", "HX-Target": "records"})

    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<section id="records"')
    refs = re.findall(
        r'<tr id="record-\d+" class="record-row">\s*<td class="num">\d+</td>\s*<td><code>([^<]+)', answer.text
    )
    assert refs == ["I.1.1", "I.1.1"]
    assert "2 records for I.1.1" in answer.text


def test_the_records_table_pages_through_the_rows(make_client) -> None:
    client = make_client(EDITOR, page_size=20)

    first, third = client.get(DRAFT).text, client.get(f"{DRAFT}?page=3").text

    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in third
    assert len(re.findall(r'class="record-row"', third)) == 5


def test_the_public_reads_a_published_inventory_but_not_a_draft(make_client) -> None:
    client = make_client()

    published = client.get(PUBLISHED)
    assert published.status_code == 200
    assert "Edit" not in re.sub(r"<head>.*</head>", "", published.text, flags=re.S).split('id="records"')[1]
    assert "Audit log" not in published.text
    assert client.get(DRAFT, follow_redirects=False).status_code == 303  # sign in first


def test_the_editor_speaks_traditional_chinese_by_default(make_client) -> None:
    page = make_client(EDITOR, locale="zh_Hant").get(DRAFT).text

    assert '<html lang="zh-Hant-TW">' in page
    assert "草稿" in page  # the status badge


# -- the review workflow -------------------------------------------------------------------------------------------
def _status(client: TestClient, db: Database, action: str, reason: str = "", year: int = 2020):
    version = inventory_row(db, year).version
    path = f"/cities/kaohsiung/inventories/{year}/status"
    return client.post(path, data={"action": action, "version": str(version), "reason": reason})


def test_the_status_flow_goes_from_submit_to_approve_to_publish(db, make_client) -> None:
    editor, admin = make_client(EDITOR), make_client(ADMIN)

    assert _status(editor, db, "submit").status_code == 303
    assert inventory_row(db).status == "submitted"
    assert 'name="action" value="approve"' not in editor.get(DRAFT).text  # editors do not approve
    assert 'name="action" value="approve"' in admin.get(DRAFT).text

    assert _status(admin, db, "approve").status_code == 303
    assert inventory_row(db).status == "approved"

    published = _status(editor, db, "publish")
    assert published.status_code == 303
    assert inventory_row(db).published
    assert "now published" in editor.get(DRAFT).text
    assert make_client().get(DRAFT).status_code == 200  # the public sees it now


def test_reopening_without_a_reason_fails_with_a_message(db, make_client) -> None:
    admin = make_client(ADMIN)

    answer = _status(admin, db, "reopen", reason="  ", year=2019)

    assert answer.status_code == 400
    assert "say why the inventory is reopened" in answer.text
    assert inventory_row(db, 2019).status == "approved"
    assert _status(admin, db, "reopen", reason="wrong grid factor", year=2019).status_code == 303
    assert inventory_row(db, 2019).status == "draft"


def test_a_status_form_from_before_a_change_is_refused(db, make_client) -> None:
    editor = make_client(EDITOR)
    old_version = inventory_row(db).version
    record = first_record(db)
    assert editor.post(f"/records/{record.id}", data=_edit_form(record, activity_value="3600")).status_code == 303

    answer = editor.post(f"{DRAFT}/status", data={"action": "submit", "version": str(old_version)})

    assert answer.status_code == 409
    assert "someone else changed this inventory" in answer.text
    assert inventory_row(db).status == "draft"


def test_a_viewer_cannot_submit_and_another_citys_editor_cannot_publish(db, make_client) -> None:
    assert _status(make_client(VIEWER), db, "submit").status_code == 403
    assert _status(make_client(TAINAN_EDITOR), db, "unpublish", year=2019).status_code == 403
    assert inventory_row(db).status == "draft"
    assert inventory_row(db, 2019).published


# -- creating an inventory -----------------------------------------------------------------------------------------
def test_an_editor_creates_an_inventory_and_lands_in_its_editor(db, make_client) -> None:
    client = make_client(EDITOR)
    form = client.get("/cities/kaohsiung/inventories/new")
    assert form.status_code == 200
    assert 'value="2021"' in form.text
    assert '<option value="AR6"' in form.text

    answer = client.post("/cities/kaohsiung/inventories/new", data={"year": "2021", "gwp_set": "AR6", "boundary": ""})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/cities/kaohsiung/inventories/2021"
    assert inventory_row(db, 2021).gwp_set == "AR6"
    assert "No activity records yet" in client.get(answer.headers["location"]).text


@pytest.mark.parametrize(
    ("year", "gwp_set", "status", "message"),
    [
        ("2020", "AR5", 409, "already has an inventory for this year"),
        ("1850", "AR5", 422, "Enter a year between 1990 and 2100"),
        ("twenty", "AR5", 422, "Enter a year between 1990 and 2100"),
        ("2022", "AR99", 422, "Choose one of the GWP sets"),
    ],
)
def test_a_bad_new_inventory_is_explained_in_the_form(make_client, year, gwp_set, status, message) -> None:
    answer = make_client(EDITOR).post(
        "/cities/kaohsiung/inventories/new", data={"year": year, "gwp_set": gwp_set, "boundary": "x"}
    )

    assert answer.status_code == status
    assert message in answer.text
    assert f'value="{year}"' in answer.text


def test_only_editors_may_open_the_new_inventory_form(make_client) -> None:
    assert make_client(VIEWER).get("/cities/kaohsiung/inventories/new").status_code == 403
    assert make_client(TAINAN_EDITOR).get("/cities/kaohsiung/inventories/new").status_code == 403
    public = make_client().get("/cities/kaohsiung/inventories/new")
    assert public.status_code == 303
    assert public.headers["location"].startswith("/login")


# -- the audit log -------------------------------------------------------------------------------------------------
def test_the_audit_log_shows_who_changed_what_and_why(db, make_client) -> None:
    record = first_record(db)
    editor = make_client(EDITOR)
    editor.post(f"/records/{record.id}", data=_edit_form(record, activity_value="3600", reason="new meter data"))

    page = make_client(VIEWER).get(f"{DRAFT}/audit")

    assert page.status_code == 200
    assert "Kaohsiung editor" in page.text
    assert "activity_value" in page.text
    assert "3500.0" in page.text and "3600" in page.text
    assert "new meter data" in page.text
    assert f"Row {record.line}" in page.text


def test_the_audit_log_is_for_the_citys_accounts_and_administrators_only(make_client) -> None:
    assert make_client(ADMIN).get(f"{PUBLISHED}/audit").status_code == 200
    assert make_client(TAINAN_EDITOR).get(f"{PUBLISHED}/audit").status_code == 403
    public = make_client().get(f"{PUBLISHED}/audit")
    assert public.status_code == 303
    assert public.headers["location"].startswith("/login")
