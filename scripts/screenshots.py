"""Full-page screenshots of the Kaohsiung demo dashboard, to look at the layout and the translations by eye.

::

    .venv/bin/python scripts/screenshots.py [OUT_DIR] [--base-url http://127.0.0.1:8000]

Starts ``zerocity serve --demo`` on a free port with a throwaway data directory (the test suite's
``tests/support/server.py``), or uses a server that is already running (``--base-url``, e.g. after ``make run``).
Signs in as the Kaohsiung editor, so the 2020 draft is shown too, and saves into OUT_DIR (default
``/tmp/zerocity-screens``):

* ``dashboard-zh_Hant.png``: desktop (1280 px wide), Traditional Chinese;
* ``dashboard-en.png``: the same page after choosing English with the language switcher;
* ``dashboard-phone-zh_Hant.png``: a 390 px phone, Traditional Chinese.

The browser is Debian's chromium driven by Playwright (``tests/support/browser.py``); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared test helpers live in tests/support

from tests.support.browser import DESKTOP, LOCALE, PHONE, TIMEZONE, launch_chromium  # noqa: E402
from tests.support.server import running_server  # noqa: E402

from zerocity.services.demo import DEMO_PASSWORD  # noqa: E402
from zerocity.web.i18n import get_translations  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

DEFAULT_OUT_DIR = Path("/tmp/zerocity-screens")
EDITOR = "editor@kaohsiung.demo"
DASHBOARD = "/cities/kaohsiung"
TIMEOUT_MS = 30_000


def _zh(msgid: str) -> str:
    """The page's Traditional Chinese text for a msgid (the msgid itself until it is translated)."""
    return get_translations("zh_Hant").gettext(msgid)


def _required(msgid: str) -> str:
    """A required field's label as read out: its name, then "(required)"."""
    return f"{_zh(msgid)} {_zh('(required)')}"


@contextlib.contextmanager
def _server(base_url: str | None) -> Iterator[str]:
    if base_url:
        yield base_url.rstrip("/")
        return
    with tempfile.TemporaryDirectory(prefix="zerocity-screens-") as data_dir, running_server(data_dir) as url:
        yield url


def _signed_in_page(browser: Browser, base_url: str, viewport: ViewportSize, *, phone: bool = False) -> Page:
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=viewport, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base_url}/login?next={DASHBOARD}")
    page.get_by_label(_required("E-mail"), exact=True).fill(EDITOR)
    page.get_by_label(_required("Password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=_zh("Sign in"), exact=True).click()
    page.wait_for_url(f"{base_url}{DASHBOARD}")
    page.locator("figure.chart svg").first.wait_for()
    return page


def _save(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=True)
    print(f"saved {path}")
    return path


def take_screenshots(out_dir: Path, base_url: str | None = None) -> list[Path]:
    """Save the three dashboard screenshots into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with _server(base_url) as url:
        playwright, browser = launch_chromium()
        try:
            desktop = _signed_in_page(browser, url, DESKTOP)
            saved.append(_save(desktop, out_dir / "dashboard-zh_Hant.png"))
            desktop.get_by_role("link", name="English", exact=True).click()
            desktop.wait_for_function("document.documentElement.lang === 'en'")
            desktop.locator("figure.chart svg").first.wait_for()
            saved.append(_save(desktop, out_dir / "dashboard-en.png"))
            desktop.context.close()

            phone = _signed_in_page(browser, url, PHONE, phone=True)
            saved.append(_save(phone, out_dir / "dashboard-phone-zh_Hant.png"))
            phone.context.close()
        finally:
            browser.close()
            playwright.stop()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR, help="where to save the PNG files")
    parser.add_argument("--base-url", help="use this running server instead of starting the demo")
    args = parser.parse_args(argv)
    take_screenshots(args.out_dir, args.base_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
