"""The REST API's shared plumbing (the caller, pagination, declared errors) and ``GET /api/me``.

Handlers are thin and synchronous: each opens one ``db.read()`` or ``db.write()`` transaction and calls a service,
which checks the caller's role itself, so the API, the pages and the CLI obey the same rules. Errors leave as the
JSON body built by ``zerocity.web.errors``: ``{"error": {"code", "message", ...}}``.

Callers authenticate with an API token (``Authorization: Bearer zc_…``) or the page session cookie; anyone else is
the public and reads published inventories only. A token that is presented but not valid is refused with 401
rather than quietly treated as the public: a script with a revoked token should fail loudly, not see drafts vanish.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from zerocity.services.actor import Actor
from zerocity.services.errors import NotAuthenticated
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.models import City
from zerocity.web.api_models import SLUG, ErrorResponse, MeOut, RoleOut, UserOut
from zerocity.web.deps import bearer_token, get_actor, get_db, get_settings

#: Page numbers stop here, so an absurd ``page`` cannot become an offset the database refuses.
MAX_PAGE = 100_000
MAX_PER_PAGE = 200

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token from your account page: `Authorization: Bearer zc_…`. Without one you are the public.",
)


async def api_actor(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    """The caller; 401 when a bearer token is sent but unknown, revoked or its account disabled.

    Async on purpose: it is one indexed lookup at most, cheaper on the event loop than a hop to the thread pool."""
    actor = get_actor(request)
    if bearer_token(request) is not None and not actor.is_authenticated:
        raise NotAuthenticated("the API token is not valid or was revoked")
    return actor


def signed_in_actor(actor: Annotated[Actor, Depends(api_actor)]) -> Actor:
    """The caller of a write: nobody writes anonymously, so the public is told to sign in (401) before its request
    body is even looked at. Which writes a signed-in caller may make, the services decide."""
    actor.require_authenticated()
    return actor


SlugPath = Annotated[str, Path(pattern=SLUG, description="The city's short name, e.g. kaohsiung.")]
CallerDep = Annotated[Actor, Depends(api_actor)]
WriterDep = Annotated[Actor, Depends(signed_in_actor)]
DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_DESCRIPTIONS = {
    400: "The request cannot be carried out as asked (code invalid_request).",
    401: "Sign in first, or the API token is not valid (code not_authenticated).",
    403: "You may not do this (code forbidden), or a cross-site request was refused (code csrf).",
    404: "No such resource, or it is not published and you may not read drafts (code not_found).",
    409: "The data changed since you read it, or the action does not fit the current state (code conflict).",
    413: "The request or file is too large (code too_large).",
    422: "The request body or parameters are not valid (code validation), or the data has errors (input_errors).",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route may answer with, all in the same JSON shape."""
    return {status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]} for status in statuses}


READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 422)
#: For reads: the token is optional (without one you are the public). FastAPI marks every route using the bearer
#: scheme as requiring it; ``openapi_extra`` lists are appended, so this adds the empty "no authentication" option.
OPTIONAL_AUTH: dict[str, Any] = {"security": [{}]}


class PageRequest(BaseModel):
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_request(
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = 1,
    per_page: Annotated[
        int | None, Query(ge=1, le=MAX_PER_PAGE, description="Items per page (default: the site's page size).")
    ] = None,
) -> PageRequest:
    return PageRequest(page=page, per_page=per_page or min(settings.page_size, MAX_PER_PAGE))


PageDep = Annotated[PageRequest, Depends(page_request)]


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def page_fields(total: int, paging: PageRequest) -> dict[str, int]:
    """The paging part of a ``Paginated`` answer: ``Paginated[X](items=..., **page_fields(total, paging))``."""
    return {
        "page": paging.page,
        "per_page": paging.per_page,
        "total": total,
        "pages": page_count(total, paging.per_page),
    }


M = TypeVar("M", bound=BaseModel)


def service_input(model: type[M], **values: Any) -> M:
    """Build a service's input model from an API body. Rules only the service knows (a GWP set's name, a column
    name that normalises to nothing) then fail as the usual 422, not as an internal error."""
    try:
        return model(**values)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_context=False)]
        raise RequestValidationError(errors) from None


router = APIRouter(prefix="/api", tags=["caller"])


@router.get("/me", response_model=MeOut, responses=error_responses(401))
def me(db: DbDep, actor: CallerDep) -> MeOut:
    """Who the API thinks you are: the account, whether it is a centre administrator, and its roles by city."""
    actor.require_authenticated()
    with db.read() as session:
        slugs = dict(session.execute(select(City.id, City.slug).where(City.id.in_(list(actor.roles)))).all())
    roles = sorted((RoleOut(city=slugs[cid], role=role) for cid, role in actor.roles.items() if cid in slugs),
                   key=lambda r: r.city)  # fmt: skip
    user = UserOut(id=actor.user_id, email=actor.email, display_name=actor.display_name) if actor.user_id else None
    return MeOut(user=user, is_admin=actor.is_admin, roles=roles)
