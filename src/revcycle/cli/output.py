"""How the CLI speaks: Rich tables and messages for people, ``--json`` for programs, errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()
errors = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of tables.")]


def plain(value: object) -> Any:
    """``value`` made of JSON types: Decimals as exact strings, dates as ISO, enums as their codes."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def emit_json(value: object) -> None:
    """Print ``value`` as indented JSON on stdout, with nothing else around it."""
    print(json.dumps(plain(value), indent=2, ensure_ascii=False))


def key_values(title: str, rows: Mapping[str, object]) -> None:
    """Print a two-column table of names and values."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for name, value in rows.items():
        table.add_row(escape(name), escape(str(plain(value))))
    console.print(table)


def rows_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a table with a header."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(str(plain(cell))) if cell is not None else "" for cell in row))
    console.print(table)


def report_error(message: str, *, as_json: bool) -> None:
    """Tell the user what went wrong: JSON on stdout with ``--json``, a red line on stderr otherwise."""
    if as_json:
        emit_json({"error": message})
    else:
        # Messages quote user input, which may look like Rich markup: escape it.
        errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
