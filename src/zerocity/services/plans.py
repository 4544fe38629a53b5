"""Stored net-zero plans per city: scenario files kept with versions, run through the planner core.

Use cases: save (a new plan, or a new version of one), list, get (a version), publish and unpublish, delete, and
the latest plan's summary for the member directory (:func:`latest_plan_summary`). Every write checks the role
here, for the pages, the API and the CLI alike:

- a city's editors change only their city's plans; centre administrators change every city's;
- a city's viewers (and editors) read its drafts, i.e. every version;
- the public reads published plans only, and of those only the published version: a later version stays a draft
  until it is published in turn. A plan someone may not read looks absent (``NotFound``), never forbidden.

A save validates by parsing and running the scenario (with the saver's rights on a stored base inventory): any
problem is a :class:`~zerocity.planning_file.ScenarioFileError` naming the key and, where it can be found, the line,
and nothing is saved. The run (the planner's JSON and a short summary) is stored with the version, so showing a
saved plan never runs it again. Every change is in the audit log, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.cities import get_city
from zerocity.services.errors import Conflict, InvalidRequest, NotFound, TooLarge
from zerocity.services.planning import (
    MAX_TEXT_DRAWS,
    PlanRun,
    demo_scenario_text,
    result_to_dict,
    run_scenario_text,
    session_inventory_reader,
)
from zerocity.services.text import Text
from zerocity.store.db import Database
from zerocity.store.models import City, User, utcnow
from zerocity.store.plan_models import CityPlan, CityPlanVersion

#: Scenario files are a few kilobytes (the worked example is 9 kB); 200 kB leaves room and bounds the parsing.
MAX_SCENARIO_BYTES: Final[int] = 200_000
#: A save runs the scenario inside its transaction: its draws are bounded (as every scenario given as text).
MAX_SAVED_DRAWS: Final[int] = MAX_TEXT_DRAWS
DEMO_CITY: Final[str] = "kaohsiung"
DEMO_PLAN_NAME: Final[str] = "高雄淨零路徑示範 Kaohsiung demo pathway"


class PlanFields(BaseModel):
    """What an editor sends to save a plan: its name, the scenario file's text and a note on what changed."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    name: Text = Field(min_length=1, max_length=200)
    scenario: str = Field(min_length=1)
    note: Text = Field(default="", max_length=2000)


@dataclass(frozen=True)
class PlanSummary:
    """A plan's headline figures (contract 3: the member directory shows them)."""

    city_id: int
    plan_name: str
    updated_at: dt.datetime
    base_year: int
    base_tco2e: float
    plan_2030_tco2e: float | None
    plan_2050_tco2e: float | None
    #: (type, year, target_tco2e, met) per target, in the scenario's order.
    targets: tuple[tuple[str, int, float, bool | None], ...]
    p_target_met: float | None


@dataclass(frozen=True)
class PlanView:
    """One version of a plan as a reader may see it, and what the reader may do with the plan."""

    plan: CityPlan
    version: CityPlanVersion
    city: City
    may_edit: bool
    may_read_drafts: bool
    saved_by: str  # display name of who saved this version ("" when unknown)

    @property
    def is_latest(self) -> bool:
        return self.version.version == self.plan.version

    @property
    def is_published_version(self) -> bool:
        return self.plan.published and self.plan.published_version == self.version.version


@dataclass(frozen=True)
class PlanListItem:
    plan: CityPlan
    name: str  # the name of the version this reader sees
    version: int  # the version this reader sees
    summary: Mapping[str, Any] | None
    updated_at: dt.datetime


# -- reading ----------------------------------------------------------------------------------------------------


def _visible_version(actor: Actor, plan: CityPlan) -> int | None:
    """The version of ``plan`` this actor sees: the latest for the city's members, the published one for others."""
    if actor.can_read_drafts(plan.city_id):
        return plan.version
    return plan.published_version if plan.published else None


