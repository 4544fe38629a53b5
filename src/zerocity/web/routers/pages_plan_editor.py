"""The scenario editor of a city's plans: a new plan, and a new version of one. For the city's editors only.

Works without JavaScript: the form posts the scenario text with one of three buttons, ``run`` (run it and show the
results below, saving nothing), ``quick`` (apply the common edits to the text, then run it) and ``save`` (run it
and, if it runs, store it as a new version). Problems are shown on the same page, each with its line and key
(``services.plans`` locates them), and the text stays as the editor left it. Only a successful save redirects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from zerocity.core.errors import ZeroCityError
from zerocity.planning_edit import EditError, literal, parsed, set_inline, set_value
from zerocity.services import cities, inventories, plans
from zerocity.services.actor import Actor
from zerocity.services.errors import NotFound
from zerocity.services.planning import ScenarioFileError, result_to_dict
from zerocity.store.models import City
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.errors import STATUS, human_message
from zerocity.web.i18n import gettext
from zerocity.web.plan_view import action_label, plan_context
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.api_plan import MAX_DRAWS
from zerocity.web.routers.pages_cities import city_name
from zerocity.web.routers.pages_plan import plan_url

router = APIRouter(include_in_schema=False)

SAVED = N_("The plan was saved.")
BAD_QUICK_EDIT = N_(
    "The common edits were not applied: enter whole numbers for draws, seed and years, and shares from 0 to 1."
)

#: The services' messages a person may see here, marked so that the catalogue translates them.
PLAN_MESSAGES = (
    N_("no such plan"),
    N_("no such plan version"),
    N_("this city already has a plan of that name"),
    N_("someone else saved this plan since you opened it; reload and try again"),
    N_("this version of the plan is already published"),
    N_("this plan is not published"),
)

Text = Annotated[str, Form()]


def _skeleton(session: Session, actor: Actor, city: City) -> str:
    """A starting scenario for a new plan: the city's latest inventory with results, one pool, one action."""
    years = [i.year for i in inventories.list_inventories(session, actor, city) if i.summary]
    base = years[-1] if years else 2024
    inventory = (
        f'[base_inventory]\nstored = "{city.slug}"   # the stored {base} inventory\n'
        if years
        else "# No inventory with results yet: the pool below states its base-year emissions.\n"
    )
    pool_base = 'gpc_refs = ["I.1.2"]' if years else "base_t_co2e = 1000000.0"
    return f"""# A mitigation scenario (docs/scenario-file.md). Every figure below is a placeholder.
[scenario]
name = "{city.name_en} pathway"
base_year = {base}
end_year = 2050

{inventory}
[grid]
pathway = "tw"

[pools.residential_electricity]
subsector = "I.1.2"
carrier = "electricity"
{pool_base}
grid_electricity = true
growth_rate = 0.005

[actions.efficient_appliances]
template = "appliance_efficiency"   # data/planning/action_templates.csv
pools = ["residential_electricity"]

[[targets]]
label = "net zero 2050"
type = "net_zero"
target_year = 2050

[uncertainty]
draws = 500
seed = 1

[uncertainty.inputs]
"grid.multiplier" = {{ distribution = "triangular", low = 0.6, mode = 1.0, high = 1.1 }}
"action.efficient_appliances.effect" = {{ distribution = "uniform", low = 0.1, high = 0.3 }}
"""


def _problem(exc: ScenarioFileError, text: str) -> dict[str, Any]:
    lines = text.splitlines()
    excerpt = lines[exc.line - 1].strip() if exc.line and 0 < exc.line <= len(lines) else ""
    return {"line": exc.line, "key": exc.key, "reason": exc.reason, "excerpt": excerpt}


def _quick(text: str) -> dict[str, Any]:
    """What the common-edits form offers for this text: its targets, its actions, its draws and seed."""
    data = parsed(text) or {}
    targets = data.get("targets") if isinstance(data.get("targets"), list) else []
    actions = data.get("actions") if isinstance(data.get("actions"), Mapping) else {}
    uncertainty = data.get("uncertainty") if isinstance(data.get("uncertainty"), Mapping) else {}
    return {
        "targets": [
            {"index": i, "label": str(t.get("label") or f"{t.get('type', '')} {t.get('target_year', '')}").strip()}
            for i, t in enumerate(targets or [], start=1)
            if isinstance(t, Mapping)
        ],
        "actions": [{"id": str(a), "label": action_label(str(a))} for a in (actions or {})],
        "draws": (uncertainty or {}).get("draws", 0),
        "seed": (uncertainty or {}).get("seed", 0),
    }


def _number(form: Mapping[str, str], name: str, *, whole: bool, low: float, high: float) -> int | float | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    value: int | float = int(raw) if whole else float(raw)
    if not low <= value <= high:
        raise ValueError(name)
    return value


