"""One place that turns errors into answers: JSON under ``/api``, a friendly page elsewhere, never a traceback.

Service errors carry a stable ``code`` (zerocity.services.errors); the status follows from it. Their English
messages are translated when the catalogue knows them; otherwise the page shows a translated text for the code.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zerocity.core.errors import InputErrors, ZeroCityError
from zerocity.web.deps import get_actor, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect

log = logging.getLogger("zerocity.web")

STATUS = {
    "not_authenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "invalid_request": 400,
    "too_large": 413,
    "rate_limited": 429,
    "input_errors": 422,
    "validation": 422,
    "scenario_file": 422,
    "invalid_scenario": 422,
}

#: What a person reads for each code when the specific message has no translation.
TITLES = {
    "not_authenticated": N_("Please sign in"),
    "forbidden": N_("You do not have permission to do this"),
    "not_found": N_("Not found"),
    "conflict": N_("This could not be saved"),
    "invalid_request": N_("The request is not valid"),
    "too_large": N_("The file is too large"),
    "rate_limited": N_("Too many attempts"),
    "input_errors": N_("The data has errors"),
    "validation": N_("The request is not valid"),
    "csrf": N_("Request refused for your safety"),
    "internal": N_("Something went wrong on our side"),
    "error": N_("The request could not be completed"),
}

# Service messages shown to people; listed so the catalogue translates them.
KNOWN_MESSAGES = (
    N_("sign in first"),
    N_("you may not change this city's data"),
    N_("only a centre administrator may do this"),
    N_("no such city"),
    N_("no such inventory"),
    N_("no such record"),
    N_("no such import"),
    N_("this inventory is submitted or approved; reopen it before changing its data"),
    N_("someone else changed this inventory since you opened it; reload and try again"),
    N_("someone else saved this row since you opened it; reload to see their change"),
    N_("an empty inventory cannot be submitted; import activity data first"),
    N_("only a submitted inventory can be approved"),
    N_("only an approved inventory can be published"),
    N_("this inventory is already a draft"),
    N_("this inventory is not published"),
    N_("say why the inventory is reopened"),
    N_("this file was already imported"),
    N_("this import cannot be committed; fix the file and upload it again"),
    N_("the inventory changed after this preview; upload the file again to see a fresh preview"),
    N_("the file no longer computes; upload it again to see why"),
    N_("upload a .csv or .xlsx file in the activity-data format"),
    N_("the file is empty"),
    N_("too many sign-in attempts; wait a minute and try again"),
    N_("gpc_ref cannot be empty"),
    N_("gpc_ref is required"),
    N_("give the token a name (up to 200 characters)"),
    N_("this inventory has no activity data to export yet"),
    N_("an inventory must be approved by someone other than the person who submitted it"),
    N_("the reason contains control characters"),
)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _may_need_sign_in(request: Request) -> bool:
    """A signed-out visitor asking for an inventory page is sent to sign in, whether or not the inventory exists,
    so drafts stay invisible without a dead end for their own editors."""
    path = request.url.path
    return path.startswith("/cities/") and "/inventories/" in path and not get_actor(request).is_authenticated


def human_message(code: str, message: str, locale: str) -> str:
    translated = gettext(message, locale) if message else ""
    if translated and (translated != message or locale == "en"):
        return translated
    return gettext(TITLES.get(code, TITLES["error"]), locale)


def error_response(
    request: Request, status: int, code: str, message: str, extra: dict[str, Any] | None = None
) -> Response:
    if is_api(request):
        return JSONResponse({"error": {"code": code, "message": message, **(extra or {})}}, status_code=status)
    if status == 401 or (status == 404 and _may_need_sign_in(request)):
        return redirect(f"/login?next={quote(request.url.path)}", flash=("warning", TITLES["not_authenticated"]))
    locale = get_locale(request)
    context = {
        "status": status,
        "title": gettext(TITLES.get(code, TITLES["error"]), locale),
        "message": human_message(code, message, locale),
        "issues": (extra or {}).get("issues", []),
    }
    return page(request, "errors/error.html", context, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(InputErrors)
    async def _input_errors(request: Request, exc: InputErrors) -> Response:
        issues = [
            {"file": i.file, "row": i.row, "column": i.column, "reason": i.reason, "code": i.code}
            for i in exc.issues[:1000]
        ]
        return error_response(request, 422, "input_errors", exc.message.split("\n", 1)[0], {"issues": issues})

    @app.exception_handler(ZeroCityError)
    async def _service_error(request: Request, exc: ZeroCityError) -> Response:
        status = STATUS.get(exc.code, 400)
        extra = {k: v for k, v in exc.params.items() if isinstance(v, str | int | float)}
        return error_response(request, status, exc.code, exc.message, {"params": extra} if extra else None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()[:50]
        ]
        return error_response(request, 422, "validation", "the request is not valid", {"details": details})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "error"
        )
        response = error_response(request, exc.status_code, code, str(exc.detail or ""))
        for name, value in (exc.headers or {}).items():  # e.g. Allow on a 405
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal", "internal error")
