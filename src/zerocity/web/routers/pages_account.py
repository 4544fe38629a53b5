"""The signed-in user's own page: who they are, their cities and roles, and their API tokens.

A new token's plain value is shown once, in the answer to the form that created it, and never again: only its
SHA-256 is stored (``services.accounts``). So that answer is a page, not a redirect (a flash cookie would carry
the secret), and it is marked ``no-store`` so the browser does not keep it in its cache.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlalchemy import select
from starlette.responses import Response

from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.services.errors import InvalidRequest
from zerocity.store.models import City
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.errors import human_message
from zerocity.web.render import N_, page, redirect

router = APIRouter(include_in_schema=False)

ROLE_LABELS = {"editor": N_("Editor"), "viewer": N_("Viewer")}


def _account_page(
    request: Request,
    actor: Actor,
    *,
    new_token: str | None = None,
    name: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        tokens = accounts.list_api_tokens(session, actor)
        cities = list(session.scalars(select(City).where(City.id.in_(list(actor.roles))).order_by(City.slug)))
    memberships: list[dict[str, Any]] = [
        {
            "slug": city.slug,
            "name": city.name_zh if locale == "zh_Hant" else city.name_en,
            "role": ROLE_LABELS.get(actor.roles[city.id], actor.roles[city.id]),
        }
        for city in cities
    ]
    context = {"account": actor, "memberships": memberships, "tokens": tokens, "new_token": new_token}
    context.update(token_name=name, error=error)
    response = page(request, "account/tokens.html", context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/account")
def account(request: Request) -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    return _account_page(request, actor)


@router.post("/account/tokens")
def create_token(request: Request, name: Annotated[str, Form(max_length=500)] = "") -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    try:
        with get_db(request).write() as session:
            _, plain = accounts.create_api_token(session, actor, name)
    except InvalidRequest as exc:
        message = human_message(exc.code, exc.message, get_locale(request))
        return _account_page(request, actor, name=name, error=message, status_code=422)
    return _account_page(request, actor, new_token=plain, status_code=201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int) -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    with get_db(request).write() as session:
        accounts.revoke_api_token(session, actor, token_id)
    return redirect("/account", flash=("success", N_("The token was revoked; scripts using it are refused now.")))
