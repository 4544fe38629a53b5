"""Member cities: the directory, profiles, and population/GDP by year."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, InvalidRequest, NotFound
from zerocity.services.text import Text
from zerocity.store.models import City, CityStat, Inventory

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
#: Short names that are page addresses of their own (``/admin/cities/new``): a city so named would be unreachable.
RESERVED_SLUGS = frozenset({"new", "compare", "export"})


class CityFields(BaseModel):
    """What an editor may change in a city profile (the slug is fixed once created)."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    name_zh: Text = Field(min_length=1, max_length=200)
    name_en: Text = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: Text = Field(default="", max_length=200)
    area_km2: float | None = Field(default=None, gt=0)
    boundary: Text = Field(default="", max_length=5000)


class NewCity(CityFields):
    slug: str = Field(pattern=_SLUG.pattern)


class StatFields(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    year: int = Field(ge=1900, le=2100)
    population: float | None = Field(default=None, ge=0)
    gdp: float | None = Field(default=None, ge=0)
    gdp_unit: Text = Field(default="", max_length=32)
    source: Text = Field(default="", max_length=2000)


@dataclass(frozen=True)
class CityView:
    city: City
    stats: dict[int, CityStat]

    def population(self, year: int) -> float | None:
        stat = self.stats.get(year)
        return stat.population if stat else None


def list_cities(session: Session) -> list[City]:
    """Every member city: the directory itself is public (their inventories are not, until published)."""
    return list(session.scalars(select(City).order_by(City.country, City.name_en)))


def get_city(session: Session, slug: str) -> City:
    city = session.scalar(select(City).where(City.slug == slug))
    if city is None:
        raise NotFound("no such city", slug=slug)
    return city


def city_view(session: Session, slug: str) -> CityView:
    city = get_city(session, slug)
    stats = {s.year: s for s in session.scalars(select(CityStat).where(CityStat.city_id == city.id))}
    return CityView(city, stats)


def fingerprint(session: Session, slug: str) -> tuple[object, ...]:
    """What a city's pages are made of, as ids and versions: it changes whenever any of it changes."""
    city = session.execute(select(City.id, City.version).where(City.slug == slug)).first()
    if city is None:
        raise NotFound("no such city", slug=slug)
    rows = session.execute(
        select(Inventory.id, Inventory.version, Inventory.published).where(Inventory.city_id == city.id)
    ).all()
    return (city.id, city.version, tuple(sorted(tuple(r) for r in rows)))


def create_city(session: Session, actor: Actor, fields: NewCity) -> City:
    actor.require_admin()
    if fields.slug in RESERVED_SLUGS:
        raise InvalidRequest("this short name is the address of a page; choose another", field="slug")
    if session.scalar(select(City.id).where(City.slug == fields.slug)) is not None:
        raise Conflict("a city with this short name exists", field="slug")
    city = City(**fields.model_dump())
    session.add(city)
    session.flush()
    audit.record(session, actor, entity="city", entity_id=city.id, action="create", city_id=city.id,
                 new=fields.model_dump())  # fmt: skip
    return city


def update_city(session: Session, actor: Actor, slug: str, fields: CityFields, *, expected_version: int) -> City:
    city = get_city(session, slug)
    actor.require_edit(city.id)
    locked = session.scalar(
        select(City).where(City.id == city.id).with_for_update().execution_options(populate_existing=True)
    )
    city = locked or city
    if city.version != expected_version:
        raise Conflict("someone else changed this city since you opened it; reload and try again")
    changes = fields.model_dump()
    for name, value in changes.items():
        old = getattr(city, name)
        if old != value:
            audit.record(session, actor, entity="city", entity_id=city.id, action="update", city_id=city.id,
                         field=name, old=old, new=value)  # fmt: skip
            setattr(city, name, value)
    city.version += 1
    return city


def set_stat(session: Session, actor: Actor, slug: str, fields: StatFields) -> CityStat:
    city = get_city(session, slug)
    actor.require_edit(city.id)
    stat = session.get(CityStat, (city.id, fields.year))
    old = None
    if stat is None:
        stat = CityStat(city_id=city.id, year=fields.year)
        session.add(stat)
    else:
        old = {k: getattr(stat, k) for k in ("population", "gdp", "gdp_unit", "source")}
    for name, value in fields.model_dump(exclude={"year"}).items():
        setattr(stat, name, value)
    city.version += 1  # figures shown with the city (per capita) changed: caches keyed on the version move on
    audit.record(session, actor, entity="city_stat", entity_id=f"{city.id}:{fields.year}", action="set",
                 city_id=city.id, old=old, new=fields.model_dump())  # fmt: skip
    return stat


def delete_stat(session: Session, actor: Actor, slug: str, year: int) -> None:
    """Remove a year's population and GDP (entered for the wrong year, say); the audit entry keeps the old values."""
    city = get_city(session, slug)
    actor.require_edit(city.id)
    stat = session.get(CityStat, (city.id, year))
    if stat is None:
        raise NotFound("this city has no figures for this year", slug=slug, year=year)
    old = {k: getattr(stat, k) for k in ("population", "gdp", "gdp_unit", "source")}
    session.delete(stat)
    city.version += 1  # per-capita figures shown with the city changed (see set_stat)
    audit.record(session, actor, entity="city_stat", entity_id=f"{city.id}:{year}", action="delete",
                 city_id=city.id, old=old)  # fmt: skip
