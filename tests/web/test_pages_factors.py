"""The emission factor library pages (src/zerocity/web/routers/pages_factors.py), against the real app."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from zerocity.core.factors import bundled_library
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.web.app import create_app
from zerocity.web.routers.pages_factors import published_digits

ROAD_DIESEL = "ipcc2006/road/gas_diesel_oil"
PAGE_SIZE = 20


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("factors")
    url = f"sqlite:///{data_dir / 'zerocity.sqlite3'}"
    upgrade(url)
    db = Database(url)
    with TestClient(create_app(Settings(data_dir=data_dir, page_size=PAGE_SIZE), db=db)) as test_client:
        yield test_client
    db.dispose()


def _listed_ids(html: str) -> list[str]:
    return [href.removeprefix("/factors/") for href in re.findall(r'<a href="(/factors/[^"?]+)"', html)]


def test_the_library_lists_the_bundled_factors_a_page_at_a_time(client: TestClient) -> None:
    response = client.get("/factors")
    assert response.status_code == 200
    assert len(_listed_ids(response.text)) == PAGE_SIZE
    assert f"{len(bundled_library())} factors found" in client.get("/factors", headers={"Accept-Language": "en"}).text


def test_the_last_page_holds_the_remaining_factors(client: TestClient) -> None:
    total = len(bundled_library())
    last = -(-total // PAGE_SIZE)
    response = client.get(f"/factors?page={last}")
    assert len(_listed_ids(response.text)) == total - (last - 1) * PAGE_SIZE
    assert 'rel="next"' not in response.text


def test_searching_in_chinese_finds_road_diesel(client: TestClient) -> None:
    ids = _listed_ids(client.get("/factors", params={"q": "柴油"}).text)
    assert ROAD_DIESEL in ids
    assert "ipcc2006/road/motor_gasoline_uncontrolled" not in ids


def test_searching_in_english_finds_road_diesel(client: TestClient) -> None:
    assert ROAD_DIESEL in _listed_ids(client.get("/factors", params={"q": "diesel"}).text)


def test_the_category_filter_keeps_only_that_category(client: TestClient) -> None:
    ids = _listed_ids(client.get("/factors", params={"q": "diesel", "category": "road"}).text)
    assert ids == [ROAD_DIESEL]


def test_the_status_filter_keeps_only_that_status(client: TestClient) -> None:
    targets = [f.factor_id for f in bundled_library().factors.values() if f.status == "target"]
    assert targets, "the bundled library is expected to hold a policy target (the 2025 grid factor)"
    assert _listed_ids(client.get("/factors", params={"status": "target"}).text) == targets


def test_a_search_without_matches_says_so(client: TestClient) -> None:
    response = client.get("/factors", params={"q": "unobtainium"}, headers={"Accept-Language": "en"})
    assert _listed_ids(response.text) == []
    assert "No factor matches." in response.text


def test_the_page_links_keep_the_search(client: TestClient) -> None:
    html = client.get("/factors", params={"q": "ipcc2006"}).text
    assert 'href="/factors?q=ipcc2006&amp;page=2"' in html


def test_a_search_longer_than_allowed_is_refused(client: TestClient) -> None:
    assert client.get("/factors", params={"q": "x" * 201}).status_code == 422


def test_the_list_shows_values_with_their_published_digits(client: TestClient) -> None:
    html = client.get("/factors", params={"q": "diesel", "category": "road"}).text
    row = html.split(ROAD_DIESEL, 1)[1].split("</tr>", 1)[0]
    assert "74,100" in row and "3.9" in row and "kg/TJ" in row


def test_the_detail_page_shows_every_field_and_the_source(client: TestClient) -> None:
    factor = bundled_library().get(ROAD_DIESEL)
    response = client.get(f"/factors/{ROAD_DIESEL}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert factor.source in response.text
    assert "Net calorific value (NCV)</dt><dd>43 TJ/Gg</dd>" in response.text
    assert "Gas/diesel oil" in response.text


def test_the_detail_page_of_a_grid_factor_says_it_is_co2e_only(client: TestClient) -> None:
    response = client.get("/factors/tw-grid:2019", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "0.509" in response.text
    assert "Published as CO₂e only" in response.text


def test_the_detail_page_of_a_policy_target_warns_it_may_not_be_used(client: TestClient) -> None:
    target = next(f for f in bundled_library().factors.values() if f.status == "target")
    response = client.get(f"/factors/{target.factor_id}", headers={"Accept-Language": "en"})
    assert "This is a policy target, not a measured factor" in response.text


def test_an_unknown_factor_is_not_found(client: TestClient) -> None:
    response = client.get("/factors/ipcc2006/road/unobtainium")
    assert response.status_code == 404
    assert "找不到" in response.text


def test_published_digits_follow_the_value_as_written() -> None:
    assert published_digits(0.554) == 3
    assert published_digits(74100.0) == 0
    assert published_digits(3.9) == 1
    assert published_digits(1e-7) == 7
