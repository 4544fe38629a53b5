"""Editing a city's network profile in the browser (src/zerocity/web/routers/pages_network_profile.py): the city's
editors and administrators only, percentages in and fractions stored, clear errors, stale forms refused."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from zerocity.store.db import Database
from zerocity.store.models import City
from zerocity.store.network_models import CityProfile

ClientFactory = Callable[..., TestClient]
FORM = {
    "climate_zone": "Cfa",
    "climate_year": "2016",
    "climate_source": "Beck et al. 2018",
    "coastal": "yes",
    "coastal_source": "map",
    "primary_share": "2",
    "secondary_share": "40,5",
    "tertiary_share": "57.5",
    "structure_year": "2021",
    "structure_source": "yearbook",
    "version": "1",
}


def _profile(db: Database, slug: str) -> CityProfile:
    with db.read() as session:
        city_id = session.scalar(select(City.id).where(City.slug == slug))
        profile = session.get(CityProfile, city_id)
        assert profile is not None
        session.expunge(profile)
        return profile


def test_the_citys_editor_opens_the_form_with_the_current_values_in_percent(make_client: ClientFactory) -> None:
    response = make_client("editor@kaohsiung.demo").get("/cities/kaohsiung/profile/edit")

    assert response.status_code == 200
    assert re.search(r'name="climate_zone"[^>]* value="Aw"', response.text)
    assert re.search(r'name="secondary_share"[^>]* value="44"', response.text)
    assert response.headers["cache-control"] == "no-store"


def test_saving_stores_fractions_and_shows_the_profile(db: Database, make_client: ClientFactory) -> None:
    client = make_client("editor@kaohsiung.demo")
    response = client.post("/cities/kaohsiung/profile/edit", data=FORM)

    assert response.status_code == 303 and response.headers["location"] == "/cities/kaohsiung/profile"
    profile = _profile(db, "kaohsiung")
    assert (profile.climate_zone, profile.coastal, profile.structure_year) == ("Cfa", True, 2021)
    assert profile.secondary_share == pytest.approx(0.405) and profile.version == 2
    shown = client.get("/cities/kaohsiung/profile")
    assert "Cfa (group C, temperate)" in shown.text and "industry 41%" in shown.text


def test_the_profile_page_offers_the_form_only_to_those_who_may_edit(make_client: ClientFactory) -> None:
    link = 'href="/cities/kaohsiung/profile/edit"'
    assert link in make_client("editor@kaohsiung.demo").get("/cities/kaohsiung/profile").text
    assert link in make_client("admin@zerocity.demo").get("/cities/kaohsiung/profile").text
    assert link not in make_client("editor@tainan.demo").get("/cities/kaohsiung/profile").text
    assert link not in make_client().get("/cities/kaohsiung/profile").text


def test_another_citys_editor_and_the_public_may_not_edit(db: Database, make_client: ClientFactory) -> None:
    other = make_client("editor@tainan.demo")
    assert other.get("/cities/kaohsiung/profile/edit").status_code == 403
    assert other.post("/cities/kaohsiung/profile/edit", data=FORM).status_code == 403
    public = make_client().post("/cities/kaohsiung/profile/edit", data=FORM)
    assert public.status_code == 303 and public.headers["location"].startswith("/login")
    assert _profile(db, "kaohsiung").climate_zone == "Aw"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"climate_zone": "Q9"}, "climate_zone", "Give a Köppen-Geiger code"),
        ({"climate_year": "1492"}, "climate_year", "Give a year between 1900 and 2100"),
        ({"secondary_share": "140"}, "secondary_share", "Give a percentage between 0 and 100."),
        ({"secondary_share": "forty"}, "secondary_share", "Give a percentage between 0 and 100."),
        ({"primary_share": "50", "secondary_share": "50", "tertiary_share": "50"}, "shares", "one hundred per cent"),
    ],
)
def test_a_value_that_cannot_be_right_is_refused_with_its_reason_and_nothing_saved(
    db: Database, make_client: ClientFactory, changes: dict[str, str], field: str, message: str
) -> None:
    response = make_client("admin@zerocity.demo").post("/cities/kaohsiung/profile/edit", data={**FORM, **changes})

    assert response.status_code == 422
    assert message in response.text
    assert _profile(db, "kaohsiung").climate_zone == "Aw"


def test_a_stale_form_is_refused(db: Database, make_client: ClientFactory) -> None:
    response = make_client("editor@kaohsiung.demo").post(
        "/cities/kaohsiung/profile/edit", data={**FORM, "version": "7"}
    )

    assert response.status_code == 409
    assert "Someone else saved this profile meanwhile" in response.text
    assert _profile(db, "kaohsiung").version == 1


def test_the_form_speaks_chinese(make_client: ClientFactory) -> None:
    response = make_client("editor@kaohsiung.demo", locale="zh_Hant").get("/cities/kaohsiung/profile/edit")
    assert "柯本" in response.text and "產業結構" in response.text
