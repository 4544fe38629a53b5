"""Activity records one at a time: reading them page by page, and editing, adding or deleting a row.

Every edit recomputes the inventory inside the same transaction; if the changed row no longer computes, the
core's error (row, column, reason) is raised and nothing is saved. Each record has a version: when two editors
save the same row, the second is told someone else saved first (no lost update).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zerocity.core.table import normalise_header
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.computation import recompute
from zerocity.services.errors import Conflict, InvalidRequest, NotFound
from zerocity.services.inventories import get_inventory, lock_inventory, require_draft, touch
from zerocity.services.text import Text, checked_reason
from zerocity.store.models import ActivityRecord, City, Inventory, utcnow

MAX_CELL = 2000
MAX_REF = 16  # the longest GPC reference number is 7 characters; the column holds 16


def clean_cells(cells: dict[str, str]) -> dict[str, str]:
    """Header names normalised as the file reader does; values trimmed and bounded."""
    clean: dict[str, str] = {}
    for name, value in cells.items():
        key = normalise_header(name)
        if not key or len(key) > 64 or "\x00" in key:
            raise ValueError(f"bad column name {name!r}")
        if len(value) > MAX_CELL:
            raise ValueError(f"{key}: at most {MAX_CELL} characters")
        if "\x00" in value:
            raise ValueError(f"{key}: contains a NUL character")
        clean[key] = value.strip()
    if len(clean.get("gpc_ref", "")) > MAX_REF:
        raise ValueError(f"gpc_ref: at most {MAX_REF} characters (e.g. I.1.2)")
    return clean


class RecordChange(BaseModel):
    """New texts for some columns of one row (the accounting-core input format); an empty text clears a cell."""

    model_config = ConfigDict(strict=True, extra="forbid")

    cells: dict[str, str] = Field(min_length=1, max_length=60)
    version: int = Field(ge=1)
    reason: Text = Field(default="", max_length=2000)

    _cells = field_validator("cells")(lambda cells: clean_cells(cells))


class NewRecord(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    cells: dict[str, str] = Field(min_length=1, max_length=60)
    reason: Text = Field(default="", max_length=2000)

    _cells = field_validator("cells")(lambda cells: clean_cells(cells))


@dataclass(frozen=True)
class Page:
    records: list[ActivityRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_records(
    session: Session, actor: Actor, slug: str, year: int, *, page: int = 1, per_page: int = 50, gpc_ref: str = ""
) -> tuple[City, Inventory, Page]:
    city, inventory = get_inventory(session, actor, slug, year)
    if page < 1 or not 1 <= per_page <= 1000:
        raise InvalidRequest("page starts at 1; per_page is 1–1000")
    query = select(ActivityRecord).where(ActivityRecord.city_id == city.id, ActivityRecord.inventory_id == inventory.id)
    if gpc_ref:
        query = query.where(ActivityRecord.gpc_ref == gpc_ref)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ActivityRecord.line).limit(per_page).offset((page - 1) * per_page)).all()
    return city, inventory, Page(list(rows), total, page, per_page)


def _editable_record(session: Session, actor: Actor, record_id: int) -> tuple[City, Inventory, ActivityRecord]:
    record = session.get(ActivityRecord, record_id)
    if record is None or not actor.can_read_drafts(record.city_id):
        raise NotFound("no such record")
    actor.require_edit(record.city_id)
    # Lock the inventory first, then re-read the row: a concurrent save of this row or of its neighbours waits
    # here and then sees the new version instead of overwriting it.
    inventory = lock_inventory(session, record.inventory_id)
    fresh = session.scalar(
        select(ActivityRecord).where(ActivityRecord.id == record_id).execution_options(populate_existing=True)
    )
    if fresh is None:
        raise NotFound("no such record")
    record = fresh
    city = session.get(City, record.city_id)
    assert city is not None
    require_draft(inventory)
    return city, inventory, record


def _label(city: City, inventory: Inventory) -> str:
    return f"{city.slug}-{inventory.year}"


def get_record(session: Session, actor: Actor, record_id: int) -> ActivityRecord:
    record = session.get(ActivityRecord, record_id)
    if record is None or not actor.can_read_drafts(record.city_id):
        inventory = session.get(Inventory, record.inventory_id) if record else None
        if record is None or inventory is None or not inventory.published:
            raise NotFound("no such record")
    return record


def update_record(session: Session, actor: Actor, record_id: int, change: RecordChange) -> ActivityRecord:
    city, inventory, record = _editable_record(session, actor, record_id)
    if record.version != change.version:
        raise Conflict("someone else saved this row since you opened it; reload to see their change")
    cells = dict(record.cells)
    changed = False
    for name, value in change.cells.items():
        old = cells.get(name, "")
        if old == value:
            continue
        changed = True
        audit.record(session, actor, entity="record", entity_id=record.id, action="update", city_id=city.id,
                     inventory_id=inventory.id, field=name, old=old, new=value, reason=change.reason)  # fmt: skip
        if value:
            cells[name] = value
        else:
            cells.pop(name, None)
    if not changed:
        return record
    if not cells.get("gpc_ref"):
        raise InvalidRequest("gpc_ref cannot be empty", field="gpc_ref")
    record.cells = cells
    record.gpc_ref = cells["gpc_ref"]
    record.version += 1
    record.updated_at, record.updated_by = utcnow(), actor.user_id
    session.flush()
    recompute(session, inventory, _label(city, inventory))
    touch(inventory)
    session.refresh(record)  # the recomputation updated its figures in bulk
    return record


def add_record(session: Session, actor: Actor, slug: str, year: int, new: NewRecord) -> ActivityRecord:
    city, inventory = get_inventory(session, actor, slug, year, for_update=True)
    actor.require_edit(city.id)
    require_draft(inventory)
    if not new.cells.get("gpc_ref"):
        raise InvalidRequest("gpc_ref is required", field="gpc_ref")
    last = session.scalar(select(func.max(ActivityRecord.line)).where(ActivityRecord.inventory_id == inventory.id))
    cells = {k: v for k, v in new.cells.items() if v}
    record = ActivityRecord(
        city_id=city.id,
        inventory_id=inventory.id,
        line=(last or 1) + 1,
        gpc_ref=cells["gpc_ref"],
        cells=cells,
        updated_by=actor.user_id,
    )
    session.add(record)
    session.flush()
    audit.record(session, actor, entity="record", entity_id=record.id, action="create", city_id=city.id,
                 inventory_id=inventory.id, new=cells, reason=new.reason)  # fmt: skip
    recompute(session, inventory, _label(city, inventory))
    touch(inventory)
    session.refresh(record)
    return record


def delete_record(session: Session, actor: Actor, record_id: int, *, version: int, reason: str = "") -> None:
    reason = checked_reason(reason)
    city, inventory, record = _editable_record(session, actor, record_id)
    if record.version != version:
        raise Conflict("someone else saved this row since you opened it; reload to see their change")
    audit.record(session, actor, entity="record", entity_id=record.id, action="delete", city_id=city.id,
                 inventory_id=inventory.id, old=record.cells, reason=reason)  # fmt: skip
    session.delete(record)
    session.flush()
    recompute(session, inventory, _label(city, inventory))
    touch(inventory)
