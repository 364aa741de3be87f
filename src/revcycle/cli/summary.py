"""``revcycle summary``: what the database holds."""

from __future__ import annotations

import typer

from revcycle.cli.output import JsonOption, emit_json, key_values
from revcycle.cli.state import DbOption, database_url
from revcycle.domain import format_money
from revcycle.services.database import ready_engine
from revcycle.services.summary import Summary, summarize


def show_summary(summary: Summary, title: str = "revcycle summary") -> None:
    """Print a summary as a table."""
    rows: dict[str, object] = {name.replace("_", " "): count for name, count in summary.counts.items()}
    rows["charges billed"] = format_money(summary.total_charge)
    rows["paid on claims"] = format_money(summary.total_paid)
    rows["payments received"] = format_money(summary.total_payment)
    key_values(title, rows)


def summary_command(context: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count the records and total the money billed and received."""
    summary = summarize(ready_engine(database_url(context, db)))
    if as_json:
        emit_json(summary)
    else:
        show_summary(summary)
