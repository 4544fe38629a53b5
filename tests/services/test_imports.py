"""Importing activity files: a preview that saves nothing but the batch, a commit that lands whole or not at all.

Every test runs on SQLite and on PostgreSQL (``db_url``), except the one that kills a process in the middle of an
import, which needs a database file that outlives the process (SQLite).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select, text

from zerocity.core.errors import InputErrors
from zerocity.services import exports, imports, inventories, records
from zerocity.services.computation import compute_rows, factor_library, rows_from_bytes
from zerocity.services.demo import demo_activity_file
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotFound, TooLarge
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, ImportBatch, Inventory, RefResult

if TYPE_CHECKING:
    from tests.services.conftest import World

State = Callable[[Database, int], dict[str, Any]]

#: Three rows with four problems between them (row 3 has two), each at a known spreadsheet row and column.
BROKEN = (
    b"gpc_ref,activity_value,activity_unit,factor_id,year\n"
    b"I.1.1,100,TJ,ipcc2006/residential/natural_gas,2020\n"
    b"I.9.9,100,TJ,ipcc2006/residential/natural_gas,2020\n"
    b"I.2.1,lots,furlongs,ipcc2006/commercial_institutional/natural_gas,2020\n"
    b"II.1.1,200,TJ,no/such/factor,2020\n"
)

#: Two further rows for the appending tests.
EXTRA = (
    b"gpc_ref,activity_value,activity_unit,factor_id,data_quality,source,year\n"
    b"I.3.1,10,TJ,ipcc2006/manufacturing_construction/natural_gas,M,plant survey,2020\n"
    b"I.5.1,5,TJ,ipcc2006/agriculture/gas_diesel_oil,M,farm survey,2020\n"
)


def _preview(world: World, data: bytes, *, mode: str = "replace", filename: str = "upload.csv") -> int:
    with world.db.write() as session:
        preview = imports.preview_import(session, world.editor, world.slug, world.year, filename, data, mode=mode)
        return preview.batch.id


def _commit(world: World, batch_id: int) -> None:
    with world.db.write() as session:
        imports.commit_import(session, world.editor, batch_id)


def _engine_summary(world: World, data: bytes) -> dict[str, Any]:
    """What the accounting core alone makes of ``data`` for the world's inventory."""
    with world.db.read() as session:
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None
        rows = rows_from_bytes(data, "check.csv")
        return compute_rows(rows, inventory, factor_library(session, inventory)).summary()


# -- preview ------------------------------------------------------------------------------------------------------
def test_a_preview_with_errors_lists_every_error_with_its_row_and_column(world: World) -> None:
    with world.db.write() as session:
        preview = imports.preview_import(session, world.editor, world.slug, world.year, "broken.csv", BROKEN)
        assert not preview.ok
        assert preview.batch.status == "rejected"
        found = {(issue.row, issue.column) for issue in preview.issues}
        stored = {(issue["row"], issue["column"]) for issue in preview.batch.issues}
        assert preview.batch.preview == {"issue_count": len(preview.issues)}
    assert {(3, "gpc_ref"), (4, "activity_value"), (5, "factor_id")} <= found
    assert stored == found
    assert all(issue.file == "broken.csv" and issue.reason for issue in preview.issues)


def test_a_preview_with_errors_saves_nothing_to_the_inventory(world: World, state: State) -> None:
    before = state(world.db, world.inventory_id)
    batch_id = _preview(world, BROKEN)
    after = state(world.db, world.inventory_id)
    assert after["batches"] == [*before["batches"], (batch_id, "rejected")]
    assert {k: v for k, v in after.items() if k != "batches"} == {k: v for k, v in before.items() if k != "batches"}


def test_a_clean_preview_shows_the_totals_but_changes_nothing_until_committed(world: World, state: State) -> None:
    before = state(world.db, world.inventory_id)
    batch_id = _preview(world, EXTRA)
    after = state(world.db, world.inventory_id)
    assert after["batches"] == [*before["batches"], (batch_id, "preview")]
    assert after["records"] == before["records"] and after["inventory"] == before["inventory"]
    with world.db.read() as session:
        batch = session.get(ImportBatch, batch_id)
        assert batch is not None
        assert batch.rows == 2
        assert batch.preview is not None
        assert batch.preview["basic_tco2e"] == pytest.approx(_engine_summary(world, EXTRA)["basic_tco2e"], rel=1e-12)


