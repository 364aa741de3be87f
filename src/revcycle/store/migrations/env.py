"""Alembic environment: runs revcycle's migrations on the connection `revcycle.store.migrate` hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from revcycle.store.tables import metadata


def run_migrations(connection: Connection) -> None:
    """Run the migrations in the connection's transaction (DDL is transactional on SQLite and PostgreSQL)."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        user_module_prefix="revcycle.store.types.",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("revcycle migrations run through `revcycle db upgrade`, which supplies the connection")
run_migrations(connection)
