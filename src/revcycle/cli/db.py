"""``revcycle db``: migrate the database and report its revision."""

from __future__ import annotations

from typing import Annotated

import typer

from revcycle.cli.output import JsonOption, emit_json, key_values
from revcycle.cli.state import DbOption, database_url
from revcycle.services.database import DatabaseStatus, database_status, downgrade_database, upgrade_database

db_app = typer.Typer(help="Create, migrate and inspect the operational database.", no_args_is_help=True)


def _show(status: DatabaseStatus, as_json: bool, title: str) -> None:
    if as_json:
        emit_json(status)
        return
    key_values(
        title,
        {
            "database": status.url,
            "revision": status.current or "(empty: no schema)",
            "newest": status.head,
            "up to date": "yes" if status.up_to_date else "no: run `revcycle db upgrade`",
        },
    )


@db_app.command()
def upgrade(
    context: typer.Context,
    revision: Annotated[str, typer.Option(help="Revision to migrate to.")] = "head",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create or migrate the schema up to REVISION (the newest by default), in one transaction."""
    _show(upgrade_database(database_url(context, db), revision), as_json, "Database upgraded")


@db_app.command()
def downgrade(
    context: typer.Context,
    revision: Annotated[str, typer.Argument(help="Revision to migrate down to; 'base' drops every table.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Migrate the schema down to REVISION, in one transaction."""
    _show(downgrade_database(database_url(context, db), revision), as_json, "Database downgraded")


@db_app.command()
def status(context: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Report the database's schema revision and whether it is the newest."""
    _show(database_status(database_url(context, db)), as_json, "Database")
