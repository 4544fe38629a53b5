"""A city's own emission factor sets (src/zerocity/services/factor_sets.py): uploaded whole or not at all, chosen
for a draft with an immediate recomputation, visible to the public only behind a published inventory, and never
deleted while an inventory computes with them."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import func, select

from zerocity.core.errors import InputErrors
from zerocity.services import factor_sets, inventories, records
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound, TooLarge
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, AuditEntry, FactorSet, Inventory

if TYPE_CHECKING:
    from tests.services.conftest import World

State = Callable[[Database, int], dict[str, Any]]

HEADER = "factor_id,activity_unit,mass_unit,co2,ch4,n2o,co2e,year,status,source,description\n"
#: Kaohsiung's electricity retailer (CO2e only) and a city-measured LNG plant factor (per gas). Rows 2 and 3.
RETAILER_050 = "city:kaohsiung/retailer,kWh,kg,,,,0.5,2020,published,Retailer letter 2021-03,Retailer mix 2020\n"
RETAILER_040 = "city:kaohsiung/retailer,kWh,kg,,,,0.4,2020,published,Retailer letter 2022-01,Retailer mix (revised)\n"
LNG_PLANT = "city:kaohsiung/lng_plant,TJ,kg,56100,1,0.1,,2020,user,Plant stack test 2020,LNG plant\n"
GOOD = (HEADER + RETAILER_050 + LNG_PLANT).encode()
REVISED = (HEADER + RETAILER_040 + LNG_PLANT).encode()

#: A row of Kaohsiung's draft that cites the retailer's factor: 1,000,000 kWh.
RETAILER_ROW = {
    "gpc_ref": "I.2.2",
    "description": "offices on the green retailer",
    "activity_value": "1000000",
    "activity_unit": "kWh",
    "factor_id": "city:kaohsiung/retailer",
}


def _fields(name: str = "Retailer 2020") -> factor_sets.FactorSetFields:
    return factor_sets.FactorSetFields(name=name, description="Letter of the retailer, 2021-03")


def _upload(world: World, actor: Actor, data: bytes = GOOD, name: str = "Retailer 2020", slug: str = "") -> int:
    with world.db.write() as session:
        found = factor_sets.upload_factor_set(session, actor, slug or world.slug, "retailer.csv", data, _fields(name))
        return found.id


def _choose(world: World, actor: Actor, set_id: int | None, year: int = 2020) -> Inventory:
    with world.db.write() as session:
        return factor_sets.choose_factor_set(session, actor, world.slug, year, set_id, reason="retailer contract")


def _set_count(world: World) -> int:
    with world.db.read() as session:
        return session.scalar(select(func.count()).select_from(FactorSet)) or 0


def _audit_count(world: World) -> int:
    with world.db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _record(world: World, record_id: int) -> ActivityRecord:
    with world.db.read() as session:
        found = session.get(ActivityRecord, record_id)
        assert found is not None
        return found


def _basic(world: World) -> float:
    with world.db.read() as session:
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None and inventory.summary is not None
        return float(inventory.summary["basic_tco2e"])  # type: ignore[arg-type]


def _issues(exc: pytest.ExceptionInfo[InputErrors]) -> set[tuple[int, str]]:
    return {(issue.row, issue.column) for issue in exc.value.issues}


# -- uploading -------------------------------------------------------------------------------------------------------
def test_an_editor_uploads_a_factor_file_which_is_kept_byte_for_byte_with_its_count_and_audit_entry(
    world: World,
) -> None:
    set_id = _upload(world, world.editor)

    with world.db.read() as session:
        stored = session.get(FactorSet, set_id)
        assert stored is not None
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "factor_set")).one()
    assert (stored.factor_count, stored.name, stored.filename, stored.content) == (
        2,
        "Retailer 2020",
        "retailer.csv",
        GOOD,
    )
    assert stored.sha256 == hashlib.sha256(GOOD).hexdigest()
    assert stored.created_by == world.editor.user_id and stored.city_id == world.city_id
    assert (entry.action, entry.entity_id, entry.city_id) == ("create", str(set_id), world.city_id)
    assert entry.user_id == world.editor.user_id
    assert entry.new_value is not None and '"factors": 2' in entry.new_value and stored.sha256 in entry.new_value


def test_a_set_reads_back_every_factor_with_its_gases_unit_source_year_and_status(world: World) -> None:
    set_id = _upload(world, world.editor)
    with world.db.read() as session:
        _, stored, _ = factor_sets.get_factor_set(session, world.viewer, world.slug, set_id)
        found = factor_sets.factors_of(stored)

    retailer, plant = (item.factor for item in found)
    assert [item.row for item in found] == [2, 3]
    assert (retailer.factor_id, dict(retailer.gases), retailer.unit_text) == ("city:kaohsiung/retailer", {"CO2e": 0.5},
                                                                              "kg/kWh")  # fmt: skip
    assert (retailer.source, retailer.year, retailer.status) == ("Retailer letter 2021-03", 2020, "published")
    assert dict(plant.gases) == {"CO2": 56100.0, "CH4": 1.0, "N2O": 0.1} and plant.status == "user"


def test_an_xlsx_factor_file_is_read_like_its_csv(world: World) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("係數")
    for number, line in enumerate((HEADER + RETAILER_050 + LNG_PLANT).splitlines()):
        for column, text in enumerate(line.split(",")):
            sheet.write_string(number, column, text)
    book.close()
    data = buffer.getvalue()
    assert openpyxl.load_workbook(io.BytesIO(data)).active.max_row == 3  # a real workbook, read back

    with world.db.write() as session:
        stored = factor_sets.upload_factor_set(session, world.editor, world.slug, "係數.xlsx", data, _fields())
        assert stored.factor_count == 2
        assert factor_sets.media_type(stored).endswith("spreadsheetml.sheet")
        assert [item.factor.gases for item in factor_sets.factors_of(stored)] == [
            {"CO2e": 0.5},
            {"CO2": 56100.0, "CH4": 1.0, "N2O": 0.1},
        ]


def test_a_bad_file_lists_every_problem_by_row_and_column_and_saves_nothing(world: World) -> None:
    bad = (
        HEADER
        + "city:a,kWh,kgg,,,,0.5,2020,published,x,\n"  # row 2: the mass unit is not a unit
        + "city:b,kWh,kg,,,,abc,2020,published,x,\n"  # row 3: not a number
        + "city:c,kWhh,kg,,,,1,20x0,published,,\n"  # row 4: three problems at once
        + "city:d,kWh,kg,,,,1,2020,promised,x,\n"  # row 5: not a status
        + "city:e,kWh,kg,,,,-1,2020,published,x,\n"  # row 6: negative
        + "city:f,kWh,kg,1,,,1,2020,published,x,\n"  # row 7: per-gas and CO2e values both
        + RETAILER_050  # row 8: fine
    ).encode()
    audit_before = _audit_count(world)

    with pytest.raises(InputErrors) as refused:
        _upload(world, world.editor, bad)

    assert _issues(refused) == {
        (2, "mass_unit"),
        (3, "co2e"),
        (4, "source"),
        (4, "activity_unit"),
        (4, "year"),
        (5, "status"),
        (6, "co2e"),
        (7, "co2e"),
    }
    assert len(refused.value.issues) == 8
    assert all(issue.file == "retailer.csv" and issue.reason for issue in refused.value.issues)
    assert _set_count(world) == 0 and _audit_count(world) == audit_before


def test_a_factor_id_of_the_bundled_library_or_one_repeated_in_the_file_is_refused(world: World) -> None:
    shadow = "tw-grid:2020,kWh,kg,,,,0.1,2020,user,my guess,\n"
    data = (HEADER + RETAILER_050 + shadow + RETAILER_040).encode()

    with pytest.raises(InputErrors) as refused:
        _upload(world, world.editor, data)

    assert _issues(refused) == {(3, "factor_id"), (4, "factor_id")}
    reasons = {issue.row: issue.reason for issue in refused.value.issues}
    assert "already exists (bundled:factors/tw_grid.csv)" in reasons[3]
    assert "already exists (user:retailer.csv, row 2)" in reasons[4]
    assert _set_count(world) == 0


def test_a_file_without_the_required_columns_names_each_missing_one(world: World) -> None:
    with pytest.raises(InputErrors) as refused:
        _upload(world, world.editor, b"factor_id,co2e\ncity:x,1\n")
    assert _issues(refused) == {(1, "activity_unit"), (1, "mass_unit"), (1, "source")}


def test_a_file_with_only_a_header_a_wrong_type_or_too_many_bytes_is_refused(world: World) -> None:
    with pytest.raises(InvalidRequest):
        _upload(world, world.editor, HEADER.encode())
    with world.db.write() as session, pytest.raises(InvalidRequest):
        factor_sets.upload_factor_set(session, world.editor, world.slug, "factors.pdf", GOOD, _fields())
    with world.db.write() as session, pytest.raises(TooLarge):
        factor_sets.upload_factor_set(session, world.editor, world.slug, "f.csv", GOOD, _fields(), max_bytes=100)
    assert _set_count(world) == 0


def test_two_sets_of_one_city_may_not_share_a_name(world: World) -> None:
    _upload(world, world.editor)
    with pytest.raises(Conflict):
        _upload(world, world.editor, REVISED)
    assert _set_count(world) == 1


# -- who may write -----------------------------------------------------------------------------------------------
def _prepare_upload(world: World) -> Callable[[Actor], object]:
    return lambda actor: _upload(world, actor, REVISED, name="someone else's")


def _prepare_choose(world: World) -> Callable[[Actor], object]:
    set_id = _upload(world, world.admin)
    return lambda actor: _choose(world, actor, set_id)


def _prepare_clear(world: World) -> Callable[[Actor], object]:
    _choose(world, world.admin, _upload(world, world.admin))
    return lambda actor: _choose(world, actor, None)


def _prepare_delete(world: World) -> Callable[[Actor], object]:
    set_id = _upload(world, world.admin)

    def delete(actor: Actor) -> None:
        with world.db.write() as session:
            factor_sets.delete_factor_set(session, actor, world.slug, set_id)

    return delete


#: Each write, prepared as the administrator; the returned action is then tried by the actor under test.
WRITES = {"upload": _prepare_upload, "choose": _prepare_choose, "clear": _prepare_clear, "delete": _prepare_delete}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize(
    ("who", "refusal"),
    [("other_editor", (Forbidden, NotFound)), ("viewer", (Forbidden,)), ("public", (NotAuthenticated, NotFound))],
)
def test_only_the_citys_editors_and_administrators_may_write(
    world: World, state: State, write: str, who: str, refusal: tuple[type[Exception], ...]
) -> None:
    act = WRITES[write](world)
    before, sets = state(world.db, world.inventory_id), _set_count(world)

    with pytest.raises(refusal):
        act(getattr(world, who))

    assert state(world.db, world.inventory_id) == before and _set_count(world) == sets


@pytest.mark.parametrize("write", list(WRITES))
def test_the_citys_editor_may_make_every_write(world: World, state: State, write: str) -> None:
    act = WRITES[write](world)
    before, sets = state(world.db, world.inventory_id), _set_count(world)

    act(world.editor)

    assert (state(world.db, world.inventory_id), _set_count(world)) != (before, sets)


# -- choosing a set ------------------------------------------------------------------------------------------------
def test_choosing_a_set_computes_a_row_that_cites_a_city_factor_with_the_sets_value(world: World) -> None:
    first, revised = _upload(world, world.editor), _upload(world, world.editor, REVISED, name="Retailer revised")
    _choose(world, world.editor, first)
    before = _basic(world)
    with world.db.write() as session:
        record = records.add_record(session, world.editor, world.slug, 2020, records.NewRecord(cells=RETAILER_ROW))
        record_id = record.id

    # 1,000,000 kWh x 0.5 kg CO2e/kWh = 500,000 kg = 500 t CO2e (a CO2e-only factor is not re-weighted).
    assert _record(world, record_id).co2e_t == pytest.approx(500.0, rel=1e-12)
    assert _basic(world) - before == pytest.approx(500.0, rel=1e-9)
    assert _record(world, record_id).detail["factor_source"] == "Retailer letter 2021-03"  # type: ignore[index]

    _choose(world, world.editor, revised)

    # The revised set: 1,000,000 kWh x 0.4 kg/kWh = 400 t.
    assert _record(world, record_id).co2e_t == pytest.approx(400.0, rel=1e-12)
    assert _basic(world) - before == pytest.approx(400.0, rel=1e-9)


def test_a_per_gas_city_factor_is_weighted_with_the_inventorys_gwp_set(world: World) -> None:
    _choose(world, world.editor, _upload(world, world.editor))
    cells = {"gpc_ref": "I.4.1", "activity_value": "10", "activity_unit": "TJ", "factor_id": "city:kaohsiung/lng_plant"}
    with world.db.write() as session:
        record_id = records.add_record(session, world.editor, world.slug, 2020, records.NewRecord(cells=cells)).id

    # 10 TJ x (56,100 kg CO2 + 1 kg CH4 x 28 + 0.1 kg N2O x 265) per TJ, AR5 GWP100 (IPCC AR5 WG1 Table 8.A.1)
    # = 561,000 + 280 + 265 kg = 561.545 t CO2e.
    assert _record(world, record_id).co2e_t == pytest.approx(561.545, rel=1e-12)


def test_choosing_a_set_is_audited_with_the_old_and_new_set_the_reason_and_the_user(world: World) -> None:
    first, revised = _upload(world, world.editor), _upload(world, world.editor, REVISED, name="Retailer revised")
    version = _choose(world, world.editor, first).version
    after = _choose(world, world.admin, revised)

    assert after.version == version + 1 and after.factor_set_id == revised
    with world.db.read() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.field == "factor_set").order_by(AuditEntry.id)
        ).all()
    assert [(e.entity, e.action, e.inventory_id, e.user_id) for e in entries] == [
        ("inventory", "update", world.inventory_id, world.editor.user_id),
        ("inventory", "update", world.inventory_id, world.admin.user_id),
    ]
    assert entries[0].old_value is None and '"name": "Retailer 2020"' in (entries[0].new_value or "")
    assert '"name": "Retailer revised"' in (entries[1].new_value or "") and entries[1].reason == "retailer contract"


def test_clearing_the_set_while_a_row_cites_it_names_the_row_and_changes_nothing(world: World, state: State) -> None:
    _choose(world, world.editor, _upload(world, world.editor))
    with world.db.write() as session:
        record = records.add_record(session, world.editor, world.slug, 2020, records.NewRecord(cells=RETAILER_ROW))
        line = record.line
    before = state(world.db, world.inventory_id)

    with pytest.raises(InputErrors) as refused:
        _choose(world, world.editor, None)

    assert _issues(refused) == {(line, "factor_id")}
    assert "unknown factor id 'city:kaohsiung/retailer'" in refused.value.issues[0].reason
    assert state(world.db, world.inventory_id) == before


def test_clearing_the_set_when_no_row_needs_it_goes_back_to_the_bundled_library(world: World) -> None:
    before = _basic(world)
    _choose(world, world.editor, _upload(world, world.editor))
    cleared = _choose(world, world.editor, None)
    assert cleared.factor_set_id is None and _basic(world) == pytest.approx(before, rel=1e-12)


def test_a_set_of_another_city_is_refused(world: World) -> None:
    tainan_set = _upload(world, world.other_editor, slug=world.other_slug)
    with pytest.raises(InvalidRequest):
        _choose(world, world.admin, tainan_set)
    with pytest.raises(NotFound):  # Kaohsiung's editor does not even learn that it exists
        _choose(world, world.editor, tainan_set)


def test_a_submitted_inventory_refuses_a_new_set(world: World) -> None:
    set_id = _upload(world, world.editor)
    with world.db.write() as session:
        inventories.change_status(session, world.editor, world.slug, 2020, "submit")
    with pytest.raises(Conflict):
        _choose(world, world.editor, set_id)


def test_a_stale_inventory_version_is_refused(world: World) -> None:
    set_id = _upload(world, world.editor)
    with world.db.write() as session, pytest.raises(Conflict):
        factor_sets.choose_factor_set(session, world.editor, world.slug, 2020, set_id, expected_version=1)


# -- reading ---------------------------------------------------------------------------------------------------------
def _readable(world: World, actor: Actor) -> dict[int, list[int]]:
    with world.db.read() as session:
        _, found = factor_sets.list_factor_sets(session, actor, world.slug)
    return {item.id: [use.year for use in uses] for item, uses in found}


def test_the_public_sees_a_set_only_when_a_published_inventory_uses_it(world: World) -> None:
    used, unused = _upload(world, world.editor), _upload(world, world.editor, REVISED, name="Retailer revised")
    with world.db.write() as session:
        inventories.create_inventory(session, world.editor, world.slug, inventories.InventoryFields(year=2021))
    _choose(world, world.editor, used)
    _choose(world, world.editor, used, year=2021)
    assert _readable(world, world.public) == {}
    with world.db.read() as session, pytest.raises(NotFound):
        factor_sets.get_factor_set(session, world.public, world.slug, used)

    for actor, action in ((world.editor, "submit"), (world.admin, "approve"), (world.editor, "publish")):
        with world.db.write() as session:
            inventories.change_status(session, actor, world.slug, 2020, action)

    assert _readable(world, world.public) == {used: [2020]}  # the 2021 draft stays unknown
    assert _readable(world, world.other_editor) == {used: [2020]}
    assert _readable(world, world.viewer) == {unused: [], used: [2020, 2021]}
    with world.db.read() as session:
        _, stored, uses = factor_sets.get_factor_set(session, world.public, world.slug, used)
        assert stored.content == GOOD and [use.year for use in uses] == [2020]
        with pytest.raises(NotFound):
            factor_sets.get_factor_set(session, world.public, world.slug, unused)


def test_a_set_is_not_found_under_another_citys_name(world: World) -> None:
    set_id = _upload(world, world.editor)
    with world.db.read() as session, pytest.raises(NotFound):
        factor_sets.get_factor_set(session, world.admin, world.other_slug, set_id)


# -- deleting --------------------------------------------------------------------------------------------------------
def test_a_set_in_use_cannot_be_deleted_and_the_conflict_names_the_inventories(world: World) -> None:
    set_id = _upload(world, world.editor)
    _choose(world, world.editor, set_id)

    with world.db.write() as session, pytest.raises(Conflict) as refused:
        factor_sets.delete_factor_set(session, world.admin, world.slug, set_id)

    assert refused.value.params["inventories"] == "2020"
    assert _set_count(world) == 1


def test_an_unused_set_is_deleted_and_the_deletion_audited(world: World) -> None:
    set_id = _upload(world, world.editor)
    _choose(world, world.editor, set_id)
    _choose(world, world.editor, None)

    with world.db.write() as session:
        factor_sets.delete_factor_set(session, world.editor, world.slug, set_id, reason="superseded")

    assert _set_count(world) == 0
    with world.db.read() as session:
        query = select(AuditEntry).where(AuditEntry.entity == "factor_set").order_by(AuditEntry.id.desc())
        entry = session.scalars(query).first()
    assert entry is not None and (entry.action, entry.reason) == ("delete", "superseded")
    assert entry.user_id == world.editor.user_id
    assert entry.old_value is not None and "retailer.csv" in entry.old_value


def test_an_inventory_named_by_its_id_can_be_given_a_set(world: World) -> None:
    set_id = _upload(world, world.editor)
    with world.db.write() as session:
        chosen = factor_sets.choose_factor_set_by_id(session, Actor.system(), world.inventory_id, set_id)
        assert chosen.factor_set_id == set_id
    with world.db.write() as session, pytest.raises(NotFound):
        factor_sets.choose_factor_set_by_id(session, Actor.system(), 999_999, set_id)
