"""The planner over the API: run a scenario file (``docs/scenario-file.md``) and get the CLI's JSON back, and a
city's stored plans (``services.plans``): list, read, create, save a new version, publish, delete.

``POST /api/plans/run`` takes the TOML text itself as a ``text/plain`` body, so a script can send the file it
keeps under version control unchanged (``curl --data-binary @plan.toml -H 'Content-Type: text/plain'``). The
answer is :func:`zerocity.services.planning.result_to_dict`, exactly what ``zerocity plan run --json`` prints.
``GET /api/plans/demo`` returns the run of the bundled worked example (``data/demo/kaohsiung_plan.toml``).

Runs go through :func:`zerocity.services.planning.run_scenario_text`: a submitted scenario may name only a bundled
demo activity file (never a path on the server), and runs are cached by text digest, method, draws and seed.

Stored plans: ``GET /api/cities/{slug}/plans`` and ``GET /api/plans/{id}`` answer with what the caller may read (the
public: published plans, at their published version); ``POST /api/cities/{slug}/plans``, ``PUT /api/plans/{id}``
(a new version; ``version`` is the one the caller started from), ``POST /api/plans/{id}/status`` and
``DELETE /api/plans/{id}`` are for the city's editors. A scenario that does not run is refused with 422 whose
``error.key`` and ``error.line`` locate the problem, and nothing is saved.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from zerocity.services import plans
from zerocity.services.errors import InvalidRequest, TooLarge
from zerocity.services.planning import (
    MAX_TEXT_DRAWS,
    ScenarioFileError,
    demo_scenario_text,
    result_to_dict,
    run_scenario_text,
    stored_inventory_reader,
)
from zerocity.store.plan_models import CityPlan
from zerocity.web.api_models import MAX_ID, NO_NUL, STRICT, ErrorResponse, Name, Reason, Version
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    SlugPath,
    WriterDep,
    error_responses,
)

MAX_SCENARIO_BYTES: Final[int] = plans.MAX_SCENARIO_BYTES
#: Monte Carlo draws per run (``services.planning.MAX_TEXT_DRAWS``): more would hold a worker for too long.
MAX_DRAWS: Final[int] = MAX_TEXT_DRAWS
MAX_SEED: Final[int] = 2**32 - 1


class Method(StrEnum):
    """How the gap between BAU and plan is split among the actions (``core/planning/attribution.py``)."""

    LOADING_ORDER = "loading_order"
    PROPORTIONAL = "proportional"
    SHAPLEY = "shapley"


def scenario_error_response(exc: ScenarioFileError) -> JSONResponse:
    """422 naming the file, the key and (when found) the line, in the API's error shape."""
    body: dict[str, Any] = {
        "code": exc.code,
        "message": exc.message,
        "file": exc.file,
        "key": exc.key,
        "reason": exc.reason,
    }
    if exc.line is not None:
        body["line"] = exc.line
    return JSONResponse({"error": body}, status_code=422)


router = APIRouter(prefix="/api", tags=["planning"])

DrawsQuery = Annotated[
    int | None,
    Query(ge=0, le=MAX_DRAWS, description=f"Monte Carlo draws, 0 to {MAX_DRAWS} (default: the file's)."),
]
SeedQuery = Annotated[int | None, Query(ge=0, le=MAX_SEED, description="Monte Carlo seed (default: the file's).")]
MethodQuery = Annotated[
    Method | None, Query(description="How the wedges are attributed to actions (default: the file's).")
]

_RUN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": f"The scenario file itself: TOML as in docs/scenario-file.md, UTF-8, at most "
        f"{MAX_SCENARIO_BYTES:,} bytes.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}
_RESULT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The run: years, frozen and adjusted BAU, plan, wedges and their method, targets with "
        "P(met), Monte Carlo fan chart with seed and draws, MACC bars (the JSON of `zerocity plan run`).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post("/plans/run", openapi_extra=_RUN_BODY, responses={**_RESULT, **error_responses(400, 401, 413, 422)})
