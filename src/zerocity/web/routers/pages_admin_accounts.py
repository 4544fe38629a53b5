"""Centre administration of accounts: the list, a new account, and one account's roles, administrator rights,
status (active or disabled) and password.

Passwords: the centre never types one. A new account and a password reset each get a random password
(``accounts.generate_password``), shown once in the answer to the form, which is a page rather than a redirect (a
flash cookie would carry the secret) and is not cached (``no-store``). Only its argon2id hash is stored. A reset
ends every session of the account, so whoever knew the old password is signed out everywhere.

Disabling keeps the account and its roles (``User.active``): it cannot sign in, its sessions end and its API
tokens are refused until it is enabled again. Nobody removes their own administrator rights or disables their own
account; the service refuses it and the page says why.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import Response

from zerocity.services import accounts, cities
from zerocity.services.actor import ROLES
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from zerocity.web.deps import get_db, get_locale
from zerocity.web.errors import STATUS, human_message
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.pages_admin import ROLE_LABELS, city_label, form_errors, require_admin

router = APIRouter(include_in_schema=False)

BASE: Final[str] = "/admin/accounts"

ACCOUNT_ERRORS: Final[dict[str, str]] = {
    "": N_("The account was not created. Please correct the fields marked below."),
    "email": N_("Give an e-mail address, such as name@city.gov.tw."),
    "display_name": N_("The name is too long (up to 200 characters)."),
    "role": N_("Choose a role for the city, or no city."),
}
ROLE_GRANTED: Final[str] = N_("The role was given.")
ROLE_REVOKED: Final[str] = N_("The role was taken away.")
ADMIN_GIVEN: Final[str] = N_("The account is now a centre administrator.")
ADMIN_REMOVED: Final[str] = N_("The account is no longer a centre administrator.")
ENABLED: Final[str] = N_("The account is enabled again.")
DISABLED: Final[str] = N_("The account is disabled and signed out everywhere.")
CHOOSE_CITY: Final[str] = N_("Choose a city and a role.")


def _account_url(user_id: int) -> str:
    return f"{BASE}/{user_id}"


def _role_options(locale: str) -> list[tuple[str, str]]:
    return [(role, gettext(ROLE_LABELS[role], locale)) for role in ROLES]


def _city_options(request: Request, locale: str) -> list[tuple[str, str]]:
    with get_db(request).read() as session:
        return [(city.slug, city_label(city, locale)) for city in cities.list_cities(session)]


def _memberships(summary: accounts.AccountSummary, locale: str) -> list[dict[str, str]]:
    return [
        {"slug": city.slug, "name": city_label(city, locale), "role": gettext(ROLE_LABELS.get(role, role), locale)}
        for city, role in summary.memberships
    ]


# -- the list -------------------------------------------------------------------------------------------------------
@router.get(BASE)
def account_list(request: Request) -> Response:
    actor = require_admin(request)
    locale = get_locale(request)
    with get_db(request).read() as session:
        rows = [
            {"user": summary.user, "memberships": _memberships(summary, locale)}
            for summary in accounts.list_accounts(session, actor)
        ]
    return page(request, "admin/accounts.html", {"rows": rows})


# -- a new account --------------------------------------------------------------------------------------------------
def _new_page(request: Request, values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Response:
    locale = get_locale(request)
    context = {
        "values": values,
        "errors": errors,
        "city_options": [("", gettext(N_("No city for now"), locale)), *_city_options(request, locale)],
        "role_options": _role_options(locale),
    }
    return page(request, "admin/account_new.html", context, status_code=status_code)


def _password_page(request: Request, user_id: int, password: str, *, created: bool) -> Response:
    actor = require_admin(request)
    with get_db(request).read() as session:
        summary = accounts.get_account(session, actor, user_id)
    context = {"account": summary.user, "password": password, "created": created}
    response = page(request, "admin/password.html", context, status_code=201 if created else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(BASE + "/new")
def new_account_form(request: Request) -> Response:
    require_admin(request)
    return _new_page(request, {"email": "", "display_name": "", "is_admin": False, "city": "", "role": "editor"}, {})


@router.post(BASE + "/new")
def create_account(
    request: Request,
    email: Annotated[str, Form(max_length=1000)] = "",
    display_name: Annotated[str, Form(max_length=1000)] = "",
    is_admin: Annotated[str, Form(max_length=10)] = "",
    city: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    actor = require_admin(request)
    locale = get_locale(request)
    values = {"email": email, "display_name": display_name, "is_admin": bool(is_admin), "city": city, "role": role}
    password = accounts.generate_password()
    try:
        fields = accounts.NewAccount(email=email, display_name=display_name, is_admin=bool(is_admin))
        if city and role not in ROLES:
            return _new_page(request, values, {"role": gettext(ACCOUNT_ERRORS["role"], locale)}, status_code=422)
        with get_db(request).write() as session:
            user = accounts.create_user(session, actor, email=fields.email, display_name=fields.display_name,
                                        password=password, is_admin=fields.is_admin, locale="zh_Hant")  # fmt: skip
            if city:
                city_id = cities.get_city(session, city).id
                accounts.grant_role(session, actor, user_id=user.id, city_id=city_id, role=role)
            user_id = user.id
    except ValidationError as exc:
        return _new_page(request, values, form_errors(exc, ACCOUNT_ERRORS, locale), status_code=422)
    except NotFound as exc:  # the city was deleted while the form was open
        errors = {"city": human_message(exc.code, exc.message, locale)}
        return _new_page(request, values, errors, status_code=422)
    except (Conflict, InvalidRequest) as exc:
        field = str(exc.params.get("field", "email"))
        errors = {field: human_message(exc.code, exc.message, locale)}
        return _new_page(request, values, errors, status_code=STATUS[exc.code])
    return _password_page(request, user_id, password, created=True)


# -- one account ----------------------------------------------------------------------------------------------------
def _account_page(request: Request, user_id: int, *, error: str = "", status_code: int = 200) -> Response:
    actor = require_admin(request)
    locale = get_locale(request)
    with get_db(request).read() as session:
        summary = accounts.get_account(session, actor, user_id)
    context = {
        "account": summary.user,
        "memberships": _memberships(summary, locale),
        "is_self": summary.user.id == actor.user_id,
        "city_options": _city_options(request, locale),
        "role_options": _role_options(locale),
        "error": error,
    }
    return page(request, "admin/account.html", context, status_code=status_code)


def _refused(request: Request, user_id: int, exc: Forbidden | Conflict | InvalidRequest | NotFound) -> Response:
    """The account page again, with the reason the change was refused (nothing was changed)."""
    message = human_message(exc.code, exc.message, get_locale(request))
    return _account_page(request, user_id, error=message, status_code=STATUS[exc.code])


@router.get(BASE + "/{user_id}")
def account_form(request: Request, user_id: int) -> Response:
    return _account_page(request, user_id)


@router.post(BASE + "/{user_id}/roles")
def grant_role(
    request: Request,
    user_id: int,
    city: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    actor = require_admin(request)
    if not city or role not in ROLES:
        return _account_page(request, user_id, error=gettext(CHOOSE_CITY, get_locale(request)), status_code=422)
    try:
        with get_db(request).write() as session:
            city_id = cities.get_city(session, city).id
            accounts.grant_role(session, actor, user_id=user_id, city_id=city_id, role=role)
    except (NotFound, InvalidRequest) as exc:
        return _refused(request, user_id, exc)
    return redirect(_account_url(user_id), flash=("success", ROLE_GRANTED))


@router.post(BASE + "/{user_id}/roles/{slug}/revoke")
def revoke_role(request: Request, user_id: int, slug: str) -> Response:
    actor = require_admin(request)
    try:
        with get_db(request).write() as session:
            city_id = cities.get_city(session, slug).id
            accounts.revoke_role(session, actor, user_id=user_id, city_id=city_id)
    except NotFound as exc:
        return _refused(request, user_id, exc)
    return redirect(_account_url(user_id), flash=("success", ROLE_REVOKED))


@router.post(BASE + "/{user_id}/admin")
def set_admin(request: Request, user_id: int, admin: Annotated[str, Form(max_length=10)] = "") -> Response:
    actor = require_admin(request)
    make_admin = admin == "1"
    try:
        with get_db(request).write() as session:
            accounts.set_admin(session, actor, user_id=user_id, is_admin=make_admin)
    except Forbidden as exc:
        return _refused(request, user_id, exc)
    return redirect(_account_url(user_id), flash=("success", ADMIN_GIVEN if make_admin else ADMIN_REMOVED))


@router.post(BASE + "/{user_id}/active")
def set_active(request: Request, user_id: int, active: Annotated[str, Form(max_length=10)] = "") -> Response:
    actor = require_admin(request)
    make_active = active == "1"
    try:
        with get_db(request).write() as session:
            accounts.set_active(session, actor, user_id=user_id, active=make_active)
    except Forbidden as exc:
        return _refused(request, user_id, exc)
    return redirect(_account_url(user_id), flash=("success", ENABLED if make_active else DISABLED))


@router.post(BASE + "/{user_id}/password")
def reset_password(request: Request, user_id: int) -> Response:
    actor = require_admin(request)
    password = accounts.generate_password()
    with get_db(request).write() as session:
        accounts.reset_password(session, actor, user_id=user_id, password=password)
    return _password_page(request, user_id, password, created=False)
