"""Member cities: the public directory, profiles an editor keeps, and population by year."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError

from zerocity.services import audit, cities
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound

if TYPE_CHECKING:
    from tests.services.conftest import World


def _fields(**changes: object) -> cities.CityFields:
    values: dict[str, object] = {
        "name_zh": "高雄市",
        "name_en": "Kaohsiung City",
        "country": "TW",
        "region": "南部 Southern Taiwan",
        "area_km2": 2951.85,
        "boundary": "Administrative area after the 2010 merger (38 districts).",
    }
    return cities.CityFields(**(values | changes))


def _update(world: World, actor: Actor, slug: str, fields: cities.CityFields, version: int = 1) -> None:
    with world.db.write() as session:
        cities.update_city(session, actor, slug, fields, expected_version=version)


def test_the_directory_lists_every_city_to_anyone(world: World) -> None:
    with world.db.read() as session:
        slugs = [city.slug for city in cities.list_cities(session)]
    assert slugs == ["kaohsiung", "tainan"]


def test_an_unknown_city_is_not_found(world: World) -> None:
    with pytest.raises(NotFound), world.db.read() as session:
        cities.get_city(session, "atlantis")


def test_an_editor_changes_their_own_city_and_each_changed_field_is_audited(world: World) -> None:
    _update(world, world.editor, world.slug, _fields())
    with world.db.read() as session:
        city = cities.get_city(session, world.slug)
        entries, _ = audit.entries(session, city_id=city.id)
    assert (city.name_en, city.area_km2, city.version) == ("Kaohsiung City", 2951.85, 2)
    changed = {e.field: (e.old_value, e.new_value) for e in entries if e.action == "update"}
    assert changed["name_en"] == ("Kaohsiung", "Kaohsiung City")
    assert changed["area_km2"] == ("2000.0", "2951.85")
    assert "name_zh" not in changed  # unchanged fields leave no entry
    assert {e.user_id for e in entries if e.action == "update"} == {world.editor.user_id}


def test_an_editor_cannot_change_another_city(world: World) -> None:
    with pytest.raises(Forbidden):
        _update(world, world.other_editor, world.slug, _fields())


def test_a_viewer_cannot_change_their_city(world: World) -> None:
    with pytest.raises(Forbidden):
        _update(world, world.viewer, world.slug, _fields())


def test_the_public_cannot_change_a_city_and_is_asked_to_sign_in(world: World) -> None:
    with pytest.raises(NotAuthenticated):
        _update(world, world.public, world.slug, _fields())


def test_refused_changes_leave_the_city_as_it_was(world: World) -> None:
    for actor in (world.other_editor, world.viewer, world.public):
        with pytest.raises((Forbidden, NotAuthenticated)):
            _update(world, actor, world.slug, _fields())
    with world.db.read() as session:
        city = cities.get_city(session, world.slug)
    assert (city.name_en, city.version) == ("Kaohsiung", 1)


def test_a_change_from_a_stale_version_is_a_conflict_and_the_first_change_stays(world: World) -> None:
    _update(world, world.editor, world.slug, _fields(name_en="First"), version=1)
    with pytest.raises(Conflict):
        _update(world, world.admin, world.slug, _fields(name_en="Second"), version=1)
    with world.db.read() as session:
        city = cities.get_city(session, world.slug)
    assert (city.name_en, city.version) == ("First", 2)


def test_only_an_administrator_creates_a_city(world: World) -> None:
    new = cities.NewCity(slug="taichung", name_zh="臺中市", name_en="Taichung", country="TW")
    with pytest.raises(Forbidden), world.db.write() as session:
        cities.create_city(session, world.editor, new)
    with world.db.write() as session:
        cities.create_city(session, world.admin, new)
    with world.db.read() as session:
        assert cities.get_city(session, "taichung").name_zh == "臺中市"


def test_a_second_city_with_the_same_slug_is_a_conflict(world: World) -> None:
    with pytest.raises(Conflict), world.db.write() as session:
        cities.create_city(
            session, world.admin, cities.NewCity(slug="tainan", name_zh="台南", name_en="Tainan", country="TW")
        )


@pytest.mark.parametrize("slug", sorted(cities.RESERVED_SLUGS))
def test_a_short_name_that_is_a_page_address_is_refused(world: World, slug: str) -> None:
    new = cities.NewCity(slug=slug, name_zh="新城", name_en="New Town", country="TW")
    with pytest.raises(InvalidRequest, match="address of a page"), world.db.write() as session:
        cities.create_city(session, world.admin, new)


@pytest.mark.parametrize(
    "changes",
    [{"country": "tw"}, {"area_km2": 0.0}, {"name_en": "   "}, {"area_km2": "2951"}, {"unknown": "x"}],
)
def test_city_fields_are_checked_strictly(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _fields(**changes)


def test_a_slug_must_be_a_short_lower_case_name() -> None:
    for slug in ("Kaohsiung", "-kaohsiung", "kao hsiung", "x" * 64):
        with pytest.raises(ValidationError):
            cities.NewCity(slug=slug, name_zh="x", name_en="x", country="TW")


def test_an_editor_sets_population_by_year_and_a_second_set_replaces_it(world: World) -> None:
    with world.db.write() as session:
        cities.set_stat(session, world.editor, world.slug, cities.StatFields(year=2020, population=2765000.0))
    with world.db.write() as session:
        cities.set_stat(
            session, world.editor, world.slug, cities.StatFields(year=2020, population=2765932.0, source="MOI")
        )
        cities.set_stat(session, world.editor, world.slug, cities.StatFields(year=2019, population=2773198.0))
    with world.db.read() as session:
        view = cities.city_view(session, world.slug)
        entries, _ = audit.entries(session, city_id=world.city_id)
    assert sorted(view.stats) == [2019, 2020]
    assert view.population(2020) == 2765932.0 and view.stats[2020].source == "MOI"
    assert view.population(2018) is None
    stat_entries = [e for e in entries if e.entity == "city_stat"]
    assert len(stat_entries) == 3
    assert any(e.old_value and "2765000.0" in e.old_value for e in stat_entries)


def test_population_is_kept_only_by_the_city_editor(world: World) -> None:
    with pytest.raises(Forbidden), world.db.write() as session:
        cities.set_stat(session, world.other_editor, world.slug, cities.StatFields(year=2020, population=1.0))
    with world.db.read() as session:
        assert cities.city_view(session, world.slug).stats == {}


def _stat(world: World, actor: Actor, year: int, population: float) -> None:
    with world.db.write() as session:
        cities.set_stat(session, actor, world.slug, cities.StatFields(year=year, population=population, source="MOI"))


def test_an_administrator_removes_a_year_of_figures_and_the_audit_keeps_the_old_values(world: World) -> None:
    _stat(world, world.admin, 2019, 2_773_198)
    _stat(world, world.admin, 2020, 2_765_932)
    with world.db.read() as session:
        before = cities.get_city(session, world.slug).version
    with world.db.write() as session:
        cities.delete_stat(session, world.admin, world.slug, 2019)
    with world.db.read() as session:
        view = cities.city_view(session, world.slug)
        entries, _ = audit.entries(session, city_id=world.city_id)
    assert sorted(view.stats) == [2020]
    assert view.city.version == before + 1  # cached pages showing per-capita figures move on
    deleted = next(e for e in entries if e.entity == "city_stat" and e.action == "delete")
    assert deleted.entity_id == f"{world.city_id}:2019" and "2773198" in (deleted.old_value or "")
    assert deleted.user_id == world.admin.user_id


def test_removing_figures_is_refused_to_other_cities_viewers_and_the_public(world: World) -> None:
    _stat(world, world.editor, 2020, 2_765_932)
    for actor, error in ((world.other_editor, Forbidden), (world.viewer, Forbidden), (world.public, NotAuthenticated)):
        with pytest.raises(error), world.db.write() as session:
            cities.delete_stat(session, actor, world.slug, 2020)
    with world.db.read() as session:
        assert sorted(cities.city_view(session, world.slug).stats) == [2020]


def test_removing_a_year_without_figures_is_not_found(world: World) -> None:
    with pytest.raises(NotFound), world.db.write() as session:
        cities.delete_stat(session, world.editor, world.slug, 1999)
