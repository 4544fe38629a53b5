"""Request-scoped access to the database, the acting user and the language, shared by pages and the API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.web.templating import request_locale

SESSION_COOKIE = "zc_session"


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """The session cookie as every sign-in sets it (signing in, changing one's password): HttpOnly, SameSite=Lax,
    Secure behind HTTPS, lasting as long as the server-side session."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def get_actor(request: Request) -> Actor:
    """The caller: an API token wins over the session cookie; anyone else is the public."""
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    actor: Actor | None = None
    token = bearer_token(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if token or cookie:
        with get_db(request).read() as session:
            if token:
                actor = accounts.actor_from_api_token(session, token)
            elif cookie:
                actor = accounts.actor_from_session(session, cookie)
    request.state.actor = actor or Actor.public()
    return request.state.actor


def get_locale(request: Request) -> str:
    return request_locale(request)
