"""Schema migrations: upgrade, downgrade and report the revision of any database URL.

Alembic is configured in code rather than by an ini file, so the migrations ship inside the package and work the
same from a clone, a wheel or a container.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from revcycle.errors import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration of revcycle's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def head_revision() -> str:
    """The newest revision the code knows (read once: the scripts ship with the code)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("no migrations found")
    return head


def _run(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            if action == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
    except CommandError as error:
        raise DatabaseError(f"cannot {action} to {revision!r}: {error}") from None
    except OperationalError as error:
        raise DatabaseError(f"cannot {action} the database: {error.orig}") from None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` in one transaction."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every table) in one transaction."""
    _run(engine, "downgrade", revision)


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where a database stands against the migrations.

    Attributes:
        current: the database's revision, None for an empty database.
        head: the newest revision this version of revcycle knows.
    """

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        """Whether the database is at the newest revision."""
        return self.current == self.head


def status(engine: Engine) -> SchemaStatus:
    """The revision of the database and the newest known one."""
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise DatabaseError(f"cannot read the database: {error.orig}") from None
    return SchemaStatus(current=current, head=head_revision())


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that is not at the newest revision.

    Raises:
        DatabaseError: with the command that fixes it.
    """
    schema = status(engine)
    if not schema.up_to_date:
        found = schema.current or "empty"
        raise DatabaseError(f"the database is at revision {found}, not {schema.head}: run `revcycle db upgrade` first")
