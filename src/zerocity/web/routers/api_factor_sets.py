"""``/api/cities/{slug}/factor-sets``: a city's own emission factor sets, and the set an inventory computes with.

A set is uploaded once (multipart, a CSV or XLSX factor file), checked row by row, and never edited afterwards;
``GET .../{id}/file`` gives back the file exactly as uploaded, so a figure can be traced to the factor file behind
it. ``PUT /api/cities/{slug}/inventories/{year}/factor-set`` makes a draft compute with a set (or with the bundled
library only), recomputing it at once. The services decide who may read and change what (zerocity.services.
factor_sets): the public sees a set only when a published inventory uses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile
from pydantic import BaseModel, Field

from zerocity.services import factor_sets, inventories
from zerocity.services.factor_sets import FactorSetUse, SetFactor
from zerocity.store.models import FactorSet, Inventory
from zerocity.web.api_models import (
    MAX_ID,
    NO_NUL,
    NON_BLANK,
    STRICT,
    FactorOut,
    Integer,
    InventoryOut,
    Reason,
    Version,
)
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    SettingsDep,
    SlugPath,
    WriterDep,
    service_input,
)
from zerocity.web.routers.api_factors import factor_out
from zerocity.web.routers.api_inventories import YearPath, inventory_out
from zerocity.web.routers.exports import content_disposition

router = APIRouter(prefix="/api", tags=["factor sets"])

SETS = "/cities/{slug}/factor-sets"
SetId = Annotated[int, Path(ge=1, le=MAX_ID, description="The factor set's id.")]


# -- bodies ----------------------------------------------------------------------------------------------------------
class FactorSetUseOut(BaseModel):
    """An inventory that computes with the set (the public sees published ones only)."""

    year: int
    status: Literal["draft", "submitted", "approved"]
    published: bool


class FactorSetOut(BaseModel):
    id: int
    city: str
    name: str
    description: str = Field(description="Where the factors come from, in the city's words.")
    filename: str
    sha256: str = Field(description="SHA-256 of the file as uploaded; the file never changes.")
    factor_count: int
    created_at: datetime
    used_by: list[FactorSetUseOut]


class FactorSetList(BaseModel):
    city: str
    items: list[FactorSetOut]


class SetFactorOut(FactorOut):
    row: int = Field(description="The factor's row in the file as a spreadsheet shows it (header = row 1).")


class FactorSetDetail(FactorSetOut):
    factors: list[SetFactorOut]


class FactorSetChoice(BaseModel):
    """The set a draft inventory computes with, on top of the bundled library; ``null`` for the library only."""

    model_config = STRICT

    factor_set_id: Annotated[int, Field(ge=1, le=MAX_ID), Integer] | None
    reason: Reason = ""
    version: Version | None = None


class InventoryFactorSet(BaseModel):
    inventory: InventoryOut
    factor_set: FactorSetOut | None


def _set_out(slug: str, factor_set: FactorSet, uses: list[FactorSetUse]) -> FactorSetOut:
    return FactorSetOut(
        id=factor_set.id,
        city=slug,
        name=factor_set.name,
        description=factor_set.description,
        filename=factor_set.filename,
        sha256=factor_set.sha256,
        factor_count=factor_set.factor_count,
        created_at=factor_set.created_at,
        used_by=[FactorSetUseOut(year=u.year, status=u.status, published=u.published) for u in uses],
    )


def _set_factor_out(found: SetFactor) -> SetFactorOut:
    return SetFactorOut(row=found.row, **factor_out(found.factor).model_dump())


# -- sets ------------------------------------------------------------------------------------------------------------
@router.get(SETS, response_model=FactorSetList, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def list_factor_sets(slug: SlugPath, db: DbDep, actor: CallerDep) -> FactorSetList:
    """The city's factor sets you may read, newest first: all for its members, for the public only those a
    published inventory uses."""
    with db.read() as session:
        city, found = factor_sets.list_factor_sets(session, actor, slug)
        return FactorSetList(city=city.slug, items=[_set_out(city.slug, s, uses) for s, uses in found])


@router.post(SETS, response_model=FactorSetOut, status_code=201, responses=WRITE_ERRORS)
def upload_factor_set(
    slug: SlugPath,
    db: DbDep,
    actor: WriterDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file in the factor-file format.")],
    name: Annotated[str, Form(max_length=200, pattern=NON_BLANK, description="A name the city recognises.")],
    description: Annotated[str, Form(max_length=2000, pattern=NO_NUL, description="Where the factors come from.")] = "",
) -> FactorSetOut:
    """Upload a factor file as a new set of the city (its editors or an administrator). Every row is checked as the
    accounting core checks it; a file with problems is refused with 422 listing each (file, row, column, reason)
    and nothing is stored. Ids may not repeat a bundled factor's id or another row's."""
    limit = min(settings.max_upload_bytes, factor_sets.MAX_FACTOR_FILE_BYTES)
    data = file.file.read(limit + 1)  # one byte over is enough to refuse it
    filename = "".join(ch for ch in file.filename or "" if ch.isprintable()) or "factors.csv"
    fields = service_input(factor_sets.FactorSetFields, name=name, description=description)
    with db.write() as session:
        factor_set = factor_sets.upload_factor_set(session, actor, slug, filename, data, fields, max_bytes=limit)
        return _set_out(slug, factor_set, [])


@router.get(SETS + "/{set_id}", response_model=FactorSetDetail, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_factor_set(slug: SlugPath, set_id: SetId, db: DbDep, actor: CallerDep) -> FactorSetDetail:
    """One set with every factor in it: id, gases and values, units, source, year and status."""
    with db.read() as session:
        city, factor_set, uses = factor_sets.get_factor_set(session, actor, slug, set_id)
        factors = [_set_factor_out(found) for found in factor_sets.factors_of(factor_set)]
        return FactorSetDetail(**_set_out(city.slug, factor_set, uses).model_dump(), factors=factors)


_FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file exactly as uploaded.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            factor_sets.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.get(
    SETS + "/{set_id}/file",
    response_class=Response,
    responses={**_FILE_RESPONSE, **READ_ERRORS},
    openapi_extra=OPTIONAL_AUTH,
)
def download_factor_set(slug: SlugPath, set_id: SetId, db: DbDep, actor: CallerDep) -> Response:
    """The set's file, byte for byte as it was uploaded (its SHA-256 is in the set's details)."""
    with db.read() as session:
        _, factor_set, _ = factor_sets.get_factor_set(session, actor, slug, set_id)
        headers = {
            # Set directly: Starlette would add "charset=utf-8" to a text type, and a CSV may well be Big5.
            "Content-Type": factor_sets.media_type(factor_set),
            "Content-Disposition": content_disposition(factor_set.filename),
            "Cache-Control": "private, no-store",
        }
        return Response(factor_set.content, headers=headers)


@router.delete(SETS + "/{set_id}", status_code=204, responses=WRITE_ERRORS)
def delete_factor_set(
    slug: SlugPath,
    set_id: SetId,
    db: DbDep,
    actor: WriterDep,
    reason: Annotated[str, Query(max_length=2000, pattern=NO_NUL)] = "",
) -> Response:
    """Delete a set no inventory uses; 409 names the inventories that still use it."""
    with db.write() as session:
        factor_sets.delete_factor_set(session, actor, slug, set_id, reason=reason)
    return Response(status_code=204)


# -- the set an inventory uses ---------------------------------------------------------------------------------------
INVENTORY_SET = "/cities/{slug}/inventories/{year}/factor-set"


def _inventory_set(session: Any, slug: str, inventory: Inventory) -> InventoryFactorSet:
    chosen = None
    if inventory.factor_set_id is not None:
        factor_set = session.get(FactorSet, inventory.factor_set_id)
        uses = factor_sets.uses_of(session, [factor_set.id])[factor_set.id]
        chosen = _set_out(slug, factor_set, [u for u in uses if u.inventory_id == inventory.id])
    return InventoryFactorSet(inventory=inventory_out(slug, inventory), factor_set=chosen)


@router.get(INVENTORY_SET, response_model=InventoryFactorSet, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_inventory_factor_set(slug: SlugPath, year: YearPath, db: DbDep, actor: CallerDep) -> InventoryFactorSet:
    """The city factor set this inventory computes with, or ``null`` when it uses the bundled library only."""
    with db.read() as session:
        city, inventory = inventories.get_inventory(session, actor, slug, year)
        return _inventory_set(session, city.slug, inventory)


@router.put(INVENTORY_SET, response_model=InventoryFactorSet, responses=WRITE_ERRORS)
def choose_factor_set(
    slug: SlugPath, year: YearPath, body: FactorSetChoice, db: DbDep, actor: WriterDep
) -> InventoryFactorSet:
    """Make a draft compute with one of its city's sets, or with the bundled library only (``null``). The
    inventory is recomputed at once; when a row no longer computes (it cites a factor of the set being removed),
    the answer is 422 naming the row and nothing changes. A set of another city is refused (400)."""
    with db.write() as session:
        inventory = factor_sets.choose_factor_set(
            session, actor, slug, year, body.factor_set_id, reason=body.reason, expected_version=body.version
        )
        return _inventory_set(session, slug, inventory)
