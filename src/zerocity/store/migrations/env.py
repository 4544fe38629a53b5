"""Alembic environment: batch mode on SQLite (ALTER TABLE is limited there) and the models' naming convention.

The search index's engine-specific objects (SQLite's FTS5 table and its shadow tables, PostgreSQL's GIN index) are
made by migration 0003 on one backend only and are not in ``Base.metadata``; ``include_name`` keeps them out of
autogenerate's comparison (``zerocity.store.search_models.include_in_schema_comparison``).
"""

from __future__ import annotations

from alembic import context

from zerocity.store.db import make_engine
from zerocity.store.models import Base
from zerocity.store.search_models import include_in_schema_comparison

config = context.config


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                include_name=include_in_schema_comparison,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        include_name=include_in_schema_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