async def run_plan(
    request: Request,
    caller: WriterDep,
    db: DbDep,
    draws: DrawsQuery = None,
    seed: SeedQuery = None,
    method: MethodQuery = None,
) -> Any:
    """Run a scenario file sent as the `text/plain` body; a scenario that cannot be run is refused with 422 whose
    `error.key` names the entry at fault (`actions.heat_pumps.curve.p_max`). Signed-in callers only;
    `[base_inventory] stored = "city"` reads that city's stored inventory with the caller's rights."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_SCENARIO_BYTES:
        raise TooLarge(f"a scenario file may be at most {MAX_SCENARIO_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_SCENARIO_BYTES:
        raise TooLarge(f"a scenario file may be at most {MAX_SCENARIO_BYTES} bytes")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRequest("the scenario file must be UTF-8 text") from None
    try:
        run = await run_in_threadpool(
            run_scenario_text,
            text,
            method=method.value if method else None,
            draws=draws,
            seed=seed,
            stored_inventory=stored_inventory_reader(db, caller),
        )
    except ScenarioFileError as exc:
        return scenario_error_response(exc)
    return result_to_dict(run)


@router.get("/plans/demo", responses={**_RESULT, **error_responses(422)})
async def demo_plan(method: MethodQuery = None) -> Any:
    """The run of the bundled worked example, the Kaohsiung demo plan (illustrative figures)."""
    run = await run_in_threadpool(run_scenario_text, demo_scenario_text(), method=method.value if method else None)
    return result_to_dict(run)


# -- stored plans --------------------------------------------------------------------------------------------------
ScenarioText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SCENARIO_BYTES, pattern=NO_NUL),
    Field(description=f"The scenario file (TOML, docs/scenario-file.md), at most {MAX_SCENARIO_BYTES:,} bytes."),
]
PlanId = Annotated[int, Path(ge=1, le=MAX_ID, description="The plan's id.")]
SCENARIO_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorResponse,
        "description": "The body is not valid (code validation), or the scenario does not run (code scenario_file, "
        "with key and line of the problem).",
    }
}


class PlanCreate(BaseModel):
    model_config = STRICT

    name: Name
    scenario: ScenarioText
    note: Reason = ""


class PlanUpdate(BaseModel):
    """A new version: its text, the version it was made from (a stale one is refused with 409), an optional new
    name and a note on what changed."""

    model_config = STRICT

    scenario: ScenarioText
    version: Version
    name: Name | None = None
    note: Reason = ""


class PlanStatusChange(BaseModel):
    """publish (the latest version becomes the public one) or unpublish; ``version`` as read."""

    model_config = STRICT

    action: Literal["publish", "unpublish"]
    version: Version


class PlanBrief(BaseModel):
    id: int
    city: str
    name: str
    version: int = Field(
        description="The version the caller sees: the latest for the city's members, else the published one."
    )
    latest_version: int | None = Field(description="The latest version (members only; null for the public).")
    published: bool
    published_version: int | None
    updated_at: datetime
    summary: dict[str, Any] | None = Field(description="Headline figures of the version's run.")


class PlanList(BaseModel):
    items: list[PlanBrief]


class PlanOut(BaseModel):
    id: int
    city: str
    name: str
    version: int
    latest_version: int | None
    published: bool
    published_version: int | None
    published_at: datetime | None
    saved_at: datetime = Field(description="When this version was saved.")
    note: str
    scenario: str = Field(description="The scenario file of this version, exactly as saved.")
    summary: dict[str, Any]
    result: dict[str, Any] = Field(description="The run saved with this version (the JSON of `zerocity plan run`).")


def _plan_out(view: plans.PlanView) -> PlanOut:
    plan, version = view.plan, view.version
    return PlanOut(
        id=plan.id,
        city=view.city.slug,
        name=version.name,
        version=version.version,
        latest_version=plan.version if view.may_read_drafts else None,
        published=plan.published,
        published_version=plan.published_version,
        published_at=plan.published_at,
        saved_at=version.created_at,
        note=version.note,
        scenario=version.scenario_text,
        summary=version.summary,
        result=version.result,
    )


def _brief(slug: str, item: plans.PlanListItem, may_read_drafts: bool) -> PlanBrief:
    plan: CityPlan = item.plan
    return PlanBrief(
        id=plan.id,
        city=slug,
        name=item.name,
        version=item.version,
        latest_version=plan.version if may_read_drafts else None,
        published=plan.published,
        published_version=plan.published_version,
        updated_at=item.updated_at,
        summary=dict(item.summary) if item.summary is not None else None,
    )


@router.get("/cities/{slug}/plans", response_model=PlanList, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def list_plans(slug: SlugPath, db: DbDep, actor: CallerDep) -> PlanList:
    """The city's plans the caller may read, most recently changed first (the public: published plans only)."""
    with db.read() as session:
        items = plans.list_plans(session, actor, slug)
        members = bool(items) and actor.can_read_drafts(items[0].plan.city_id)
    return PlanList(items=[_brief(slug, item, members) for item in items])


