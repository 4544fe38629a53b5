"""Playwright (sync API) on Debian's chromium, headless (STACK.md §2, caveat 3).

Playwright never downloads a browser here: the browser is the system ``/usr/bin/chromium`` (``CHROMIUM``
overrides), found through ``executable_path``. Without it the browser tests skip locally and fail when ``CI`` is set.

Fixtures (re-exported by ``tests/conftest.py``):

* ``browser`` (session): the launched chromium;
* ``page``: a page in a new context, locale ``zh-TW``, time zone Asia/Taipei, viewport 1280×900;
* ``phone_page``: the same on a 390×844 touch phone viewport.

Playwright is imported only when a browser fixture is used, so other tests do not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.support import unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALE = "zh-TW"
TIMEZONE = "Asia/Taipei"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
DEFAULT_TIMEOUT_MS = 15_000


def launch_chromium() -> tuple[Any, Browser]:
    """Start Playwright and launch the system chromium; returns ``(playwright, browser)``: stop both when done."""
    if not CHROMIUM.is_file():
        unavailable(f"chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise
    return playwright, launched


def _new_page(browser: Browser, viewport: ViewportSize, **options: Any) -> Iterator[Page]:
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport=viewport, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium, shared by the tests of one xdist worker."""
    playwright, launched = launch_chromium()
    try:
        yield launched
    finally:
        try:
            launched.close()
        finally:
            playwright.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context (no cookies or storage shared with other tests): zh-TW, 1280×900."""
    yield from _new_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context on a phone: zh-TW, 390×844, mobile viewport with touch."""
    yield from _new_page(browser, PHONE, is_mobile=True, has_touch=True)
