"""Languages and small screens: Traditional Chinese first, English on request (or for an English browser), and
pages that fit a 390 px phone, with wide tables scrolling inside their own box instead of the whole page.

Read-only: nothing here changes the module's server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from tests.e2e.conftest import CITY, CITY_NAMES, DRAFT_YEAR, EDITOR, PUBLISHED_YEAR, Site, Words
from tests.support.browser import PHONE

PHONE_WIDTH = PHONE["width"]


def sticking_out(page: Page) -> list[str]:
    """Elements past the right edge of the screen that no sideways-scrolling box holds back (for the message).

    An absolutely positioned element counts even inside such a box: unless the box is positioned itself, the
    element's containing block lies outside it, so the box does not clip it.
    """
    return list(
        page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const heldBack = (el) => {
                    if (["absolute", "fixed"].includes(getComputedStyle(el).position)) return false;
                    for (let p = el.parentElement; p; p = p.parentElement) {
                        if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
                    }
                    return false;
                };
                return [...document.body.querySelectorAll("*")]
                    .filter((el) => el.getBoundingClientRect().right > width + 1 && !heldBack(el))
                    .slice(0, 10)
                    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
            }"""
        )
    )


def scrolls_sideways(box: Locator) -> bool:
    """True when the box is narrower than its content and can be scrolled to reveal the rest."""
    return bool(
        box.evaluate(
            """(el) => {
                if (el.scrollWidth <= el.clientWidth) return false;
                el.scrollLeft = 40;
                const moved = el.scrollLeft > 0;
                el.scrollLeft = 0;
                return moved && ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
            }"""
        )
    )


# -- languages -------------------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_a_taiwanese_browser_gets_the_site_in_traditional_chinese(page: Page, site: Site, zh: Words) -> None:
    page.goto(site.url(f"/cities/{CITY}"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    expect(page.get_by_role("heading", level=1)).to_have_text(CITY_NAMES[CITY][0])
    navigation = page.get_by_role("navigation", name=zh("Main navigation"), exact=True)
    expect(navigation.get_by_role("link", name="城市", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="登入", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="中文", exact=True)).to_have_attribute("aria-current", "true")


@pytest.mark.e2e
def test_the_language_switcher_keeps_the_page_and_the_choice_lasts_until_switched_back(
    page: Page, site: Site, zh: Words, en: Words
) -> None:
    path = f"/cities/{CITY}?year={PUBLISHED_YEAR - 1}"
    page.goto(site.url(path))
    page.get_by_role("link", name="English", exact=True).click()
    assert page.url == site.url(path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(CITY_NAMES[CITY][1])
    expect(
        page.get_by_role("heading", level=2, name=en("Inventory %(year)s", year=PUBLISHED_YEAR - 1), exact=True)
    ).to_be_visible()

    # Another page, reached by a link, is English too: the choice is remembered.
    page.get_by_role("link", name=en("Emission factors"), exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="English", exact=True)).to_have_attribute("aria-current", "true")

    page.get_by_role("link", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    expect(
        page.get_by_role("navigation", name=zh("Main navigation"), exact=True).get_by_role(
            "link", name="城市", exact=True
        )
    ).to_be_visible()


@pytest.mark.e2e
def test_an_english_browser_gets_english_without_choosing(browser: Browser, site: Site, en: Words) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site.url(f"/cities/{CITY}"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text(CITY_NAMES[CITY][1])
        expect(page.get_by_role("link", name=en("Sign in"), exact=True)).to_be_visible()
    finally:
        context.close()


# -- phone -----------------------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_the_dashboard_fits_a_phone_and_its_wide_tables_scroll_in_their_own_box(
    phone_page: Page, site: Site, zh: Words
) -> None:
    page = phone_page
    page.goto(site.url(f"/cities/{CITY}"))
    expect(page.locator("figure.chart svg").first).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1, sticking_out(page)

    # The sector table has more columns than a phone is wide: it scrolls inside its box, which stays on screen.
    sector_table = page.get_by_role(
        "region", name=zh("Emissions by sector and scope, %(year)s (t CO₂e)", year=PUBLISHED_YEAR), exact=True
    )
    expect(sector_table).to_be_visible()
    assert scrolls_sideways(sector_table)
    box = sector_table.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 1

    # Charts are scaled to the screen, not cut off.
    for chart in page.locator("figure.chart svg").all():
        chart_box = chart.bounding_box()
        assert chart_box is not None and chart_box["x"] + chart_box["width"] <= PHONE_WIDTH + 1


@pytest.mark.e2e
def test_the_navigation_works_on_a_phone(phone_page: Page, site: Site, zh: Words) -> None:
    page = phone_page
    page.goto(site.url("/"))
    navigation = page.get_by_role("navigation", name=zh("Main navigation"), exact=True)
    for name in (zh("Cities"), zh("Emission factors")):
        link = navigation.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
        assert box["height"] >= 24, f"{name!r} is {box['height']} px tall: hard to tap"

    navigation.get_by_role("link", name=zh("Cities"), exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Member cities"))
    page.get_by_role("link", name=CITY_NAMES[CITY][0], exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(CITY_NAMES[CITY][0])
    page.get_by_role("link", name=zh("Sign in"), exact=True).tap()
    expect(page.get_by_label(zh.required("E-mail"), exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1, sticking_out(page)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        pytest.param("/cities", False, id="directory"),
        pytest.param("/factors", False, id="factors"),
        pytest.param(f"/cities/{CITY}/inventories/{PUBLISHED_YEAR}/report", False, id="gpc-report"),
        pytest.param(
            f"/cities/{CITY}/inventories/{PUBLISHED_YEAR}",
            False,
            id="published-records",
        ),
        pytest.param(
            f"/cities/{CITY}/inventories/{DRAFT_YEAR}",
            True,
            id="draft-editor",
        ),
        pytest.param(
            f"/cities/{CITY}/inventories/{DRAFT_YEAR}/audit",
            True,
            id="audit-log",
        ),
        pytest.param("/account", True, id="account"),
    ],
)
def test_a_page_fits_a_phone_without_scrolling_the_whole_page_sideways(
    phone_page: Page, site: Site, path: str, signed_in: bool
) -> None:
    page = phone_page
    if signed_in:
        site.sign_in(page, EDITOR, next_path=path)
    response = page.goto(site.url(path))
    assert response is not None and response.ok, path
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1, sticking_out(page)
