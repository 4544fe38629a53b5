"""``/api/cities/{slug}/inventories`` and what hangs off an inventory: its review workflow, its activity records
one by one, file imports (preview, then commit), and its stored results.

The results endpoint reads only figures stored at the last computation (the summary and the ``ref_results`` rows):
it never recomputes, so dashboards and scripts can poll it cheaply. Every change recomputes inside the service's
transaction, so what the results say is always what the records give.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from sqlalchemy import select

from zerocity.services import cities, imports, inventories, records
from zerocity.services.actor import Actor
from zerocity.services.errors import NotFound
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, ImportBatch, Inventory, RefResult
from zerocity.web.api_models import (
    MAX_ID,
    NO_NUL,
    GwpOut,
    ImportCommit,
    ImportFigures,
    ImportOut,
    InventoryBrief,
    InventoryCreate,
    InventoryList,
    InventoryOut,
    IssueOut,
    Paginated,
    RecordCreate,
    RecordOut,
    RecordPatch,
    RefResultOut,
    ResultsOut,
    StatusChange,
    Totals,
)
from zerocity.web.cache import ResponseCache, cached_async
from zerocity.web.deps import get_db
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    PageDep,
    SettingsDep,
    SlugPath,
    WriterDep,
    page_count,
    service_input,
)

router = APIRouter(prefix="/api", tags=["inventories"])

YearPath = Annotated[int, Path(ge=1900, le=2100, description="The inventory year.")]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
BatchId = Annotated[int, Path(ge=1, le=MAX_ID)]
INVENTORY = "/cities/{slug}/inventories/{year}"


# -- shaping stored rows -----------------------------------------------------------------------------------------
def _figures(summary: dict[str, Any] | None) -> Totals:
    """The headline totals of the core's summary (absent before the first computation)."""
    summary = summary or {}
    return Totals(**{name: summary.get(name) for name in Totals.model_fields})


def _brief(inventory: Inventory) -> InventoryBrief:
    return InventoryBrief(
        year=inventory.year,
        status=inventory.status,
        published=inventory.published,
        version=inventory.version,
        record_count=inventory.record_count,
        gwp_set=inventory.gwp_set,
        basic_tco2e=(inventory.summary or {}).get("basic_tco2e"),
        computed_at=inventory.computed_at,
    )


def inventory_out(slug: str, inventory: Inventory) -> InventoryOut:
    return InventoryOut(
        city=slug,
        year=inventory.year,
        gwp_set=inventory.gwp_set,
        boundary=inventory.boundary,
        status=inventory.status,
        published=inventory.published,
        version=inventory.version,
        record_count=inventory.record_count,
        totals=_figures(inventory.summary),
        computed_at=inventory.computed_at,
        created_at=inventory.created_at,
        updated_at=inventory.updated_at,
        submitted_at=inventory.submitted_at,
        approved_at=inventory.approved_at,
        published_at=inventory.published_at,
    )


def record_out(record: ActivityRecord) -> RecordOut:
    return RecordOut(
        id=record.id,
        line=record.line,
        gpc_ref=record.gpc_ref,
        cells=record.cells,
        co2e_t=record.co2e_t,
        detail=record.detail,
        version=record.version,
        updated_at=record.updated_at,
    )


def import_out(batch: ImportBatch, inventory: Inventory, issue_count: int | None = None) -> ImportOut:
    stored: dict[str, Any] = batch.preview or {}
    issues = [IssueOut(**issue) for issue in batch.issues or []]
    return ImportOut(
        batch_id=batch.id,
        status=batch.status,
        ok=batch.status in ("preview", "committed"),
        filename=batch.filename,
        mode=batch.mode,
        rows=batch.rows,
        issue_count=issue_count if issue_count is not None else int(stored.get("issue_count", len(issues))),
        issues=issues,
        figures=ImportFigures.model_validate(stored) if batch.status != "rejected" and stored else None,
        inventory_version=inventory.version,
    )


# -- inventories -------------------------------------------------------------------------------------------------
@router.get(
    "/cities/{slug}/inventories", response_model=InventoryList, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH
)
def list_inventories(slug: SlugPath, db: DbDep, actor: CallerDep) -> InventoryList:
    """The city's inventories you may read, oldest first: published ones for everybody, drafts for its members."""
    with db.read() as session:
        city = cities.get_city(session, slug)
        found = inventories.list_inventories(session, actor, city)
        return InventoryList(city=city.slug, items=[_brief(i) for i in found])


