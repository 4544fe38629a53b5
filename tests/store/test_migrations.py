"""Alembic migrations: empty -> head builds exactly the models' schema on both backends, and can be undone.

The search index's engine-specific objects (SQLite's FTS5 table with its shadow tables, PostgreSQL's tsvector column
and GIN index) are not in the models; the table listing and the schema comparison leave them out, and their own
tests below check that they are there on the right backend and gone after a downgrade.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from zerocity.store.db import make_engine
from zerocity.store.migrate import alembic_config, current_revision, downgrade, upgrade
from zerocity.store.models import Base
from zerocity.store.search_models import include_in_schema_comparison, is_fts_object

MODEL_TABLES = set(Base.metadata.tables)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    return {name for name in names if not is_fts_object(name)}


def _all_table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _head(url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def test_the_models_have_the_tables_the_services_use() -> None:
    expected = {"cities", "users", "memberships", "sessions", "api_tokens", "inventories", "activity_records"}
    assert expected | {"ref_results", "imports", "audit_log", "factor_sets", "city_stats"} <= MODEL_TABLES


def test_an_empty_database_has_no_revision(db_url: str) -> None:
    assert current_revision(db_url) is None
    assert _tables(db_url) == set()


def test_upgrading_an_empty_database_to_head_creates_every_table_of_the_models(db_url: str) -> None:
    upgrade(db_url)
    assert _tables(db_url) == MODEL_TABLES
    assert current_revision(db_url) == _head(db_url)


def test_upgrading_twice_is_harmless(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    assert _tables(db_url) == MODEL_TABLES


def test_downgrading_one_step_goes_back_to_the_previous_revision_and_upgrading_again_restores_the_schema(
    db_url: str,
) -> None:
    upgrade(db_url)
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_revision(_head(db_url))
    assert head is not None and isinstance(head.down_revision, str)
    downgrade(db_url, "-1")
    assert current_revision(db_url) == head.down_revision
    upgrade(db_url)
    assert current_revision(db_url) == head.revision
    assert _tables(db_url) == MODEL_TABLES
    assert _schema_differences(db_url) == []


def test_every_revision_can_be_undone_one_step_at_a_time(db_url: str) -> None:
    upgrade(db_url)
    script = ScriptDirectory.from_config(alembic_config(db_url))
    steps = len(list(script.walk_revisions()))
    for _ in range(steps):
        downgrade(db_url, "-1")
    assert current_revision(db_url) is None
    assert _tables(db_url) == set()


def _schema_differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_in_schema_comparison}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    upgrade(db_url)
    assert _schema_differences(db_url) == []


def test_the_schema_comparison_notices_an_index_the_migration_lacks(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX ix_api_tokens_user_id")
    finally:
        engine.dispose()
    differences = _schema_differences(db_url)
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["add_index"]


def test_the_migrated_schema_enforces_the_unique_constraints_of_the_models(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            unique = {
                table: {tuple(c["column_names"]) for c in inspector.get_unique_constraints(table)}
                for table in ("cities", "users", "inventories", "api_tokens")
            }
            indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("activity_records")}
    finally:
        engine.dispose()
    assert ("slug",) in unique["cities"]
    assert ("email",) in unique["users"]
    assert ("city_id", "year") in unique["inventories"]
    assert ("token_hash",) in unique["api_tokens"]
    assert ("city_id", "inventory_id", "line") in indexes


def test_downgrading_to_base_leaves_only_the_version_table(db_url: str) -> None:
    upgrade(db_url)
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert names <= {"alembic_version"}


def test_the_search_index_has_its_engine_specific_full_text_structure(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                virtual = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'"
                ).scalar_one()
                assert "USING fts5" in virtual and "content='search_entries'" in virtual
                assert {"search_fts_data", "search_fts_idx", "search_fts_config"} <= _all_table_names(db_url)
            else:
                indexes = {i["name"] for i in inspect(connection).get_indexes("search_entries")}
                columns = {c["name"]: str(c["type"]) for c in inspect(connection).get_columns("search_entries")}
                assert "ix_search_entries_tsv" in indexes
                assert columns["tsv"] == "TSVECTOR"
    finally:
        engine.dispose()


def test_downgrading_the_search_index_removes_its_full_text_structure_too(db_url: str) -> None:
    upgrade(db_url, "0003")
    downgrade(db_url, "0002")
    names = _all_table_names(db_url)
    assert not any(is_fts_object(name) for name in names)
    assert not {"search_entries", "search_embeddings", "search_state"} & names
