"""What the CLI's global options decide for every command: which database to use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from revcycle.config import Settings


@dataclass(slots=True)
class CliState:
    """The global options.

    Attributes:
        database_url: ``--db``, else ``REVCYCLE_DATABASE_URL``, else the SQLite file in the user data directory.
    """

    database_url: str


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: REVCYCLE_DATABASE_URL, else a file in the user data folder).",
        show_default=False,
    ),
]
"""``--db``, accepted before the command (``revcycle --db URL db upgrade``) and after it (``... upgrade --db URL``)."""


def database_url(context: typer.Context, db: str | None = None) -> str:
    """The database of the running command: its own ``--db``, else the one given before it, else the settings'."""
    if db:
        return db
    found = context.find_object(CliState)
    return found.database_url if found is not None else Settings().database_url
