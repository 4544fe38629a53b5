"""The training programmes in a real browser: a Kaohsiung editor registers for an upcoming session, finds it under
"my registrations", cancels it there and sees the seat given back; the centre administrator reads the capacity
dashboard, with the city the demo leaves unreached, and downloads it as an Excel workbook.

The session is found in the demo's own content file (``data/demo/hub/programmes.toml``): the first session in
Kaohsiung that has not started yet, so the test follows the demo content instead of copying it. The registration
test gives its seat back at the end, so the two tests do not depend on each other's order.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import CITY, CITY_NAMES, EDITOR, Site, Words, parse_number, table_rows

from zerocity.store.models import utcnow

ADMIN = "admin@zerocity.demo"
#: The member city the demo's sample activity never reaches (no staff of it attended a session).
UNREACHED_CITY = "pingtung"
#: A registration's state on "my registrations" (Registered, Cancelled...), not the "Sample content" badge beside it.
STATUS_BADGE = ".badge:not(.training-badge--sample)"


def upcoming_session_in(city: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The programme and the first session whose short name mentions ``city`` and which has not started yet."""
    text = resources.files("zerocity.data").joinpath("demo/hub/programmes.toml").read_text(encoding="utf-8")
    now = utcnow()
    found = [
        (programme, session)
        for programme in tomllib.loads(text)["programme"]
        for session in programme.get("session", [])
        if city in session["slug"] and session["starts_at"] > now
    ]
    if not found:
        raise AssertionError(f"the demo content has no upcoming training session in {city}")
    return min(found, key=lambda pair: pair[1]["starts_at"])


def facts(page: Page) -> dict[str, str]:
    """The session page's facts list (``<dl class="training-facts">``) as ``{term: description}``."""
    facts_list = page.locator("dl.training-facts")
    terms = [text.strip() for text in facts_list.locator("dt").all_inner_texts()]
    descriptions = [text.strip() for text in facts_list.locator("dd").all_inner_texts()]
    return dict(zip(terms, descriptions, strict=True))


def seats_taken(page: Page, zh: Words, capacity: int) -> int:
    """How many seats the session page says are taken ("12 of 30 taken" in the reader's words; a translation may
    put the capacity first, so the sentence is matched whole rather than its first number read)."""
    shown = facts(page)[zh("Seats")]
    taken = [
        n for n in range(capacity + 1) if zh("%(taken)s of %(capacity)s taken", taken=n, capacity=capacity) in shown
    ]
    assert len(taken) == 1, shown
    return taken[0]


def expect_seats(page: Page, zh: Words, taken: int, capacity: int) -> None:
    sentence = zh("%(taken)s of %(capacity)s taken", taken=taken, capacity=capacity)
    seats = page.locator("dl.training-facts dd").filter(has_text=sentence)
    expect(seats).to_have_count(1)
    expect(seats).to_contain_text(zh.n("%(num)s seat left", "%(num)s seats left", capacity - taken))


