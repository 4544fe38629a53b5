"""Inventories of a city: who may see them, creating them, and their review workflow.

Workflow: draft -> submitted (a city editor) -> approved (a centre administrator) -> published (editor or admin).
Only drafts take data changes; an administrator can reopen a submitted or approved inventory, with a reason.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.errors import ZeroCityError
from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.cities import get_city
from zerocity.services.errors import Conflict, InvalidRequest, NotFound
from zerocity.services.text import Text, checked_reason
from zerocity.store.models import City, Inventory, utcnow

STATUSES = ("draft", "submitted", "approved")
TRANSITIONS = ("submit", "approve", "reopen", "publish", "unpublish")


class InventoryFields(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=1990, le=2100)
    gwp_set: str = DEFAULT_GWP_SET
    boundary: Text = Field(default="", max_length=5000)

    @field_validator("gwp_set")
    @classmethod
    def _known_gwp(cls, value: str) -> str:
        try:
            return gwp_set(value).name
        except ZeroCityError as exc:
            raise ValueError(exc.message) from None


def can_read(actor: Actor, inventory: Inventory) -> bool:
    return inventory.published or actor.can_read_drafts(inventory.city_id)


def list_inventories(session: Session, actor: Actor, city: City) -> list[Inventory]:
    query = select(Inventory).where(Inventory.city_id == city.id).order_by(Inventory.year)
    return [inv for inv in session.scalars(query) if can_read(actor, inv)]


def get_inventory(
    session: Session, actor: Actor, slug: str, year: int, *, for_update: bool = False
) -> tuple[City, Inventory]:
    """The inventory, if this actor may read it. Unpublished inventories look absent to the public (no leak).

    ``for_update`` locks the inventory row until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite write
    transactions are already exclusive), so version checks and recomputation never race another editor.
    """
    city = get_city(session, slug)
    query = select(Inventory).where(Inventory.city_id == city.id, Inventory.year == year)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    inventory = session.scalar(query)
    if inventory is None or not can_read(actor, inventory):
        raise NotFound("no such inventory", slug=slug, year=year)
    return city, inventory


def readable_version(session: Session, actor: Actor, slug: str, year: int) -> tuple[int, int]:
    """The id and version of an inventory this actor may read, without loading its results (one small query)."""
    row = session.execute(
        select(Inventory.id, Inventory.version, Inventory.published, Inventory.city_id)
        .join(City, City.id == Inventory.city_id)
        .where(City.slug == slug, Inventory.year == year)
    ).first()
    if row is None or not (row.published or actor.can_read_drafts(row.city_id)):
        raise NotFound("no such inventory", slug=slug, year=year)
    return row.id, row.version


def create_inventory(session: Session, actor: Actor, slug: str, fields: InventoryFields) -> Inventory:
    city = get_city(session, slug)
    actor.require_edit(city.id)
    exists = session.scalar(select(Inventory.id).where(Inventory.city_id == city.id, Inventory.year == fields.year))
    if exists is not None:
        raise Conflict(f"{city.name_en} already has an inventory for {fields.year}", field="year")
    inventory = Inventory(
        city_id=city.id, year=fields.year, gwp_set=fields.gwp_set, boundary=fields.boundary, created_by=actor.user_id
    )
    session.add(inventory)
    session.flush()
    audit.record(session, actor, entity="inventory", entity_id=inventory.id, action="create", city_id=city.id,
                 inventory_id=inventory.id, new=fields.model_dump())  # fmt: skip
    return inventory


def require_draft(inventory: Inventory) -> None:
    if inventory.status != "draft":
        raise Conflict("this inventory is submitted or approved; reopen it before changing its data")


def check_version(inventory: Inventory, expected_version: int | None) -> None:
    if expected_version is not None and inventory.version != expected_version:
        raise Conflict("someone else changed this inventory since you opened it; reload and try again")


def touch(inventory: Inventory) -> None:
    inventory.version += 1
    inventory.updated_at = utcnow()


def change_status(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    action: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> Inventory:
    city, inventory = get_inventory(session, actor, slug, year, for_update=True)
    if action not in TRANSITIONS:
        raise InvalidRequest(f"action must be one of {', '.join(TRANSITIONS)}", field="action")
    reason = checked_reason(reason)
    check_version(inventory, expected_version)
    old = {"status": inventory.status, "published": inventory.published}
    now = utcnow()
    if action == "submit":
        actor.require_edit(city.id)
        require_draft(inventory)
        if not inventory.record_count:
            raise Conflict("an empty inventory cannot be submitted; import activity data first")
        inventory.status, inventory.submitted_by, inventory.submitted_at = "submitted", actor.user_id, now
    elif action == "approve":
        actor.require_admin()
        if inventory.status != "submitted":
            raise Conflict("only a submitted inventory can be approved")
        if actor.user_id is not None and actor.user_id == inventory.submitted_by:
            raise Conflict("an inventory must be approved by someone other than the person who submitted it")
        inventory.status, inventory.approved_by, inventory.approved_at = "approved", actor.user_id, now
    elif action == "reopen":
        actor.require_admin()
        if inventory.status == "draft":
            raise Conflict("this inventory is already a draft")
        if not reason.strip():
            raise InvalidRequest("say why the inventory is reopened", field="reason")
        inventory.status, inventory.published, inventory.published_at = "draft", False, None
    elif action == "publish":
        actor.require_edit(city.id)
        if inventory.status != "approved":
            raise Conflict("only an approved inventory can be published")
        inventory.published, inventory.published_at = True, now
    else:  # unpublish
        actor.require_edit(city.id)
        if not inventory.published:
            raise Conflict("this inventory is not published")
        inventory.published, inventory.published_at = False, None
    touch(inventory)
    audit.record(session, actor, entity="inventory", entity_id=inventory.id, action=action, city_id=city.id,
                 inventory_id=inventory.id, field="status", old=old,
                 new={"status": inventory.status, "published": inventory.published}, reason=reason)  # fmt: skip
    return inventory


def lock_inventory(session: Session, inventory_id: int) -> Inventory:
    """The inventory row, locked for this transaction and re-read (see ``get_inventory``)."""
    inventory = session.scalar(
        select(Inventory)
        .where(Inventory.id == inventory_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if inventory is None:
        raise NotFound("no such inventory")
    return inventory