@router.post("/cities/{slug}/inventories", response_model=InventoryOut, status_code=201, responses=WRITE_ERRORS)
def create_inventory(slug: SlugPath, body: InventoryCreate, db: DbDep, actor: WriterDep) -> InventoryOut:
    """A new, empty draft inventory for a year (the city's editors or an administrator); 409 if the year exists."""
    fields = service_input(inventories.InventoryFields, **body.model_dump())
    with db.write() as session:
        inventory = inventories.create_inventory(session, actor, slug, fields)
        return inventory_out(slug, inventory)


@router.get(INVENTORY, response_model=InventoryOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_inventory(slug: SlugPath, year: YearPath, db: DbDep, actor: CallerDep) -> InventoryOut:
    """Status, version, record count and headline totals. A draft looks absent (404) to the public."""
    with db.read() as session:
        city, inventory = inventories.get_inventory(session, actor, slug, year)
        return inventory_out(city.slug, inventory)


@router.post(f"{INVENTORY}/status", response_model=InventoryOut, responses=WRITE_ERRORS)
def change_status(slug: SlugPath, year: YearPath, body: StatusChange, db: DbDep, actor: WriterDep) -> InventoryOut:
    """Move the inventory through its review: submit, approve, reopen (with a reason), publish, unpublish."""
    with db.write() as session:
        inventory = inventories.change_status(
            session, actor, slug, year, body.action, reason=body.reason, expected_version=body.version
        )
        return inventory_out(slug, inventory)


@router.get(f"{INVENTORY}/results", response_model=ResultsOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
async def results(request: Request, slug: SlugPath, year: YearPath, actor: CallerDep) -> Response:
    """The stored results of the last computation: GPC totals, by sector, scope, reference number and gas,
    completeness and the GWP set used. Nothing is recomputed. The ``ETag`` changes with the inventory's version;
    send it back in ``If-None-Match`` to get 304 when nothing changed."""
    # Async with one small indexed read on the event loop: a cached answer never waits for the thread pool.
    db = get_db(request)
    with db.read() as session:
        inventory_id, version = inventories.readable_version(session, actor, slug, year)
    etag = f'"{inventory_id}-{version}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})

    def build() -> Response:
        body = _results(db, actor, slug, year).model_dump_json().encode()
        return Response(body, media_type="application/json", headers={"ETag": etag})

    return await cached_async(_results_cache, (inventory_id, version), request, build)


#: Serialised results by inventory and version (benchmarked: see benchmarks/bench_web.py).
_results_cache = ResponseCache(maxsize=256)


def _results(db: Database, actor: Actor, slug: str, year: int) -> ResultsOut:
    with db.read() as session:
        city, inventory = inventories.get_inventory(session, actor, slug, year)
        refs = session.scalars(
            select(RefResult).where(RefResult.city_id == city.id, RefResult.inventory_id == inventory.id)
        ).all()
        summary: dict[str, Any] = inventory.summary or {}
        labels: dict[str, dict[str, Any]] = summary.get("by_ref") or {}
        by_ref = [
            RefResultOut(
                ref=r.ref,
                sector=labels.get(r.ref, {}).get("sector", ""),
                subsector=labels.get(r.ref, {}).get("subsector", ""),
                scope=labels.get(r.ref, {}).get("scope"),
                tco2e=r.tco2e,
                gases_t=r.gases_t,
                notation_key=r.notation_key,
                data_quality=r.data_quality,
            )
            for r in refs
        ]
        gwp = summary.get("gwp")
        return ResultsOut(
            city=city.slug,
            year=inventory.year,
            status=inventory.status,
            published=inventory.published,
            version=inventory.version,
            computed_at=inventory.computed_at,
            totals=_figures(summary),
            by_scope=summary.get("by_scope") or {},
            by_sector=summary.get("by_sector") or {},
            by_ref=sorted(by_ref, key=lambda r: _ref_key(r.ref)),
            gases_t=summary.get("gases_t") or {},
            completeness=summary.get("completeness") or {},
            gwp=GwpOut(name=gwp, values=summary.get("gwp_values") or {}) if gwp else None,
            rows=summary.get("rows") or 0,
            warnings=summary.get("warnings") or [],
        )


def _ref_key(ref: str) -> tuple[int, ...]:
    """GPC order: I.1.1 < I.1.2 < … < II.1.1, by sector (Roman numeral) then the numbers."""
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
    head, *rest = ref.split(".")
    return (roman.get(head, 99), *(int(p) if p.isdigit() else 0 for p in rest))


# -- records -----------------------------------------------------------------------------------------------------
@router.get(
    f"{INVENTORY}/records", response_model=Paginated[RecordOut], responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH
)
def list_records(
    slug: SlugPath,
    year: YearPath,
    db: DbDep,
    actor: CallerDep,
    paging: PageDep,
    gpc_ref: Annotated[str, Query(max_length=16, pattern=NO_NUL, description="Only rows of this GPC reference.")] = "",
) -> Paginated[RecordOut]:
    """The activity records in spreadsheet order, a page at a time, each with its computed t CO2e and method."""
    with db.read() as session:
        _, _, found = records.list_records(
            session, actor, slug, year, page=paging.page, per_page=paging.per_page, gpc_ref=gpc_ref
        )
        return Paginated[RecordOut](
            items=[record_out(r) for r in found.records],
            page=found.page,
            per_page=found.per_page,
            total=found.total,
            pages=page_count(found.total, found.per_page),
        )


@router.post(f"{INVENTORY}/records", response_model=RecordOut, status_code=201, responses=WRITE_ERRORS)
def add_record(slug: SlugPath, year: YearPath, body: RecordCreate, db: DbDep, actor: WriterDep) -> RecordOut:
    """One new row at the end of a draft inventory; the inventory is recomputed, and a row that does not compute
    is refused with 422 naming its row and column."""
    new = service_input(records.NewRecord, cells=body.cells, reason=body.reason)
    with db.write() as session:
        record = records.add_record(session, actor, slug, year, new)
        session.refresh(record)  # the recomputation updates figures in bulk, behind the ORM's back
        return record_out(record)


@router.patch("/records/{record_id}", response_model=RecordOut, responses=WRITE_ERRORS)
def update_record(record_id: RecordId, body: RecordPatch, db: DbDep, actor: WriterDep) -> RecordOut:
    """Change some cells of one row of a draft inventory; send the row's ``version`` you read (409 if stale)."""
    change = service_input(records.RecordChange, cells=body.cells, version=body.version, reason=body.reason)
    with db.write() as session:
        record = records.update_record(session, actor, record_id, change)
        session.refresh(record)  # as above: fresh co2e_t and detail
        return record_out(record)


@router.delete("/records/{record_id}", status_code=204, responses=WRITE_ERRORS)
def delete_record(
    record_id: RecordId,
    db: DbDep,
    actor: WriterDep,
    version: Annotated[int, Query(ge=1, le=MAX_ID, description="The row's version you read.")],
    reason: Annotated[str, Query(max_length=2000, pattern=NO_NUL)] = "",
) -> Response:
    """Delete one row of a draft inventory; the inventory is recomputed."""
    with db.write() as session:
        records.delete_record(session, actor, record_id, version=version, reason=reason)
    return Response(status_code=204)


# -- imports -----------------------------------------------------------------------------------------------------
@router.post(f"{INVENTORY}/imports", response_model=ImportOut, status_code=201, responses=WRITE_ERRORS)
def import_file(
    slug: SlugPath,
    year: YearPath,
    db: DbDep,
    actor: WriterDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file in the activity-data format.")],
    mode: Annotated[Literal["replace", "append"], Form(description="Replace the records, or add to them.")] = "replace",
    commit: Annotated[bool, Form(description="false: preview only; true: import now or 422.")] = False,
) -> ImportOut:
    """Upload an activity file. With ``commit=false`` the answer is a preview: every problem found, or the figures
    the file would give, and a ``batch_id`` to commit later. With ``commit=true`` the file is imported at once, or
    refused with 422 listing every problem (file, row, column, reason) and nothing changes."""
    data = file.file.read(settings.max_upload_bytes + 1)  # one byte over is enough to refuse it
    # Control characters (NUL above all: PostgreSQL refuses it in text) have no place in a file name.
    filename = "".join(ch for ch in file.filename or "" if ch.isprintable()) or "upload.csv"
    options: dict[str, Any] = {"mode": mode, "max_bytes": settings.max_upload_bytes}
    with db.write() as session:
        if commit:
            batch = imports.import_file(session, actor, slug, year, filename, data, **options)
            issue_count = 0
        else:
            preview = imports.preview_import(session, actor, slug, year, filename, data, **options)
            batch, issue_count = preview.batch, len(preview.issues)
        inventory = session.get(Inventory, batch.inventory_id)
        assert inventory is not None
        return import_out(batch, inventory, issue_count)


@router.post("/imports/{batch_id}/commit", response_model=ImportOut, responses=WRITE_ERRORS)
def commit_import(batch_id: BatchId, db: DbDep, actor: WriterDep, body: ImportCommit | None = None) -> ImportOut:
    """Commit a previewed import: the records are replaced or appended in one transaction. 409 when it was
    already committed, was rejected, or the inventory changed since the preview."""
    with db.write() as session:
        batch = imports.commit_import(session, actor, batch_id, reason=body.reason if body else "")
        inventory = session.get(Inventory, batch.inventory_id)
        if inventory is None:  # deleted with its city between the two reads
            raise NotFound("no such import")
        return import_out(batch, inventory)
