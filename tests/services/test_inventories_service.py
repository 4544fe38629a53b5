"""Inventories: who sees them, who creates them, and the review workflow draft -> submitted -> approved -> published."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError

from zerocity.services import audit, inventories, records
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound
from zerocity.store.models import Inventory

if TYPE_CHECKING:
    from tests.services.conftest import World


def _change(world: World, actor: Actor, action: str, *, reason: str = "", version: int | None = None) -> Inventory:
    with world.db.write() as session:
        return inventories.change_status(
            session, actor, world.slug, world.year, action, reason=reason, expected_version=version
        )


def _read(world: World, actor: Actor) -> Inventory:
    with world.db.read() as session:
        return inventories.get_inventory(session, actor, world.slug, world.year)[1]


def _years(world: World, actor: Actor, slug: str) -> list[int]:
    with world.db.read() as session:
        city = inventories.get_city(session, slug)
        return [inventory.year for inventory in inventories.list_inventories(session, actor, city)]


def _publish(world: World) -> None:
    _change(world, world.editor, "submit")
    _change(world, world.admin, "approve")
    _change(world, world.editor, "publish")


# -- reading --------------------------------------------------------------------------------------------------------
def test_the_public_cannot_read_a_draft_which_looks_absent(world: World) -> None:
    with pytest.raises(NotFound):
        _read(world, world.public)
    assert _years(world, world.public, world.slug) == []


def test_another_citys_editor_cannot_read_a_draft(world: World) -> None:
    with pytest.raises(NotFound):
        _read(world, world.other_editor)


def test_the_citys_viewer_and_editor_and_the_administrator_read_a_draft(world: World) -> None:
    for actor in (world.viewer, world.editor, world.admin):
        assert _read(world, actor).status == "draft"
        assert _years(world, actor, world.slug) == [world.year]


def test_everyone_reads_a_published_inventory(world: World) -> None:
    _publish(world)
    for actor in (world.public, world.other_editor):
        assert _read(world, actor).published
        assert _years(world, actor, world.slug) == [world.year]


def test_a_missing_year_is_not_found(world: World) -> None:
    with pytest.raises(NotFound), world.db.read() as session:
        inventories.get_inventory(session, world.admin, world.slug, 1999)


# -- creating -------------------------------------------------------------------------------------------------------
def test_an_editor_creates_an_inventory_for_their_own_city_only(world: World) -> None:
    with world.db.write() as session:
        fields = inventories.InventoryFields(year=2021, gwp_set="ar6", boundary="38 districts")
        created = inventories.create_inventory(session, world.editor, world.slug, fields)
        assert (created.status, created.gwp_set, created.created_by) == ("draft", "AR6", world.editor.user_id)
    for actor, error in ((world.other_editor, Forbidden), (world.viewer, Forbidden), (world.public, NotAuthenticated)):
        with pytest.raises(error), world.db.write() as session:
            inventories.create_inventory(session, actor, world.slug, inventories.InventoryFields(year=2022))
    assert _years(world, world.editor, world.slug) == [world.year, 2021]


def test_a_second_inventory_for_the_same_year_is_a_conflict(world: World) -> None:
    with pytest.raises(Conflict), world.db.write() as session:
        inventories.create_inventory(session, world.admin, world.slug, inventories.InventoryFields(year=world.year))


@pytest.mark.parametrize("fields", [{"year": 1989}, {"year": 2020, "gwp_set": "AR3"}, {"year": "2020"}])
def test_inventory_fields_are_checked(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        inventories.InventoryFields(**fields)  # type: ignore[arg-type]


# -- workflow ---------------------------------------------------------------------------------------------------------
def test_the_workflow_runs_from_draft_to_published_with_each_step_by_its_role(world: World) -> None:
    submitted = _change(world, world.editor, "submit")
    assert (submitted.status, submitted.submitted_by) == ("submitted", world.editor.user_id)
    approved = _change(world, world.admin, "approve")
    assert (approved.status, approved.approved_by) == ("approved", world.admin.user_id)
    published = _change(world, world.editor, "publish")
    assert published.published and published.published_at is not None
    assert published.version == 5  # created, imported, submitted, approved, published
    with world.db.read() as session:
        entries, _ = audit.entries(session, inventory_id=world.inventory_id)
    steps = [(e.action, e.user_id) for e in reversed(entries) if e.field == "status"]
    assert steps == [
        ("submit", world.editor.user_id),
        ("approve", world.admin.user_id),
        ("publish", world.editor.user_id),
    ]
    last = json.loads(entries[0].new_value or "")
    assert last == {"status": "approved", "published": True}


def test_an_editor_cannot_approve_their_own_submission(world: World) -> None:
    _change(world, world.editor, "submit")
    with pytest.raises(Forbidden):
        _change(world, world.editor, "approve")
    assert _read(world, world.admin).status == "submitted"


def test_a_viewer_cannot_submit_and_another_citys_editor_cannot_see_it_to_submit(world: World) -> None:
    with pytest.raises(Forbidden):
        _change(world, world.viewer, "submit")
    with pytest.raises(NotFound):
        _change(world, world.other_editor, "submit")
    assert _read(world, world.admin).status == "draft"


def test_another_citys_editor_cannot_unpublish_a_published_inventory(world: World) -> None:
    _publish(world)
    with pytest.raises(Forbidden):
        _change(world, world.other_editor, "unpublish")
    with pytest.raises(NotAuthenticated):
        _change(world, world.public, "unpublish")
    assert _read(world, world.public).published


def test_an_empty_inventory_cannot_be_submitted(world: World) -> None:
    with world.db.write() as session:
        inventories.create_inventory(session, world.editor, world.slug, inventories.InventoryFields(year=2021))
    with pytest.raises(Conflict), world.db.write() as session:
        inventories.change_status(session, world.editor, world.slug, 2021, "submit")


def test_only_a_submitted_inventory_can_be_approved(world: World) -> None:
    with pytest.raises(Conflict):
        _change(world, world.admin, "approve")


def test_only_an_approved_inventory_can_be_published(world: World) -> None:
    with pytest.raises(Conflict):
        _change(world, world.editor, "publish")  # a draft
    _change(world, world.editor, "submit")
    with pytest.raises(Conflict):
        _change(world, world.editor, "publish")  # submitted, not yet approved
    assert not _read(world, world.admin).published


def test_reopening_needs_a_reason(world: World) -> None:
    _change(world, world.editor, "submit")
    for reason in ("", "   "):
        with pytest.raises(InvalidRequest):
            _change(world, world.admin, "reopen", reason=reason)
    assert _read(world, world.admin).status == "submitted"


def test_reopening_a_published_inventory_makes_it_a_private_draft_again(world: World) -> None:
    _publish(world)
    reopened = _change(world, world.admin, "reopen", reason="grid factor revised by MOEA")
    assert (reopened.status, reopened.published, reopened.published_at) == ("draft", False, None)
    with pytest.raises(NotFound):
        _read(world, world.public)
    with world.db.read() as session:
        entries, _ = audit.entries(session, inventory_id=world.inventory_id)
    assert (entries[0].action, entries[0].reason) == ("reopen", "grid factor revised by MOEA")


def test_only_an_administrator_reopens(world: World) -> None:
    _change(world, world.editor, "submit")
    with pytest.raises(Forbidden):
        _change(world, world.editor, "reopen", reason="typo")


def test_a_draft_cannot_be_reopened(world: World) -> None:
    with pytest.raises(Conflict):
        _change(world, world.admin, "reopen", reason="why not")


def test_unpublishing_hides_the_inventory_again_and_needs_it_published(world: World) -> None:
    with pytest.raises(Conflict):
        _change(world, world.editor, "unpublish")
    _publish(world)
    _change(world, world.editor, "unpublish")
    with pytest.raises(NotFound):
        _read(world, world.public)
    assert _read(world, world.admin).status == "approved"


def test_an_unknown_action_is_refused(world: World) -> None:
    with pytest.raises(InvalidRequest):
        _change(world, world.admin, "delete")


def test_a_status_change_from_a_stale_version_is_a_conflict(world: World) -> None:
    version = _read(world, world.editor).version
    _change(world, world.editor, "submit", version=version)
    with pytest.raises(Conflict):
        _change(world, world.admin, "approve", version=version)
    assert _read(world, world.admin).status == "submitted"


def test_a_submitted_inventory_takes_no_record_changes(world: World) -> None:
    _change(world, world.editor, "submit")
    with pytest.raises(Conflict), world.db.write() as session:
        new = records.NewRecord(cells={"gpc_ref": "I.8.1", "notation_key": "NE"})
        records.add_record(session, world.editor, world.slug, world.year, new)
