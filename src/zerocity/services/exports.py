"""Exports of a stored inventory: GPC report (XLSX with an audit sheet, CSV), a CDP-ICLEI Track / GCoM-style
emissions table, and the activity records in the import format (re-importing it reproduces the inventory)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from zerocity.core.inventory.result import InventoryResult
from zerocity.reports.tabular import to_csv
from zerocity.reports.xlsx import write_inventory_xlsx
from zerocity.services.actor import Actor
from zerocity.services.computation import Rows, activity_csv, compute_rows, factor_library, load_rows
from zerocity.services.errors import Conflict
from zerocity.services.inventories import get_inventory
from zerocity.store.models import City, Inventory

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class Loaded:
    city: City
    inventory: Inventory
    rows: Rows
    result: InventoryResult

    @property
    def stem(self) -> str:
        return f"{self.city.slug}_{self.inventory.year}_{self.inventory.gwp_set}"


def load(session: Session, actor: Actor, slug: str, year: int) -> Loaded:
    """Recompute from the stored records (exports always match the records, never a stale copy)."""
    city, inventory = get_inventory(session, actor, slug, year)
    _, rows = load_rows(session, inventory, f"{city.slug}-{year}")
    if not rows.rows:
        raise Conflict("this inventory has no activity data to export yet")
    return Loaded(city, inventory, rows, compute_rows(rows, inventory, factor_library(session, inventory)))


def gpc_xlsx(loaded: Loaded, labels: Mapping[str, str] | None = None) -> Export:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.xlsx"
        write_inventory_xlsx(loaded.result, path, labels=labels)
        content = path.read_bytes()
    return Export(f"{loaded.stem}_gpc.xlsx", XLSX_TYPE, content)


def gpc_csv(loaded: Loaded) -> Export:
    return Export(f"{loaded.stem}_gpc.csv", CSV_TYPE, to_csv(loaded.result).encode("utf-8-sig"))


def activity(loaded: Loaded) -> Export:
    return Export(f"{loaded.city.slug}_{loaded.inventory.year}_activity.csv", CSV_TYPE, activity_csv(loaded.rows))


def cdp_csv(loaded: Loaded, *, population: float | None = None, population_year: int | None = None) -> Export:
    """The CDP-ICLEI Track / GCoM emissions table (``zerocity.reports.cdp``) as UTF-8 CSV with a BOM.

    The boundary is the inventory's own when it states one, else the city profile's. Population is not part of a
    loaded inventory: a caller that has the city's statistics passes it.
    """
    from zerocity.reports import cdp  # imported here: this module's header belongs to the exports owner

    facts = cdp.CityFacts(
        city=loaded.city.name_en,
        boundary=loaded.inventory.boundary or loaded.city.boundary,
        population=population,
        population_year=population_year,
        area_km2=loaded.city.area_km2,
    )
    content = cdp.to_csv(cdp.cdp_table(loaded.result, facts)).encode("utf-8-sig")
    return Export(f"{loaded.stem}_cdp.csv", CSV_TYPE, content)