def _apply_quick(text: str, form: Mapping[str, str]) -> str:
    """The text with the common edits applied; ``ValueError`` or ``EditError`` when one cannot be."""
    draws = _number(form, "quick_draws", whole=True, low=0, high=MAX_DRAWS)
    seed = _number(form, "quick_seed", whole=True, low=0, high=2**32 - 1)
    if draws is not None:
        text = set_value(text, "uncertainty", "draws", literal(draws))
    if seed is not None:
        text = set_value(text, "uncertainty", "seed", literal(seed))
    target = _number(form, "quick_target", whole=True, low=1, high=1000)
    year = _number(form, "quick_target_year", whole=True, low=1990, high=2100)
    reduction = _number(form, "quick_reduction", whole=False, low=0.0, high=1.0)
    if target is not None and year is not None:
        text = set_value(text, "targets", "target_year", literal(year), occurrence=int(target))
    if target is not None and reduction is not None:
        text = set_value(text, "targets", "reduction", literal(float(reduction)), occurrence=int(target))
    action = form.get("quick_action", "").strip()
    effect = _number(form, "quick_effect", whole=False, low=0.0, high=1.0)
    p_max = _number(form, "quick_p_max", whole=False, low=0.0, high=1.0)
    if action and effect is not None:
        text = set_value(text, f"actions.{action}", "effect", literal(float(effect)))
    if action and p_max is not None:
        spec = ((parsed(text) or {}).get("actions") or {}).get(action, {})
        curve = spec.get("curve") if isinstance(spec, Mapping) else None
        share = "p" if isinstance(curve, Mapping) and curve.get("kind") == "step" else "p_max"
        text = set_inline(text, f"actions.{action}", "curve", share, literal(float(p_max)))
    return text


def _editor(
    request: Request,
    city: City,
    plan: Any,
    values: dict[str, Any],
    *,
    problems: list[dict[str, Any]] | None = None,
    message: str | None = None,
    results: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    locale = get_locale(request)
    context: dict[str, Any] = {
        "city": city,
        "city_name": city_name(city, locale),
        "plan": plan,
        "values": values,
        "problems": problems or [],
        "message": message,
        "ran": results is not None,
        "quick": _quick(values["scenario"]),
        "max_draws": MAX_DRAWS,
        "post_url": f"{plan_url(city.slug, plan.id)}/edit" if plan else f"/cities/{city.slug}/plans/new",
        **(results or {}),
    }
    return page(request, "plan/editor.html", context, status_code=status_code)


def _submit(request: Request, slug: str, plan_id: int | None, form: Mapping[str, str]) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    action = form.get("action", "run")
    values: dict[str, Any] = {
        "name": form.get("name", ""),
        "scenario": form.get("scenario", ""),
        "note": form.get("note", ""),
        "version": int(form["version"]) if form.get("version", "").isdigit() else 0,
    }
    db = get_db(request)
    with db.read() as session:
        city = cities.get_city(session, slug)
        plan = _editable(session, actor, city, plan_id)
    if action == "quick":
        try:
            values["scenario"] = _apply_quick(values["scenario"], form)
        except (ValueError, EditError):
            return _editor(request, city, plan, values, message=gettext(BAD_QUICK_EDIT, locale), status_code=422)
    try:
        if action == "save":
            with db.write() as session:
                if plan is None:
                    saved = plans.create_plan(
                        session, actor, slug, values["name"], values["scenario"], note=values["note"]
                    )
                else:
                    saved = plans.save_version(
                        session,
                        actor,
                        plan.id,
                        values["scenario"],
                        expected_version=values["version"] or None,
                        name=values["name"],
                        note=values["note"],
                    )
                saved_id = saved.id
            return redirect(plan_url(slug, saved_id), flash=("success", SAVED))
        with db.read() as session:
            run = plans.check_scenario(session, actor, values["scenario"])
        return _editor(request, city, plan, values, results=plan_context(result_to_dict(run), locale))
    except ScenarioFileError as exc:
        return _editor(request, city, plan, values, problems=[_problem(exc, values["scenario"])], status_code=422)
    except ZeroCityError as exc:
        if exc.code in ("not_found", "forbidden", "not_authenticated"):
            raise
        message = human_message(exc.code, exc.message, locale)
        return _editor(request, city, plan, values, message=message, status_code=STATUS.get(exc.code, 400))


def _editable(session: Session, actor: Actor, city: City, plan_id: int | None) -> Any:
    """The plan being edited (None for a new one), after checking that ``actor`` may edit the city's plans."""
    actor.require_edit(city.id)
    if plan_id is None:
        return None
    view = plans.get_plan(session, actor, plan_id)
    if view.city.id != city.id:
        raise NotFound("no such plan", plan_id=plan_id)
    return view.plan


@router.get("/cities/{slug}/plans/new")
def new_plan(request: Request, slug: str) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        city = cities.get_city(session, slug)
        _editable(session, actor, city, None)
        text = _skeleton(session, actor, city)
    return _editor(request, city, None, {"name": "", "scenario": text, "note": "", "version": 0})


@router.post("/cities/{slug}/plans/new")
async def create_plan(request: Request, slug: str) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await _in_thread(_submit, request, slug, None, form)


@router.get("/cities/{slug}/plans/{plan_id:int}/edit")
def edit_plan(request: Request, slug: str, plan_id: int) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        city = cities.get_city(session, slug)
        plan = _editable(session, actor, city, plan_id)
        values = {"name": plan.name, "scenario": plan.scenario_text, "note": "", "version": plan.version}
    return _editor(request, city, plan, values)


@router.post("/cities/{slug}/plans/{plan_id:int}/edit")
async def save_plan(request: Request, slug: str, plan_id: int) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await _in_thread(_submit, request, slug, plan_id, form)


async def _in_thread(function: Any, *args: Any) -> Response:
    """Runs a scenario off the event loop: a run takes up to a second."""
    response: Response = await run_in_threadpool(function, *args)
    return response
