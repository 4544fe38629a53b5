"""Stored plans per city (``zerocity.services.plans``): saving runs the scenario first, versions, who reads drafts,
publishing, the audit log and the member directory's summary. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from zerocity.planning_file import ScenarioFileError
from zerocity.services import plans
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound, TooLarge
from zerocity.services.planning import stored_inventory_reader
from zerocity.store.db import Database
from zerocity.store.models import AuditEntry
from zerocity.store.plan_models import CityPlan, CityPlanVersion

if TYPE_CHECKING:
    from tests.services.conftest import World

#: A small plan on Kaohsiung's stored 2020 inventory (a draft: only its members may read it).
SCENARIO = """
[scenario]
name = "Kaohsiung test pathway"
base_year = 2020
end_year = 2050

[base_inventory]
stored = "kaohsiung"

[grid]
pathway = "tw"

[pools.homes]
subsector = "I.1.2"
carrier = "electricity"
gpc_refs = ["I.1.2"]
growth_rate = 0.0
grid_electricity = true

[pools.gas]
subsector = "I.1.1"
carrier = "natural_gas"
gpc_refs = ["I.1.1"]
growth_rate = 0.0

[actions.pumps]
template = "heat_pump"
pools = ["gas"]

[[targets]]
type = "base_year"
target_year = 2030
reduction = 0.3

[uncertainty]
draws = 40
seed = 5

