"""An editor works on Kaohsiung's mitigation plan in a real browser: opens the published demo plan, edits its
scenario file, makes a mistake the editor locates by line and key, runs the fixed text without saving, saves it as
a new version and finds that the public still sees the published one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import CITY, Site

pytestmark = pytest.mark.e2e


def test_an_editor_edits_runs_and_saves_a_plan_while_the_public_keeps_the_published_version(
    page: Page, site: Site
) -> None:
    zh = site.zh
    site.sign_in(page, next_path=f"/cities/{CITY}/plan")
    page.goto(site.url(f"/cities/{CITY}/plan"))
    page.locator(".plan-list__item a").first.click()
    plan_url = page.url
    expect(page.get_by_role("heading", name=zh("1.5 °C context"))).to_be_visible()
    expect(page.get_by_role("heading", name=zh("Actions and co-benefits"))).to_be_visible()

    page.get_by_role("link", name=zh("Edit the scenario"), exact=True).click()
    scenario = page.locator("textarea[name=scenario]")
    text = scenario.input_value()
    scenario.fill(text.replace("reduction = 0.30", "reduction = 1.30").replace("draws = 2000", "draws = 200"))
    page.get_by_role("button", name=zh("Run without saving"), exact=True).click()

    problems = page.locator("table.error-table")
    expect(problems).to_contain_text("targets[1].reduction")
    line = text.splitlines().index("reduction = 0.30") + 1
    expect(problems.locator("tbody td").first).to_have_text(str(line))

    fixed = page.locator("textarea[name=scenario]").input_value().replace("reduction = 1.30", "reduction = 0.35")
    page.locator("textarea[name=scenario]").fill(fixed)
    page.get_by_role("button", name=zh("Run without saving"), exact=True).click()
    expect(page.get_by_role("heading", name=zh("Results of this text (not saved)"))).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()

    page.get_by_label(zh("What changed (optional)"), exact=True).fill("tighter 2030 target")
    page.get_by_role("button", name=zh("Save as a new version"), exact=True).click()
    expect(page.get_by_text(zh("The plan was saved."))).to_be_visible()
    expect(page.locator(".plan-meta")).to_contain_text("tighter 2030 target")
    expect(page.get_by_text(zh("The public sees version %(version)s.", version=1))).to_be_visible()

    site.sign_out(page)
    page.goto(plan_url)
    expect(page.locator(".plan-meta")).not_to_contain_text("tighter 2030 target")
    expect(page.locator("pre.plan-source-text")).to_contain_text(re.compile(r"reduction = 0\.30"))
