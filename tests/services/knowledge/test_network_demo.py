"""The member network's demo content (src/zerocity/services/knowledge/network_demo.py): profiles and illustrative
GDP for the demo cities, loaded once, keeping the population already recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from tests.services.knowledge.network_fixtures import NETWORK_BACKENDS, network_database

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services import demo
from zerocity.services.knowledge import network, network_demo
from zerocity.store.db import Database
from zerocity.store.models import AuditEntry, City, CityStat
from zerocity.store.network_models import CityProfile


@pytest.fixture(scope="module", params=NETWORK_BACKENDS)
def demo_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The whole demo, loaded once per backend (loading it again must change nothing of ours anyway)."""
    yield from network_database(request, tmp_path_factory, demo.load_demo)


def _snapshot(db: Database) -> tuple[object, ...]:
    with db.read() as session:
        columns = (
            CityStat.city_id,
            CityStat.year,
            CityStat.population,
            CityStat.gdp,
            CityStat.gdp_unit,
            CityStat.source,
        )
        stats = session.execute(select(*columns).order_by(CityStat.city_id, CityStat.year))
        profiles = session.execute(select(CityProfile.city_id, CityProfile.version, CityProfile.climate_zone))
        ours = AuditEntry.entity.in_(("city_profile", "city_stat"))  # other loaders keep their own promises
        audit = session.scalar(select(func.count()).select_from(AuditEntry).where(ours))
        return (tuple(map(tuple, stats)), tuple(map(tuple, profiles)), audit)


def test_every_row_of_the_data_file_says_it_is_illustrative_or_approximate() -> None:
    for row in read_bundled_csv(network_demo.DATA_FILE):
        assert "ILLUSTRATIVE" in row["source"]
        assert "APPROXIMATE" in row["climate_source"] and "ILLUSTRATIVE" in row["structure_source"]


def test_the_demo_gives_each_city_a_profile_and_gdp_without_losing_its_population(demo_db: Database) -> None:
    with demo_db.read() as session:
        kaohsiung = session.scalar(select(City).where(City.slug == "kaohsiung"))
        assert kaohsiung is not None
        stat = session.get(CityStat, (kaohsiung.id, 2019))
        pingtung = session.scalar(select(City.id).where(City.slug == "pingtung"))
        pingtung_gdp = session.scalar(
            select(func.count()).where(CityStat.city_id == pingtung, CityStat.gdp.is_not(None))
        )
        members = {m.slug: m for m in network.members(session)}

    assert stat is not None and stat.population == 2773198 and stat.gdp == 1830 and stat.gdp_unit == "billion TWD"
    assert "ILLUSTRATIVE" in stat.source and "GDP" in stat.source
    assert pingtung_gdp == 0  # on purpose: the comparison pages show how a missing GDP is reported
    assert members["taichung"].attributes.climate_zone == "Cwa"
    assert {m.attributes.climate_zone[:1] for m in members.values()} == {"A", "C"}


def test_loading_the_demo_again_changes_nothing(demo_db: Database) -> None:
    before = _snapshot(demo_db)
    network_demo.load_demo(demo_db)
    demo.load_demo(demo_db)
    assert _snapshot(demo_db) == before


def test_the_loader_skips_cities_that_are_not_there(db: Database) -> None:
    network_demo.load_demo(db)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(CityProfile)) == 0
