"""A city's own emission factor sets, in the browser: the list with its upload form, one set's factors and its
file, and the choice of set for a draft inventory (shown inside the inventory editor).

An upload with problems lists every one (row, column, reason) with the same error table as the activity-data
preview, and stores nothing. Choosing a set recomputes the inventory; when a row no longer computes, the rows are
listed and nothing changes. Every page works without JavaScript; the editor loads the choice form with htmx and
links to the same form as a page otherwise. The services check every permission (zerocity.services.factor_sets).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import ValidationError
from starlette.responses import Response

from zerocity.core.errors import InputErrors
from zerocity.core.factors import bundled_library
from zerocity.services import factor_sets, inventories
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, InvalidRequest, TooLarge
from zerocity.services.factor_sets import SetFactor
from zerocity.services.imports import issue_dict
from zerocity.store.models import City, FactorSet, Inventory
from zerocity.web.deps import get_actor, get_db, get_locale, get_settings
from zerocity.web.errors import STATUS, human_message
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.exports import content_disposition
from zerocity.web.routers.pages_factors import LIST_GASES, gas_name, published_digits, status_name
from zerocity.web.routers.pages_inventory import (
    city_name,
    fragment,
    int_or_none,
    inventory_context,
    is_htmx,
    upload_limit_mb,
)

router = APIRouter(include_in_schema=False)

SETS: Final[str] = "/cities/{slug}/factor-sets"

UPLOADED = N_("The factor set was saved. Choose it in an inventory to compute with it.")
DELETED = N_("The factor set was deleted.")
CHOSEN = N_("The inventory now computes with the chosen factor set; its results were recomputed.")
CLEARED = N_("The inventory now computes with the bundled factor library only; its results were recomputed.")
UNCHANGED = N_("The inventory already computes with this choice; nothing changed.")
NO_FILE = N_("Choose a .csv or .xlsx factor file to upload.")
TOO_LARGE = N_("The file is larger than the limit of %(limit)s MB for factor files.")
IN_USE = N_("This factor set is used by the inventories of %(years)s. Choose another set for them first.")
FIELD_ERRORS = {
    "name": N_("Give the set a name of at most 200 characters."),
    "description": N_("Describe the set in at most 2,000 characters, without control characters."),
}
NOT_SAVED = N_("The factor set was not changed, because these rows would no longer compute:")


def sets_url(slug: str) -> str:
    return f"/cities/{slug}/factor-sets"


def set_url(slug: str, set_id: int) -> str:
    return f"{sets_url(slug)}/{set_id}"


def _limit_mb(request: Request) -> float:
    return upload_limit_mb(min(get_settings(request).max_upload_bytes, factor_sets.MAX_FACTOR_FILE_BYTES))


# -- the list and the upload -----------------------------------------------------------------------------------------
def _list_page(
    request: Request,
    slug: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    issues: list[dict[str, Any]] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        city, found = factor_sets.list_factor_sets(session, actor, slug)
    context = {
        "city": city,
        "city_label": city_name(city, get_locale(request)),
        "sets": [
            {"set": s, "uses": uses, "href": set_url(city.slug, s.id), "file_href": f"{set_url(city.slug, s.id)}/file"}
            for s, uses in found
        ],
        "can_edit": actor.can_edit(city.id),
        "is_member": actor.can_read_drafts(city.id),
        "values": values or {"name": "", "description": ""},
        "errors": errors or {},
        "issues": issues or [],
        "problem": problem,
        "max_upload_mb": _limit_mb(request),
    }
    return page(request, "factor_sets/list.html", context, status_code=status_code)


@router.get(SETS)
def factor_set_list(request: Request, slug: str) -> Response:
    return _list_page(request, slug)


@router.post(SETS)
def upload_factor_set(
    request: Request,
    slug: str,
    file: Annotated[UploadFile | None, File()] = None,
    name: Annotated[str, Form(max_length=1000)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Check and store a factor file; on any problem the list page comes back with the problems and the form as
    it was filled in (a file input cannot be refilled, so it says which file was refused)."""
    actor = get_actor(request)
    locale = get_locale(request)
    limit = min(get_settings(request).max_upload_bytes, factor_sets.MAX_FACTOR_FILE_BYTES)
    filename = (file.filename if file else "") or ""
    data = file.file.read(limit + 1) if file else b""
    values = {"name": name, "description": description}
    try:
        fields = factor_sets.FactorSetFields(name=name, description=description)
    except ValidationError as exc:
        names = {str(problem["loc"][0]) for problem in exc.errors() if problem["loc"]} or {"name"}
        errors = {key: gettext(FIELD_ERRORS.get(key, FIELD_ERRORS["name"]), locale) for key in names}
        return _list_page(request, slug, values=values, errors=errors, status_code=422)
    if not filename:
        return _list_page(request, slug, values=values, problem=gettext(NO_FILE, locale), status_code=422)
    try:
        with get_db(request).write() as session:
            factor_set = factor_sets.upload_factor_set(session, actor, slug, filename, data, fields, max_bytes=limit)
            target = set_url(slug, factor_set.id)
    except InputErrors as exc:
        issues = [issue_dict(issue) for issue in exc.issues[:1000]]
        return _list_page(request, slug, values=values, issues=issues, status_code=422)
    except TooLarge:
        problem = gettext(TOO_LARGE, locale) % {"limit": f"{_limit_mb(request):g}"}
        return _list_page(request, slug, values=values, problem=problem, status_code=413)
    except InvalidRequest as exc:
        problem = human_message(exc.code, exc.message, locale)
        return _list_page(request, slug, values=values, problem=problem, status_code=422)
    except Conflict as exc:
        errors = {"name": human_message(exc.code, exc.message, locale)}
        return _list_page(request, slug, values=values, errors=errors, status_code=409)
    return redirect(target, flash=("success", UPLOADED))


