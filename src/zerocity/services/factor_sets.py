"""A city's own emission factor sets: upload, read back, choose for a draft inventory, delete.

A factor set is one file in the accounting core's factor-file format (README, "Your own factors"): the city's
utility factor, Taiwan MOENV's 排放係數 for a fuel the IPCC defaults do not cover, a measured landfill-gas factor.
An inventory that chooses a set computes with the bundled library plus the set's factors
(``computation.factor_library``), so every figure stays traceable: the set is stored exactly as uploaded with its
SHA-256 and is never edited. To revise factors, upload a new set and choose it; the old one can be deleted once no
inventory uses it, so an approved inventory's factors can always be shown again.

Who may do what: the city's editors and centre administrators upload, choose and delete; the city's viewers read
every set; the public reads a set only when a published inventory uses it (its figures must be traceable to
their source, and nothing else of a city's drafts is public).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.errors import InputErrors, InputIssue, InvalidData
from zerocity.core.factors import EmissionFactor, FactorLibrary, bundled_library, read_factor_row
from zerocity.core.table import RawTable
from zerocity.ingest.tables import read_table_bytes
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.cities import get_city
from zerocity.services.computation import recompute
from zerocity.services.errors import Conflict, InvalidRequest, NotFound, TooLarge
from zerocity.services.factors import FACTOR_FILE_COLUMNS, library_with_factor_files
from zerocity.services.inventories import check_version, get_inventory, require_draft, touch
from zerocity.services.text import Text, checked_reason, clean_filename
from zerocity.store.models import City, FactorSet, Inventory


def N_(message: str) -> str:
    """Marks a message for the catalogue (the web translates service messages it knows)."""
    return message


#: A factor file holds tens or hundreds of factors; a few megabytes is already a mistake (or an attack).
MAX_FACTOR_FILE_BYTES = 2_000_000
ACCEPTED_SUFFIXES = (".csv", ".txt", ".xlsx")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NO_SUCH_SET = N_("no such factor set")
NOT_A_FACTOR_FILE = N_("upload a .csv or .xlsx file in the factor-file format")
EMPTY_FILE = N_("the file is empty")
NO_FACTORS = N_("the file has no factor rows")
NAME_TAKEN = N_("this city already has a factor set with this name")
OTHER_CITY = N_("this factor set belongs to another city; upload it to this city first")
IN_USE = N_("this factor set is used by inventories; choose another set for them first")


class FactorSetFields(BaseModel):
    """What a person gives besides the file: a name the city will recognise, and where the factors come from."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=2000)


@dataclass(frozen=True)
class FactorSetUse:
    """An inventory that computes with a set."""

    inventory_id: int
    year: int
    status: str
    published: bool


@dataclass(frozen=True)
class SetFactor:
    """One factor of a set and the spreadsheet row it came from (header = row 1)."""

    row: int
    factor: EmissionFactor


# -- reading a factor file ------------------------------------------------------------------------------------------
def _collision(known: Mapping[str, EmissionFactor], factor_id: str) -> str:
    """The core's own words for an id that is already taken (``FactorLibrary.with_factors``)."""
    taken = known[factor_id]
    try:
        FactorLibrary({factor_id: taken}).with_factors([taken])
    except InvalidData as exc:
        return exc.message
    return f"factor id {factor_id!r} already exists"  # pragma: no cover - with_factors always refuses


def _factors_of_table(table: RawTable) -> list[SetFactor]:
    """Every factor of the table, or ``InputErrors`` with every problem by row and column. An id may not repeat a
    bundled id (a city factor must never silently replace an IPCC default) nor another row of the same file."""
    missing = [column for column in FACTOR_FILE_COLUMNS if column not in table.columns]
    if missing:
        reason = f"factor files need columns {', '.join(FACTOR_FILE_COLUMNS)}"
        raise InputErrors([InputIssue(table.file, 1, column, reason, code="columns") for column in missing])
    texts = {name: column.texts() for name, column in table.columns.items() if name}
    known: dict[str, EmissionFactor] = dict(bundled_library().factors)
    found: list[SetFactor] = []
    issues: list[InputIssue] = []
    for position, row_number in enumerate(table.row_numbers.tolist()):
        row = {name: values[position] for name, values in texts.items()}
        factor, problems = read_factor_row(row, f"user:{table.file}, row {row_number}")
        issues += [InputIssue(table.file, row_number, column, reason) for column, reason in problems]
        factor_id = row.get("factor_id", "").strip()
        if factor_id in known and all(column != "factor_id" for column, _ in problems):
            taken = _collision(known, factor_id)
            issues.append(InputIssue(table.file, row_number, "factor_id", taken, code="duplicate"))
        elif factor is not None:
            known[factor.factor_id] = factor
            found.append(SetFactor(row_number, factor))
    if issues:
        raise InputErrors(issues)
    return found


