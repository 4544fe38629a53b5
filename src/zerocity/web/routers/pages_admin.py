"""The centre's administration pages: the overview at ``/admin`` and what the city and account pages share.

Who reaches them: centre administrators only. Every handler asks ``require_admin`` before it reads anything, so a
city editor or viewer gets the usual 403 page and a signed-out visitor is sent to sign in (``zerocity.web.errors``);
the services check again on every write, because the CLI and the API call them too. The pages work without
JavaScript (forms post, the server redirects back) and use the shared form and table parts only, so no inline
script or style is needed under the CSP.

The city pages are in ``pages_admin_cities``, the account pages in ``pages_admin_accounts``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Final

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import func, select
from starlette.responses import Response

from zerocity.services.actor import EDITOR, VIEWER, Actor
from zerocity.store.models import City, User
from zerocity.web.deps import get_actor, get_db
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page

router = APIRouter(include_in_schema=False)

ROLE_LABELS: Final[Mapping[str, str]] = {EDITOR: N_("Editor"), VIEWER: N_("Viewer")}

#: Messages the services raise on these pages, listed so the catalogue translates them (``human_message``).
SERVICE_MESSAGES: Final[tuple[str, ...]] = (
    N_("someone else changed this city since you opened it; reload and try again"),
    N_("a city with this short name exists"),
    N_("this short name is the address of a page; choose another"),
    N_("an account with this e-mail exists"),
    N_("no such account"),
    N_("this account has no role in this city"),
    N_("this city has no figures for this year"),
    N_("you cannot remove your own administrator rights; ask another administrator"),
    N_("you cannot disable your own account"),
)


def require_admin(request: Request) -> Actor:
    """The acting centre administrator; anyone else is refused before the page reads a thing."""
    actor = get_actor(request)
    actor.require_admin()
    return actor


def city_label(city: City, locale: str) -> str:
    """The city's name in the reader's language (the Chinese name for zh_Hant, else the English one)."""
    if locale == "zh_Hant":
        return city.name_zh or city.name_en
    return city.name_en or city.name_zh


def form_errors(exc: ValidationError, messages: Mapping[str, str], locale: str) -> dict[str, str]:
    """One translated message per form field a validation error names; errors of the whole form go under ``""``."""
    errors: dict[str, str] = {}
    for problem in exc.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        errors.setdefault(name, gettext(messages.get(name, messages[""]), locale))
    return errors


def form_number(text: str) -> float | str | None:
    """A number as people type it (``2,773,483``, ``1 234.5``, full-width digits), or None when left empty.

    What cannot be read as a finite number stays text: the strict service model then refuses it, and the form
    shows the field's own message instead of guessing.
    """
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def form_integer(text: str) -> int | str:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 9 else text


@router.get("/admin")
def overview(request: Request) -> Response:
    require_admin(request)
    with get_db(request).read() as session:
        counts = {
            "cities": session.scalar(select(func.count()).select_from(City)) or 0,
            "accounts": session.scalar(select(func.count()).select_from(User)) or 0,
            "disabled": session.scalar(select(func.count()).select_from(User).where(User.active.is_(False))) or 0,
            "admins": session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True))) or 0,
        }
    return page(request, "admin/index.html", {"counts": counts})
