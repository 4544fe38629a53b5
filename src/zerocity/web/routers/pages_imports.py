"""Uploading activity data into an inventory: the preview that lists every problem, then commit or discard."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import Response

from zerocity.services import imports, inventories
from zerocity.services.errors import Conflict, InvalidRequest, TooLarge
from zerocity.store.models import City, ImportBatch, Inventory
from zerocity.web.deps import get_actor, get_db, get_locale, get_settings
from zerocity.web.errors import human_message
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.pages_inventory import (
    BASE,
    NO_FILE,
    TOO_LARGE,
    editor_url,
    inventory_context,
    is_htmx,
    upload_limit_mb,
)

router = APIRouter(include_in_schema=False)


# -- uploads: preview, commit, discard -----------------------------------------------------------------------------
def _preview_context(
    request: Request, city: City, inventory: Inventory, batch: ImportBatch | None, issues: list[dict[str, Any]]
) -> dict[str, Any]:
    settings = get_settings(request)
    summary = (batch.preview or {}) if batch is not None else {}
    counted = summary.get("issue_count")
    return {
        **inventory_context(request, city, inventory),
        "batch": batch,
        "issues": issues,
        "issue_count": max(counted if isinstance(counted, int) else 0, len(issues)),
        "preview": summary if batch is not None and batch.status != "rejected" else None,
        "can_commit": batch is not None and batch.status == "preview" and get_actor(request).can_edit(city.id),
        "max_upload_mb": upload_limit_mb(settings.max_upload_bytes),
        "problem": None,
    }


@router.post(BASE + "/{year}/import")
def upload(
    request: Request,
    slug: str,
    year: int,
    file: Annotated[UploadFile | None, File()] = None,
    mode: Annotated[str, Form(max_length=10)] = "replace",
) -> Response:
    """Preview an upload. Rejected files are kept as a batch with their problems, but the inventory is untouched."""
    actor = get_actor(request)
    locale = get_locale(request)
    limit = get_settings(request).max_upload_bytes
    filename = (file.filename if file else "") or ""
    # One byte past the limit tells the service the file is too large; the rest is never read.
    data = file.file.read(limit + 1) if file else b""
    issues: list[dict[str, Any]] = []
    status_code, problem, batch = 200, None, None
    try:
        with get_db(request).write() as session:
            result = imports.preview_import(
                session, actor, slug, year, filename or "upload.csv", data, mode=mode, max_bytes=limit
            )
            batch = result.batch
            issues = [imports.issue_dict(i) for i in result.issues[: imports.MAX_STORED_ISSUES]]
            status_code = 200 if result.ok else 422
    except TooLarge:
        status_code = 413
        problem = gettext(TOO_LARGE, locale) % {"limit": f"{upload_limit_mb(limit):g}"}
    except InvalidRequest as exc:
        status_code = 422
        reason = human_message(exc.code, exc.message, locale) if filename else gettext(NO_FILE, locale)
        issues = [{"file": filename, "row": None, "column": "", "reason": reason}]
    with get_db(request).read() as session:
        city, inventory = inventories.get_inventory(session, actor, slug, year)
        context = _preview_context(request, city, inventory, batch, issues)
    context["problem"] = problem
    response = page(request, "inventory/preview.html", context, status_code=status_code)
    if batch is not None and is_htmx(request):
        response.headers["HX-Push-Url"] = f"/imports/{batch.id}"
    return response


def _batch_page(request: Request, batch_id: int, problem: str | None = None, status_code: int = 200) -> Response:
    with get_db(request).read() as session:
        city, inventory, batch = imports.get_batch(session, get_actor(request), batch_id)
        context = _preview_context(request, city, inventory, batch, list(batch.issues or []))
    context["problem"] = problem
    if batch.status == "rejected" and status_code == 200:
        status_code = 422
    return page(request, "inventory/preview.html", context, status_code=status_code)


@router.get("/imports/{batch_id}")
def show_import(request: Request, batch_id: int) -> Response:
    return _batch_page(request, batch_id)


@router.post("/imports/{batch_id}/commit")
def commit_import(request: Request, batch_id: int) -> Response:
    actor = get_actor(request)
    try:
        with get_db(request).write() as session:
            city, inventory, _ = imports.get_batch(session, actor, batch_id)
            imports.commit_import(session, actor, batch_id)
            target = editor_url(city.slug, inventory.year)
    except Conflict as exc:
        return _batch_page(request, batch_id, human_message(exc.code, exc.message, get_locale(request)), 409)
    return redirect(target, flash=("success", N_("The file was imported and the inventory recomputed.")))


@router.post("/imports/{batch_id}/discard")
def discard_import(request: Request, batch_id: int) -> Response:
    actor = get_actor(request)
    with get_db(request).write() as session:
        city, inventory, _ = imports.get_batch(session, actor, batch_id)
        imports.discard_import(session, actor, batch_id)
    return redirect(editor_url(city.slug, inventory.year), flash=("info", N_("The upload was discarded.")))
