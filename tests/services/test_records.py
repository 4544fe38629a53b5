"""Editing activity records one at a time: every change recomputes the inventory in the same transaction, is
audited with old value, new value, reason and user, and a stale version never overwrites someone else's save."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from zerocity.core.errors import InputErrors
from zerocity.services import audit, inventories, records
from zerocity.services.computation import compute_rows, factor_library, rows_from_bytes
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, Inventory, RefResult

if TYPE_CHECKING:
    from tests.services.conftest import World

State = Callable[[Database, int], dict[str, Any]]


def _record(world: World, gpc_ref: str) -> ActivityRecord:
    with world.db.read() as session:
        found = session.scalars(
            select(ActivityRecord).where(
                ActivityRecord.inventory_id == world.inventory_id, ActivityRecord.gpc_ref == gpc_ref
            )
        ).all()
    assert len(found) == 1
    return found[0]


def _inventory(world: World) -> Inventory:
    with world.db.read() as session:
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None
        return inventory


def _update(world: World, actor: Any, record_id: int, cells: dict[str, str], version: int, reason: str = "") -> None:
    with world.db.write() as session:
        records.update_record(
            session, actor, record_id, records.RecordChange(cells=cells, version=version, reason=reason)
        )


def _engine_basic(world: World, data: bytes) -> float:
    with world.db.read() as session:
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None
        result = compute_rows(rows_from_bytes(data, "check.csv"), inventory, factor_library(session, inventory))
    return result.total("basic")


# -- updating -------------------------------------------------------------------------------------------------------
def test_updating_a_record_recomputes_the_row_the_refs_and_the_totals(world: World) -> None:
    gas = _record(world, "I.1.1")
    before = _inventory(world)
    _update(world, world.editor, gas.id, {"activity_value": "200"}, gas.version, reason="meter re-read")

    after = _inventory(world)
    changed = _record(world, "I.1.1")
    expected = _engine_basic(world, world.activity.replace(b"I.1.1,100,", b"I.1.1,200,"))
    assert changed.cells["activity_value"] == "200" and changed.version == gas.version + 1
    assert changed.co2e_t == pytest.approx(2 * (gas.co2e_t or 0.0), rel=1e-12)
    assert after.summary is not None and before.summary is not None
    assert after.summary["basic_tco2e"] == pytest.approx(expected, rel=1e-12)
    assert after.summary["basic_tco2e"] - before.summary["basic_tco2e"] == pytest.approx(gas.co2e_t, rel=1e-9)
    with world.db.read() as session:
        ref = session.get(RefResult, (world.inventory_id, "I.1.1"))
    assert ref is not None and ref.tco2e == pytest.approx(changed.co2e_t, rel=1e-12)
    assert after.version == before.version + 1


def test_an_update_is_audited_with_the_old_and_new_value_the_reason_and_the_user(world: World) -> None:
    gas = _record(world, "I.1.1")
    _update(world, world.editor, gas.id, {"activity_value": "200", "source": "meter re-read"}, gas.version, "typo")
    with world.db.read() as session:
        entries, _ = audit.entries(session, inventory_id=world.inventory_id)
    found = {e.field: e for e in entries if e.entity == "record" and e.entity_id == str(gas.id)}
    assert set(found) == {"activity_value", "source"}
    entry = found["activity_value"]
    assert (entry.action, entry.old_value, entry.new_value) == ("update", "100", "200")
    assert (entry.reason, entry.user_id, entry.city_id) == ("typo", world.editor.user_id, world.city_id)
    assert (found["source"].old_value, found["source"].new_value) == ("utility gas sales", "meter re-read")


def test_a_bad_edit_raises_the_input_errors_and_saves_nothing(world: World, state: State) -> None:
    gas = _record(world, "I.1.1")
    before = state(world.db, world.inventory_id)
    with pytest.raises(InputErrors) as caught:
        _update(world, world.editor, gas.id, {"activity_value": "a lot"}, gas.version, reason="oops")
    assert [(i.row, i.column) for i in caught.value.issues] == [(gas.line, "activity_value")]
    assert state(world.db, world.inventory_id) == before  # no record change, no result, no audit entry


def test_the_second_of_two_editors_saving_from_a_stale_version_gets_a_conflict_and_the_first_change_stays(
    world: World, state: State
) -> None:
    opened_by_both = _record(world, "I.1.1")
    _update(world, world.editor, opened_by_both.id, {"activity_value": "150"}, opened_by_both.version)
    after_first = state(world.db, world.inventory_id)
    with pytest.raises(Conflict):
        _update(world, world.admin, opened_by_both.id, {"activity_value": "999"}, opened_by_both.version)
    assert state(world.db, world.inventory_id) == after_first
    assert _record(world, "I.1.1").cells["activity_value"] == "150"


def test_an_edit_that_changes_nothing_keeps_the_version(world: World) -> None:
    gas = _record(world, "I.1.1")
    _update(world, world.editor, gas.id, {"activity_value": "100"}, gas.version)
    assert _record(world, "I.1.1").version == gas.version


def test_an_empty_text_clears_a_cell(world: World) -> None:
    gas = _record(world, "I.1.1")
    _update(world, world.editor, gas.id, {"source": ""}, gas.version)
    assert "source" not in _record(world, "I.1.1").cells


def test_the_gpc_reference_cannot_be_cleared(world: World) -> None:
    gas = _record(world, "I.1.1")
    with pytest.raises(InvalidRequest):
        _update(world, world.editor, gas.id, {"gpc_ref": ""}, gas.version)


def test_moving_a_row_to_another_reference_moves_its_emissions(world: World) -> None:
    gas = _record(world, "I.1.1")
    _update(world, world.editor, gas.id, {"gpc_ref": "I.6.1"}, gas.version, reason="not residential after all")
    with world.db.read() as session:
        refs = dict(session.execute(select(RefResult.ref, RefResult.tco2e)).all())
    assert "I.1.1" not in refs
    assert refs["I.6.1"] == pytest.approx(gas.co2e_t, rel=1e-12)
    assert _record(world, "I.6.1").id == gas.id


def test_column_names_are_normalised_like_file_headers() -> None:
    change = records.RecordChange(cells={" Activity Value ": " 12 "}, version=1)
    assert change.cells == {"activity_value": "12"}
    with pytest.raises(ValidationError):
        records.RecordChange(cells={"activity_value": "1" * 2001}, version=1)
    with pytest.raises(ValidationError):
        records.RecordChange(cells={}, version=1)


# -- who may edit ---------------------------------------------------------------------------------------------------
def test_a_viewer_cannot_edit_and_another_citys_editor_cannot_even_see_the_record(world: World) -> None:
    gas = _record(world, "I.1.1")
    with pytest.raises(Forbidden):
        _update(world, world.viewer, gas.id, {"activity_value": "1"}, gas.version)
    with pytest.raises(NotFound):
        _update(world, world.other_editor, gas.id, {"activity_value": "1"}, gas.version)
    with pytest.raises(NotFound):
        _update(world, world.public, gas.id, {"activity_value": "1"}, gas.version)
    assert _record(world, "I.1.1").cells["activity_value"] == "100"


def test_records_of_a_submitted_inventory_cannot_be_edited_or_deleted(world: World) -> None:
    gas = _record(world, "I.1.1")
    with world.db.write() as session:
        inventories.change_status(session, world.editor, world.slug, world.year, "submit")
    with pytest.raises(Conflict):
        _update(world, world.editor, gas.id, {"activity_value": "1"}, gas.version)
    with pytest.raises(Conflict), world.db.write() as session:
        records.delete_record(session, world.editor, gas.id, version=gas.version)


# -- adding and deleting --------------------------------------------------------------------------------------------
def test_adding_a_record_puts_it_after_the_last_line_and_recomputes(world: World) -> None:
    before = _inventory(world)
    with world.db.write() as session:
        new = records.NewRecord(
            cells={
                "gpc_ref": "I.3.1",
                "activity_value": "10",
                "activity_unit": "TJ",
                "factor_id": "ipcc2006/manufacturing_construction/natural_gas",
                "description": "",
            },
            reason="plant survey arrived",
        )
        added = records.add_record(session, world.editor, world.slug, world.year, new)
    stored = _record(world, "I.3.1")
    after = _inventory(world)
    assert stored.id == added.id and stored.line == 8
    assert "description" not in stored.cells  # empty cells are not kept
    assert stored.co2e_t is not None and stored.co2e_t > 0
    assert after.record_count == before.record_count + 1
    assert after.summary is not None and before.summary is not None
    assert after.summary["basic_tco2e"] == pytest.approx(before.summary["basic_tco2e"] + stored.co2e_t, rel=1e-12)
    with world.db.read() as session:
        entries, _ = audit.entries(session, inventory_id=world.inventory_id)
    assert (entries[0].action, entries[0].reason) == ("create", "plant survey arrived")


def test_a_record_that_does_not_compute_is_not_added(world: World, state: State) -> None:
    before = state(world.db, world.inventory_id)
    bad = records.NewRecord(cells={"gpc_ref": "I.3.1", "activity_value": "10", "activity_unit": "TJ"})
    with pytest.raises(InputErrors), world.db.write() as session:
        records.add_record(session, world.editor, world.slug, world.year, bad)
    assert state(world.db, world.inventory_id) == before


def test_deleting_a_record_recomputes_and_keeps_the_deleted_cells_in_the_audit_log(world: World) -> None:
    road = _record(world, "II.1.1")
    before = _inventory(world)
    with world.db.write() as session:
        records.delete_record(session, world.editor, road.id, version=road.version, reason="double counted")
    after = _inventory(world)
    assert after.record_count == before.record_count - 1
    assert after.summary is not None and before.summary is not None
    assert after.summary["basic_tco2e"] == pytest.approx(before.summary["basic_tco2e"] - (road.co2e_t or 0), rel=1e-12)
    with world.db.read() as session:
        assert session.get(ActivityRecord, road.id) is None
        assert session.get(RefResult, (world.inventory_id, "II.1.1")) is None
        entries, _ = audit.entries(session, inventory_id=world.inventory_id)
    assert (entries[0].action, entries[0].reason, entries[0].user_id) == (
        "delete",
        "double counted",
        world.editor.user_id,
    )
    assert "gas_diesel_oil" in (entries[0].old_value or "")


def test_deleting_from_a_stale_version_is_a_conflict(world: World) -> None:
    gas = _record(world, "I.1.1")
    _update(world, world.editor, gas.id, {"activity_value": "150"}, gas.version)
    with pytest.raises(Conflict), world.db.write() as session:
        records.delete_record(session, world.editor, gas.id, version=gas.version)
    assert _record(world, "I.1.1").cells["activity_value"] == "150"


def test_deleting_the_last_record_clears_the_results(world: World) -> None:
    with world.db.read() as session:
        every = session.execute(
            select(ActivityRecord.id, ActivityRecord.version).where(ActivityRecord.inventory_id == world.inventory_id)
        ).all()
    for record_id, version in every:
        with world.db.write() as session:
            records.delete_record(session, world.editor, record_id, version=version)
    inventory = _inventory(world)
    assert (inventory.record_count, inventory.summary) == (0, None)
    with world.db.read() as session:
        assert session.scalars(select(RefResult).where(RefResult.inventory_id == world.inventory_id)).all() == []


# -- reading --------------------------------------------------------------------------------------------------------
def test_records_are_listed_by_line_page_by_page_and_filtered_by_reference(world: World) -> None:
    with world.db.read() as session:
        _, _, first = records.list_records(session, world.viewer, world.slug, world.year, page=1, per_page=4)
        _, _, second = records.list_records(session, world.viewer, world.slug, world.year, page=2, per_page=4)
        _, _, only = records.list_records(session, world.viewer, world.slug, world.year, gpc_ref="IV.2")
    assert [r.line for r in first.records] == [2, 3, 4, 5]
    assert [r.line for r in second.records] == [6, 7]
    assert (first.total, first.pages) == (6, 2)
    assert [(r.gpc_ref, r.cells["gas"]) for r in only.records] == [("IV.2", "HFC-134a")]


def test_the_public_cannot_list_the_records_of_a_draft(world: World) -> None:
    with pytest.raises(NotFound), world.db.read() as session:
        records.list_records(session, world.public, world.slug, world.year)


def test_paging_outside_its_bounds_is_refused(world: World) -> None:
    for page, per_page in ((0, 50), (1, 0), (1, 1001)):
        with pytest.raises(InvalidRequest), world.db.read() as session:
            records.list_records(session, world.editor, world.slug, world.year, page=page, per_page=per_page)


# -- two editors at the same moment ---------------------------------------------------------------------------------
def _wait_until_blocked(db: Database, thread: threading.Thread) -> None:
    """Until the other transaction waits for our lock (PostgreSQL tells; SQLite's busy wait cannot be seen, so
    there a short pause stands in). Bounded: if nothing ever blocks, the test goes on and checks the outcome."""
    if db.is_sqlite:
        thread.join(timeout=0.3)
        return
    with db.engine.connect() as probe:
        for _ in range(200):
            waiting = probe.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).scalar()
            if waiting or not thread.is_alive():
                return
            thread.join(timeout=0.05)


def test_two_editors_saving_different_rows_at_the_same_time_leave_totals_that_match_the_records(world: World) -> None:
    gas, lpg = _record(world, "I.1.1"), _record(world, "I.2.1")
    version = _inventory(world).version
    errors: list[BaseException] = []

    def second_editor() -> None:
        try:
            _update(world, world.admin, lpg.id, {"activity_value": "100"}, lpg.version)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with world.db.write() as first:
        records.update_record(
            first, world.editor, gas.id, records.RecordChange(cells={"activity_value": "200"}, version=gas.version)
        )
        first.flush()
        other = threading.Thread(target=second_editor)
        other.start()
        _wait_until_blocked(world.db, other)
    other.join(timeout=30)
    assert not other.is_alive() and errors == []

    inventory = _inventory(world)
    with world.db.read() as session:
        stored = session.execute(
            select(ActivityRecord.gpc_ref, ActivityRecord.cells).where(
                ActivityRecord.inventory_id == world.inventory_id
            )
        ).all()
        refs = dict(session.execute(select(RefResult.ref, RefResult.tco2e)).all())
    assert {ref: cells.get("activity_value") for ref, cells in stored if ref in ("I.1.1", "I.2.1")} == {
        "I.1.1": "200",
        "I.2.1": "100",
    }
    expected = _engine_basic(
        world, world.activity.replace(b"I.1.1,100,", b"I.1.1,200,").replace(b"I.2.1,50,", b"I.2.1,100,")
    )
    assert inventory.summary is not None
    assert inventory.summary["basic_tco2e"] == pytest.approx(expected, rel=1e-12)
    assert refs["I.1.1"] == pytest.approx(2 * (gas.co2e_t or 0.0), rel=1e-12)
    assert refs["I.2.1"] == pytest.approx(2 * (lpg.co2e_t or 0.0), rel=1e-12)
    assert inventory.version == version + 2


def test_two_editors_saving_the_same_row_at_the_same_time_the_second_gets_a_conflict(world: World) -> None:
    gas = _record(world, "I.1.1")
    errors: list[BaseException] = []

    def second_editor() -> None:
        try:
            _update(world, world.admin, gas.id, {"activity_value": "999"}, gas.version)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with world.db.write() as first:
        records.update_record(
            first, world.editor, gas.id, records.RecordChange(cells={"activity_value": "150"}, version=gas.version)
        )
        first.flush()
        other = threading.Thread(target=second_editor)
        other.start()
        _wait_until_blocked(world.db, other)
    other.join(timeout=30)
    assert not other.is_alive()
    assert [type(e) for e in errors] == [Conflict]
    saved = _record(world, "I.1.1")
    assert (saved.cells["activity_value"], saved.version) == ("150", gas.version + 1)
