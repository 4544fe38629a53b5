"""Rendering pages: the shared templates, the signed-in user, and one-shot flash messages.

Flash messages travel in a short-lived cookie holding message *ids* (msgids from our own code, never user text),
translated when the next page renders.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from zerocity.web.deps import get_actor, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.templating import make_templates

templates = make_templates()
FLASH_COOKIE = "zc_flash"
LEVELS = ("info", "success", "warning", "error")


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return message


def page(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    actor = get_actor(request)
    locale = get_locale(request)
    messages = [(level, gettext(text, locale)) for level, text in _read_flash(request)]
    variables = {"user": actor if actor.is_authenticated else None, "actor": actor, "messages": messages}
    response = templates.TemplateResponse(request, name, {**variables, **(context or {})}, status_code=status_code)
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    if actor.is_authenticated:
        # A signed-in page may show drafts: after signing out, Back must not bring it up from the cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _read_flash(request: Request) -> list[tuple[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(raw)
        return [(str(level), str(text)) for level, text in items if level in LEVELS][:5]
    except (ValueError, TypeError):
        return []


def redirect(url: str, *, flash: tuple[str, str] | None = None, status_code: int = 303) -> Response:
    """A redirect after a successful form post (post/redirect/get, so a reload does not submit twice)."""
    response = RedirectResponse(url, status_code=status_code)
    if flash:
        response.set_cookie(
            FLASH_COOKIE, json.dumps([list(flash)]), max_age=60, httponly=True, samesite="lax", path="/"
        )
    return response


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: ``//evil.example`` or ``https://…`` would make an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