[uncertainty.inputs]
"grid.multiplier" = { distribution = "uniform", low = 0.8, high = 1.1 }
"action.pumps.p_max" = { distribution = "uniform", low = 0.3, high = 0.7 }
"""


def create(world: World, actor: Actor | None = None, name: str = "Pathway", text: str = SCENARIO) -> int:
    with world.db.write() as session:
        return plans.create_plan(session, actor or world.editor, world.slug, name, text, note="first draft").id


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in (CityPlan, CityPlanVersion, AuditEntry)
        }


def view(world: World, actor: Actor, plan_id: int, version: int | None = None) -> plans.PlanView:
    with world.db.read() as session:
        return plans.get_plan(session, actor, plan_id, version=version)


def publish(world: World, plan_id: int, published: bool = True) -> None:
    with world.db.write() as session:
        plans.set_published(session, world.editor, plan_id, published)


def test_an_editor_saves_a_plan_whose_run_is_stored_with_its_first_version(world: World) -> None:
    plan_id = create(world)

    shown = view(world, world.editor, plan_id)
    assert (shown.plan.name, shown.plan.version, shown.version.version) == ("Pathway", 1, 1)
    assert shown.version.scenario_text == SCENARIO and shown.version.note == "first draft"
    assert shown.version.result["draws"] == 40 and shown.version.result["seed"] == 5
    assert shown.version.summary["targets"][0]["type"] == "base_year"
    assert json.dumps(shown.version.result)  # plain JSON on both databases
    assert shown.may_edit and shown.saved_by == "editor"


def test_a_plan_takes_its_base_year_from_the_citys_stored_inventory(world: World) -> None:
    plan_id = create(world)

    base = stored_inventory_reader(world.db, world.editor)("kaohsiung", 2020)
    summary = view(world, world.editor, plan_id).version.summary
    assert summary["base_tco2e"] == pytest.approx(base["I.1.2"] + base["I.1.1"])


def test_a_scenario_that_does_not_run_is_refused_naming_key_and_line_and_nothing_is_saved(world: World) -> None:
    before = counts(world.db)
    broken = SCENARIO.replace("reduction = 0.3", "reduction = 1.3")

    with pytest.raises(ScenarioFileError) as caught:
        create(world, text=broken)

    assert caught.value.key == "targets[1].reduction"
    assert caught.value.line == broken.splitlines().index("reduction = 1.3") + 1
    assert counts(world.db) == before


def test_a_toml_syntax_error_names_its_line(world: World) -> None:
    with pytest.raises(ScenarioFileError) as caught:
        create(world, text="[scenario]\nname = \nbase_year = 2020\n")
    assert caught.value.key == "(syntax)" and caught.value.line == 2


def test_a_plan_on_an_inventory_the_saver_may_not_read_is_refused_at_its_key(world: World) -> None:
    text = SCENARIO.replace('stored = "kaohsiung"', 'stored = "tainan"')

    with pytest.raises(ScenarioFileError) as caught:
        create(world, text=text)
    assert caught.value.key == "base_inventory.stored"


@pytest.mark.parametrize(
    ("who", "error"),
    [("viewer", Forbidden), ("other_editor", Forbidden), ("public", NotAuthenticated)],
    ids=["viewer", "another-citys-editor", "public"],
)
def test_only_the_citys_editors_and_administrators_save_plans(world: World, who: str, error: type[Exception]) -> None:
    before = counts(world.db)
    with pytest.raises(error):
        create(world, actor=getattr(world, who))
    assert counts(world.db) == before
    assert create(world, actor=world.admin) > 0


def test_a_new_version_keeps_the_earlier_one_and_a_stale_save_is_refused(world: World) -> None:
    plan_id = create(world)
    changed = SCENARIO.replace("reduction = 0.3", "reduction = 0.25")
    with world.db.write() as session:
        plans.save_version(session, world.editor, plan_id, changed, expected_version=1, note="softer target")

    with pytest.raises(Conflict), world.db.write() as session:
        plans.save_version(session, world.editor, plan_id, SCENARIO, expected_version=1)

    with world.db.read() as session:
        versions = plans.plan_versions(session, world.viewer, plan_id)
    assert [(v.version, v.note) for v in versions] == [(2, "softer target"), (1, "first draft")]
    assert view(world, world.viewer, plan_id, version=1).version.scenario_text == SCENARIO
    assert view(world, world.viewer, plan_id).version.scenario_text == changed


def test_two_plans_of_a_city_may_not_share_a_name(world: World) -> None:
    create(world)
    with pytest.raises(Conflict):
        create(world)


def test_a_blank_name_is_refused(world: World) -> None:
    with pytest.raises(InvalidRequest):
        create(world, name="  ")


def test_the_public_sees_only_the_published_version_never_a_later_draft(world: World) -> None:
    plan_id = create(world)
    with world.db.read() as session:
        assert plans.list_plans(session, world.public, world.slug) == []
    with pytest.raises(NotFound):
        view(world, world.public, plan_id)

    publish(world, plan_id)
    with world.db.write() as session:
        plans.save_version(session, world.editor, plan_id, SCENARIO.replace("reduction = 0.3", "reduction = 0.2"))

    assert view(world, world.public, plan_id).version.version == 1
    assert view(world, world.viewer, plan_id).version.version == 2
    with pytest.raises(NotFound):
        view(world, world.public, plan_id, version=2)
    with world.db.read() as session:
        [listed] = plans.list_plans(session, world.public, world.slug)
        assert listed.version == 1
        assert [v.version for v in plans.plan_versions(session, world.public, plan_id)] == [1]


def test_publishing_twice_and_unpublishing_a_draft_are_refused(world: World) -> None:
    plan_id = create(world)
    publish(world, plan_id)
    with pytest.raises(Conflict):
        publish(world, plan_id)
    publish(world, plan_id, published=False)
    with pytest.raises(Conflict):
        publish(world, plan_id, published=False)


def test_a_viewer_may_not_publish_or_delete(world: World) -> None:
    plan_id = create(world)
    with pytest.raises(Forbidden), world.db.write() as session:
        plans.set_published(session, world.viewer, plan_id, True)
    with pytest.raises(Forbidden), world.db.write() as session:
        plans.delete_plan(session, world.viewer, plan_id)
    with pytest.raises(NotFound), world.db.write() as session:
        plans.delete_plan(session, world.other_editor, plan_id)  # a draft of another city looks absent


def test_every_change_is_in_the_audit_log(world: World) -> None:
    plan_id = create(world)
    with world.db.write() as session:
        plans.save_version(session, world.editor, plan_id, SCENARIO.replace("seed = 5", "seed = 6"), note="reseed")
    publish(world, plan_id)
    publish(world, plan_id, published=False)
    with world.db.write() as session:
        plans.delete_plan(session, world.editor, plan_id, reason="replaced")

    with world.db.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plan").order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update", "publish", "unpublish", "delete"]
    assert all(e.city_id == world.city_id and e.entity_id == str(plan_id) for e in entries)
    assert json.loads(entries[1].new_value or "{}")["version"] == 2 and entries[1].reason == "reseed"
    assert entries[-1].reason == "replaced"
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(CityPlanVersion)) == 0


def test_more_draws_than_a_stored_plan_may_have_are_refused(world: World) -> None:
    with pytest.raises(ScenarioFileError) as caught:
        create(world, text=SCENARIO.replace("draws = 40", f"draws = {plans.MAX_SAVED_DRAWS + 1}"))
    assert caught.value.key == "uncertainty.draws" and caught.value.line is not None


def test_a_scenario_over_the_size_limit_is_refused(world: World) -> None:
    with pytest.raises(TooLarge):
        create(world, text=SCENARIO + "#" * plans.MAX_SCENARIO_BYTES)


def test_the_latest_plan_summary_is_public_only_once_published(world: World) -> None:
    plan_id = create(world)
    with world.db.read() as session:
        assert plans.latest_plan_summary(session, world.public, world.city_id) is None
        member = plans.latest_plan_summary(session, world.viewer, world.city_id)
    assert member is not None and member.plan_name == "Pathway" and member.base_year == 2020

    publish(world, plan_id)
    with world.db.read() as session:
        summary = plans.latest_plan_summary(session, world.public, world.city_id)
    assert summary is not None
    assert summary.city_id == world.city_id and summary.plan_2030_tco2e is not None
    [(kind, year, level, met)] = summary.targets
    assert (kind, year) == ("base_year", 2030) and level == pytest.approx(summary.base_tco2e * 0.7)
    assert isinstance(met, bool) and summary.p_target_met is not None


def _plans_of(db: Database) -> list[dict[str, Any]]:
    with db.read() as session:
        return [
            {"name": p.name, "published": p.published, "version": p.version} for p in session.scalars(select(CityPlan))
        ]


def test_the_demo_loader_stores_and_publishes_the_worked_example_once(db: Database) -> None:
    from zerocity.services.demo import load_demo

    load_demo(db)
    plans.load_demo(db)

    assert _plans_of(db) == [{"name": plans.DEMO_PLAN_NAME, "published": True, "version": 1}]
    with db.read() as session:
        [listed] = plans.list_plans(session, Actor.public(), "kaohsiung")
    assert listed.summary is not None and listed.summary["draws"] == 2000
