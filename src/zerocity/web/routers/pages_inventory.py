"""The inventory editor: create an inventory, show its records, move it through its review workflow, and read its
audit log. Uploads live in ``pages_imports``, in-place row edits in ``pages_records``; the helpers they share are
here.

Every page works without JavaScript (forms post, the server redirects back); htmx only spares a full reload: the
records table pages and filters in place, a row turns into its edit form and back, and an upload shows progress.
An htmx request is told apart by its ``HX-Request`` header; the same URL then answers with a fragment.

The services check every permission; these handlers only choose what to show. A handler catches the errors a
person can fix on the same page (a bad row, a stale version, a missing reason) and shows them there; anything
else (forbidden, not found) goes to the shared error pages of ``zerocity.web.errors``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set_names
from zerocity.services import audit, inventories, records
from zerocity.services.actor import Actor
from zerocity.services.cities import get_city
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest
from zerocity.store.models import ActivityRecord, City, Inventory, User
from zerocity.web.deps import get_actor, get_db, get_locale, get_settings
from zerocity.web.errors import STATUS, human_message
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect, templates

router = APIRouter(include_in_schema=False)

BASE = "/cities/{slug}/inventories"
AUDIT_PAGE_SIZE = 50
NOTATION_KEYS = ("NO", "NE", "IE", "C")
DATA_QUALITY = ("H", "M", "L")
#: The columns of a row the inline editor changes (the accounting-core input format).
EDITABLE_COLUMNS = ("description", "activity_value", "activity_unit", "factor_id", "notation_key", "data_quality")

DONE = {
    "submit": N_("The inventory was submitted for review."),
    "approve": N_("The inventory was approved."),
    "reopen": N_("The inventory was reopened as a draft."),
    "publish": N_("The inventory is now published."),
    "unpublish": N_("The inventory is no longer published."),
}

NEW_ERRORS = {
    "year": N_("Enter a year between 1990 and 2100."),
    "gwp_set": N_("Choose one of the GWP sets in the list."),
    "boundary": N_("Describe the boundary in at most 5,000 characters."),
}
NO_FILE = N_("Choose a .csv or .xlsx file to upload.")
TOO_LARGE = N_("The file is larger than the upload limit of %(limit)s MB. Split it into smaller files and upload each.")
UNREADABLE_ROW = N_("The row could not be read; reload the page and try again.")
ROW_DOES_NOT_COMPUTE = N_("The row was not saved, because it does not compute:")
AUDIT_FORBIDDEN = N_("Only the city's own accounts and centre administrators may read the audit log.")

AUDIT_ACTIONS = {
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "submit": N_("Submitted for review"),
    "approve": N_("Approved"),
    "reopen": N_("Reopened"),
    "publish": N_("Published"),
    "unpublish": N_("Unpublished"),
    "import_replace": N_("Imported a file (replacing the records)"),
    "import_append": N_("Imported a file (adding records)"),
}


# -- helpers ----------------------------------------------------------------------------------------------------
def editor_url(slug: str, year: int, *, page: int = 1, gpc_ref: str = "", edit: int | None = None) -> str:
    query: dict[str, object] = {}
    if page > 1:
        query["page"] = page
    if gpc_ref:
        query["gpc_ref"] = gpc_ref
    if edit is not None:
        query["edit"] = edit
    return f"/cities/{slug}/inventories/{year}" + (f"?{urlencode(query)}" if query else "")


def is_htmx(request: Request) -> bool:
    """A fragment request from htmx; a history restore wants the whole page back."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") is None


