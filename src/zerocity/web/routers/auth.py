"""Signing in and out, health, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from zerocity.services import accounts
from zerocity.services.errors import RateLimited
from zerocity.web.deps import SESSION_COOKIE, get_actor, get_db, get_settings, set_session_cookie
from zerocity.web.i18n import LOCALE_COOKIE, SUPPORTED
from zerocity.web.render import N_, page, redirect, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/health")
def health(request: Request) -> JSONResponse:
    if get_db(request).ping():
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable", "reason": "database unreachable"}, status_code=503)


@router.get("/ping")
def ping() -> PlainTextResponse:
    """No database, no templates: the ceiling the benchmarks compare real pages against."""
    return PlainTextResponse("pong")


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    # A session cookie that no longer signs anyone in: it expired or was revoked; say so rather than just ask.
    expired = bool(request.cookies.get(SESSION_COOKIE)) and not get_actor(request).is_authenticated
    return page(request, "login.html", {"next": safe_next(next), "expired": expired})


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = get_settings(request)
    address = request.client.host if request.client else "unknown"
    limiter: accounts.LoginLimiter = request.app.state.login_limiter
    try:
        limiter.hit(address, email)
    except RateLimited:
        return page(
            request,
            "login.html",
            {"next": safe_next(next), "email": email, "error": N_("Too many attempts; wait a minute and try again.")},
            status_code=429,
        )
    with get_db(request).write() as session:
        user = accounts.authenticate(session, email, password)
        if user is None:
            failed = True
        else:
            failed = False
            new = accounts.start_session(session, user, settings.session_hours)
            locale = user.locale
    if failed:
        return page(
            request,
            "login.html",
            {"next": safe_next(next), "email": email, "error": N_("Wrong e-mail or password.")},
            status_code=401,
        )
    limiter.reset(address, email)
    response = redirect(safe_next(next))
    set_session_cookie(response, new.token, settings)
    if locale in SUPPORTED and not request.cookies.get(LOCALE_COOKIE):
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with get_db(request).write() as session:
            accounts.end_session(session, token)
    response = redirect("/", flash=("info", N_("You are signed out.")))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{locale}")
def switch_language(request: Request, locale: str, next: str = "/") -> Response:
    response = redirect(safe_next(next))
    if locale in SUPPORTED:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/")
    return response
