"""What the CLI's global options decide for every command: which database to use."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from revcycle.config import Settings


@dataclass(slots=True)
class CliState:
    """The global options.

    Attributes:
        database_url: ``--db``, else ``REVCYCLE_DATABASE_URL``, else the SQLite file in the user data directory.
    """

    database_url: str


def state(context: typer.Context) -> CliState:
    """The global options of the running command."""
    found = context.find_object(CliState)
    return found if found is not None else CliState(Settings().database_url)
