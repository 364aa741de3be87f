from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from revcycle.services.database import engine_for
from revcycle.store import migrate, tables


def test_migrations_match_the_tables(engine: Engine) -> None:
    """The migrated schema is exactly what `revcycle.store.tables` declares (no missing migration)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, tables.metadata) == []


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = engine_for(empty_database_url)
    assert migrate.status(engine).current is None
    migrate.upgrade(engine)
    assert migrate.status(engine).up_to_date
    assert set(tables.metadata.tables) <= set(inspect(engine).get_table_names())
    migrate.downgrade(engine, "base")
    assert migrate.status(engine).current is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.status(engine).up_to_date
