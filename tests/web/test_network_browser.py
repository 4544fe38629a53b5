"""The member network pages in a real browser (Debian chromium): they fit a 390 px phone, and the shareable city
profile prints without the site's navigation but with its own address. Read-only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from tests.support.server import running_server

pytestmark = pytest.mark.e2e

PAGES = ["/network", "/network/compare?metric=sector_shares", "/cities/kaohsiung/profile", "/cities/kaohsiung/peers"]


@pytest.fixture(scope="module")
def network_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``zerocity serve --demo`` for this module; its base URL."""
    with running_server(tmp_path_factory.mktemp("network-e2e"), demo=True) as base_url:
        yield base_url


def _sticking_out(page: Page) -> list[str]:
    """Elements past the right edge of the screen that no sideways-scrolling box holds back."""
    return list(
        page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const heldBack = (el) => {
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


@pytest.mark.parametrize("path", PAGES)
def test_every_network_page_fits_a_phone(phone_page: Page, network_site: str, path: str) -> None:
    phone_page.goto(network_site + path)

    expect(phone_page.locator("h1")).to_be_visible()
    assert _sticking_out(phone_page) == []


def test_the_profile_prints_without_navigation_and_with_its_address(page: Page, network_site: str) -> None:
    page.goto(network_site + "/cities/kaohsiung/profile")
    address = page.locator(".network-profile__url")
    expect(address).to_be_hidden()

    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(address).to_be_visible()
    expect(address).to_contain_text("/cities/kaohsiung/profile")
    expect(page.locator(".chart svg").first).to_be_visible()


def test_the_comparison_chooser_compares_the_cities_ticked(page: Page, network_site: str) -> None:
    page.goto(network_site + "/network/compare")
    page.locator('input[name="cities"][value="kaohsiung"]').check()
    page.locator('input[name="cities"][value="pingtung"]').check()
    page.locator('select[name="metric"]').select_option("per_gdp")
    page.locator(".network-chooser button[type=submit]").click()

    expect(page.locator(".network-comparison tbody tr")).to_have_count(1)
    expect(page.locator(".network-excluded li")).to_have_count(1)
    expect(page.locator(".network-basis")).to_contain_text("GDP")
