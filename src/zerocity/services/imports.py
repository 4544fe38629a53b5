"""Importing an activity file into an inventory: a preview that lists every problem, then a commit that lands
whole or not at all.

The preview computes the file with the core and keeps it (compressed) in an import batch; nothing in the
inventory changes. The commit recomputes from the kept file inside one transaction, replaces or appends the
records, stores the results and writes the audit entry. Committing the same batch twice (a double-submitted
form) is refused, and so is a commit after the inventory changed since the preview.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from zerocity.core.errors import InputErrors, InputIssue, ZeroCityError
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.computation import (
    Rows,
    compute_rows,
    factor_library,
    finite,
    load_rows,
    row_outputs,
    rows_from_bytes,
    select_year,
    store_result,
)
from zerocity.services.errors import Conflict, InvalidRequest, NotFound, TooLarge
from zerocity.services.inventories import get_inventory, lock_inventory, require_draft, touch
from zerocity.services.text import checked_reason, clean_filename
from zerocity.store.models import ActivityRecord, City, ImportBatch, Inventory, utcnow

MODES = ("replace", "append")
#: The default upload limit when the caller passes none (deployments set ZEROCITY_MAX_UPLOAD_BYTES).
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED_SUFFIXES = (".csv", ".txt", ".xlsx")
#: Errors kept with a rejected batch; the count is always exact.
MAX_STORED_ISSUES = 1000


@dataclass(frozen=True)
class Preview:
    batch: ImportBatch
    issues: list[InputIssue]

    @property
    def ok(self) -> bool:
        return self.batch.status == "preview"


def issue_dict(issue: InputIssue) -> dict[str, Any]:
    return {"file": issue.file, "row": issue.row, "column": issue.column, "reason": issue.reason, "code": issue.code}


def _check_upload(filename: str, data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLarge(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB",
            size=len(data),
            limit=max_bytes,
        )
    if not filename.lower().endswith(ACCEPTED_SUFFIXES):
        raise InvalidRequest("upload a .csv or .xlsx file in the activity-data format", field="file")
    if not data:
        raise InvalidRequest("the file is empty", field="file")


def _combined(session: Session, inventory: Inventory, incoming: Rows, mode: str) -> tuple[Rows, dict[str, int]]:
    """The rows of the inventory's year; for ``append``, the stored records followed by the new rows, renumbered
    after the last stored line. Also how many rows of other years the file held."""
    incoming, skipped = select_year(incoming, inventory.year)
    if mode == "replace":
        return incoming, skipped
    _, existing = load_rows(session, inventory, incoming.file)
    start = (max(existing.lines) if existing.lines else 1) + 1
    header = tuple(dict.fromkeys([*existing.header, *incoming.header]))
    old = [[dict(zip(existing.header, r, strict=True)).get(h, "") for h in header] for r in existing.rows]
    new = [[dict(zip(incoming.header, r, strict=True)).get(h, "") for h in header] for r in incoming.rows]
    return Rows(incoming.file, header, old + new, existing.lines + list(range(start, start + len(new)))), skipped


def preview_import(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    filename: str,
    data: bytes,
    *,
    mode: str = "replace",
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> Preview:
    city, inventory = get_inventory(session, actor, slug, year)
    actor.require_edit(city.id)
    require_draft(inventory)
    if mode not in MODES:
        raise InvalidRequest(f"mode must be one of {', '.join(MODES)}", field="mode")
    filename = clean_filename(filename) or "upload.csv"
    _check_upload(filename, data, max_bytes)
    batch = ImportBatch(
        city_id=city.id,
        inventory_id=inventory.id,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mode=mode,
        content=zlib.compress(data, 6),
        inventory_version=inventory.version,
        created_by=actor.user_id,
    )
    issues: list[InputIssue] = []
    try:
        rows, skipped = _combined(session, inventory, rows_from_bytes(data, filename), mode)
        result = compute_rows(rows, inventory, factor_library(session, inventory))
    except InputErrors as exc:
        issues = exc.issues
        batch.status = "rejected"
        batch.issues = [issue_dict(i) for i in issues[:MAX_STORED_ISSUES]]
        batch.preview = {"issue_count": len(issues)}
    else:
        batch.rows = len(rows.rows)
        summary = result.summary()
        batch.preview = finite(
            {
                key: summary[key]
                for key in ("basic_tco2e", "basic_plus_tco2e", "territorial_tco2e", "by_sector", "completeness")
            }
            | {
                "warnings": summary["warnings"][:200],
                "rows": len(rows.rows),
                "issue_count": 0,
                "other_years": skipped,
            }
        )
    session.add(batch)
    session.flush()
    return Preview(batch, issues)


def get_batch(session: Session, actor: Actor, batch_id: int) -> tuple[City, Inventory, ImportBatch]:
    batch = session.get(ImportBatch, batch_id)
    if batch is None or not actor.can_read_drafts(batch.city_id):
        raise NotFound("no such import")
    inventory = session.get(Inventory, batch.inventory_id)
    city = session.get(City, batch.city_id)
    assert inventory is not None and city is not None
    return city, inventory, batch


def commit_import(session: Session, actor: Actor, batch_id: int, *, reason: str = "") -> ImportBatch:
    city, inventory, batch = get_batch(session, actor, batch_id)
    actor.require_edit(city.id)
    reason = checked_reason(reason)
    inventory = lock_inventory(session, inventory.id)
    batch = (
        session.scalar(
            select(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        or batch
    )
    if batch.status == "committed":
        raise Conflict("this file was already imported", batch=batch_id)
    if batch.status != "preview":
        raise Conflict("this import cannot be committed; fix the file and upload it again", batch=batch_id)
    require_draft(inventory)
    if inventory.version != batch.inventory_version:
        raise Conflict("the inventory changed after this preview; upload the file again to see a fresh preview")
    data = zlib.decompress(batch.content)
    try:
        rows, _ = _combined(session, inventory, rows_from_bytes(data, batch.filename), batch.mode)
        result = compute_rows(rows, inventory, factor_library(session, inventory))
    except ZeroCityError:
        raise Conflict("the file no longer computes; upload it again to see why") from None
    old_count = inventory.record_count
    co2e, detail = row_outputs(result, len(rows.rows))
    session.execute(
        delete(ActivityRecord).where(
            ActivityRecord.city_id == inventory.city_id, ActivityRecord.inventory_id == inventory.id
        )
    )
    now = utcnow()
    session.execute(
        insert(ActivityRecord),
        [
            {
                "city_id": inventory.city_id,
                "inventory_id": inventory.id,
                "line": line,
                "gpc_ref": rows.rows[i][rows.header.index("gpc_ref")].strip(),
                "cells": rows.cells(i),
                "co2e_t": co2e[i],
                "detail": detail[i],
                "updated_at": now,
                "updated_by": actor.user_id,
            }
            for i, line in enumerate(rows.lines)
        ],
    )
    inventory.record_count = len(rows.rows)
    store_result(session, inventory, result)
    touch(inventory)
    batch.status, batch.committed_at = "committed", now
    previous = session.scalar(
        select(ImportBatch.id)
        .where(ImportBatch.inventory_id == inventory.id, ImportBatch.status == "committed", ImportBatch.id != batch.id)
        .order_by(ImportBatch.id.desc())
    )
    audit.record(
        session, actor, entity="inventory", entity_id=inventory.id, action=f"import_{batch.mode}", city_id=city.id,
        inventory_id=inventory.id, field="records",
        old={"records": old_count, "previous_import": previous},
        new={"records": inventory.record_count, "import": batch.id, "file": batch.filename, "sha256": batch.sha256},
        reason=reason,
    )  # fmt: skip
    return batch


def discard_import(session: Session, actor: Actor, batch_id: int) -> None:
    city, _, batch = get_batch(session, actor, batch_id)
    actor.require_edit(city.id)
    if batch.status == "preview":
        batch.status = "discarded"


def import_file(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    filename: str,
    data: bytes,
    *,
    mode: str = "replace",
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> ImportBatch:
    """Preview and commit in one go (the CLI and scripts); raises ``InputErrors`` when the file has problems."""
    preview = preview_import(session, actor, slug, year, filename, data, mode=mode, max_bytes=max_bytes)
    if not preview.ok:
        raise InputErrors(preview.issues)
    return commit_import(session, actor, preview.batch.id)
