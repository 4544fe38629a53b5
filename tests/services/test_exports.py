"""Exports of a stored inventory: recomputed from its records, so they always match what the inventory holds."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from zerocity.services import exports, inventories, records
from zerocity.services.errors import Conflict, NotFound
from zerocity.store.models import ActivityRecord, Inventory

if TYPE_CHECKING:
    from tests.services.conftest import World

BOM = b"\xef\xbb\xbf"


def _load(world: World) -> exports.Loaded:
    with world.db.read() as session:
        return exports.load(session, world.editor, world.slug, world.year)


def _stored_summary(world: World) -> dict[str, object]:
    with world.db.read() as session:
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None and inventory.summary is not None
        return inventory.summary


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_loaded_inventory_recomputes_to_the_stored_summary(world: World) -> None:
    loaded = _load(world)
    assert loaded.result.summary() == _stored_summary(world)
    assert loaded.stem == "kaohsiung_2020_AR5"
    assert len(loaded.rows.rows) == 6


def test_the_gpc_csv_lists_every_reference_number_with_the_engine_figures(world: World) -> None:
    export = exports.gpc_csv(_load(world))
    assert (export.filename, export.media_type) == ("kaohsiung_2020_AR5_gpc.csv", "text/csv; charset=utf-8")
    header, *rows = _csv_rows(export.content)
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    stored = _stored_summary(world)["by_ref"]
    assert isinstance(stored, dict)
    assert len(by_ref) == 54
    for ref, values in stored.items():
        if values["tco2e"] is not None:
            assert float(by_ref[ref]["tco2e"]) == values["tco2e"]
    assert by_ref["I.7.1"]["notation_key"] == "NO"


def test_the_gpc_workbook_opens_with_its_sheets(world: World) -> None:
    from openpyxl import load_workbook

    export = exports.gpc_xlsx(_load(world))
    assert export.filename.endswith("_gpc.xlsx") and export.content.startswith(b"PK")
    workbook = load_workbook(io.BytesIO(export.content), read_only=True)
    assert {"GPC summary", "GPC table", "Audit"} <= set(workbook.sheetnames)


def test_the_activity_export_holds_every_record_in_the_import_format(world: World) -> None:
    export = exports.activity(_load(world))
    assert export.filename == "kaohsiung_2020_activity.csv"
    header, *rows = _csv_rows(export.content)
    with world.db.read() as session:
        cells = session.scalars(
            select(ActivityRecord.cells)
            .where(ActivityRecord.inventory_id == world.inventory_id)
            .order_by(ActivityRecord.line)
        ).all()
    assert header[0] == "gpc_ref"
    assert [{k: v for k, v in zip(header, row, strict=True) if v} for row in rows] == list(cells)


def test_the_cdp_csv_carries_the_engine_figures_per_reference_and_in_total(world: World) -> None:
    loaded = _load(world)
    export = exports.cdp_csv(loaded, population=2765932.0, population_year=2020)
    assert (export.filename, export.media_type) == ("kaohsiung_2020_AR5_cdp.csv", "text/csv; charset=utf-8")
    rows = _csv_rows(export.content)
    blank = rows.index([])
    fields = dict(rows[1:blank])
    header, *table = rows[blank + 1 :]
    summary = loaded.result.summary()
    assert fields["city"] == "Kaohsiung"
    assert fields["accounting_year"] == "2020"
    assert fields["gwp_set"] == "AR5"
    assert float(fields["area_km2"]) == 2000.0
    assert (float(fields["population"]), fields["population_year"]) == (2765932.0, "2020")
    assert float(fields["total_basic_tco2e"]) == summary["basic_tco2e"]
    assert float(fields["total_basic_plus_tco2e"]) == summary["basic_plus_tco2e"]
    assert float(fields["scope2_location_based_tco2e"]) == summary["scope2_location_based_tco2e"]
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in table}
    assert len(by_ref) == 54
    for ref, values in summary["by_ref"].items():
        if values["tco2e"] is not None:
            assert float(by_ref[ref]["total_tco2e"]) == values["tco2e"]
    assert float(by_ref["IV.2"]["hfcs_tco2e"]) == summary["by_ref"]["IV.2"]["tco2e"]
    assert by_ref["I.7.1"]["notation_key"] == "NO" and "no coal mines" in by_ref["I.7.1"]["methodology"]


def test_the_cdp_csv_takes_the_inventory_boundary_before_the_city_profile(world: World) -> None:
    with world.db.write() as session:
        city = inventories.get_city(session, world.slug)
        city.boundary = "the whole city"
        session.get_one(Inventory, world.inventory_id).boundary = "38 districts, port excluded"
    rows = _csv_rows(exports.cdp_csv(_load(world)).content)
    assert ["boundary", "38 districts, port excluded"] in rows
    assert ["population", ""] in rows


def test_exports_follow_record_edits_at_once(world: World) -> None:
    before = _load(world).result.total("basic")
    with world.db.read() as session:
        road = session.scalar(
            select(ActivityRecord).where(
                ActivityRecord.inventory_id == world.inventory_id, ActivityRecord.gpc_ref == "II.1.1"
            )
        )
    assert road is not None
    with world.db.write() as session:
        records.delete_record(session, world.editor, road.id, version=road.version)
    assert _load(world).result.total("basic") == pytest.approx(before - (road.co2e_t or 0.0), rel=1e-12)


def test_an_inventory_without_records_cannot_be_exported(world: World) -> None:
    with world.db.write() as session:
        inventories.create_inventory(session, world.editor, world.slug, inventories.InventoryFields(year=2021))
    with pytest.raises(Conflict), world.db.read() as session:
        exports.load(session, world.editor, world.slug, 2021)


def test_the_public_cannot_export_a_draft_but_can_export_it_once_published(world: World) -> None:
    with pytest.raises(NotFound), world.db.read() as session:
        exports.load(session, world.public, world.slug, world.year)
    with world.db.write() as session:
        for actor, action in ((world.editor, "submit"), (world.admin, "approve"), (world.editor, "publish")):
            inventories.change_status(session, actor, world.slug, world.year, action)
    with world.db.read() as session:
        loaded = exports.load(session, world.public, world.slug, world.year)
    assert loaded.result.total("basic") == _load(world).result.total("basic")