def list_plans(session: Session, actor: Actor, slug: str) -> list[PlanListItem]:
    """The city's plans this actor may read, newest change first."""
    city = get_city(session, slug)
    plans = session.scalars(select(CityPlan).where(CityPlan.city_id == city.id).order_by(CityPlan.name)).all()
    items = []
    for plan in plans:
        version = _visible_version(actor, plan)
        if version is None:
            continue
        if version == plan.version:
            items.append(PlanListItem(plan, plan.name, version, plan.summary, plan.updated_at))
            continue
        row = _version(session, plan, version)
        items.append(PlanListItem(plan, row.name, version, row.summary, row.created_at))
    return sorted(items, key=lambda item: item.updated_at, reverse=True)


def get_plan(session: Session, actor: Actor, plan_id: int, *, version: int | None = None) -> PlanView:
    """A plan at the version this actor sees, or at ``version`` when the actor may read drafts (or it is the
    published one). Anything else looks absent."""
    plan = session.get(CityPlan, plan_id)
    visible = None if plan is None else _visible_version(actor, plan)
    if plan is None or visible is None:
        raise NotFound("no such plan", plan_id=plan_id)
    wanted = visible if version is None else version
    if wanted != visible and not actor.can_read_drafts(plan.city_id):
        raise NotFound("no such plan version", plan_id=plan_id, version=wanted)
    row = _version(session, plan, wanted)
    city = session.get(City, plan.city_id)
    assert city is not None  # a foreign key
    saver = session.get(User, row.created_by) if row.created_by is not None else None
    return PlanView(
        plan=plan,
        version=row,
        city=city,
        may_edit=actor.can_edit(plan.city_id),
        may_read_drafts=actor.can_read_drafts(plan.city_id),
        saved_by=saver.display_name if saver else "",
    )


def plan_versions(session: Session, actor: Actor, plan_id: int) -> list[CityPlanVersion]:
    """Every version of a plan, newest first, for the city's members; the public sees the published one only."""
    view = get_plan(session, actor, plan_id)
    if not view.may_read_drafts:
        return [view.version]
    query = select(CityPlanVersion).where(CityPlanVersion.plan_id == plan_id).order_by(CityPlanVersion.version.desc())
    return list(session.scalars(query))


def _version(session: Session, plan: CityPlan, version: int) -> CityPlanVersion:
    row = session.scalar(
        select(CityPlanVersion).where(CityPlanVersion.plan_id == plan.id, CityPlanVersion.version == version)
    )
    if row is None:
        raise NotFound("no such plan version", plan_id=plan.id, version=version)
    return row


# -- running and summarising -------------------------------------------------------------------------------------


def check_scenario(session: Session, actor: Actor, text: str) -> PlanRun:
    """Run ``text`` as it would be saved: a stored base inventory is read with ``actor``'s rights; draws and years
    are bounded before anything is computed (``planning.MAX_TEXT_DRAWS``, ``MAX_TEXT_YEARS``).

    Raises ``ScenarioFileError`` (key and line) when it cannot be run, ``TooLarge`` beyond the size limit.
    """
    if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise TooLarge(f"a scenario file may be at most {MAX_SCENARIO_BYTES} bytes")
    return run_scenario_text(text, stored_inventory=session_inventory_reader(session, actor))


def summarise(data: Mapping[str, Any]) -> dict[str, Any]:
    """The headline of a run (``result_to_dict``) for lists and the member directory."""
    years = list(data["years"])

    def plan_in(year: int) -> float | None:
        return float(data["plan_tco2e"][years.index(year)]) if year in years else None

    return {
        "scenario": data["scenario"],
        "base_year": years[0],
        "base_tco2e": float(data["bau_tco2e"][0]),
        "plan_2030_tco2e": plan_in(2030),
        "plan_2050_tco2e": plan_in(2050),
        "targets": [
            {
                "label": t["label"],
                "type": t["type"],
                "year": t["year"],
                "target_tco2e": t["target_tco2e"],
                "met": t["met"],
                "p_met": t["p_met"],
            }
            for t in data["targets"]
        ],
        "p_target_met": data["p_target_met"],
        "draws": data["draws"],
        "seed": data["seed"],
        "wedge_method": data["wedge_method"],
    }


