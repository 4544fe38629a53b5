"""``/api/cities``: the member-city directory (public), profiles with population and GDP by year, and their upkeep
(creating a city is for centre administrators; a city's editors keep its profile)."""

from __future__ import annotations

from fastapi import APIRouter

from zerocity.services import cities
from zerocity.services.cities import CityView
from zerocity.web.api_models import CityBrief, CityCreate, CityOut, CityPatch, CityStatOut, Paginated
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    PageDep,
    SlugPath,
    WriterDep,
    page_fields,
    service_input,
)

router = APIRouter(prefix="/api/cities", tags=["cities"])


def city_out(view: CityView) -> CityOut:
    city = view.city
    stats = [
        CityStatOut(year=s.year, population=s.population, gdp=s.gdp, gdp_unit=s.gdp_unit, source=s.source)
        for _, s in sorted(view.stats.items())
    ]
    return CityOut(
        slug=city.slug,
        name_zh=city.name_zh,
        name_en=city.name_en,
        country=city.country,
        region=city.region,
        area_km2=city.area_km2,
        boundary=city.boundary,
        version=city.version,
        created_at=city.created_at,
        stats=stats,
    )


@router.get("", response_model=Paginated[CityBrief], responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def list_cities(db: DbDep, _actor: CallerDep, paging: PageDep) -> Paginated[CityBrief]:
    """Every member city, by country and English name. The directory is public; inventories are not, until
    published."""
    with db.read() as session:
        found = cities.list_cities(session)
    items = [
        CityBrief(slug=c.slug, name_zh=c.name_zh, name_en=c.name_en, country=c.country, region=c.region)
        for c in found[paging.offset : paging.offset + paging.per_page]
    ]
    return Paginated[CityBrief](
        items=items,
        **page_fields(len(found), paging),
    )


@router.get("/{slug}", response_model=CityOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_city(slug: SlugPath, db: DbDep, _actor: CallerDep) -> CityOut:
    """A city's profile with its population and GDP by year."""
    with db.read() as session:
        return city_out(cities.city_view(session, slug))


@router.post("", response_model=CityOut, status_code=201, responses=WRITE_ERRORS)
def create_city(body: CityCreate, db: DbDep, actor: WriterDep) -> CityOut:
    """A new member city (centre administrators only). 409 when the slug is taken."""
    fields = service_input(cities.NewCity, **body.model_dump())
    with db.write() as session:
        cities.create_city(session, actor, fields)
        return city_out(cities.city_view(session, fields.slug))


@router.patch("/{slug}", response_model=CityOut, responses=WRITE_ERRORS)
def update_city(slug: SlugPath, body: CityPatch, db: DbDep, actor: WriterDep) -> CityOut:
    """Change some profile fields (the city's editors or an administrator). Send the ``version`` you read: if
    someone saved in between, the answer is 409 and nothing changes."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    with db.write() as session:
        city = cities.get_city(session, slug)
        current = {name: getattr(city, name) for name in cities.CityFields.model_fields}
        fields = service_input(cities.CityFields, **(current | changes))
        cities.update_city(session, actor, slug, fields, expected_version=body.version)
        return city_out(cities.city_view(session, slug))
