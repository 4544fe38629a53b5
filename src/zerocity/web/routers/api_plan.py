"""The planner over the API: run a scenario file (``docs/scenario-file.md``) and get the CLI's JSON back.

``POST /api/plans/run`` takes the TOML text itself as a ``text/plain`` body, so a script can send the file it
keeps under version control unchanged (``curl --data-binary @plan.toml -H 'Content-Type: text/plain'``). The
answer is :func:`zerocity.services.planning.result_to_dict`, exactly what ``zerocity plan run --json`` prints.
``GET /api/plans/demo`` returns the run of the bundled worked example (``data/demo/kaohsiung_plan.toml``).

Runs go through :func:`zerocity.services.planning.run_scenario_text`: a submitted scenario may name only a bundled
demo activity file (never a path on the server), and runs are cached by text digest, method, draws and seed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from zerocity.services.errors import InvalidRequest, TooLarge
from zerocity.services.planning import (
    ScenarioFileError,
    demo_scenario_text,
    result_to_dict,
    run_scenario_text,
)
from zerocity.web.routers.api import WriterDep, error_responses

#: Scenario files are a few kilobytes (the worked example is 8 kB); 200 kB leaves room and bounds the parsing.
MAX_SCENARIO_BYTES: Final[int] = 200_000
#: Monte Carlo draws per run: 2,000 take about four seconds; more would hold a worker for too long.
MAX_DRAWS: Final[int] = 5_000
MAX_SEED: Final[int] = 2**32 - 1


class Method(StrEnum):
    """How the gap between BAU and plan is split among the actions (``core/planning/attribution.py``)."""

    LOADING_ORDER = "loading_order"
    PROPORTIONAL = "proportional"
    SHAPLEY = "shapley"


def scenario_error_response(exc: ScenarioFileError) -> JSONResponse:
    """422 naming the file and the key, in the API's error shape."""
    body = {"code": exc.code, "message": exc.message, "file": exc.file, "key": exc.key, "reason": exc.reason}
    return JSONResponse({"error": body}, status_code=422)


router = APIRouter(prefix="/api/plans", tags=["planning"])

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


@router.post("/run", openapi_extra=_RUN_BODY, responses={**_RESULT, **error_responses(400, 401, 413, 422)})
async def run_plan(
    request: Request,
    _caller: WriterDep,
    draws: DrawsQuery = None,
    seed: SeedQuery = None,
    method: MethodQuery = None,
) -> Any:
    """Run a scenario file sent as the `text/plain` body; a scenario that cannot be run is refused with 422 whose
    `error.key` names the entry at fault (`actions.heat_pumps.curve.p_max`). Signed-in callers only."""
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
            run_scenario_text, text, method=method.value if method else None, draws=draws, seed=seed
        )
    except ScenarioFileError as exc:
        return scenario_error_response(exc)
    return result_to_dict(run)


@router.get("/demo", responses={**_RESULT, **error_responses(422)})
async def demo_plan(method: MethodQuery = None) -> Any:
    """The run of the bundled worked example, the Kaohsiung demo plan (illustrative figures)."""
    run = await run_in_threadpool(run_scenario_text, demo_scenario_text(), method=method.value if method else None)
    return result_to_dict(run)