def read_factor_file(filename: str, data: bytes) -> list[SetFactor]:
    """The factors of a factor file (CSV or XLSX), checked as strictly as the core checks them when it computes."""
    factors = _factors_of_table(read_table_bytes(data, filename))
    if not factors:
        raise InvalidRequest(NO_FACTORS, field="file")
    library_with_factor_files([(filename, data)])  # the computation's own reading must agree: never store less
    return factors


def factors_of(factor_set: FactorSet) -> list[SetFactor]:
    return _factors_of_table(read_table_bytes(factor_set.content, factor_set.filename))


def media_type(factor_set: FactorSet) -> str:
    return XLSX_MEDIA_TYPE if factor_set.filename.lower().endswith(".xlsx") else "text/csv"


# -- who may read what ----------------------------------------------------------------------------------------------
def uses_of(session: Session, factor_set_ids: list[int]) -> dict[int, list[FactorSetUse]]:
    """The inventories that compute with each of these sets, by year."""
    if not factor_set_ids:
        return {}
    rows = session.execute(
        select(Inventory.factor_set_id, Inventory.id, Inventory.year, Inventory.status, Inventory.published)
        .where(Inventory.factor_set_id.in_(factor_set_ids))
        .order_by(Inventory.year)
    ).all()
    found: dict[int, list[FactorSetUse]] = {set_id: [] for set_id in factor_set_ids}
    for set_id, inventory_id, year, status, published in rows:
        found[set_id].append(FactorSetUse(inventory_id, year, status, published))
    return found


def visible_uses(actor: Actor, city_id: int, uses: list[FactorSetUse]) -> list[FactorSetUse]:
    """The uses this actor may know of: all for the city's people, published inventories for the public."""
    return uses if actor.can_read_drafts(city_id) else [use for use in uses if use.published]


def _may_read(actor: Actor, factor_set: FactorSet, uses: list[FactorSetUse]) -> bool:
    return actor.can_read_drafts(factor_set.city_id) or any(use.published for use in uses)


def list_factor_sets(
    session: Session, actor: Actor, slug: str
) -> tuple[City, list[tuple[FactorSet, list[FactorSetUse]]]]:
    """The city's sets this actor may read, newest first, each with the inventories (it may know of) using it."""
    city = get_city(session, slug)
    sets = list(session.scalars(select(FactorSet).where(FactorSet.city_id == city.id).order_by(FactorSet.id.desc())))
    uses = uses_of(session, [s.id for s in sets])
    readable = [(s, visible_uses(actor, city.id, uses[s.id])) for s in sets if _may_read(actor, s, uses[s.id])]
    return city, readable