@pytest.mark.e2e
def test_an_editor_registers_for_an_upcoming_session_finds_it_in_my_registrations_and_cancels_it(
    page: Page, site: Site, zh: Words
) -> None:
    programme, session = upcoming_session_in(CITY)
    assert isinstance(session["starts_at"], datetime) and session["starts_at"].year == 2027
    capacity = int(session["capacity"])
    city_zh = CITY_NAMES[CITY][0]

    # Training -> the programme -> its upcoming session.
    site.sign_in(page, EDITOR, next_path="/training")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Training programmes"))
    page.get_by_role("heading", level=3, name=programme["title_zh"], exact=True).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(programme["title_zh"])
    upcoming = page.get_by_role("region", name=zh("Upcoming sessions"), exact=True)
    upcoming.get_by_role("link", name=session["title_zh"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(session["title_zh"])
    taken_before = seats_taken(page, zh, capacity)
    expect_seats(page, zh, taken_before, capacity)

    # Registering takes one seat, and the page says so.
    register = page.get_by_role("button", name=zh("Register"), exact=True)
    expect(register).to_be_visible()
    register.click()
    expect(
        page.get_by_role("status").filter(
            has_text=zh("You are registered. The session is listed under My registrations.")
        )
    ).to_be_visible()
    expect(page.locator(".training-state--registered")).to_have_text(
        zh("You are registered for this session (%(city)s).", city=city_zh)
    )
    expect(page.get_by_role("button", name=zh("Register"), exact=True)).to_have_count(0)
    expect_seats(page, zh, taken_before + 1, capacity)

    # My registrations lists it as registered, and it can still be cancelled there.
    page.get_by_role("navigation", name=zh("Breadcrumb"), exact=True).get_by_role(
        "link", name=zh("Training"), exact=True
    ).click()
    page.get_by_role("link", name=zh("My registrations"), exact=True).click()
    page.wait_for_url(site.url("/training/my"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("My registrations"))
    card = page.locator("li.training-registration").filter(
        has=page.get_by_role("link", name=session["title_zh"], exact=True)
    )
    expect(card).to_have_count(1)
    expect(card.locator(".card__label")).to_have_text(programme["title_zh"])
    expect(card.locator(STATUS_BADGE)).to_have_text(zh("Registered"))
    expect(card).to_contain_text(city_zh)
    card.get_by_role("button", name=zh("Cancel registration"), exact=True).click()

    page.wait_for_url(site.url("/training/my"))
    expect(
        page.get_by_role("status").filter(has_text=zh("The registration was cancelled; the seat is free again."))
    ).to_be_visible()
    expect(card.locator(STATUS_BADGE)).to_have_text(zh("Cancelled"))
    expect(card.get_by_role("button", name=zh("Cancel registration"), exact=True)).to_have_count(0)

    # Back on the session page the seat is free again, and the editor may register anew.
    card.get_by_role("link", name=session["title_zh"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(session["title_zh"])
    expect_seats(page, zh, taken_before, capacity)
    expect(page.get_by_text(zh("Your earlier registration was cancelled; you may register again."))).to_be_visible()
    expect(page.get_by_role("button", name=zh("Register"), exact=True)).to_be_visible()


@pytest.mark.e2e
def test_the_centre_reads_the_capacity_dashboard_with_an_unreached_city_and_downloads_it_as_excel(
    page: Page, site: Site, zh: Words, tmp_path: Path
) -> None:
    unreached_zh = CITY_NAMES[UNREACHED_CITY][0]
    site.sign_in(page, ADMIN, next_path="/training")
    page.get_by_role("link", name=zh("Capacity dashboard"), exact=True).click()
    page.wait_for_url(site.url("/training/dashboard"))
    year = int(page.get_by_label(zh("Year"), exact=True).input_value())
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Capacity dashboard, %(year)s", year=year))

    # One row per member city; the unreached city carries its badge, the others trained somebody.
    table = page.get_by_role("region", name=zh("Officials trained per city"), exact=True).locator("table")
    rows = table_rows(table)
    city_column, people_column = zh("City"), zh("People trained")
    names = {row[city_column].replace(zh("Not reached"), "").strip(): row for row in rows}
    assert set(names) == {name_zh for name_zh, _ in CITY_NAMES.values()}, rows
    unreached = names[unreached_zh]
    assert unreached[city_column].endswith(zh("Not reached")), unreached
    assert parse_number(unreached[people_column]) == 0
    reached = {name: row for name, row in names.items() if not row[city_column].endswith(zh("Not reached"))}
    assert reached, rows
    assert all(parse_number(row[people_column]) > 0 for row in reached.values()), rows
    not_reached_list = page.locator("ul.training-not-reached")
    expect(not_reached_list.get_by_role("link", name=unreached_zh, exact=True)).to_be_visible()
    reached_card = page.locator(".card").filter(has=page.locator(".card__label", has_text=zh("Member cities reached")))
    expect(reached_card.locator(".card__value")).to_have_text(f"{len(reached)} / {len(rows)}")

    # The Excel download holds the same figures per city and names the unreached city.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=zh("Download as Excel"), exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"training-dashboard-{year}.xlsx"
    workbook_path = tmp_path / download.suggested_filename
    download.save_as(workbook_path)
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    assert workbook.sheetnames[0] == zh("Cities")
    sheet_rows = [row for row in workbook[zh("Cities")].iter_rows(values_only=True) if row and row[0]]
    assert list(sheet_rows[0][:2]) == [city_column, people_column]
    people = {row[0]: row[1] for row in sheet_rows[1 : 1 + len(rows)]}
    assert people == {name: int(parse_number(row[people_column])) for name, row in names.items()}
    not_reached_sheet = [row[0] for row in workbook[zh("Not reached")].iter_rows(values_only=True) if row]
    assert not_reached_sheet[0] == city_column
    assert unreached_zh in not_reached_sheet[1:]
