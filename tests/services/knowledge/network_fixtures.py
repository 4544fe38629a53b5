"""A small member network for the network tests, built through the services on a migrated database.

Cities (all in Taiwan unless said; populations and GDP per inventory year):

- ``alpha``: AR5, covers BASIC+; published 2018 (BASIC 1,000 t) and 2020 (BASIC 810 t), plus a 2021 **draft** of
  9,990 t that must never show; population 100, GDP 50 billion TWD; climate Aw, industry share 0.40.
- ``beta``: AR5, covers BASIC only (IPPU and AFOLU silent); published 2020 (1,000 t); GDP 2 billion USD.
- ``gamma``: AR6; published 2020 (1,000 t). Region "North".
- ``delta``: nothing published (a 2020 draft only). Country JP.
- ``epsilon``: AR5, covers BASIC+; published 2020 (2,000 t); population 400; no GDP; climate Cwa.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from zerocity.core.gpc import gpc_catalogue
from zerocity.services import cities, imports, inventories
from zerocity.services.actor import Actor
from zerocity.services.knowledge.network_profiles import ProfileFields, set_profile
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade

DRAFT_TOTAL = 9990.0


@dataclass(frozen=True)
class Sector:
    ref: str
    tco2e: float


def activity_file(values: dict[str, float], *, level: str) -> bytes:
    """Directly reported emissions for ``values`` and NO for every other reference number of ``level``
    ("basic" or "basic_plus"), so the file covers that level in full and nothing more."""
    lines = ["gpc_ref,emissions_tco2e,notation_key,source"]
    for ref, tonnes in values.items():
        lines.append(f"{ref},{tonnes},,test figure")
    for ref in gpc_catalogue().refs:
        if getattr(ref, level) and ref.ref not in values:
            lines.append(f"{ref.ref},,NO,test key")
    return ("\n".join(lines) + "\n").encode()


def basic_values(total: float) -> dict[str, float]:
    """BASIC split 60 % stationary energy (I.1.1), 30 % transport (II.1.1), 10 % waste (III.1.1)."""
    return {"I.1.1": 0.6 * total, "II.1.1": 0.3 * total, "III.1.1": 0.1 * total}


def basic_plus_values(total: float) -> dict[str, float]:
    """The BASIC split plus IPPU (IV.1, 15 % of BASIC) and AFOLU (V.1, 5 %)."""
    return {**basic_values(total), "IV.1": 0.15 * total, "V.1": 0.05 * total}


def add_city(db: Database, slug: str, *, country: str = "TW", region: str = "South") -> None:
    with db.write() as session:
        fields = cities.NewCity(slug=slug, name_zh=f"{slug}市", name_en=slug.title(), country=country, region=region)
        cities.create_city(session, Actor.system(), fields)


def add_stat(db: Database, slug: str, year: int, population: float | None, gdp: float | None = None,
             unit: str = "") -> None:  # fmt: skip
    with db.write() as session:
        fields = cities.StatFields(year=year, population=population, gdp=gdp, gdp_unit=unit, source="test")
        cities.set_stat(session, Actor.system(), slug, fields)


def add_inventory(db: Database, slug: str, year: int, data: bytes, *, gwp: str = "AR5", publish: bool = True) -> None:
    system = Actor.system()
    with db.write() as session:
        inventories.create_inventory(session, system, slug, inventories.InventoryFields(year=year, gwp_set=gwp))
        imports.import_file(session, system, slug, year, f"{slug}-{year}.csv", data)
        if publish:
            for action in ("submit", "approve", "publish"):
                inventories.change_status(session, system, slug, year, action)


def add_profile(db: Database, slug: str, climate: str, industry: float) -> None:
    with db.write() as session:
        fields = ProfileFields(
            climate_zone=climate,
            primary_share=0.05,
            secondary_share=industry,
            tertiary_share=0.95 - industry,
            structure_year=2020,
            structure_source="test",
        )
        set_profile(session, Actor.system(), slug, fields)


def build_network(db: Database) -> None:
    for slug in ("alpha", "beta", "epsilon"):
        add_city(db, slug)
    add_city(db, "gamma", region="North")
    add_city(db, "delta", country="JP", region="Kansai")

    add_stat(db, "alpha", 2018, 100, 50, "billion TWD")
    add_stat(db, "alpha", 2020, 100, 50, "billion TWD")
    add_inventory(db, "alpha", 2018, activity_file(basic_plus_values(1000), level="basic_plus"))
    add_inventory(db, "alpha", 2020, activity_file(basic_plus_values(810), level="basic_plus"))
    add_inventory(db, "alpha", 2021, activity_file(basic_plus_values(DRAFT_TOTAL), level="basic_plus"), publish=False)
    add_profile(db, "alpha", "Aw", 0.40)

    add_stat(db, "beta", 2020, 200, 2, "billion USD")
    add_inventory(db, "beta", 2020, activity_file(basic_values(1000), level="basic"))
    add_profile(db, "beta", "Af", 0.30)

    add_stat(db, "gamma", 2020, 100, 40, "billion TWD")
    add_inventory(db, "gamma", 2020, activity_file(basic_plus_values(1000), level="basic_plus"), gwp="AR6")

    add_inventory(db, "delta", 2020, activity_file(basic_values(500), level="basic"), publish=False)

    add_stat(db, "epsilon", 2020, 400)
    add_inventory(db, "epsilon", 2020, activity_file(basic_plus_values(2000), level="basic_plus"))
    add_profile(db, "epsilon", "Cwa", 0.45)


#: The backends of ``tests/conftest.py``'s ``db_url``, for module-scoped networks (PostgreSQL runs marked ``pg``).
NETWORK_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.pg),
]


def network_database(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    build: Callable[[Database], object] = build_network,
) -> Iterator[Database]:
    """A migrated database on ``request.param`` filled by ``build`` (:func:`build_network`), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex}"
    cluster = None
    if request.param == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database(name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('network') / 'network.sqlite3'}"
    upgrade(url)
    db = Database(url)
    try:
        build(db)
        yield db
    finally:
        db.dispose()
        if cluster is not None:
            cluster.drop_database(name)
