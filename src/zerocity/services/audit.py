"""Writing and reading the audit log. Entries are added in the caller's transaction (see ``AuditEntry``)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zerocity.services.actor import Actor
from zerocity.store.models import AuditEntry


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_id: object,
    action: str,
    city_id: int | None = None,
    inventory_id: int | None = None,
    field: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
) -> None:
    session.add(
        AuditEntry(
            city_id=city_id,
            inventory_id=inventory_id,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            field=field,
            old_value=_text(old),
            new_value=_text(new),
            reason=reason,
            user_id=actor.user_id,
        )
    )


def entries(
    session: Session, *, city_id: int | None = None, inventory_id: int | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if city_id is not None:
        query = query.where(AuditEntry.city_id == city_id)
    if inventory_id is not None:
        query = query.where(AuditEntry.inventory_id == inventory_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