# -- one set ---------------------------------------------------------------------------------------------------------
def _factor_rows(found: list[SetFactor], locale: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Headings of the gas columns (biogenic CO2 only when a factor has it) and one row per factor, values with
    the digits the file gave."""
    gases = list(LIST_GASES)
    if any("CO2_biogenic" in item.factor.gases for item in found):
        gases.append("CO2_biogenic")
    fuels = bundled_library().fuels
    rows = []
    for item in found:
        factor = item.factor
        fuel = fuels.get(factor.fuel)
        values = [factor.gases.get(gas) for gas in gases]
        rows.append(
            {
                "row": item.row,
                "factor": factor,
                "fuel": (fuel.name_zh if locale == "zh_Hant" else fuel.name_en) if fuel else factor.fuel,
                "status": status_name(factor.status, locale),
                "gases": [(v, published_digits(v) if v is not None else 0) for v in values],
            }
        )
    return [gas_name(gas, locale) for gas in gases], rows


def _detail_page(
    request: Request, slug: str, set_id: int, *, problem: str | None = None, status_code: int = 200
) -> Response:
    actor = get_actor(request)
    locale = get_locale(request)
    with get_db(request).read() as session:
        city, factor_set, uses = factor_sets.get_factor_set(session, actor, slug, set_id)
        gas_names, rows = _factor_rows(factor_sets.factors_of(factor_set), locale)
    context = {
        "city": city,
        "city_label": city_name(city, locale),
        "factor_set": factor_set,
        "uses": uses,
        "gas_names": gas_names,
        "rows": rows,
        "file_href": f"{set_url(city.slug, factor_set.id)}/file",
        "can_delete": actor.can_edit(city.id) and not uses,
        "can_edit": actor.can_edit(city.id),
        "problem": problem,
    }
    return page(request, "factor_sets/detail.html", context, status_code=status_code)


@router.get(SETS + "/{set_id:int}")
def factor_set_detail(request: Request, slug: str, set_id: int) -> Response:
    return _detail_page(request, slug, set_id)


@router.get(SETS + "/{set_id:int}/file")
def factor_set_file(request: Request, slug: str, set_id: int) -> Response:
    with get_db(request).read() as session:
        _, factor_set, _ = factor_sets.get_factor_set(session, get_actor(request), slug, set_id)
        headers = {
            "Content-Type": factor_sets.media_type(factor_set),  # no charset added: a CSV may be Big5
            "Content-Disposition": content_disposition(factor_set.filename),
            "Cache-Control": "private, no-store",
        }
        return Response(factor_set.content, headers=headers)


@router.post(SETS + "/{set_id:int}/delete")
def delete_factor_set(request: Request, slug: str, set_id: int) -> Response:
    try:
        with get_db(request).write() as session:
            factor_sets.delete_factor_set(session, get_actor(request), slug, set_id)
    except Conflict as exc:
        years = str(exc.params.get("inventories", ""))
        problem = gettext(IN_USE, get_locale(request)) % {"years": years}
        return _detail_page(request, slug, set_id, problem=problem, status_code=409)
    return redirect(sets_url(slug), flash=("success", DELETED))


# -- the set an inventory computes with ------------------------------------------------------------------------------
CHOICE = "/cities/{slug}/inventories/{year}/factor-set"


def _choice_context(request: Request, session: Any, actor: Actor, city: City, inventory: Inventory) -> dict[str, Any]:
    current: FactorSet | None = None
    if inventory.factor_set_id is not None:
        current = session.get(FactorSet, inventory.factor_set_id)
    options: list[tuple[str, str]] = []
    context = inventory_context(request, city, inventory)
    if context["can_edit"]:
        _, found = factor_sets.list_factor_sets(session, actor, city.slug)
        bundled = gettext(N_("Bundled factor library only"), get_locale(request))
        options = [("", bundled)] + [(str(s.id), f"{s.name} ({s.filename})") for s, _ in found]
    return {
        **context,
        "current": current,
        "current_href": set_url(city.slug, current.id) if current else None,
        "options": options,
        "sets_href": sets_url(city.slug),
        "choice_url": f"{context['editor_url']}/factor-set",
        "issues": [],
        "problem": None,
    }


def _choice_page(
    request: Request,
    slug: str,
    year: int,
    *,
    issues: list[dict[str, Any]] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        city, inventory = inventories.get_inventory(session, actor, slug, year)
        context = _choice_context(request, session, actor, city, inventory)
    context.update(issues=issues or [], problem=problem)
    if is_htmx(request):
        return fragment(request, "factor_sets/_choose.html", context, status_code=status_code)
    return page(request, "factor_sets/choose.html", context, status_code=status_code)


@router.get(CHOICE)
def factor_set_choice(request: Request, slug: str, year: int) -> Response:
    """Which set the inventory computes with; for its editors on a draft, the form to change it."""
    return _choice_page(request, slug, year)


@router.post(CHOICE)
def choose_factor_set(
    request: Request,
    slug: str,
    year: int,
    factor_set_id: Annotated[str, Form(max_length=12)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    actor = get_actor(request)
    locale = get_locale(request)
    set_id = int_or_none(factor_set_id) if factor_set_id.strip() else None
    if factor_set_id.strip() and set_id is None:
        problem = human_message("not_found", factor_sets.NO_SUCH_SET, locale)
        return _choice_page(request, slug, year, problem=problem, status_code=404)
    try:
        with get_db(request).write() as session:
            before = inventories.get_inventory(session, actor, slug, year)[1].factor_set_id
            factor_sets.choose_factor_set(
                session, actor, slug, year, set_id, reason=reason.strip(), expected_version=int_or_none(version)
            )
    except InputErrors as exc:
        issues = [issue_dict(issue) for issue in exc.issues[:1000]]
        problem = gettext(NOT_SAVED, locale)
        return _choice_page(request, slug, year, issues=issues, problem=problem, status_code=422)
    except (Conflict, InvalidRequest) as exc:
        problem = human_message(exc.code, exc.message, locale)
        return _choice_page(request, slug, year, problem=problem, status_code=STATUS[exc.code])
    done = UNCHANGED if before == set_id else (CHOSEN if set_id is not None else CLEARED)
    return redirect(f"/cities/{slug}/inventories/{year}", flash=("success", done))
