"""One activity row at a time in the inventory editor: the htmx edit form, the row, and saving it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from zerocity.core.errors import InputErrors
from zerocity.services import imports, inventories, records
from zerocity.services.errors import Conflict, InvalidRequest
from zerocity.store.models import ActivityRecord, City, Inventory
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.errors import STATUS, human_message
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, redirect
from zerocity.web.routers.pages_inventory import (
    DATA_QUALITY,
    NOTATION_KEYS,
    ROW_DOES_NOT_COMPUTE,
    UNREADABLE_ROW,
    edit_values,
    editor_page,
    editor_url,
    fragment,
    int_or_none,
    inventory_context,
    is_htmx,
)

router = APIRouter(include_in_schema=False)


# -- one row at a time ---------------------------------------------------------------------------------------------
def _record_context(request: Request, session: Session, record: ActivityRecord) -> dict[str, Any]:
    inventory = session.get(Inventory, record.inventory_id)
    city = session.get(City, record.city_id)
    assert inventory is not None and city is not None
    return {**inventory_context(request, city, inventory), "record": record}


def _submitted_notation(choice: str, other: str) -> str:
    """The select offers the four keys; the text box takes anything else the core accepts (``IE (I.1.2)``)."""
    return other.strip() or (choice if choice in NOTATION_KEYS else "")


@router.get("/records/{record_id}/edit")
def edit_record_form(
    request: Request,
    record_id: int,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
    gpc_ref: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        record = records.get_record(session, actor, record_id)
        context = _record_context(request, session, record)
    actor.require_edit(record.city_id)
    inventories.require_draft(context["inventory"])
    if not is_htmx(request):
        return redirect(editor_url(context["city"].slug, context["inventory"].year, edit=record_id, gpc_ref=gpc_ref))
    edit = {"record_id": record_id, "values": edit_values(record)}
    context.update(edit=edit, page=page_number, gpc_ref=gpc_ref, edit_fragment=True)
    return fragment(request, "inventory/_record_edit.html", context)


@router.get("/records/{record_id}/row")
def record_row(
    request: Request,
    record_id: int,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
    gpc_ref: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    with get_db(request).read() as session:
        record = records.get_record(session, get_actor(request), record_id)
        context = _record_context(request, session, record)
    if not is_htmx(request):
        slug, year = context["city"].slug, context["inventory"].year
        return redirect(editor_url(slug, year, page=page_number, gpc_ref=gpc_ref) + f"#record-{record_id}")
    context.update(page=page_number, gpc_ref=gpc_ref, row_fragment=True)
    return fragment(request, "inventory/_record_row.html", context)


@router.post("/records/{record_id}")
def save_record(
    request: Request,
    record_id: int,
    version: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    description: Annotated[str, Form(max_length=records.MAX_CELL)] = "",
    activity_value: Annotated[str, Form(max_length=100)] = "",
    activity_unit: Annotated[str, Form(max_length=100)] = "",
    factor_id: Annotated[str, Form(max_length=200)] = "",
    notation_key: Annotated[str, Form(max_length=10)] = "",
    notation_key_other: Annotated[str, Form(max_length=100)] = "",
    data_quality: Annotated[str, Form(max_length=4)] = "",
    page_number: Annotated[int, Form(alias="page", ge=1)] = 1,
    gpc_ref: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Save one row. The service recomputes the whole inventory in the same transaction; if the row no longer
    computes, or someone saved it first, nothing is written and the form comes back with the reason."""
    actor = get_actor(request)
    locale = get_locale(request)
    cells = {
        "description": description,
        "activity_value": activity_value,
        "activity_unit": activity_unit,
        "factor_id": factor_id,
        "notation_key": _submitted_notation(notation_key, notation_key_other),
        "data_quality": data_quality if data_quality in DATA_QUALITY else "",
    }
    issues: list[dict[str, Any]] = []
    try:
        change = records.RecordChange(cells=cells, version=int_or_none(version) or 0, reason=reason.strip())
        with get_db(request).write() as session:
            record = records.update_record(session, actor, record_id, change)
            session.refresh(record)  # co2e_t and detail were rewritten by a bulk UPDATE: show what was stored
            context = _record_context(request, session, record)
    except ValidationError:
        status_code, message = 422, gettext(UNREADABLE_ROW, locale)
    except InputErrors as exc:
        status_code, message = 422, gettext(ROW_DOES_NOT_COMPUTE, locale)
        # The core names the stored inventory as the "file"; beside one row that says nothing, so it is left out.
        issues = [{**imports.issue_dict(i), "file": ""} for i in exc.issues[:100]]
    except (Conflict, InvalidRequest) as exc:
        status_code, message = STATUS[exc.code], human_message(exc.code, exc.message, locale)
    else:
        if not is_htmx(request):
            slug, year = context["city"].slug, context["inventory"].year
            target = editor_url(slug, year, page=page_number, gpc_ref=gpc_ref) + f"#record-{record_id}"
            return redirect(target, flash=("success", N_("The row was saved.")))
        context.update(page=page_number, gpc_ref=gpc_ref, row_fragment=True, totals_oob=True)
        return fragment(request, "inventory/_record_row.html", context)
    values = {**cells, "notation_key": notation_key, "notation_key_other": notation_key_other, "version": version}
    edit = {"record_id": record_id, "values": {**values, "reason": reason}, "issues": issues, "message": message}
    with get_db(request).read() as session:
        record = records.get_record(session, actor, record_id)
        context = _record_context(request, session, record)
    if not is_htmx(request):
        slug, year = context["city"].slug, context["inventory"].year
        return editor_page(
            request, slug, year, page_number=page_number, gpc_ref=gpc_ref, edit=edit, status_code=status_code
        )
    context.update(edit=edit, page=page_number, gpc_ref=gpc_ref, edit_fragment=True)
    return fragment(request, "inventory/_record_edit.html", context, status_code=status_code)
