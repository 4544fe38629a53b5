"""Centre administration of member cities: the list, a new city, a city's profile and its population and GDP by
year (each figure with its source).

The profile form carries the version the city had when the form was opened; if someone changed the city since,
the service refuses the save (``services.cities.update_city``) and the form comes back with what was typed and a
clear message, rather than silently overwriting the other person's change. A new city's short name (``slug``) is
its address and cannot be changed later.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from babel import Locale
from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import Response

from zerocity.services import cities
from zerocity.services.errors import Conflict, NotFound
from zerocity.store.models import City
from zerocity.web.deps import get_db, get_locale
from zerocity.web.errors import human_message
from zerocity.web.i18n import formatting_locale, gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.pages_admin import city_label, form_errors, form_integer, form_number, require_admin

router = APIRouter(include_in_schema=False)

BASE: Final[str] = "/admin/cities"
PROFILE_FIELDS: Final[tuple[str, ...]] = ("name_zh", "name_en", "country", "region", "area_km2", "boundary")
STAT_FIELDS: Final[tuple[str, ...]] = ("year", "population", "gdp", "gdp_unit", "source")

CITY_ERRORS: Final[dict[str, str]] = {
    "": N_("The city was not saved. Please correct the fields marked below."),
    "slug": N_("Use lower-case letters, digits and hyphens, starting with a letter or a digit (up to 63 characters)."),
    "name_zh": N_("Give the name in Chinese (up to 200 characters)."),
    "name_en": N_("Give the name in English (up to 200 characters)."),
    "country": N_("Choose a country."),
    "region": N_("The region is too long (up to 200 characters)."),
    "area_km2": N_("Give the area in square kilometres as a number greater than zero, or leave it empty."),
    "boundary": N_("Describe the boundary in at most 5,000 characters."),
}
STAT_ERRORS: Final[dict[str, str]] = {
    "": N_("The figures were not saved. Please correct the fields marked below."),
    "year": N_("Enter a year between 1900 and 2100."),
    "population": N_("Give the population as a number, or leave it empty."),
    "gdp": N_("Give the GDP as a number, or leave it empty."),
    "gdp_unit": N_("The unit is too long (up to 32 characters)."),
    "source": N_("Say where the figures come from (up to 2,000 characters)."),
}
STALE_CITY: Final[str] = N_(
    "Someone else changed this city after you opened this form, so your changes were not saved. "
    "Open the city again to see the current profile, then make your changes once more."
)
CITY_CREATED: Final[str] = N_("The city was created. Add its population and GDP by year below.")
CITY_SAVED: Final[str] = N_("The city's profile was saved.")
STAT_SAVED: Final[str] = N_("The figures for the year were saved.")
STAT_DELETED: Final[str] = N_("The figures for the year were removed.")

#: CLDR territory codes of two letters that are groupings or reserved codes, not countries (EU, UN, ZZ...).
_NOT_COUNTRIES: Final[frozenset[str]] = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)


def country_options(members: list[City], locale: str) -> list[tuple[str, str]]:
    """Every country by its name in the reader's language (CLDR), the member cities' countries first."""
    names = Locale.parse(formatting_locale(locale)).territories
    countries = {code: str(name) for code, name in names.items() if len(code) == 2 and code.isalpha()}
    for code in _NOT_COUNTRIES:
        countries.pop(code, None)
    first = sorted({city.country for city in members if city.country in countries}, key=lambda code: countries[code])
    rest = sorted((code for code in countries if code not in first), key=lambda code: countries[code])
    return [(code, countries[code]) for code in (*first, *rest)]


def _profile_values(city: City) -> dict[str, str]:
    values = {name: str(getattr(city, name) or "") for name in PROFILE_FIELDS}
    values["area_km2"] = "" if city.area_km2 is None else f"{city.area_km2:g}"
    return values


def _profile_fields(values: dict[str, str]) -> dict[str, Any]:
    """What the form gave, in the types the strict service model wants (unreadable numbers stay text)."""
    fields: dict[str, Any] = {name: values[name] for name in PROFILE_FIELDS}
    fields["area_km2"] = form_number(values["area_km2"])
    return fields


def _form_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> Response:
    with get_db(request).read() as session:
        members = cities.list_cities(session)
    context = {"country_options": country_options(members, get_locale(request)), **context}
    return page(request, template, context, status_code=status_code)


# -- the list and a new city ------------------------------------------------------------------------------------------
@router.get(BASE)
def city_list(request: Request) -> Response:
    require_admin(request)
    locale = get_locale(request)
    with get_db(request).read() as session:
        rows = [{"city": city, "name": city_label(city, locale)} for city in cities.list_cities(session)]
    return page(request, "admin/cities.html", {"rows": rows})


@router.get(BASE + "/new")
def new_city_form(request: Request) -> Response:
    require_admin(request)
    values = {name: "" for name in PROFILE_FIELDS} | {"slug": "", "country": "TW"}
    return _form_page(request, "admin/city_new.html", {"values": values, "errors": {}})


@router.post(BASE + "/new")
def create_city(
    request: Request,
    slug: Annotated[str, Form(max_length=200)] = "",
    name_zh: Annotated[str, Form(max_length=1000)] = "",
    name_en: Annotated[str, Form(max_length=1000)] = "",
    country: Annotated[str, Form(max_length=10)] = "",
    region: Annotated[str, Form(max_length=1000)] = "",
    area_km2: Annotated[str, Form(max_length=100)] = "",
    boundary: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    actor = require_admin(request)
    locale = get_locale(request)
    values = {"slug": slug.strip(), "name_zh": name_zh, "name_en": name_en, "country": country, "region": region,
              "area_km2": area_km2, "boundary": boundary}  # fmt: skip
    try:
        fields = cities.NewCity(slug=values["slug"], **_profile_fields(values))
        with get_db(request).write() as session:
            cities.create_city(session, actor, fields)
    except ValidationError as exc:
        context = {"values": values, "errors": form_errors(exc, CITY_ERRORS, locale)}
        return _form_page(request, "admin/city_new.html", context, status_code=422)
    except Conflict as exc:
        context = {"values": values, "errors": {"slug": human_message(exc.code, exc.message, locale)}}
        return _form_page(request, "admin/city_new.html", context, status_code=409)
    return redirect(f"{BASE}/{fields.slug}", flash=("success", CITY_CREATED))


# -- a city's profile and figures -------------------------------------------------------------------------------------
def _city_page(
    request: Request,
    slug: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    stat_values: dict[str, str] | None = None,
    stat_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        view = cities.city_view(session, slug)
    city = view.city
    context = {
        "city": city,
        "city_name": city_label(city, locale),
        "values": values or _profile_values(city),
        "version": str(city.version) if values is None else values.get("version", ""),
        "errors": errors or {},
        "stats": [view.stats[year] for year in sorted(view.stats, reverse=True)],
        "stat_values": stat_values or {name: "" for name in STAT_FIELDS},
        "stat_errors": stat_errors or {},
    }
    return _form_page(request, "admin/city.html", context, status_code=status_code)


@router.get(BASE + "/{slug}")
def city_form(request: Request, slug: str) -> Response:
    require_admin(request)
    return _city_page(request, slug)


@router.post(BASE + "/{slug}")
def update_city(
    request: Request,
    slug: str,
    version: Annotated[str, Form(max_length=12)] = "",
    name_zh: Annotated[str, Form(max_length=1000)] = "",
    name_en: Annotated[str, Form(max_length=1000)] = "",
    country: Annotated[str, Form(max_length=10)] = "",
    region: Annotated[str, Form(max_length=1000)] = "",
    area_km2: Annotated[str, Form(max_length=100)] = "",
    boundary: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    actor = require_admin(request)
    locale = get_locale(request)
    values = {"name_zh": name_zh, "name_en": name_en, "country": country, "region": region, "area_km2": area_km2,
              "boundary": boundary, "version": version}  # fmt: skip
    read_version = form_integer(version)
    expected = read_version if isinstance(read_version, int) else 0  # no version read: refused as stale
    try:
        fields = cities.CityFields(**_profile_fields(values))
        with get_db(request).write() as session:
            cities.update_city(session, actor, slug, fields, expected_version=expected)
    except ValidationError as exc:
        errors = form_errors(exc, CITY_ERRORS, locale)
        return _city_page(request, slug, values=values, errors=errors, status_code=422)
    except Conflict:
        errors = {"": gettext(STALE_CITY, locale)}
        return _city_page(request, slug, values=values, errors=errors, status_code=409)
    return redirect(f"{BASE}/{slug}", flash=("success", CITY_SAVED))


@router.post(BASE + "/{slug}/stats")
def set_stat(
    request: Request,
    slug: str,
    year: Annotated[str, Form(max_length=20)] = "",
    population: Annotated[str, Form(max_length=100)] = "",
    gdp: Annotated[str, Form(max_length=100)] = "",
    gdp_unit: Annotated[str, Form(max_length=200)] = "",
    source: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    actor = require_admin(request)
    locale = get_locale(request)
    values = {"year": year, "population": population, "gdp": gdp, "gdp_unit": gdp_unit, "source": source}
    try:
        fields = cities.StatFields(
            year=form_integer(year),  # type: ignore[arg-type]
            population=form_number(population),  # type: ignore[arg-type]
            gdp=form_number(gdp),  # type: ignore[arg-type]
            gdp_unit=gdp_unit.strip(),
            source=source.strip(),
        )
    except ValidationError as exc:
        errors = form_errors(exc, STAT_ERRORS, locale)
        return _city_page(request, slug, stat_values=values, stat_errors=errors, status_code=422)
    if not fields.source:
        # Every figure traceable to a source: the form asks for one, although the API leaves it optional.
        errors = {"source": gettext(STAT_ERRORS["source"], locale)}
        return _city_page(request, slug, stat_values=values, stat_errors=errors, status_code=422)
    with get_db(request).write() as session:
        cities.set_stat(session, actor, slug, fields)
    return redirect(f"{BASE}/{slug}#figures", flash=("success", STAT_SAVED))


@router.post(BASE + "/{slug}/stats/{year}/delete")
def delete_stat(request: Request, slug: str, year: int) -> Response:
    actor = require_admin(request)
    try:
        with get_db(request).write() as session:
            cities.delete_stat(session, actor, slug, year)
    except NotFound:
        with get_db(request).read() as session:
            cities.get_city(session, slug)  # an unknown city is a 404; figures already gone are not an error
    return redirect(f"{BASE}/{slug}#figures", flash=("success", STAT_DELETED))
