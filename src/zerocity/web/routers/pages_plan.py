"""A city's mitigation plans: the list, one plan's results (pathway, wedges, targets, 1.5 °C context, uncertainty
and its drivers, MACC, co-benefits), and publishing or deleting a plan. The scenario editor is
``pages_plan_editor``.

Plans are stored per city (``services.plans``): the public sees published plans (their published version only),
the city's members see drafts too, and a plan someone may not read looks absent (404). A plan's page shows the run
saved with its version, so it costs no computation; ``?method=order|proportional|shapley`` and ``?draws=`` run it
again (cached) with the reader's rights on a stored base inventory. Unknown or out-of-range values fall back to the
saved run rather than failing: a hand-edited URL should still show a plan.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from zerocity.services import cities, plans
from zerocity.services.errors import NotFound
from zerocity.services.planning import ScenarioFileError, result_to_dict, run_scenario_text, session_inventory_reader
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.plan_view import METHODS, plan_context
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.api_plan import MAX_DRAWS
from zerocity.web.routers.pages_cities import city_name

router = APIRouter(include_in_schema=False)

PUBLISHED = N_("The plan is published: the public now sees this version.")
UNPUBLISHED = N_("The plan is no longer published.")
DELETED = N_("The plan was deleted.")
CONFIRM_DELETE = N_("Tick the box to confirm that the plan and all its versions are to be deleted.")


def plan_url(slug: str, plan_id: int) -> str:
    return f"/cities/{slug}/plans/{plan_id}"


def _parse_int(text: str | None, low: int, high: int) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


@router.get("/cities/{slug}/plan")
def city_plans(request: Request, slug: str) -> Response:
    locale, actor = get_locale(request), get_actor(request)
    with get_db(request).read() as session:
        city = cities.get_city(session, slug)
        items = plans.list_plans(session, actor, slug)
    rows = []
    for item in items:
        summary = item.summary or {}
        rows.append(
            {
                "name": item.name,
                "url": plan_url(slug, item.plan.id),
                "version": item.version,
                "published": item.plan.published and item.plan.published_version == item.version,
                "draft_after": actor.can_read_drafts(city.id)
                and item.plan.published
                and item.plan.published_version != item.plan.version,
                "updated_at": item.updated_at,
                "plan_2030_tco2e": summary.get("plan_2030_tco2e"),
                "plan_2050_tco2e": summary.get("plan_2050_tco2e"),
                "p_target_met": summary.get("p_target_met"),
            }
        )
    context = {"city": city, "city_name": city_name(city, locale), "plans": rows, "can_edit": actor.can_edit(city.id)}
    return page(request, "plan/list.html", context)


@router.get("/cities/{slug}/plans/{plan_id:int}")
def plan_page(
    request: Request,
    slug: str,
    plan_id: int,
    method: str | None = None,
    draws: str | None = None,
    version: str | None = None,
) -> Response:
    locale, actor = get_locale(request), get_actor(request)
    wanted_method = METHODS.get(method or "")
    wanted_draws = _parse_int(draws, 0, MAX_DRAWS)
    with get_db(request).read() as session:
        city = cities.get_city(session, slug)
        view = plans.get_plan(session, actor, plan_id, version=_parse_int(version, 1, 2**31 - 1))
        if view.city.id != city.id:
            raise NotFound("no such plan", plan_id=plan_id)
        data: dict[str, Any] = view.version.result
        rerun_failed = False
        if (wanted_method and wanted_method != data["wedge_method"]) or (
            wanted_draws is not None and wanted_draws != data["draws"]
        ):
            try:
                run = run_scenario_text(
                    view.version.scenario_text,
                    method=wanted_method,
                    draws=wanted_draws,
                    stored_inventory=session_inventory_reader(session, actor),
                )
                data = result_to_dict(run)
            except ScenarioFileError:
                rerun_failed = True
        versions = plans.plan_versions(session, actor, plan_id)
    query: dict[str, object] = {} if view.is_latest else {"version": view.version.version}
    context = plan_context(data, locale)
    for link in context["method_links"]:
        link["href"] = "?" + urlencode({**query, "method": link["key"]})
    draws_hidden = {**query, "method": {"loading_order": "order"}.get(data["wedge_method"], data["wedge_method"])}
    context.update(
        {
            "city": city,
            "city_name": city_name(city, locale),
            "plan": view.plan,
            "version": view.version,
            "view": view,
            "versions": versions,
            "rerun_failed": rerun_failed,
            "max_draws": MAX_DRAWS,
            "draws_form_action": plan_url(slug, plan_id),
            "draws_form_hidden": draws_hidden,
        }
    )
    return page(request, "plan/plan.html", context)


VersionForm = Annotated[int | None, Form()]


def _set_published(request: Request, slug: str, plan_id: int, published: bool, version: int | None) -> Response:
    actor = get_actor(request)
    with get_db(request).write() as session:
        city = cities.get_city(session, slug)
        plan = plans.get_plan(session, actor, plan_id).plan
        if plan.city_id != city.id:
            raise NotFound("no such plan", plan_id=plan_id)
        plans.set_published(session, actor, plan_id, published, expected_version=version)
    return redirect(plan_url(slug, plan_id), flash=("success", PUBLISHED if published else UNPUBLISHED))


@router.post("/cities/{slug}/plans/{plan_id:int}/publish")
def publish_plan(request: Request, slug: str, plan_id: int, version: VersionForm = None) -> Response:
    return _set_published(request, slug, plan_id, True, version)


@router.post("/cities/{slug}/plans/{plan_id:int}/unpublish")
def unpublish_plan(request: Request, slug: str, plan_id: int, version: VersionForm = None) -> Response:
    return _set_published(request, slug, plan_id, False, version)


@router.post("/cities/{slug}/plans/{plan_id:int}/delete")
def delete_plan(request: Request, slug: str, plan_id: int, confirm: Annotated[str, Form()] = "") -> Response:
    actor = get_actor(request)
    if confirm != "yes":
        return redirect(f"{plan_url(slug, plan_id)}/edit", flash=("error", CONFIRM_DELETE))
    with get_db(request).write() as session:
        city = cities.get_city(session, slug)
        plan = plans.get_plan(session, actor, plan_id).plan
        if plan.city_id != city.id:
            raise NotFound("no such plan", plan_id=plan_id)
        plans.delete_plan(session, actor, plan_id)
    return redirect(f"/cities/{slug}/plan", flash=("success", DELETED))
