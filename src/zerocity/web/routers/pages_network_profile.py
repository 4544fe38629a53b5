"""Editing a city's network profile (climate zone, coast, economic structure, each with source and year): the form
at /cities/{slug}/profile/edit, for the city's editors and centre administrators.

Shares are typed as percentages (what statistics yearbooks print) and stored as fractions. The service checks the
role and the values (``services.knowledge.network_profiles``); a stale form (someone saved meanwhile) is refused.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import Response

from zerocity.services.cities import get_city
from zerocity.services.errors import Conflict
from zerocity.services.knowledge.network_profiles import ProfileFields, get_profile, set_profile
from zerocity.store.models import City
from zerocity.store.network_models import CityProfile
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.pages_cities import city_name

router = APIRouter(include_in_schema=False)

SHARES: Final[tuple[str, ...]] = ("primary_share", "secondary_share", "tertiary_share")
#: What a person reads for a field the service refused.
ERRORS: Final[dict[str, str]] = {
    "climate_zone": N_("Give a Köppen-Geiger code such as Aw, Cfa or Dwb, or leave it empty."),
    "climate_year": N_("Give a year between 1900 and 2100, or leave it empty."),
    "structure_year": N_("Give a year between 1900 and 2100, or leave it empty."),
    "primary_share": N_("Give a percentage between 0 and 100."),
    "secondary_share": N_("Give a percentage between 0 and 100."),
    "tertiary_share": N_("Give a percentage between 0 and 100."),
    "shares": N_("The three shares should add up to one hundred per cent."),
    "text": N_("This text is too long or contains control characters."),
}


def _percent_text(value: float | None) -> str:
    return "" if value is None else f"{value * 100:g}"


def _values(profile: CityProfile | None) -> dict[str, str]:
    if profile is None:
        return {"version": "0", "coastal": ""}
    values = {
        "climate_zone": profile.climate_zone,
        "climate_year": "" if profile.climate_year is None else str(profile.climate_year),
        "climate_source": profile.climate_source,
        "coastal": "" if profile.coastal is None else ("yes" if profile.coastal else "no"),
        "coastal_source": profile.coastal_source,
        "structure_year": "" if profile.structure_year is None else str(profile.structure_year),
        "structure_source": profile.structure_source,
        "version": str(profile.version),
    }
    values.update({name: _percent_text(getattr(profile, name)) for name in SHARES})
    return values


def _form_page(
    request: Request, city: City, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    locale = get_locale(request)
    coastal_options = [("", gettext(N_("Not stated"), locale)), ("yes", gettext(N_("Yes"), locale)),
                       ("no", gettext(N_("No"), locale))]  # fmt: skip
    context = {"city": city, "city_label": city_name(city, locale), "values": values, "errors": errors,
               "coastal_options": coastal_options}  # fmt: skip
    return page(request, "network/profile_edit.html", context, status_code=status)


@router.get("/cities/{slug}/profile/edit")
def profile_form(request: Request, slug: str) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        city = get_city(session, slug)
        actor.require_edit(city.id)
        values = _values(get_profile(session, city.id))
    return _form_page(request, city, values, {})


def _number(text: str) -> float | int | str | None:
    """A typed number (decimal comma allowed), None for an empty box, the text itself when it is no number (the
    model then refuses it with the field's message)."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in cleaned else number


def _fields(form: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: form.get(name, "") for name in ("climate_zone", "climate_source", "coastal_source", "structure_source")
    }
    fields["coastal"] = {"yes": True, "no": False}.get(form.get("coastal", ""))
    for name in ("climate_year", "structure_year"):
        fields[name] = _number(form.get(name, ""))
    for name in SHARES:
        value = _number(form.get(name, ""))
        fields[name] = value / 100 if isinstance(value, int | float) else value
    return fields


def _errors(exc: ValidationError, locale: str) -> dict[str, str]:
    """Field -> message; the check that the shares add up (no field of its own) goes under ``shares``."""
    errors: dict[str, str] = {}
    for problem in exc.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        if name in ERRORS:
            errors[name] = gettext(ERRORS[name], locale)
        elif name.endswith("source"):
            errors[name] = gettext(ERRORS["text"], locale)
        else:
            errors["shares"] = gettext(ERRORS["shares"], locale)
    return errors


@router.post("/cities/{slug}/profile/edit")
def save_profile(
    request: Request,
    slug: str,
    climate_zone: Annotated[str, Form(max_length=10)] = "",
    climate_year: Annotated[str, Form(max_length=10)] = "",
    climate_source: Annotated[str, Form(max_length=5000)] = "",
    coastal: Annotated[str, Form(max_length=5)] = "",
    coastal_source: Annotated[str, Form(max_length=5000)] = "",
    primary_share: Annotated[str, Form(max_length=20)] = "",
    secondary_share: Annotated[str, Form(max_length=20)] = "",
    tertiary_share: Annotated[str, Form(max_length=20)] = "",
    structure_year: Annotated[str, Form(max_length=10)] = "",
    structure_source: Annotated[str, Form(max_length=5000)] = "",
    version: Annotated[str, Form(max_length=12)] = "0",
) -> Response:
    actor = get_actor(request)
    locale = get_locale(request)
    form = {
        "climate_zone": climate_zone,
        "climate_year": climate_year,
        "climate_source": climate_source,
        "coastal": coastal,
        "coastal_source": coastal_source,
        "primary_share": primary_share,
        "secondary_share": secondary_share,
        "tertiary_share": tertiary_share,
        "structure_year": structure_year,
        "structure_source": structure_source,
        "version": version,
    }
    with get_db(request).read() as session:
        city = get_city(session, slug)
        actor.require_edit(city.id)
    try:
        fields = ProfileFields(**_fields(form))
        with get_db(request).write() as session:
            expected = int(version) if version.strip().isdigit() else None
            set_profile(session, actor, slug, fields, expected_version=expected)
    except ValidationError as exc:
        return _form_page(request, city, form, _errors(exc, locale), status=422)
    except Conflict:
        message = gettext(
            N_("Someone else saved this profile meanwhile: reload the page to see their changes."), locale
        )
        return _form_page(request, city, form, {"version": message}, status=409)
    return redirect(f"/cities/{slug}/profile", flash=("success", N_("The city profile was saved.")))
