"""The planner over the API: run a scenario file (``docs/scenario-file.md``) and get the CLI's JSON back.

``POST /api/plans/run`` takes the TOML text itself as a ``text/plain`` body, so a script can send the file it
keeps under version control unchanged (``curl --data-binary @plan.toml -H 'Content-Type: text/plain'``). The
answer is :func:`zerocity.services.planning.result_to_dict`, exactly what ``zerocity plan run --json`` prints.
``GET /api/plans/demo`` returns the run of the bundled worked example (``data/demo/kaohsiung_plan.toml``).

Why the scenario is written to a private temporary directory: the service reads files, and a scenario names its
base inventory by a path relative to itself. A path chosen by a caller must never reach the server's own files, so
``base_inventory.activity_file`` may only name one of the bundled demo activity files, copied next to the scenario;
anything else is refused with the key named, like every other scenario error (422, code ``scenario_file``).

A run takes seconds (the Monte Carlo draws), so runs are cached by the SHA-256 of the text, the attribution method,
the draw count and the seed: the demo page and repeated calls cost nothing after the first.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from zerocity.core.planning.scenario import InvalidScenario
from zerocity.services.errors import InvalidRequest, TooLarge
from zerocity.services.planning import PlanRun, ScenarioFileError, result_to_dict, run_scenario_file
from zerocity.web.routers.api import WriterDep, error_responses

#: Scenario files are a few kilobytes (the worked example is 8 kB); 200 kB leaves room and bounds the parsing.
MAX_SCENARIO_BYTES: Final[int] = 200_000
#: Monte Carlo draws per run: 2,000 take about four seconds; more would hold a worker for too long.
MAX_DRAWS: Final[int] = 5_000
MAX_SEED: Final[int] = 2**32 - 1
#: The name the submitted text gets in the temporary directory, and so in error messages.
SCENARIO_NAME: Final[str] = "scenario.toml"
DEMO_SCENARIO: Final[str] = "kaohsiung_plan.toml"
RUN_CACHE_SIZE: Final[int] = 32


class Method(StrEnum):
    """How the gap between BAU and plan is split among the actions (``core/planning/attribution.py``)."""

    LOADING_ORDER = "loading_order"
    PROPORTIONAL = "proportional"
    SHAPLEY = "shapley"


def demo_directory() -> Path:
    """The bundled demo data: the worked scenario and the activity files a submitted scenario may use."""
    return Path(str(resources.files("zerocity.data").joinpath("demo")))


def demo_scenario_text() -> str:
    return (demo_directory() / DEMO_SCENARIO).read_text(encoding="utf-8")


@dataclass(frozen=True)
class _ScenarioText:
    """A scenario's text, equal and hashed by its SHA-256 only, so that the run cache is keyed on the digest."""

    digest: str
    text: str = field(compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, text: str) -> _ScenarioText:
        return cls(hashlib.sha256(text.encode("utf-8")).hexdigest(), text)


def run_scenario_text(
    text: str, *, method: str | None = None, draws: int | None = None, seed: int | None = None
) -> PlanRun:
    """Run a scenario given as TOML text (``None`` keeps the file's own method, draws and seed); cached.

    Raises ``ScenarioFileError`` naming the key when the scenario cannot be run.
    """
    return _run_cached(_ScenarioText.of(text), method, draws, seed)


@functools.lru_cache(maxsize=RUN_CACHE_SIZE)
def _run_cached(scenario: _ScenarioText, method: str | None, draws: int | None, seed: int | None) -> PlanRun:
    with tempfile.TemporaryDirectory(prefix="zerocity-plan-") as directory:
        path = Path(directory) / SCENARIO_NAME
        path.write_text(scenario.text, encoding="utf-8")
        _bring_activity_file(scenario.text, Path(directory))
        try:
            return run_scenario_file(path, draws=draws, seed=seed, wedge_method=method)
        except InvalidScenario as exc:  # a core check the service did not locate in the file
            raise ScenarioFileError(SCENARIO_NAME, exc.key, exc.reason) from None


def _bring_activity_file(text: str, directory: Path) -> None:
    """Copy the base inventory's activity file next to the scenario, if it is one of the bundled demo files."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # the service reports the syntax error with its line
    spec = data.get("base_inventory")
    if not isinstance(spec, dict) or "activity_file" not in spec:
        return
    name = spec["activity_file"]
    bundled = demo_directory()
    allowed = sorted(p.name for p in bundled.glob("*.csv"))
    if not isinstance(name, str) or name not in allowed:
        raise ScenarioFileError(
            SCENARIO_NAME,
            "base_inventory.activity_file",
            f"over the web only a bundled demo file may be named ({', '.join(allowed)}); "
            "give pools a base_t_co2e instead",
        )
    shutil.copyfile(bundled / name, directory / name)


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
