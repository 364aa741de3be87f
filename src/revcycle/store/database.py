"""Connecting to the operational database: URL handling, engines, and the SQLite settings a ledger needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from revcycle.errors import DatabaseError


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL for ``url``; plain ``postgresql://`` URLs use the psycopg 3 driver.

    Raises:
        DatabaseError: ``url`` is not a database URL revcycle supports.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL (e.g. sqlite:///revcycle.db, postgresql://host/db)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"{parsed.get_backend_name()!r} databases are not supported: use SQLite or PostgreSQL")
    return parsed


def display_url(url: str) -> str:
    """The URL with its password hidden, fit for output and logs."""
    try:
        return parse_url(url).render_as_string(hide_password=True)
    except DatabaseError:
        return "<invalid database URL>"


def _sqlite_transactions(engine: Engine) -> None:
    """Make SQLite transactional as PostgreSQL is: real BEGIN, savepoints, transactional DDL, foreign keys.

    Python's sqlite3 module otherwise opens transactions late and commits before DDL, which would let a failed
    migration or import leave half its work behind.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def sqlite_file_missing(url: str) -> str | None:
    """The path of the SQLite file ``url`` names when that file does not exist, else None."""
    parsed = parse_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    return None if path.exists() else str(path)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; an SQLite file's folder is created when missing.

    Raises:
        DatabaseError: the URL is not supported.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        _sqlite_transactions(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def refresh_statistics(engine: Engine) -> None:
    """Update PostgreSQL's planner statistics after a bulk load (nothing on SQLite).

    Until autovacuum gets to them, freshly filled tables look empty to the planner, which then scans whole tables
    for every batch of a following load; a bulk import ends with ANALYZE so the next query is fast at once.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