def fragment(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """A partial template for htmx. Not through ``page()``: that would consume a flash meant for the next page."""
    response = templates.TemplateResponse(
        request, name, {"actor": get_actor(request), **context}, status_code=status_code
    )
    response.headers["Vary"] = "HX-Request"
    return response


def city_name(city: City, locale: str) -> str:
    return city.name_zh if locale == "zh_Hant" else city.name_en


def allowed_actions(actor: Actor, inventory: Inventory) -> list[str]:
    """The workflow steps this actor may take now; the service checks again when one is posted."""
    can_edit = actor.can_edit(inventory.city_id)
    found = []
    if inventory.status == "draft" and can_edit:
        found.append("submit")
    if inventory.status == "submitted" and actor.is_admin:
        found.append("approve")
    if inventory.status == "approved" and not inventory.published and can_edit:
        found.append("publish")
    if inventory.published and can_edit:
        found.append("unpublish")
    if inventory.status in ("submitted", "approved") and actor.is_admin:
        found.append("reopen")
    return found


def upload_limit_mb(max_bytes: int) -> float:
    """The upload limit in (decimal) megabytes, rounded down so that a file of the size shown always passes."""
    return max_bytes // 1_000_000 or math.floor(max_bytes / 100_000) / 10


def int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def inventory_context(request: Request, city: City, inventory: Inventory) -> dict[str, Any]:
    """What every inventory page shows in its header: city, year, status, totals and the allowed actions."""
    actor = get_actor(request)
    return {
        "city": city,
        "city_label": city_name(city, get_locale(request)),
        "inventory": inventory,
        "summary": inventory.summary or {},
        "actions": allowed_actions(actor, inventory),
        "can_edit": actor.can_edit(city.id) and inventory.status == "draft",
        "can_read_drafts": actor.can_read_drafts(city.id),
        "editor_url": editor_url(city.slug, inventory.year),
    }


def _gpc_refs(session: Session, inventory: Inventory) -> list[str]:
    query = (
        select(ActivityRecord.gpc_ref)
        .where(ActivityRecord.city_id == inventory.city_id, ActivityRecord.inventory_id == inventory.id)
        .distinct()
        .order_by(ActivityRecord.gpc_ref)
    )
    return list(session.scalars(query))


def page_of(session: Session, record: ActivityRecord, per_page: int, gpc_ref: str) -> int:
    """The page of the records table that shows this record (the table is ordered by spreadsheet row)."""
    query = select(func.count()).where(
        ActivityRecord.city_id == record.city_id,
        ActivityRecord.inventory_id == record.inventory_id,
        ActivityRecord.line < record.line,
    )
    if gpc_ref:
        query = query.where(ActivityRecord.gpc_ref == gpc_ref)
    return (session.scalar(query) or 0) // per_page + 1


def edit_values(record: ActivityRecord) -> dict[str, str]:
    values = {name: str(record.cells.get(name, "")) for name in EDITABLE_COLUMNS}
    values["version"] = str(record.version)
    return values


# -- the editor ---------------------------------------------------------------------------------------------------
def _editor_context(
    request: Request,
    session: Session,
    slug: str,
    year: int,
    *,
    page_number: int = 1,
    gpc_ref: str = "",
    edit: dict[str, Any] | None = None,
) -> dict[str, Any]:
    actor = get_actor(request)
    settings = get_settings(request)
    city, inventory, found = records.list_records(
        session, actor, slug, year, page=max(page_number, 1), per_page=settings.page_size, gpc_ref=gpc_ref
    )
    if edit is not None and "values" not in edit:
        shown = [r for r in found.records if r.id == edit["record_id"]]
        edit = {**edit, "values": edit_values(shown[0])} if shown else None
    return {
        **inventory_context(request, city, inventory),
        "records_page": found,
        "gpc_ref": gpc_ref,
        "gpc_refs": _gpc_refs(session, inventory),
        "edit": edit,
        "max_upload_mb": upload_limit_mb(settings.max_upload_bytes),
        "max_upload_bytes": settings.max_upload_bytes,
    }


def editor_page(
    request: Request,
    slug: str,
    year: int,
    *,
    page_number: int = 1,
    gpc_ref: str = "",
    edit: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with get_db(request).read() as session:
        context = _editor_context(request, session, slug, year, page_number=page_number, gpc_ref=gpc_ref, edit=edit)
    if error:
        context["status_error"] = error
    return page(request, "inventory/editor.html", context, status_code=status_code)


def _new_page(
    request: Request, city: City, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    context = {
        "city": city,
        "city_label": city_name(city, get_locale(request)),
        "values": values,
        "errors": errors,
        "gwp_options": [(name, name) for name in gwp_set_names()],
    }
    return page(request, "inventory/new.html", context, status_code=status_code)


@router.get(BASE + "/new")
def new_inventory_form(request: Request, slug: str) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        city = get_city(session, slug)
        actor.require_edit(city.id)
        years = [inv.year for inv in inventories.list_inventories(session, actor, city)]
    values = {"year": str(max(years) + 1 if years else 2020), "gwp_set": DEFAULT_GWP_SET, "boundary": city.boundary}
    return _new_page(request, city, values, {})


@router.post(BASE + "/new")
def create_inventory(
    request: Request,
    slug: str,
    year: Annotated[str, Form(max_length=10)] = "",
    gwp_set: Annotated[str, Form(max_length=32)] = DEFAULT_GWP_SET,
    boundary: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    actor = get_actor(request)
    locale = get_locale(request)
    errors: dict[str, str] = {}
    status_code = 422
    try:
        fields = inventories.InventoryFields(year=int_or_none(year) or 0, gwp_set=gwp_set, boundary=boundary)
        with get_db(request).write() as session:
            inventories.create_inventory(session, actor, slug, fields)
    except ValidationError as exc:
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "year"
            errors[name] = gettext(NEW_ERRORS.get(name, NEW_ERRORS["year"]), locale)
    except Conflict:
        errors["year"] = gettext(N_("This city already has an inventory for this year."), locale)
        status_code = 409
    else:
        return redirect(editor_url(slug, fields.year), flash=("success", N_("The inventory was created.")))
    with get_db(request).read() as session:
        city = get_city(session, slug)
        actor.require_edit(city.id)
    values = {"year": year, "gwp_set": gwp_set, "boundary": boundary}
    return _new_page(request, city, values, errors, status_code=status_code)


@router.get(BASE + "/{year}")
def editor(
    request: Request,
    slug: str,
    year: int,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
    gpc_ref: Annotated[str, Query(max_length=16)] = "",
    edit: int | None = None,
) -> Response:
    gpc_ref = gpc_ref.strip()
    if is_htmx(request) and request.headers.get("hx-target") == "records":
        with get_db(request).read() as session:
            context = _editor_context(request, session, slug, year, page_number=page_number, gpc_ref=gpc_ref)
        return fragment(request, "inventory/_records.html", context)
    if edit is not None and "page" not in request.query_params:
        with get_db(request).read() as session:
            record = records.get_record(session, get_actor(request), edit)
            page_number = page_of(session, record, get_settings(request).page_size, gpc_ref)
    edit_state = {"record_id": edit} if edit is not None else None
    return editor_page(request, slug, year, page_number=page_number, gpc_ref=gpc_ref, edit=edit_state)


@router.post(BASE + "/{year}/status")
def change_status(
    request: Request,
    slug: str,
    year: int,
    action: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    actor = get_actor(request)
    try:
        with get_db(request).write() as session:
            inventories.change_status(
                session, actor, slug, year, action, reason=reason.strip(), expected_version=int_or_none(version)
            )
    except (Conflict, InvalidRequest) as exc:
        message = human_message(exc.code, exc.message, get_locale(request))
        return editor_page(request, slug, year, error=message, status_code=STATUS[exc.code])
    return redirect(editor_url(slug, year), flash=("success", DONE[action]))


# -- the audit log ------------------------------------------------------------------------------------------------
@router.get(BASE + "/{year}/audit")
def audit_log(
    request: Request, slug: str, year: int, page_number: Annotated[int, Query(alias="page", ge=1)] = 1
) -> Response:
    """Who changed what and why: for the city's own people and the centre, not the public (names are personal)."""
    actor = get_actor(request)
    actor.require_authenticated()
    with get_db(request).read() as session:
        city, inventory = inventories.get_inventory(session, actor, slug, year)
        if not actor.can_read_drafts(city.id):
            raise Forbidden(AUDIT_FORBIDDEN)
        entries, total = audit.entries(
            session,
            city_id=city.id,
            inventory_id=inventory.id,
            limit=AUDIT_PAGE_SIZE,
            offset=(page_number - 1) * AUDIT_PAGE_SIZE,
        )
        user_ids = {e.user_id for e in entries if e.user_id is not None}
        names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        record_ids = [int(e.entity_id) for e in entries if e.entity == "record" and e.entity_id.isdigit()]
        lines = dict(
            session.execute(
                select(ActivityRecord.id, ActivityRecord.line).where(ActivityRecord.id.in_(record_ids))
            ).all()
        )
        context = inventory_context(request, city, inventory)
    context.update(
        entries=entries,
        total=total,
        page_number=page_number,
        pages=max(1, -(-total // AUDIT_PAGE_SIZE)),
        names=names,
        lines=lines,
        action_labels=AUDIT_ACTIONS,
        audit_url=f"/cities/{slug}/inventories/{year}/audit",
    )
    return page(request, "inventory/audit.html", context)