@router.post(
    "/cities/{slug}/plans",
    response_model=PlanOut,
    status_code=201,
    responses={**WRITE_ERRORS, **SCENARIO_ERRORS},
)
def create_plan(slug: SlugPath, body: PlanCreate, db: DbDep, actor: WriterDep) -> Any:
    """A new plan of the city (version 1), saved only if its scenario runs. The city's editors only."""
    try:
        with db.write() as session:
            plan = plans.create_plan(session, actor, slug, body.name, body.scenario, note=body.note)
            return _plan_out(plans.get_plan(session, actor, plan.id))
    except ScenarioFileError as exc:
        return scenario_error_response(exc)


@router.get("/plans/{plan_id}", response_model=PlanOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_plan(
    plan_id: PlanId,
    db: DbDep,
    actor: CallerDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_ID, description="An earlier version (members only).")] = None,
) -> PlanOut:
    """A plan at the version the caller sees (or ``version``), with its scenario text and saved run."""
    with db.read() as session:
        return _plan_out(plans.get_plan(session, actor, plan_id, version=version))


@router.put("/plans/{plan_id}", response_model=PlanOut, responses={**WRITE_ERRORS, **SCENARIO_ERRORS})
def save_plan(plan_id: PlanId, body: PlanUpdate, db: DbDep, actor: WriterDep) -> Any:
    """A new version of the plan, saved only if its scenario runs; earlier versions are kept."""
    try:
        with db.write() as session:
            plans.save_version(
                session, actor, plan_id, body.scenario, expected_version=body.version, name=body.name, note=body.note
            )
            return _plan_out(plans.get_plan(session, actor, plan_id))
    except ScenarioFileError as exc:
        return scenario_error_response(exc)


@router.post("/plans/{plan_id}/status", response_model=PlanOut, responses=WRITE_ERRORS)
def change_plan_status(plan_id: PlanId, body: PlanStatusChange, db: DbDep, actor: WriterDep) -> PlanOut:
    """Publish the latest version, or stop publishing the plan."""
    with db.write() as session:
        plans.set_published(session, actor, plan_id, body.action == "publish", expected_version=body.version)
        return _plan_out(plans.get_plan(session, actor, plan_id))


@router.delete("/plans/{plan_id}", status_code=204, responses=WRITE_ERRORS)
def delete_plan(plan_id: PlanId, db: DbDep, actor: WriterDep) -> Response:
    """Delete the plan and every version of it; the audit log keeps a record."""
    with db.write() as session:
        plans.delete_plan(session, actor, plan_id)
    return Response(status_code=204)