def get_factor_set(
    session: Session, actor: Actor, slug: str, set_id: int, *, for_update: bool = False
) -> tuple[City, FactorSet, list[FactorSetUse]]:
    """One set of this city, if this actor may read it; otherwise it looks absent (404), as drafts do."""
    city = get_city(session, slug)
    query = select(FactorSet).where(FactorSet.id == set_id, FactorSet.city_id == city.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    factor_set = session.scalar(query)
    if factor_set is None:
        raise NotFound(NO_SUCH_SET, set_id=set_id)
    uses = uses_of(session, [factor_set.id])[factor_set.id]
    if not _may_read(actor, factor_set, uses):
        raise NotFound(NO_SUCH_SET, set_id=set_id)
    return city, factor_set, visible_uses(actor, city.id, uses)


def describe(factor_set: FactorSet | None) -> dict[str, Any] | None:
    """A set as the audit log and the API name it."""
    if factor_set is None:
        return None
    return {"id": factor_set.id, "name": factor_set.name, "filename": factor_set.filename, "sha256": factor_set.sha256}


# -- changes ------------------------------------------------------------------------------------------------------
def _check_upload(filename: str, data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLarge(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB",
            size=len(data),
            limit=max_bytes,
        )
    if not filename.lower().endswith(ACCEPTED_SUFFIXES):
        raise InvalidRequest(NOT_A_FACTOR_FILE, field="file")
    if not data:
        raise InvalidRequest(EMPTY_FILE, field="file")


def upload_factor_set(
    session: Session,
    actor: Actor,
    slug: str,
    filename: str,
    data: bytes,
    fields: FactorSetFields,
    *,
    max_bytes: int = MAX_FACTOR_FILE_BYTES,
) -> FactorSet:
    """Store a new set for the city after checking every row; a file with any problem stores nothing and raises
    ``InputErrors`` listing each one (file, row, column, reason)."""
    city = get_city(session, slug)
    actor.require_edit(city.id)
    filename = clean_filename(filename) or "factors.csv"
    _check_upload(filename, data, min(max_bytes, MAX_FACTOR_FILE_BYTES))
    factors = read_factor_file(filename, data)
    taken = session.scalar(select(FactorSet.id).where(FactorSet.city_id == city.id, FactorSet.name == fields.name))
    if taken is not None:
        raise Conflict(NAME_TAKEN, field="name")
    factor_set = FactorSet(
        city_id=city.id,
        name=fields.name,
        description=fields.description,
        filename=filename,
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        factor_count=len(factors),
        created_by=actor.user_id,
    )
    session.add(factor_set)
    session.flush()
    audit.record(session, actor, entity="factor_set", entity_id=factor_set.id, action="create", city_id=city.id,
                 new=describe(factor_set) | {"description": fields.description, "factors": len(factors)})  # fmt: skip
    return factor_set


def delete_factor_set(session: Session, actor: Actor, slug: str, set_id: int, *, reason: str = "") -> None:
    """Delete a set no inventory uses; a set in use is refused with the inventories' years, so nothing that was
    computed with it loses its source."""
    reason = checked_reason(reason)
    city, factor_set, _ = get_factor_set(session, actor, slug, set_id, for_update=True)
    actor.require_edit(city.id)
    uses = uses_of(session, [factor_set.id])[factor_set.id]
    if uses:
        years = ", ".join(str(use.year) for use in uses)
        raise Conflict(IN_USE, set_id=set_id, inventories=years)
    audit.record(session, actor, entity="factor_set", entity_id=factor_set.id, action="delete", city_id=city.id,
                 old=describe(factor_set) | {"factors": factor_set.factor_count}, reason=reason)  # fmt: skip
    session.delete(factor_set)
    session.flush()


def _chosen_set(session: Session, actor: Actor, city: City, set_id: int) -> FactorSet:
    """The set to use, locked against a concurrent delete (``FOR SHARE`` on PostgreSQL)."""
    factor_set = session.scalar(select(FactorSet).where(FactorSet.id == set_id).with_for_update(read=True))
    if factor_set is None or (factor_set.city_id != city.id and not actor.can_read_drafts(factor_set.city_id)):
        raise NotFound(NO_SUCH_SET, set_id=set_id)
    if factor_set.city_id != city.id:
        raise InvalidRequest(OTHER_CITY, field="factor_set_id")
    return factor_set


def choose_factor_set(
    session: Session,
    actor: Actor,
    slug: str,
    year: int,
    set_id: int | None,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> Inventory:
    """Make a draft inventory compute with one of its city's sets (``None``: the bundled library only).

    The inventory is recomputed in the same transaction (``computation.recompute``, as a row edit does): when a
    row no longer computes (it cites a factor of the set being removed), ``InputErrors`` names it and nothing
    changes."""
    reason = checked_reason(reason)
    city, inventory = get_inventory(session, actor, slug, year, for_update=True)
    actor.require_edit(city.id)
    require_draft(inventory)
    check_version(inventory, expected_version)
    new_set = _chosen_set(session, actor, city, set_id) if set_id is not None else None
    if inventory.factor_set_id == set_id:
        return inventory
    old_set = session.get(FactorSet, inventory.factor_set_id) if inventory.factor_set_id is not None else None
    inventory.factor_set_id = set_id
    session.flush()
    recompute(session, inventory, f"{city.slug}-{inventory.year}")
    touch(inventory)
    audit.record(session, actor, entity="inventory", entity_id=inventory.id, action="update", city_id=city.id,
                 inventory_id=inventory.id, field="factor_set", old=describe(old_set), new=describe(new_set),
                 reason=reason)  # fmt: skip
    return inventory


def choose_factor_set_by_id(
    session: Session, actor: Actor, inventory_id: int, set_id: int | None, *, reason: str = ""
) -> Inventory:
    """As ``choose_factor_set``, for an inventory named by its id (the command line)."""
    found = session.execute(
        select(City.slug, Inventory.year).join(City, City.id == Inventory.city_id).where(Inventory.id == inventory_id)
    ).first()
    if found is None:
        raise NotFound("no such inventory", inventory_id=inventory_id)
    return choose_factor_set(session, actor, found.slug, found.year, set_id, reason=reason)
