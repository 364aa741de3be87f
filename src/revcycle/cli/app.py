"""The ``revcycle`` command: the root of the CLI and its error handling.

User errors (`revcycle.errors.RevcycleError`) end the command with a one-line message and exit status 1, never a
traceback; with ``--json`` the message is JSON on stdout. Usage errors exit with 2 as Click reports them.
"""

from __future__ import annotations

import sys

import click
import typer

import revcycle.cli.coding  # noqa: F401  registers code note/eval
from revcycle import __version__
from revcycle.cli.claims import claims_app
from revcycle.cli.codes import code_app, price_command
from revcycle.cli.db import db_app
from revcycle.cli.demo import demo_command
from revcycle.cli.output import JsonOption, console, emit_json, report_error
from revcycle.cli.records import import_command, records_app
from revcycle.cli.refdata import refdata_app
from revcycle.cli.serve import serve_command
from revcycle.cli.state import CliState, DbOption
from revcycle.cli.summary import summary_command
from revcycle.cli.x12 import x12_app
from revcycle.config import Settings
from revcycle.errors import RevcycleError

app = typer.Typer(
    name="revcycle",
    help="revcycle: coding, billing and audit of the healthcare revenue cycle.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(records_app, name="records")
app.add_typer(refdata_app, name="refdata")
app.add_typer(code_app, name="code")
app.add_typer(x12_app, name="x12")
app.add_typer(claims_app, name="claim")
app.command("import")(import_command)
app.command("summary")(summary_command)
app.command("demo")(demo_command)
app.command("serve")(serve_command)
app.command("price")(price_command)


@app.callback()
def root(context: typer.Context, db: DbOption = None) -> None:
    """Coding, billing and audit of the healthcare revenue cycle."""
    context.obj = CliState(db or Settings().database_url)


@app.command()
def version(as_json: JsonOption = False) -> None:
    """Print revcycle's version."""
    if as_json:
        emit_json({"version": __version__})
    else:
        console.print(f"revcycle {__version__}")


def run(arguments: list[str]) -> int:
    """Run the CLI on ``arguments`` and return the exit status."""
    as_json = "--json" in arguments
    try:
        # Not standalone, so that errors reach the handlers below instead of Click's own exit.
        status = app(arguments, prog_name="revcycle", standalone_mode=False)
    except RevcycleError as error:
        report_error(str(error), as_json=as_json)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except (click.Abort, KeyboardInterrupt):
        report_error("interrupted", as_json=as_json)
        return 130
    return status if isinstance(status, int) else 0


def main() -> None:
    """The console entry point."""
    sys.exit(run(sys.argv[1:]))