def test_a_preview_keeps_the_uploaded_file_compressed_with_its_hash(world: World) -> None:
    import hashlib
    import zlib

    batch_id = _preview(world, EXTRA, filename="C:\\Users\\officer\\extra.csv")
    with world.db.read() as session:
        batch = session.get(ImportBatch, batch_id)
        assert batch is not None
        assert zlib.decompress(batch.content) == EXTRA
        assert batch.sha256 == hashlib.sha256(EXTRA).hexdigest()
        assert batch.size == len(EXTRA)
        assert batch.filename == "extra.csv"  # the browser's path is not kept


# -- commit -------------------------------------------------------------------------------------------------------
def test_a_commit_replaces_every_record_and_stores_the_engine_figures(world: World) -> None:
    _commit(world, _preview(world, EXTRA))
    expected = _engine_summary(world, EXTRA)
    with world.db.read() as session:
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None
        stored = session.execute(
            select(ActivityRecord.line, ActivityRecord.gpc_ref, ActivityRecord.cells, ActivityRecord.co2e_t)
            .where(ActivityRecord.inventory_id == world.inventory_id)
            .order_by(ActivityRecord.line)
        ).all()
        refs = dict(session.execute(select(RefResult.ref, RefResult.tco2e)).all())
    assert [(line, ref) for line, ref, _, _ in stored] == [(2, "I.3.1"), (3, "I.5.1")]
    assert stored[0].cells["source"] == "plant survey"
    assert inventory.record_count == 2
    assert inventory.summary is not None
    assert inventory.summary["basic_tco2e"] == pytest.approx(expected["basic_tco2e"], rel=1e-12)
    assert sum(co2e for *_, co2e in stored) == pytest.approx(expected["basic_tco2e"], rel=1e-12)
    assert refs == pytest.approx({ref: v["tco2e"] for ref, v in expected["by_ref"].items()}, rel=1e-12)


def test_a_commit_writes_one_audit_entry_naming_the_file_and_the_record_counts(world: World) -> None:
    import json

    from zerocity.services import audit

    batch_id = _preview(world, EXTRA, filename="extra.csv")
    _commit(world, batch_id)
    with world.db.read() as session:
        entries, _ = audit.entries(session, inventory_id=world.inventory_id)
    latest = entries[0]
    assert (latest.action, latest.user_id) == ("import_replace", world.editor.user_id)
    assert json.loads(latest.old_value or "")["records"] == 6
    new = json.loads(latest.new_value or "")
    assert (new["records"], new["import"], new["file"]) == (2, batch_id, "extra.csv")


def test_committing_the_same_batch_twice_is_a_conflict(world: World, state: State) -> None:
    batch_id = _preview(world, EXTRA)
    _commit(world, batch_id)
    before = state(world.db, world.inventory_id)
    with pytest.raises(Conflict):
        _commit(world, batch_id)
    assert state(world.db, world.inventory_id) == before


def test_a_commit_after_the_inventory_changed_since_the_preview_is_a_conflict(world: World, state: State) -> None:
    batch_id = _preview(world, EXTRA)
    with world.db.write() as session:
        records.add_record(
            session,
            world.editor,
            world.slug,
            world.year,
            records.NewRecord(cells={"gpc_ref": "I.8.1", "notation_key": "NE"}),
        )
    before = state(world.db, world.inventory_id)
    with pytest.raises(Conflict):
        _commit(world, batch_id)
    assert state(world.db, world.inventory_id) == before


def test_a_rejected_or_discarded_batch_cannot_be_committed(world: World) -> None:
    rejected = _preview(world, BROKEN)
    discarded = _preview(world, EXTRA)
    with world.db.write() as session:
        imports.discard_import(session, world.editor, discarded)
    for batch_id in (rejected, discarded):
        with pytest.raises(Conflict):
            _commit(world, batch_id)


