"""Security as a visitor meets it in the browser: text people typed stays text, signing out closes the editor,
and the public sees published inventories only.

The module's server is its own: one test renames Kaohsiung to a script-bearing name, which the other tests here do
not rely on (they find the city by its URL, not its name).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect
from tests.e2e.conftest import CITY, DRAFT_YEAR, EDITOR, PUBLISHED_YEAR, Site, Words

PAYLOAD = "<img src=x onerror=alert(1)>"


@pytest.fixture
def dialogs(page: Page) -> Iterator[list[str]]:
    """Messages of every alert/confirm/prompt the page opens (dismissed at once); a script that ran would add one."""
    opened: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield opened


@pytest.fixture
def blocked_scripts(page: Page) -> list[str]:
    """What the Content-Security-Policy refused to run. The CSP blocks an inline ``onerror`` even when the markup
    was parsed, so no dialog could open anyway: a refusal logged here is how a parsed payload would show."""
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    return refused


def injected_images(page: Page) -> int:
    """``<img src="x">`` elements in the page: the payload parsed as HTML instead of shown as text."""
    return page.locator('img[src="x"]').count()


# -- typed text stays text -------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_a_city_name_and_region_with_an_html_tag_show_as_text_and_run_nothing(
    page: Page, site: Site, zh: Words, dialogs: list[str], blocked_scripts: list[str]
) -> None:
    site.sign_in(page, EDITOR)
    # A city's editors keep its profile through the REST API (there is no profile form); the browser's own session
    # and an Origin header, as a same-site script would send.
    city = page.request.get(site.url(f"/api/cities/{CITY}"))
    assert city.ok, city.text()
    changes = {
        "version": city.json()["version"],
        "name_zh": f"高雄 {PAYLOAD}",
        "name_en": f"Kaohsiung {PAYLOAD}",
        "region": f"南部 {PAYLOAD}",
    }
    patched = page.request.patch(site.url(f"/api/cities/{CITY}"), data=changes, headers={"Origin": site.base_url})
    assert patched.ok, patched.text()

    for path in ("/cities", f"/cities/{CITY}", site.editor_path(DRAFT_YEAR), f"{site.editor_path(DRAFT_YEAR)}/audit"):
        page.goto(site.url(path))
        expect(page.locator("main")).to_contain_text(f"高雄 {PAYLOAD}")
        assert injected_images(page) == 0, path
    page.goto(site.url(f"/cities/{CITY}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"高雄 {PAYLOAD}")
    expect(page.locator("main")).to_contain_text(f"南部 {PAYLOAD}")
    assert PAYLOAD in page.title()

    page.get_by_role("link", name="English", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kaohsiung {PAYLOAD}")
    assert injected_images(page) == 0
    assert dialogs == []
    assert blocked_scripts == []


@pytest.mark.e2e
def test_a_row_description_with_an_html_tag_stays_text_after_an_inline_edit(
    page: Page, site: Site, zh: Words, dialogs: list[str], blocked_scripts: list[str]
) -> None:
    site.sign_in(page, EDITOR, next_path=site.editor_path(DRAFT_YEAR))
    row = page.locator("tr.record-row").first
    line = row.locator("td").first.inner_text().strip()
    row.get_by_role("link", name=zh("Edit row %(line)s", line=line), exact=True).click()
    form = page.locator("form.record-edit")
    form.get_by_label(zh("Description"), exact=True).fill(f"gas {PAYLOAD}")
    form.get_by_label(zh("Reason for the change"), exact=True).fill("security check")
    form.get_by_role("button", name=zh("Save row"), exact=True).click()

    # htmx puts the server's answer into the page: the description must arrive escaped.
    expect(form).to_have_count(0)
    edited = page.locator("tr.record-row").filter(has=page.locator("td", has_text=line)).first
    expect(edited.locator(".record-row__description")).to_have_text(f"gas {PAYLOAD}")
    assert injected_images(page) == 0

    page.reload()
    expect(page.locator(".record-row__description").filter(has_text=PAYLOAD)).to_have_count(1)
    page.goto(site.url(f"{site.editor_path(DRAFT_YEAR)}/audit"))
    expect(page.locator("table.audit-table")).to_contain_text(f"gas {PAYLOAD}")
    assert injected_images(page) == 0
    assert dialogs == []
    assert blocked_scripts == []


# -- signing out -----------------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_after_signing_out_the_draft_editor_and_its_audit_log_are_closed(page: Page, site: Site, zh: Words) -> None:
    editor = site.editor_path(DRAFT_YEAR)
    site.sign_in(page, EDITOR, next_path=editor)
    expect(page.get_by_role("heading", level=2, name=zh("Upload activity data"), exact=True)).to_be_visible()
    site.sign_out(page)
    expect(page.get_by_role("status").filter(has_text=zh("You are signed out."))).to_be_visible()

    page.goto(site.url(editor))
    expect(page.get_by_role("heading", level=2, name=zh("Upload activity data"), exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name=zh("Activity records"), exact=True)).to_have_count(0)

    page.goto(site.url(f"{editor}/audit"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Sign in"))
    expect(page.get_by_label(zh.required("E-mail"), exact=True)).to_be_visible()


@pytest.mark.e2e
def test_after_signing_out_the_back_button_does_not_bring_the_draft_editor_back(
    page: Page, site: Site, zh: Words
) -> None:
    site.sign_in(page, EDITOR, next_path=site.editor_path(DRAFT_YEAR))
    expect(page.get_by_role("heading", level=2, name=zh("Upload activity data"), exact=True)).to_be_visible()
    site.sign_out(page)

    page.go_back()
    expect(page.get_by_role("heading", level=2, name=zh("Upload activity data"), exact=True)).to_have_count(
        0, timeout=3_000
    )
    expect(page.get_by_role("heading", level=2, name=zh("Activity records"), exact=True)).to_have_count(
        0, timeout=3_000
    )


@pytest.mark.e2e
def test_after_signing_out_reopening_the_draft_editor_asks_to_sign_in_again(page: Page, site: Site, zh: Words) -> None:
    editor = site.editor_path(DRAFT_YEAR)
    site.sign_in(page, EDITOR, next_path=editor)
    site.sign_out(page)

    page.goto(site.url(editor))
    expect(page.get_by_label(zh.required("E-mail"), exact=True)).to_be_visible(timeout=3_000)
    # Signing in again comes back to the editor.
    site.sign_in(page, EDITOR, next_path=editor)
    expect(page.get_by_role("heading", level=2, name=zh("Upload activity data"), exact=True)).to_be_visible()


# -- what the public sees --------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_the_public_sees_the_published_year_but_not_the_draft(page: Page, site: Site, zh: Words) -> None:
    page.goto(site.url(f"/cities/{CITY}"))
    expect(
        page.get_by_role("heading", level=2, name=zh("Inventory %(year)s", year=PUBLISHED_YEAR), exact=True)
    ).to_be_visible()
    years = page.get_by_label(zh("Inventory year"), exact=True).locator("option").all_inner_texts()
    assert str(PUBLISHED_YEAR) in years and str(DRAFT_YEAR) not in years
    expect(page.get_by_role("link", name=zh("Open the inventory editor"), exact=True)).to_have_count(0)

    published = site.editor_path(PUBLISHED_YEAR)
    page.goto(site.url(published))
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(PUBLISHED_YEAR))
    expect(page.get_by_role("heading", level=2, name=zh("Upload activity data"), exact=True)).to_have_count(0)
    expect(page.locator("tr.record-row").first).to_be_visible()
    expect(page.locator("tr.record-row").get_by_role("link")).to_have_count(0)

    draft = site.editor_path(DRAFT_YEAR)
    response = page.goto(site.url(f"/cities/{CITY}?year={DRAFT_YEAR}"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(str(DRAFT_YEAR))
    # Inventory pages ask a signed-out visitor to sign in, whether the inventory exists or not (no leak).
    for path in (draft, f"{draft}/report", f"{draft}/export/gpc.xlsx"):
        response = page.goto(site.url(path))
        assert response is not None and response.status == 200, path
        assert "/login?next=" in page.url, path
        expect(page.get_by_role("heading", level=1)).not_to_contain_text(str(DRAFT_YEAR))
