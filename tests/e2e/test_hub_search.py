"""The case library in a real browser: a reader searches in Chinese for a two-character word (公車), sees the word
highlighted in a hit, opens the case, switches the site to English and reads the English version of the same case.

Read-only. The case is found in the demo's own content file (``data/demo/hub/cases.toml``): the first published
bilingual case whose Chinese title holds the word, so the test follows the demo content instead of copying it.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import Site, Words

WORD = "公車"


def bilingual_case_with(word: str) -> dict[str, Any]:
    text = resources.files("zerocity.data").joinpath("demo/hub/cases.toml").read_text(encoding="utf-8")
    for case in tomllib.loads(text)["case"]:
        zh, en = case.get("zh") or {}, case.get("en") or {}
        if word in zh.get("title", "") and zh.get("status") == "published" and en.get("status") == "published":
            return case
    raise AssertionError(f"the demo content has no published bilingual case with {word} in its Chinese title")


@pytest.mark.e2e
def test_a_reader_searches_in_chinese_opens_a_case_and_reads_it_in_english(page: Page, site: Site, zh: Words) -> None:
    case = bilingual_case_with(WORD)
    page.goto(site.url("/cases"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")

    page.get_by_role("searchbox", name=zh("Search"), exact=True).fill(WORD)
    page.get_by_role("button", name=zh("Search"), exact=True).click()
    page.wait_for_url(re.compile(r"/cases\?q="))

    hit = page.locator(".case-hit").filter(has=page.get_by_role("link", name=case["zh"]["title"], exact=True))
    expect(hit.locator("mark").first).to_have_text(WORD)

    hit.get_by_role("link", name=case["zh"]["title"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case["zh"]["title"])

    page.get_by_role("link", name="English", exact=True).first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(case["en"]["title"])
