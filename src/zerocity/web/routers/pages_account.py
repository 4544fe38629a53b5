"""The signed-in user's own page: who they are, their cities and roles, their API tokens, and their password.

A new token's plain value is shown once, in the answer to the form that created it, and never again: only its
SHA-256 is stored (``services.accounts``). So that answer is a page, not a redirect (a flash cookie would carry
the secret), and it is marked ``no-store`` so the browser does not keep it in its cache.

Changing the password (``/account/password``) needs the current one. Each attempt that checks it counts against
the sign-in limiter for the account, so a stolen session cannot guess its way to the password. Success ends every
session of the account and gives this browser a new one, so the user stays signed in here and nowhere else.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from sqlalchemy import select
from starlette.responses import Response

from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.services.errors import Forbidden, InvalidRequest, NotAuthenticated, RateLimited
from zerocity.store.models import City, User
from zerocity.web.deps import bearer_token, get_actor, get_db, get_locale, get_settings, set_session_cookie
from zerocity.web.errors import human_message
from zerocity.web.i18n import gettext
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


# -- the user's own password ----------------------------------------------------------------------------------------
#: What the form says for each ``reason`` the service gives (``accounts.check_new_password``, ``change_password``).
PASSWORD_ERRORS: Final[dict[str, str]] = {
    "wrong": N_("This is not your current password."),
    "too_short": N_("The new password needs at least %(minimum)s characters."),
    "too_long": N_("The new password can have at most %(maximum)s characters."),
    "unchanged": N_("The new password must differ from the current one."),
    "email": N_("The new password must not be your e-mail address."),
    "mismatch": N_("The two new passwords differ; type the same one twice."),
}
TOO_MANY_ATTEMPTS: Final[str] = N_("Too many attempts; wait a minute and try again.")
PASSWORD_CHANGED: Final[str] = N_("Your password is changed, and you are signed out on every other device.")
#: A bearer token is refused here (see ``_password_actor``); listed so the error page translates it.
TOKEN_REFUSED: Final[str] = N_("an API token cannot change the password; sign in on the web page")


def _password_actor(request: Request) -> Actor:
    """The signed-in person, from their session cookie. A script's API token may read and change data, but not
    the password: ``get_actor`` prefers a token to the cookie and :class:`Actor` does not say which it came from,
    so the route looks at the request itself."""
    if bearer_token(request):
        raise Forbidden(TOKEN_REFUSED)
    actor = get_actor(request)
    actor.require_authenticated()
    return actor


def _password_page(request: Request, errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    context = {
        "errors": errors or {},
        "min_length": accounts.MIN_PASSWORD_LENGTH,
        "max_length": accounts.MAX_PASSWORD_LENGTH,
    }
    response = page(request, "account/password.html", context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _password_error(request: Request, exc: InvalidRequest) -> Response:
    locale = get_locale(request)
    reason = str(exc.params.get("reason", ""))
    if reason not in PASSWORD_ERRORS:  # a service message this form does not know: show it as it is
        return _password_page(request, {"": human_message(exc.code, exc.message, locale)}, status_code=422)
    message = gettext(PASSWORD_ERRORS[reason], locale) % {
        "minimum": accounts.MIN_PASSWORD_LENGTH,
        "maximum": accounts.MAX_PASSWORD_LENGTH,
    }
    return _password_page(request, {str(exc.params.get("field", "")): message}, status_code=422)


@router.get("/account/password")
def password_form(request: Request) -> Response:
    _password_actor(request)
    return _password_page(request)


@router.post("/account/password")
def change_password(
    request: Request,
    current_password: Annotated[str, Form(max_length=20_000)] = "",
    new_password: Annotated[str, Form(max_length=20_000)] = "",
    new_password_again: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Form fields are capped well above ``MAX_PASSWORD_LENGTH``, so an over-long password gets the form's own
    message rather than the generic validation page."""
    actor = _password_actor(request)
    settings = get_settings(request)
    address = request.client.host if request.client else "unknown"
    limiter: accounts.LoginLimiter = request.app.state.login_limiter
    if new_password != new_password_again:
        message = gettext(PASSWORD_ERRORS["mismatch"], get_locale(request))
        return _password_page(request, {"new_password_again": message}, status_code=422)
    try:
        # Checks that need no stored password come first and are not counted; every attempt that does check the
        # current password is counted, before the check, as signing in counts it (auth.py).
        accounts.check_new_password(actor.email, current=current_password, new=new_password)
        limiter.hit(address, actor.email)
        with get_db(request).write() as session:
            accounts.change_password(session, actor, current=current_password, new=new_password)
            user = session.get(User, actor.user_id)
            if user is None:  # for the type checker: change_password has just loaded this very user
                raise NotAuthenticated("sign in first")
            new = accounts.start_session(session, user, settings.session_hours)
    except RateLimited:
        return _password_page(request, {"": gettext(TOO_MANY_ATTEMPTS, get_locale(request))}, status_code=429)
    except InvalidRequest as exc:
        return _password_error(request, exc)
    limiter.reset(address, actor.email)
    response = redirect("/account", flash=("success", PASSWORD_CHANGED))
    set_session_cookie(response, new.token, settings)
    return response
