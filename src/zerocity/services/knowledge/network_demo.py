"""Demo content for ``zerocity serve --demo`` (sample content, marked as such): the member network's attributes.

From ``data/demo/network.csv``: each demo city's climate zone, coast and economic structure (a network profile),
and an illustrative GDP by year written into the city's statistics through ``services.cities.set_stat`` (so the
population already there is kept and the change is audited). Every value says in its ``source`` that it is
illustrative or approximate. Pingtung is given no GDP on purpose, so the comparison pages show how a city without
GDP is left out of per-GDP figures.

Idempotent: a profile that exists is left alone, and a GDP already recorded with the same value and unit is not
written again.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services import cities
from zerocity.services.actor import Actor
from zerocity.services.knowledge.network_profiles import ProfileFields, get_profile, set_profile
from zerocity.store.db import Database
from zerocity.store.models import City, CityStat

DATA_FILE = "demo/network.csv"
_GDP_COLUMN = re.compile(r"^gdp_(\d{4})$")


def load_demo(db: Database) -> None:
    """Loads this part of the demo unless it is already there (cities missing from the database are skipped)."""
    system = Actor.system()
    rows = read_bundled_csv(DATA_FILE)
    with db.write() as session:
        for row in rows:
            city = session.scalar(select(City).where(City.slug == row["slug"]))
            if city is None:
                continue
            if get_profile(session, city.id) is None:
                set_profile(session, system, city.slug, _profile(row))
            _gdp(session, system, city, row)


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _profile(row: dict[str, str]) -> ProfileFields:
    coastal = {"true": True, "false": False}.get(row["coastal"].strip().lower())
    return ProfileFields(
        climate_zone=row["climate_zone"],
        climate_year=_optional_int(row["climate_year"]),
        climate_source=row["climate_source"],
        coastal=coastal,
        coastal_source=row["coastal_source"],
        primary_share=_optional_float(row["primary_share"]),
        secondary_share=_optional_float(row["secondary_share"]),
        tertiary_share=_optional_float(row["tertiary_share"]),
        structure_year=_optional_int(row["structure_year"]),
        structure_source=row["structure_source"],
    )


def _gdp(session: Session, system: Actor, city: City, row: dict[str, str]) -> None:
    unit = row["gdp_unit"].strip()
    for column, text in row.items():
        match = _GDP_COLUMN.match(column)
        if match is None or not text.strip() or not unit:
            continue
        year, gdp = int(match.group(1)), float(text)
        stat = session.get(CityStat, (city.id, year))
        if stat is not None and stat.gdp == gdp and stat.gdp_unit == unit:
            continue
        population = stat.population if stat is not None else None
        earlier = stat.source if stat is not None else ""
        source = row["source"] if not earlier else f"{earlier} GDP: {row['source']}"
        fields = cities.StatFields(year=year, population=population, gdp=gdp, gdp_unit=unit, source=source)
        cities.set_stat(session, system, city.slug, fields)
