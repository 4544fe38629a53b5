"""Engines and transactions: SQLite pragmas, all-or-nothing writes, and values that survive both backends."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.models import ActivityRecord, AuditEntry, City, Inventory, Membership


@pytest.fixture
def sqlite_db(make_db_url: Callable[[str], str]) -> Iterator[Database]:
    url = make_db_url("sqlite")
    upgrade(url)
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()


def _city(slug: str = "kaohsiung") -> City:
    return City(slug=slug, name_zh="高雄市", name_en="Kaohsiung", country="TW")


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# -- SQLite connections ------------------------------------------------------------------------------------------
def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_db: Database) -> None:
    # Two connections at once, so the pragmas are shown to hold for every pooled connection, not just the first.
    with sqlite_db.engine.connect() as first, sqlite_db.engine.connect() as second:
        for connection in (first, second):
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
            assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}


def test_a_sqlite_write_transaction_takes_the_write_lock_at_begin(sqlite_db: Database) -> None:
    """``BEGIN IMMEDIATE``: a second writer waits at its start instead of failing half-way through its work."""
    path = sqlite_db.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with sqlite_db.write() as session:
            session.execute(select(1))  # begins the transaction without writing anything
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_sqlite_read_transaction_leaves_writers_free(sqlite_db: Database) -> None:
    path = sqlite_db.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with sqlite_db.read() as session:
            session.execute(select(func.count()).select_from(City))
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO cities (slug, name_zh, name_en, country, region, boundary, created_at, version) "
                          "VALUES ('tainan', '臺南市', 'Tainan', 'TW', '', '', '2026-01-01 00:00:00', 1)")  # fmt: skip
            other.execute("COMMIT")
    finally:
        other.close()
    assert _count(sqlite_db, City) == 1


# -- transactions on both backends ---------------------------------------------------------------------------------
def test_a_write_transaction_that_raises_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        session.add(_city())
        session.flush()  # the row is in the database's transaction, not only in the session
        session.add(AuditEntry(entity="city", entity_id="1", action="create"))
        session.flush()
        raise RuntimeError("a later step failed")
    assert _count(db, City) == 0
    assert _count(db, AuditEntry) == 0


def test_a_write_transaction_that_ends_normally_commits(db: Database) -> None:
    with db.write() as session:
        session.add(_city())
    assert _count(db, City) == 1


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(Membership(user_id=12345, city_id=67890, role="editor"))
        session.flush()


def test_deleting_a_city_deletes_its_inventories_and_records(db: Database) -> None:
    with db.write() as session:
        city = _city()
        session.add(city)
        session.flush()
        inventory = Inventory(city_id=city.id, year=2020, gwp_set="AR5")
        session.add(inventory)
        session.flush()
        session.add(ActivityRecord(city_id=city.id, inventory_id=inventory.id, line=2, gpc_ref="I.1.1", cells={}))
    with db.write() as session:
        session.execute(text("DELETE FROM cities"))
    assert (_count(db, Inventory), _count(db, ActivityRecord)) == (0, 0)


def test_a_unique_slug_is_enforced(db: Database) -> None:
    with db.write() as session:
        session.add(_city())
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(_city())
    assert _count(db, City) == 1


# -- values ----------------------------------------------------------------------------------------------------------
def test_times_come_back_as_the_same_utc_instant(db: Database) -> None:
    taipei = timezone(timedelta(hours=8))
    created = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=taipei)
    with db.write() as session:
        city = _city()
        city.created_at = created
        session.add(city)
    with db.read() as session:
        stored = session.scalar(select(City.created_at))
    assert stored == created
    assert stored is not None and stored.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive"), db.write() as session:
        city = _city()
        city.created_at = datetime(2026, 3, 1, 9, 30)
        session.add(city)
        session.flush()


def test_json_cells_keep_chinese_text_and_exact_strings(db: Database) -> None:
    cells = {
        "gpc_ref": "I.1.2",
        "activity_value": "5656234084",
        "description": "住宅部門 residential 用電",
        "x": "0.10",
    }
    with db.write() as session:
        city = _city()
        session.add(city)
        session.flush()
        inventory = Inventory(city_id=city.id, year=2020, gwp_set="AR5", summary={"basic_tco2e": 0.1 + 0.2})
        session.add(inventory)
        session.flush()
        session.add(ActivityRecord(city_id=city.id, inventory_id=inventory.id, line=2, gpc_ref="I.1.2", cells=cells))
    with db.read() as session:
        assert session.scalar(select(ActivityRecord.cells)) == cells
        summary = session.scalar(select(Inventory.summary))
    assert summary == {"basic_tco2e": 0.1 + 0.2}  # float64 round trip, not 0.3


def test_ping_tells_whether_the_database_answers(db: Database) -> None:
    assert db.ping()
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    try:
        assert not unreachable.ping()
    finally:
        unreachable.dispose()
