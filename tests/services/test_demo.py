"""The demo content: four cities, four years each, accounts for every role, loaded once however often it runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from zerocity.core.gpc import gpc_catalogue
from zerocity.services import accounts, demo
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.models import (
    ActivityRecord,
    AuditEntry,
    City,
    CityStat,
    ImportBatch,
    Inventory,
    Membership,
    RefResult,
    User,
)

#: DOMAIN.md §7, C10: Taipower's 2020 sales in Kaohsiung, 29,585,918,226 kWh × 0.502 kg CO2e/kWh (derived).
#: The demo enters the four sector figures, which add up to one kWh less than the county total (rounding in the
#: source: shared/data/external/taipower-county-sales/SOURCE.md); 1 kWh is 0.0005 t, inside the 0.01 t tolerance.
KAOHSIUNG_2020_KWH = 29_585_918_226
KAOHSIUNG_2020_SCOPE2_T = 14_852_130.95

TABLES = (City, CityStat, User, Membership, Inventory, ActivityRecord, RefResult, ImportBatch, AuditEntry)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}


@pytest.fixture(
    scope="module",
    params=[pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.pg)],
)
def demo_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One demo database per backend for the whole module (loading it takes a few seconds); tests only read it,
    except for loading it again, which must change nothing. Same backends as ``db_url`` in tests/conftest.py."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
        cluster = None
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"t_demo_{uuid.uuid4().hex}"
        url = cluster.create_database(name)
    upgrade(url)
    database = Database(url)
    try:
        assert demo.load_demo(database) is True
        yield database
    finally:
        database.dispose()
        if cluster is not None:
            cluster.drop_database(name)


def _inventory(db: Database, slug: str, year: int) -> Inventory:
    with db.read() as session:
        inventory = session.scalar(
            select(Inventory).join(City, City.id == Inventory.city_id).where(City.slug == slug, Inventory.year == year)
        )
    assert inventory is not None
    return inventory


def test_loading_the_demo_again_changes_nothing(demo_db: Database) -> None:
    before = _counts(demo_db)
    assert demo.load_demo(demo_db) is False
    assert _counts(demo_db) == before


def test_the_demo_has_four_cities_with_four_inventories_each(demo_db: Database) -> None:
    counts = _counts(demo_db)
    assert (counts["cities"], counts["inventories"]) == (4, 16)
    assert counts["activity_records"] == 16 * 45
    with demo_db.read() as session:
        slugs = set(session.scalars(select(City.slug)))
        rows = session.execute(
            select(City.slug, Inventory.year, Inventory.status, Inventory.published, Inventory.record_count).join(
                City, City.id == Inventory.city_id
            )
        ).all()
    assert slugs == {"kaohsiung", "tainan", "taichung", "pingtung"}
    for slug, year, status, published, record_count in rows:
        expected = ("approved", True) if year in (2017, 2018, 2019) else ("draft", False)
        assert (status, published) == expected, (slug, year)
        assert record_count == 45


def test_kaohsiung_2020_scope_2_electricity_is_taipower_sales_times_the_2020_grid_factor(demo_db: Database) -> None:
    inventory = _inventory(demo_db, "kaohsiung", 2020)
    catalogue = gpc_catalogue()
    grid_refs = [r.ref for r in catalogue.refs if r.scope == 2]  # I.n.2 and II.m.2: grid energy consumed
    with demo_db.read() as session:
        results = session.execute(
            select(RefResult.ref, RefResult.tco2e).where(
                RefResult.inventory_id == inventory.id, RefResult.ref.in_(grid_refs)
            )
        ).all()
        kwh = [
            float(cells["activity_value"])
            for ref, cells in session.execute(
                select(ActivityRecord.gpc_ref, ActivityRecord.cells).where(ActivityRecord.inventory_id == inventory.id)
            )
            if ref in grid_refs and cells.get("factor_id") == "tw-grid"
        ]
    assert sum(kwh) == pytest.approx(KAOHSIUNG_2020_KWH, abs=1)
    scope2 = sum(t for _, t in results if t is not None)
    assert scope2 == pytest.approx(KAOHSIUNG_2020_SCOPE2_T, abs=0.01)
    assert inventory.summary is not None
    assert inventory.summary["scope2_location_based_tco2e"] == pytest.approx(KAOHSIUNG_2020_SCOPE2_T, abs=0.01)


def test_the_other_demo_cities_are_kaohsiung_scaled(demo_db: Database) -> None:
    kaohsiung = _inventory(demo_db, "kaohsiung", 2019).summary
    tainan = _inventory(demo_db, "tainan", 2019).summary
    assert kaohsiung is not None and tainan is not None
    assert tainan["basic_tco2e"] == pytest.approx(0.55 * kaohsiung["basic_tco2e"], rel=1e-6)


def test_each_demo_city_has_population_for_every_demo_year(demo_db: Database) -> None:
    with demo_db.read() as session:
        years = session.execute(select(CityStat.city_id, CityStat.year, CityStat.population)).all()
    assert len(years) == 16
    assert all(population and population > 100_000 for _, _, population in years)


def test_the_demo_accounts_sign_in_with_the_demo_password_and_hold_their_roles(demo_db: Database) -> None:
    with demo_db.write() as session:
        cities = dict(session.execute(select(City.slug, City.id)).all())
        for account in demo.ACCOUNTS:
            user = accounts.authenticate(session, account.email, demo.DEMO_PASSWORD)
            assert user is not None, account.email
            assert user.is_admin == (account.role == "admin")
            roles = dict(
                session.execute(select(Membership.city_id, Membership.role).where(Membership.user_id == user.id)).all()
            )
            assert roles == ({cities[account.city]: account.role} if account.city else {})
        assert accounts.authenticate(session, "editor@kaohsiung.demo", "wrong password") is None