def _stored_result(run: PlanRun) -> dict[str, Any]:
    """The run's JSON as plain JSON values: NumPy scalars become Python numbers, and a non-finite number (which
    PostgreSQL's JSON refuses) becomes null."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    data: dict[str, Any] = plain(result_to_dict(run))
    return data


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- writing ------------------------------------------------------------------------------------------------------


def _fields(name: str, text: str, note: str) -> PlanFields:
    try:
        return PlanFields(name=name, scenario=text, note=note)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = str(error["loc"][0]) if error["loc"] else "name"
        raise InvalidRequest(f"{field}: {error['msg']}", field=field) from None


def create_plan(session: Session, actor: Actor, slug: str, name: str, text: str, *, note: str = "") -> CityPlan:
    """A new plan of the city ``slug`` (version 1), after its scenario has run."""
    city = get_city(session, slug)
    actor.require_edit(city.id)
    fields = _fields(name, text, note)
    if session.scalar(select(CityPlan.id).where(CityPlan.city_id == city.id, CityPlan.name == fields.name)):
        raise Conflict("this city already has a plan of that name", field="name")
    data = _stored_result(check_scenario(session, actor, text))
    now = utcnow()
    plan = CityPlan(
        city_id=city.id,
        name=fields.name,
        version=1,
        scenario_text=text,
        summary=summarise(data),
        published=False,
        created_by=actor.user_id,
        created_at=now,
        updated_by=actor.user_id,
        updated_at=now,
    )
    session.add(plan)
    _flush_unique_name(session)
    _add_version(session, actor, plan, data, fields.note, now)
    audit.record(session, actor, entity="plan", entity_id=plan.id, action="create", city_id=city.id,
                 new={"name": plan.name, "version": 1, "sha256": _digest(text)}, reason=fields.note)  # fmt: skip
    return plan


def save_version(
    session: Session,
    actor: Actor,
    plan_id: int,
    text: str,
    *,
    expected_version: int | None = None,
    name: str | None = None,
    note: str = "",
) -> CityPlan:
    """A new version of a plan (and, optionally, a new name), after its scenario has run.

    ``expected_version`` is the version the editor started from: when someone saved in between, ``Conflict``.
    """
    plan = _locked(session, actor, plan_id)
    actor.require_edit(plan.city_id)
    fields = _fields(plan.name if name is None else name, text, note)
    if expected_version is not None and plan.version != expected_version:
        raise Conflict("someone else saved this plan since you opened it; reload and try again")
    if fields.name != plan.name and session.scalar(
        select(CityPlan.id).where(CityPlan.city_id == plan.city_id, CityPlan.name == fields.name)
    ):
        raise Conflict("this city already has a plan of that name", field="name")
    data = _stored_result(check_scenario(session, actor, text))
    old = {"name": plan.name, "version": plan.version, "sha256": _digest(plan.scenario_text)}
    now = utcnow()
    plan.name = fields.name
    plan.version += 1
    plan.scenario_text = text
    plan.summary = summarise(data)
    plan.updated_by = actor.user_id
    plan.updated_at = now
    _flush_unique_name(session)
    _add_version(session, actor, plan, data, fields.note, now)
    new = {"name": plan.name, "version": plan.version, "sha256": _digest(text)}
    audit.record(session, actor, entity="plan", entity_id=plan.id, action="update", city_id=plan.city_id, old=old,
                 new=new, reason=fields.note)  # fmt: skip
    return plan


def _flush_unique_name(session: Session) -> None:
    """Flush, turning a name taken by a concurrent save (PostgreSQL's unique index) into ``Conflict``."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("this city already has a plan of that name", field="name") from None


def _add_version(
    session: Session, actor: Actor, plan: CityPlan, data: dict[str, Any], note: str, now: dt.datetime
) -> None:
    session.add(
        CityPlanVersion(
            city_id=plan.city_id,
            plan_id=plan.id,
            version=plan.version,
            name=plan.name,
            scenario_text=plan.scenario_text,
            note=note,
            result=data,
            summary=summarise(data),
            created_by=actor.user_id,
            created_at=now,
        )
    )
    session.flush()


def _locked(session: Session, actor: Actor, plan_id: int) -> CityPlan:
    """The plan row, locked for this transaction; a plan this actor may not read looks absent."""
    plan = session.scalar(
        select(CityPlan).where(CityPlan.id == plan_id).with_for_update().execution_options(populate_existing=True)
    )
    if plan is None or _visible_version(actor, plan) is None:
        raise NotFound("no such plan", plan_id=plan_id)
    return plan


def set_published(
    session: Session, actor: Actor, plan_id: int, published: bool, *, expected_version: int | None = None
) -> CityPlan:
    """Publish the plan's latest version (the public then sees it), or withdraw it from the public."""
    plan = _locked(session, actor, plan_id)
    actor.require_edit(plan.city_id)
    if expected_version is not None and plan.version != expected_version:
        raise Conflict("someone else saved this plan since you opened it; reload and try again")
    old = {"published": plan.published, "published_version": plan.published_version}
    if published:
        if plan.published and plan.published_version == plan.version:
            raise Conflict("this version of the plan is already published")
        plan.published, plan.published_version, plan.published_at = True, plan.version, utcnow()
    else:
        if not plan.published:
            raise Conflict("this plan is not published")
        plan.published, plan.published_version, plan.published_at = False, None, None
    audit.record(session, actor, entity="plan", entity_id=plan.id, action="publish" if published else "unpublish",
                 city_id=plan.city_id, field="published", old=old,
                 new={"published": plan.published, "published_version": plan.published_version})  # fmt: skip
    return plan


def delete_plan(session: Session, actor: Actor, plan_id: int, *, reason: str = "") -> None:
    """Delete a plan and all its versions; the audit log keeps its name, last version and text digest."""
    plan = _locked(session, actor, plan_id)
    actor.require_edit(plan.city_id)
    old = {"name": plan.name, "version": plan.version, "sha256": _digest(plan.scenario_text)}
    city_id = plan.city_id
    session.execute(delete(CityPlanVersion).where(CityPlanVersion.plan_id == plan.id))
    session.delete(plan)
    audit.record(session, actor, entity="plan", entity_id=plan_id, action="delete", city_id=city_id, old=old,
                 reason=reason[:2000])  # fmt: skip


# -- the member directory (contract 3) -----------------------------------------------------------------------------


def latest_plan_summary(session: Session, actor: Actor, city_id: int) -> PlanSummary | None:
    """The headline of the city's most recently changed plan this actor may read (published only, for the public)."""
    plans = session.scalars(select(CityPlan).where(CityPlan.city_id == city_id)).all()
    candidates: list[tuple[dt.datetime, int, CityPlanVersion]] = []
    for plan in plans:
        version = _visible_version(actor, plan)
        if version is None:
            continue
        row = _version(session, plan, version)
        candidates.append((row.created_at, plan.id, row))
    if not candidates:
        return None
    updated_at, _, latest = max(candidates, key=lambda c: (c[0], c[1]))
    summary = latest.summary
    return PlanSummary(
        city_id=city_id,
        plan_name=latest.name,
        updated_at=updated_at,
        base_year=int(summary["base_year"]),
        base_tco2e=float(summary["base_tco2e"]),
        plan_2030_tco2e=summary.get("plan_2030_tco2e"),
        plan_2050_tco2e=summary.get("plan_2050_tco2e"),
        targets=tuple((t["type"], int(t["year"]), float(t["target_tco2e"]), t["met"]) for t in summary["targets"]),
        p_target_met=summary.get("p_target_met"),
    )


# -- demo ---------------------------------------------------------------------------------------------------------


def load_demo(db: Database) -> None:
    """Stores and publishes the demo city's worked example unless a plan of that name is already there."""
    system = Actor.system()
    with db.write() as session:
        city = session.scalar(select(City).where(City.slug == DEMO_CITY))
        if city is None:
            return
        exists = session.scalar(select(CityPlan.id).where(CityPlan.city_id == city.id, CityPlan.name == DEMO_PLAN_NAME))
        if exists is not None:
            return
        plan = create_plan(
            session, system, DEMO_CITY, DEMO_PLAN_NAME, demo_scenario_text(), note="worked example (illustrative)"
        )
        set_published(session, system, plan.id, True)
