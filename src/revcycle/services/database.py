"""Database services: connect, migrate, report the schema revision."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Engine

from revcycle.errors import DatabaseError
from revcycle.store import display_url, make_engine, migrate
from revcycle.store.database import sqlite_file_missing


@cache
def engine_for(url: str) -> Engine:
    """The process's one engine (and connection pool) for ``url``."""
    return make_engine(url)


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """The schema revision of a database.

    Attributes:
        url: the database URL with any password hidden.
        current: its revision, None when no migration has run.
        head: the newest revision of this version of revcycle.
        up_to_date: whether ``current`` is ``head``.
    """

    url: str
    current: str | None
    head: str
    up_to_date: bool


def database_status(url: str) -> DatabaseStatus:
    """Where the database at ``url`` stands against the migrations (a missing SQLite file is not created)."""
    if sqlite_file_missing(url):
        return DatabaseStatus(display_url(url), None, migrate.head_revision(), False)
    schema = migrate.status(engine_for(url))
    return DatabaseStatus(display_url(url), schema.current, schema.head, schema.up_to_date)


def upgrade_database(url: str, revision: str = "head") -> DatabaseStatus:
    """Migrate the database at ``url`` up to ``revision``."""
    migrate.upgrade(engine_for(url), revision)
    return database_status(url)


def downgrade_database(url: str, revision: str) -> DatabaseStatus:
    """Migrate the database at ``url`` down to ``revision`` (``base`` drops every table)."""
    migrate.downgrade(engine_for(url), revision)
    return database_status(url)


def ready_engine(url: str) -> Engine:
    """The engine for ``url``, after checking the schema is current.

    Raises:
        DatabaseError: the database is unreachable, missing or needs `revcycle db upgrade`.
    """
    missing = sqlite_file_missing(url)
    if missing:
        # Connecting would create an empty file; a mistyped path must not leave one behind.
        raise DatabaseError(f"there is no database at {missing}: run `revcycle db upgrade` to create it")
    engine = engine_for(url)
    migrate.require_current(engine)
    return engine
