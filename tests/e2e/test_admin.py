"""The centre's administration in a real browser: the centre administrator adds a member city and an editor
account for it, hands over the password the page shows once, signs out; the new editor signs in with that password
and finds the city, which they may now give its first inventory.

The module's server is its own (``live_server``): the city it adds does not appear in other modules' demo, whose
tests count the demo cities.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import Site, Words

ADMIN = "admin@zerocity.demo"
NEW_CITY = {"slug": "hualien", "name_zh": "花蓮縣", "name_en": "Hualien County"}
NEW_EDITOR = ("lin@hualien.example.org", "林承辦")


@pytest.mark.e2e
def test_the_centre_adds_a_city_and_its_editor_who_signs_in_with_the_shown_password_and_sees_the_city(
    page: Page, site: Site, zh: Words
) -> None:
    site.sign_in(page, ADMIN)
    page.get_by_role("navigation", name=zh("Main navigation")).get_by_role("link", name=zh("Administration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Administration"))

    # A new member city.
    page.get_by_role("link", name=zh("New city"), exact=True).click()
    page.get_by_label(zh.required("Short name (in the address)")).fill(NEW_CITY["slug"])
    page.get_by_label(zh.required("Name in Chinese")).fill(NEW_CITY["name_zh"])
    page.get_by_label(zh.required("Name in English")).fill(NEW_CITY["name_en"])
    expect(page.get_by_label(zh.required("Country"))).to_have_value("TW")
    page.get_by_role("button", name=zh("Create city")).click()
    created = zh("The city was created. Add its population and GDP by year below.")
    expect(page.get_by_role("status")).to_contain_text(created)
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_CITY["name_zh"])

    # An editor account for it; the password is on the next page, once.
    page.get_by_role("navigation", name=zh("Breadcrumb")).get_by_role("link", name=zh("Administration")).click()
    page.get_by_role("navigation", name=zh("Administration")).get_by_role("link", name=zh("Accounts")).click()
    page.get_by_role("link", name=zh("New account"), exact=True).click()
    email, name = NEW_EDITOR
    page.get_by_label(zh.required("E-mail")).fill(email)
    page.get_by_label(zh("Name"), exact=True).fill(name)
    page.get_by_label(zh("City"), exact=True).select_option(label=NEW_CITY["name_zh"])
    page.get_by_label(zh("Role in the city")).select_option(label=zh("Editor"))
    page.get_by_role("button", name=zh("Create account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Account created"))
    password = page.get_by_label(zh("Password")).input_value()
    assert len(password) >= 10

    site.sign_out(page)
    site.sign_in(page, email, password)
    main_navigation = page.get_by_role("navigation", name=zh("Main navigation"))
    main_navigation.get_by_role("link", name=zh("Cities"), exact=True).click()
    page.get_by_role("link", name=NEW_CITY["name_zh"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_CITY["name_zh"])
    expect(page.get_by_role("link", name=zh("Create an inventory"))).to_be_visible()  # they are its editor
    expect(page.get_by_role("link", name=zh("Administration"))).to_have_count(0)  # and not an administrator
