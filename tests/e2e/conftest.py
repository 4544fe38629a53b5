"""Fixtures of the browser end-to-end tests: a real ``zerocity serve --demo`` and helpers that act like a person.

Each test module gets its own server and data directory (``live_server``, module scope), so a module that changes
data (an import, a renamed city) never disturbs another; under xdist every worker starts the servers of the modules
it runs. Tests inside one module share the server and must not depend on each other's order.

Locators are written in the words a reader sees. The default language is Traditional Chinese, so ``zh("Sign in")``
gives the text the page shows for that msgid: the same catalogue lookup the server makes (``zerocity.web.i18n``),
which is the msgid itself while a string still awaits its translation. A test therefore follows the catalogue
instead of copying Chinese text that a translator may still polish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.support.server import running_server

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services.demo import DEMO_PASSWORD
from zerocity.web import i18n

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

#: The demo account the journeys use: an editor of Kaohsiung (``zerocity.services.demo.ACCOUNTS``).
EDITOR = "editor@kaohsiung.demo"

#: The demo city every journey starts from, and its years: 2017-2019 published, 2020 a draft.
CITY = "kaohsiung"
DRAFT_YEAR = 2020
PUBLISHED_YEAR = 2019
#: The demo city's names as the directory spells them (``data/demo/cities.csv``).
CITY_NAMES = {row["slug"]: (row["name_zh"], row["name_en"]) for row in read_bundled_csv("demo/cities.csv")}

_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")


class Words:
    """The user-interface text of one language, looked up in the catalogue the server uses.

    ``words("Upload and preview")``, ``words("Edit row %(line)s", line=4)``,
    ``words.n("%(num)s record", "%(num)s records", 45)``, ``words.p("spreadsheet", "Row")`` and
    ``words.required("E-mail")`` (the label of a required field).
    """

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._translations = i18n.get_translations(locale)

    def __call__(self, msgid: str, **variables: Any) -> str:
        text = self._translations.gettext(msgid)
        return text % variables if variables else text

    def n(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        return self._translations.ngettext(singular, plural, num) % {"num": num, **variables}

    def p(self, context: str, msgid: str) -> str:
        return self._translations.pgettext(context, msgid)

    def required(self, msgid: str) -> str:
        """A required form field's label as read out: its name, then "(required)" (the ``ui.field`` macro)."""
        return f"{self(msgid)} {self('(required)')}"


def parse_number(text: str) -> float:
    """The first number in a text as the page formats it: ``35,225,070 t CO₂e`` -> 35225070.0."""
    found = _NUMBER.search(text)
    if found is None:
        raise ValueError(f"no number in {text!r}")
    return float(found.group().replace(",", "").replace("−", "-"))


def decimals_shown(text: str) -> int:
    """How many decimals the first number in ``text`` shows (``12.70`` -> 2), to compare at the same precision."""
    found = _NUMBER.search(text)
    if found is None:
        raise ValueError(f"no number in {text!r}")
    number = found.group()
    return len(number.split(".", 1)[1]) if "." in number else 0


def table_rows(table: Locator) -> list[dict[str, str]]:
    """The body rows of a data table as ``{column heading: cell text}``, headings and cells as a reader sees them.

    A row's ``<th scope="row">`` counts as a cell, so a totals table reads ``{"Total": "BASIC total", ...}``.
    """
    headings = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [text.strip() for text in row.locator("th, td").all_inner_texts()]
        rows.append(dict(zip(headings, cells, strict=False)))
    return rows


@dataclass(frozen=True)
class Site:
    """A running ZeroCity server, and the few steps every journey repeats (signing in and out)."""

    base_url: str
    zh: Words

    def url(self, path: str) -> str:
        return self.base_url + path

    def editor_path(self, year: int = DRAFT_YEAR, city: str = CITY) -> str:
        return f"/cities/{city}/inventories/{year}"

    def sign_in(self, page: Page, email: str = EDITOR, password: str = DEMO_PASSWORD, next_path: str = "/") -> None:
        """Fill in the sign-in form as a person would, and wait until the site has let us in."""
        page.goto(self.url(f"/login?next={next_path}"))
        page.get_by_label(self.zh.required("E-mail"), exact=True).fill(email)
        page.get_by_label(self.zh.required("Password"), exact=True).fill(password)
        page.get_by_role("button", name=self.zh("Sign in"), exact=True).click()
        page.get_by_role("button", name=self.zh("Sign out"), exact=True).wait_for()
        # The button is in the HTML before the deferred htmx script has run; a click that soon would take the
        # no-JavaScript path (a full page load) while the test expects an in-place swap, so wait for "load".
        page.wait_for_load_state("load")

    def sign_out(self, page: Page) -> None:
        """The header's sign-out button (a form post); the site answers with its home page."""
        page.get_by_role("button", name=self.zh("Sign out"), exact=True).click()
        page.get_by_role("link", name=self.zh("Sign in"), exact=True).wait_for()


@pytest.fixture(scope="session")
def zh() -> Words:
    """Traditional Chinese, the default language of the site."""
    return Words("zh_Hant")


@pytest.fixture(scope="session")
def en() -> Words:
    return Words("en")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``zerocity serve --demo`` on a free port with a fresh data directory for this test module; its base URL."""
    data_dir: Path = tmp_path_factory.mktemp("e2e-server")
    with running_server(data_dir, demo=True) as base_url:
        yield base_url


@pytest.fixture
def site(live_server: str, zh: Words) -> Site:
    return Site(live_server, zh)
