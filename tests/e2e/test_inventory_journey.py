"""An editor's day with the Kaohsiung 2020 draft, in a real browser: upload a file with a mistake, read the
preview's problem list, fix the file, import it, see the dashboard, switch to English, download the GPC workbook;
and change one row in place in the editor, then find the change in the audit log.

Both tests change the 2020 draft of the module's own server; each finds what it needs by name (the row
"household piped gas" is in the demo data and in the journey's file alike), so their order does not matter.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from tests.e2e.conftest import (
    CITY,
    CITY_NAMES,
    DRAFT_YEAR,
    EDITOR,
    Site,
    Words,
    decimals_shown,
    parse_number,
    table_rows,
)

from zerocity.services.demo import ACCOUNTS, DEMO_PASSWORD

#: The row the inline-edit test changes; present in the demo's 2020 data and in the journey's upload.
EDITED_ROW = "household piped gas"
UNKNOWN_UNIT = "kWhh"
#: The journey's file keeps five 2020 rows of the demo; the third data row (spreadsheet row 4) gets a bad unit.
ROW_COUNT = 5
BAD_DATA_ROW = 2
BAD_SPREADSHEET_ROW = BAD_DATA_ROW + 2  # the header is row 1


def demo_rows(year: int, count: int) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the first ``count`` rows of ``year`` in the Kaohsiung demo file (the core's input format)."""
    text = resources.files("zerocity.data").joinpath("demo/kaohsiung_demo.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    rows = [row for row in reader if row["year"] == str(year)][:count]
    return list(reader.fieldnames or []), rows


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def card_value(scope: Page, label: str) -> str:
    """The figure of the totals card headed ``label``, e.g. ``35,225,070 t CO₂e``."""
    card = scope.locator(".card").filter(has=scope.locator(".card__label", has_text=label)).first
    return card.locator(".card__value").inner_text().strip()


def record_count(page: Page) -> int:
    return int(parse_number(page.locator(".records__count").inner_text()))


def upload(page: Page, zh: Words, path: Path) -> None:
    page.get_by_label(zh.required("File"), exact=True).set_input_files(path)
    page.get_by_role("button", name=zh("Upload and preview"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Upload preview"))


@pytest.mark.e2e
def test_an_editor_fixes_a_rejected_upload_imports_it_and_exports_the_gpc_workbook(
    page: Page, site: Site, zh: Words, en: Words, tmp_path: Path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # Uncaught script errors, and anything the Content-Security-Policy blocked (an inline style or script).
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    def note_blocked(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            script_errors.append(message.text)

    page.on("console", note_blocked)
    name_zh, name_en = CITY_NAMES[CITY]

    # The site opens in Traditional Chinese for a zh-TW browser; the editor signs in from the header.
    page.goto(site.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    page.get_by_role("link", name=zh("Sign in"), exact=True).click()
    page.get_by_label(zh.required("E-mail"), exact=True).fill(EDITOR)
    page.get_by_label(zh.required("Password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=zh("Sign in"), exact=True).click()
    expect(page.get_by_role("button", name=zh("Sign out"), exact=True)).to_be_visible()

    # Cities -> Kaohsiung -> the 2020 draft (a member sees it) -> its editor.
    page.get_by_role("navigation", name=zh("Main navigation"), exact=True).get_by_role(
        "link", name=zh("Cities"), exact=True
    ).click()
    page.get_by_role("link", name=name_zh, exact=True).click()
    expect(
        page.get_by_role("heading", level=2, name=zh("Inventory %(year)s", year=DRAFT_YEAR), exact=True)
    ).to_be_visible()
    page.get_by_role("link", name=zh("Open the inventory editor"), exact=True).click()
    editor_title = zh("%(city)s %(year)s inventory", city=name_zh, year=DRAFT_YEAR)
    expect(page.get_by_role("heading", level=1)).to_have_text(editor_title)
    records_before = record_count(page)
    basic_before = card_value(page, zh("BASIC total"))

    # A file with an unknown unit is refused, with the row as a spreadsheet numbers it and the column.
    header, rows = demo_rows(DRAFT_YEAR, ROW_COUNT)
    assert any(row["description"] == EDITED_ROW for row in rows)
    good_file = write_csv(tmp_path / "kaohsiung_2020.csv", header, rows)
    bad_rows = [dict(row) for row in rows]
    bad_rows[BAD_DATA_ROW]["activity_unit"] = UNKNOWN_UNIT
    bad_file = write_csv(tmp_path / "kaohsiung_2020_typo.csv", header, bad_rows)
    upload(page, zh, bad_file)
    expect(page.get_by_role("heading", level=2)).to_have_text(
        zh.n("The file has %(num)s problem. Nothing was saved.", "The file has %(num)s problems. Nothing was saved.", 1)
    )
    problems = table_rows(page.locator("table.error-table"))
    assert len(problems) == 1, problems
    assert problems[0][zh.p("spreadsheet", "Row")] == str(BAD_SPREADSHEET_ROW)
    assert "activity_unit" in problems[0][zh.p("spreadsheet", "Column")]  # a label may come first: 單位 (activity_unit)
    assert UNKNOWN_UNIT in problems[0][zh("Reason")]
    expect(page.get_by_role("button", name=zh("Confirm import"), exact=True)).to_have_count(0)

    # Nothing was saved: the editor still shows the records and totals it had.
    page.get_by_role("link", name=zh("Back to the inventory to upload a corrected file"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(editor_title)
    assert record_count(page) == records_before
    assert card_value(page, zh("BASIC total")) == basic_before

    # The corrected file previews with its totals; confirming imports it and the editor shows the new total.
    upload(page, zh, good_file)
    expect(page.get_by_role("heading", level=2)).to_have_text(
        zh.n("%(num)s row is ready to import", "%(num)s rows are ready to import", ROW_COUNT)
    )
    totals = {row[zh("Total")]: row for row in table_rows(page.locator("table.data-table"))}
    basic_after = totals[zh("BASIC total")][zh("After the import (t CO2e)")]
    assert totals[zh("BASIC total")][zh("Now (t CO2e)")] == basic_before.split()[0]
    assert basic_after != basic_before.split()[0]
    page.get_by_role("button", name=zh("Confirm import"), exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text=zh("The file was imported and the inventory recomputed."))
    ).to_be_visible()
    assert record_count(page) == ROW_COUNT
    assert card_value(page, zh("BASIC total")).split()[0] == basic_after

    # The dashboard of the year shows the new totals in cards and SVG charts.
    page.get_by_role("link", name=zh("Dashboard"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name_zh)
    assert card_value(page, zh("BASIC total")).split()[0] == basic_after
    expect(page.locator("figure.chart svg").first).to_be_visible()

    # The language switcher turns the same page into English.
    page.get_by_role("link", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(name_en)
    expect(
        page.get_by_role("heading", level=2, name=en("Inventory %(year)s", year=DRAFT_YEAR), exact=True)
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=en("Reports and downloads"), exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=en("Emissions by sector"), exact=True)).to_be_visible()
    basic_shown = card_value(page, en("BASIC total"))

    # The GPC workbook downloads from its link; its BASIC total is the dashboard's, and it keeps the audit trail.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=en("GPC table (Excel)"), exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook_path = tmp_path / download.suggested_filename
    download.save_as(workbook_path)
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    assert workbook.sheetnames[:3] == ["GPC summary", "GPC table", "Audit"]
    summary = {row[0]: row[1] for row in workbook["GPC summary"].iter_rows(values_only=True) if row and row[0]}
    assert round(summary["BASIC"], decimals_shown(basic_shown)) == parse_number(basic_shown)
    gpc_refs = {row[0] for row in workbook["GPC table"].iter_rows(values_only=True) if row}
    assert {row["gpc_ref"] for row in rows} <= gpc_refs
    audit = list(workbook["Audit"].iter_rows(values_only=True))
    assert audit[0][0] == "Row in source file"
    assert [line for line, *_ in audit[1:]] == list(range(2, 2 + ROW_COUNT))

    assert dialogs == []
    assert script_errors == []


@pytest.mark.e2e
def test_an_editor_changes_one_row_in_place_and_the_audit_log_shows_old_and_new_values(
    page: Page, site: Site, zh: Words
) -> None:
    site.sign_in(page, EDITOR, next_path=site.editor_path(DRAFT_YEAR))
    row = page.locator("tr.record-row").filter(has_text=EDITED_ROW)
    expect(row).to_have_count(1)
    line = row.locator("td").first.inner_text().strip()
    old_tonnes = row.locator("td.num").nth(2).inner_text().strip()
    old_value = row.locator("td.num").nth(1).inner_text().split()[0]
    new_value = f"{float(old_value) * 2:g}"
    basic_before = card_value(page, zh("BASIC total"))

    # A marker on the window survives only if the page is not reloaded: htmx swaps the row in place.
    page.evaluate("window.zerocityNoReload = true")
    row.get_by_role("link", name=zh("Edit row %(line)s", line=line), exact=True).click()
    form = page.locator("form.record-edit")
    expect(form.get_by_role("heading")).to_have_text(zh("Edit row %(line)s (%(ref)s)", line=line, ref="I.1.1"))
    form.get_by_label(zh("Activity value"), exact=True).fill(new_value)
    form.get_by_label(zh("Reason for the change"), exact=True).fill("Corrected from the gas company's annual report")
    form.get_by_role("button", name=zh("Save row"), exact=True).click()

    expect(form).to_have_count(0)
    expect(row.locator("td.num").nth(1)).to_contain_text(new_value)
    new_tonnes = row.locator("td.num").nth(2).inner_text().strip()
    assert parse_number(new_tonnes) == pytest.approx(2 * parse_number(old_tonnes), rel=1e-3)
    assert page.evaluate("window.zerocityNoReload") is True
    expect(page.locator("#inventory-summary .card__value").first).not_to_have_text(basic_before)

    page.get_by_role("link", name=zh("Audit log"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Audit log"))
    entries = table_rows(page.locator("table.audit-table"))
    changes = [e for e in entries if "activity_value" in e[zh("What")]]
    assert changes, entries
    newest = changes[0]
    assert newest[zh("What")].startswith(zh("Row %(line)s", line=line))
    assert old_value in newest[zh("Change")] and new_value in newest[zh("Change")]
    assert newest[zh("Reason")] == "Corrected from the gas company's annual report"
    assert newest[zh("Who")] == next(a.display_name for a in ACCOUNTS if a.email == EDITOR)