def test_a_failure_in_the_middle_of_a_commit_leaves_the_database_exactly_as_before(
    world: World, state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_id = _preview(world, EXTRA)
    before = state(world.db, world.inventory_id)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full, say, after the records were replaced")

    # The records are already deleted and re-inserted when the results are stored.
    monkeypatch.setattr(imports, "store_result", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        _commit(world, batch_id)
    assert state(world.db, world.inventory_id) == before

    monkeypatch.undo()
    _commit(world, batch_id)  # the batch is still committable: nothing of the failed attempt stuck
    assert state(world.db, world.inventory_id)["inventory"]["record_count"] == 2


# -- modes and years -----------------------------------------------------------------------------------------------
def test_appending_numbers_the_new_rows_after_the_last_stored_line(world: World) -> None:
    _commit(world, _preview(world, EXTRA, mode="append"))
    with world.db.read() as session:
        stored = session.execute(
            select(ActivityRecord.line, ActivityRecord.gpc_ref)
            .where(ActivityRecord.inventory_id == world.inventory_id)
            .order_by(ActivityRecord.line)
        ).all()
        inventory = session.get(Inventory, world.inventory_id)
        assert inventory is not None
    assert [tuple(r) for r in stored] == [
        (2, "I.1.1"),
        (3, "I.1.2"),
        (4, "I.2.1"),
        (5, "II.1.1"),
        (6, "I.7.1"),
        (7, "IV.2"),
        (8, "I.3.1"),
        (9, "I.5.1"),
    ]
    assert inventory.record_count == 8
    assert inventory.summary is not None
    both = _engine_summary(world, world.activity)["basic_tco2e"] + _engine_summary(world, EXTRA)["basic_tco2e"]
    assert inventory.summary["basic_tco2e"] == pytest.approx(both, rel=1e-12)


def test_appending_rows_the_inventory_already_has_is_refused_as_duplicates(world: World, state: State) -> None:
    before = state(world.db, world.inventory_id)
    with world.db.write() as session:
        preview = imports.preview_import(
            session, world.editor, world.slug, world.year, "again.csv", world.activity, mode="append"
        )
    assert not preview.ok
    duplicates = [i for i in preview.issues if "duplicate of row" in i.reason]
    # The six appended rows land on lines 8-13 and each repeats a stored line 2-7.
    assert sorted(i.row for i in duplicates) == list(range(8, 14))
    assert any("duplicate of row 2" in i.reason for i in duplicates)
    assert state(world.db, world.inventory_id)["records"] == before["records"]


def test_a_multi_year_file_keeps_only_the_inventory_year_and_reports_the_other_years(world: World) -> None:
    data = demo_activity_file(1.0, "")  # the Kaohsiung demo file: 45 rows for each of 2017-2020
    with world.db.write() as session:
        preview = imports.preview_import(session, world.editor, world.slug, world.year, "kaohsiung.csv", data)
        assert preview.ok, preview.issues[:3]
        assert preview.batch.rows == 45
        assert preview.batch.preview is not None
        assert preview.batch.preview["other_years"] == {"2017": 45, "2018": 45, "2019": 45}
        batch_id = preview.batch.id
    _commit(world, batch_id)
    with world.db.read() as session:
        years = session.scalars(
            select(ActivityRecord.cells).where(ActivityRecord.inventory_id == world.inventory_id)
        ).all()
    assert len(years) == 45
    assert {cells["year"] for cells in years} == {str(world.year)}


# -- what is refused -----------------------------------------------------------------------------------------------
def test_a_50_mb_upload_is_too_large_and_leaves_no_batch(world: World, state: State) -> None:
    before = state(world.db, world.inventory_id)
    data = b"gpc_ref\n" + b"I.1.1\n" * (50 * 1024 * 1024 // 6)
    assert len(data) > 50 * 1000 * 1000
    with pytest.raises(TooLarge) as caught, world.db.write() as session:
        imports.preview_import(session, world.editor, world.slug, world.year, "huge.csv", data)
    assert caught.value.params["limit"] == 20 * 1024 * 1024
    assert state(world.db, world.inventory_id) == before


@pytest.mark.parametrize(("filename", "data"), [("notes.pdf", b"gpc_ref\nI.7.1\n"), ("empty.csv", b"")])
def test_files_that_are_not_activity_tables_are_refused(world: World, filename: str, data: bytes) -> None:
    with pytest.raises(InvalidRequest), world.db.write() as session:
        imports.preview_import(session, world.editor, world.slug, world.year, filename, data)


def test_only_an_editor_of_the_city_may_import(world: World) -> None:
    cases = [(world.viewer, Forbidden), (world.other_editor, NotFound), (world.public, NotFound)]
    for actor, error in cases:
        with pytest.raises(error), world.db.write() as session:
            imports.preview_import(session, actor, world.slug, world.year, "extra.csv", EXTRA)


def test_another_citys_editor_cannot_commit_a_batch_they_did_not_preview(world: World) -> None:
    batch_id = _preview(world, EXTRA)
    with pytest.raises(NotFound), world.db.write() as session:
        imports.commit_import(session, world.other_editor, batch_id)


def test_a_submitted_inventory_takes_no_import(world: World) -> None:
    with world.db.write() as session:
        inventories.change_status(session, world.editor, world.slug, world.year, "submit")
    with pytest.raises(Conflict):
        _preview(world, EXTRA)


def test_import_file_raises_the_input_errors_and_saves_nothing(world: World, state: State) -> None:
    before = state(world.db, world.inventory_id)
    with pytest.raises(InputErrors) as caught, world.db.write() as session:
        imports.import_file(session, world.editor, world.slug, world.year, "broken.csv", BROKEN)
    assert {(3, "gpc_ref"), (5, "factor_id")} <= {(i.row, i.column) for i in caught.value.issues}
    assert state(world.db, world.inventory_id) == before


# -- round trip ----------------------------------------------------------------------------------------------------
def test_re_importing_the_activity_export_reproduces_the_same_summary(world: World) -> None:
    with world.db.write() as session:
        imports.import_file(session, world.editor, world.slug, world.year, "demo.csv", demo_activity_file(1.0, ""))
        exported = exports.activity(exports.load(session, world.editor, world.slug, world.year))
        original = session.get(Inventory, world.inventory_id)
        assert original is not None and original.summary is not None
        summary = dict(original.summary)
    with world.db.write() as session:
        inventories.create_inventory(
            session, world.admin, world.other_slug, inventories.InventoryFields(year=world.year)
        )
        imports.import_file(session, world.admin, world.other_slug, world.year, exported.filename, exported.content)
        _, copy = inventories.get_inventory(session, world.admin, world.other_slug, world.year)
        assert copy.record_count == original.record_count == 45
        assert copy.summary == summary


# -- a killed process ----------------------------------------------------------------------------------------------
KILLED_IMPORT = textwrap.dedent(
    """
    import sys

    from zerocity.services import cities, imports, inventories
    from zerocity.services.actor import Actor
    from zerocity.store.db import Database
    from zerocity.store.migrate import upgrade

    url, rows = sys.argv[1], int(sys.argv[2])
    upgrade(url)
    db = Database(url)
    system = Actor.system()
    with db.write() as session:
        cities.create_city(
            session, system, cities.NewCity(slug="kaohsiung", name_zh="高雄市", name_en="Kaohsiung", country="TW")
        )
        inventories.create_inventory(session, system, "kaohsiung", inventories.InventoryFields(year=2020))
    old = "gpc_ref,activity_value,activity_unit,factor_id\\nI.1.1,1,TJ,ipcc2006/residential/natural_gas\\n"
    with db.write() as session:
        imports.import_file(session, system, "kaohsiung", 2020, "old.csv", old.encode())
    lines = ["gpc_ref,activity_value,activity_unit,factor_id,description"]
    lines += [f"I.1.1,{1 + i % 997},TJ,ipcc2006/residential/natural_gas,row {i}" for i in range(rows)]
    data = ("\\n".join(lines) + "\\n").encode()
    print("started", flush=True)
    with db.write() as session:
        imports.import_file(session, system, "kaohsiung", 2020, "new.csv", data)
    print("finished", flush=True)
    """
)


def test_killing_a_process_during_an_import_leaves_the_old_records_or_all_the_new_ones(tmp_path: Path) -> None:
    rows = 100_000
    database = tmp_path / "killed.sqlite3"
    url = f"sqlite:///{database}"
    wal = Path(f"{database}-wal")
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_IMPORT, url, str(rows)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line == "started", process.stderr.read() if process.stderr else ""
        # Kill once the import transaction has spilled pages to the write-ahead log (it is writing), or as soon as
        # it ends on its own on a very fast machine; either way no clean shutdown happens.
        size_at_start = wal.stat().st_size if wal.exists() else 0
        while process.poll() is None and (wal.stat().st_size if wal.exists() else 0) < size_at_start + 2_000_000:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    db = Database(url)
    try:
        with db.read() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            inventory = session.scalar(select(Inventory))
            assert inventory is not None
            count = session.scalar(select(func.count()).select_from(ActivityRecord)) or 0
            committed = session.scalars(select(ImportBatch.filename).where(ImportBatch.status == "committed")).all()
            descriptions = session.scalars(select(ActivityRecord.cells)).all() if count < 10 else []
        assert count in (1, rows), f"{count} records: a part of the import landed"
        assert inventory.record_count == count
        if count == 1:
            assert list(committed) == ["old.csv"]
            assert "description" not in descriptions[0]
            assert inventory.summary is not None and inventory.summary["rows"] == 1
        else:
            assert list(committed) == ["old.csv", "new.csv"]
            assert inventory.summary is not None and inventory.summary["rows"] == rows
    finally:
        db.dispose()
