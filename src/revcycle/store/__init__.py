"""The operational database: tables, repositories, the unit of work and migrations.

SQLite by default, PostgreSQL in production; the same code and migrations serve both.
"""

from revcycle.store import tables
from revcycle.store.database import display_url, make_engine, parse_url
from revcycle.store.unit_of_work import UnitOfWork

__all__ = ["UnitOfWork", "display_url", "make_engine", "parse_url", "tables"]
