"""``revcycle demo``: run the main job end to end on the bundled synthetic data."""

from __future__ import annotations

import typer

from revcycle.cli.output import JsonOption, console, emit_json
from revcycle.cli.records import progress_bar, show_import
from revcycle.cli.state import DbOption, database_url
from revcycle.cli.summary import show_summary
from revcycle.services.demo import demo_dataset, run_demo
from revcycle.store import display_url


def demo_command(context: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create the schema, load the bundled synthetic practice data and print a summary."""
    url = database_url(context, db)
    with progress_bar("Loading demo data", demo_dataset().size, hidden=as_json) as progress:
        task = progress.task_ids[0]
        result = run_demo(url, on_records=lambda count: progress.advance(task, count))
    if as_json:
        emit_json(result)
        return
    console.print(f"[bold]revcycle demo[/] on {display_url(url)} (schema {result.database.current})")
    show_import(result.imported, "the demo dataset")
    show_summary(result.summary, "What the database now holds")
