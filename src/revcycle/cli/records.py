"""``revcycle import`` and ``revcycle records``: load datasets, add, list and show records."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.pretty import Pretty
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from revcycle.cli.output import JsonOption, console, emit_json, errors, rows_table
from revcycle.cli.state import DbOption, database_url
from revcycle.domain.interchange import record_from_json, record_to_json
from revcycle.errors import InputFileError, InvalidRecord
from revcycle.services.database import ready_engine
from revcycle.services.datasets import ImportResult, import_dataset, read_dataset
from revcycle.services.records import RECORD_KINDS, add_records, get_record, list_records, record_kind

records_app = typer.Typer(help="Add, list and show records of one kind.", no_args_is_help=True)

KindArgument = Annotated[str, typer.Argument(help=f"Kind of record: {', '.join(RECORD_KINDS)}.")]
FileArgument = Annotated[Path, typer.Argument(help="A JSON file.", dir_okay=False)]


@contextmanager
def progress_bar(description: str, total: int, *, hidden: bool) -> Iterator[Progress]:
    """A progress bar on stderr for long work (hidden under ``--json`` or when asked)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=hidden,
    ) as progress:
        progress.add_task(description, total=total)
        yield progress


def import_file(database_url: str, path: Path, *, hidden_progress: bool) -> ImportResult:
    """Import the dataset file at ``path`` with a progress bar."""
    engine = ready_engine(database_url)
    dataset = read_dataset(path)
    with progress_bar(f"Importing {path.name}", dataset.size, hidden=hidden_progress) as progress:
        task = progress.task_ids[0]
        return import_dataset(engine, dataset, on_records=lambda count: progress.advance(task, count))


def show_import(result: ImportResult, source: str) -> None:
    """Print what an import did."""
    kinds = [name for name in RECORD_KINDS if name in result.added or name in result.unchanged]
    rows_table(
        f"Imported {source}",
        ["records", "added", "already stored"],
        [(name, result.added.get(name, 0), result.unchanged.get(name, 0)) for name in kinds],
    )


def import_command(
    context: typer.Context,
    path: FileArgument,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a dataset file (records of several kinds) in one transaction; importing it again changes nothing."""
    result = import_file(database_url(context, db), path, hidden_progress=as_json)
    if as_json:
        emit_json(result)
    else:
        show_import(result, str(path))


def _read_records(path: Path, kind_name: str) -> list[Any]:
    kind = record_kind(kind_name)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise InputFileError(str(path), f"line {error.lineno} column {error.colno}", f"not JSON: {error.msg}") from None
    items = document if isinstance(document, list) else [document]
    records = []
    for index, item in enumerate(items):
        where = f"[{index}]" if isinstance(document, list) else ""
        try:
            records.append(record_from_json(kind.record, item, where))
        except InvalidRecord as error:
            raise InputFileError(str(path), error.field, f"{error.record}: {error.reason}") from None
    return records


@records_app.command("add")
def add(
    context: typer.Context, kind: KindArgument, path: FileArgument, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Add records of KIND from a JSON file (one record or a list), all or none; re-adding changes nothing."""
    records = _read_records(path, kind)
    result = add_records(ready_engine(database_url(context, db)), record_kind(kind), records)
    if as_json:
        emit_json(result)
    else:
        rows_table(f"Added {kind}", ["added", "already stored"], [(result.added, result.unchanged)])


@records_app.command("list")
def list_command(
    context: typer.Context,
    kind: KindArgument,
    offset: Annotated[int, typer.Option(min=0, help="Records to skip.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Records to show.")] = 100,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List records of KIND in id order."""
    records = list_records(ready_engine(database_url(context, db)), record_kind(kind), offset=offset, limit=limit)
    if as_json:
        emit_json([record_to_json(record) for record in records])
        return
    list_table(kind, records)


@records_app.command()
def show(
    context: typer.Context, kind: KindArgument, record_id: str, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Show one record of KIND."""
    record = get_record(ready_engine(database_url(context, db)), record_kind(kind), record_id)
    if as_json:
        emit_json(record_to_json(record))
    else:
        console.print(Pretty(record_to_json(record)))


# The columns a biller scans in each list: (heading, value of the record).
LIST_COLUMNS: dict[str, list[tuple[str, Callable[[Any], object]]]] = {
    "patients": [("name", lambda r: r.name), ("born", lambda r: r.birth_date), ("sex", lambda r: r.sex.value)],
    "providers": [("npi", lambda r: r.npi), ("name", lambda r: r.display_name), ("taxonomy", lambda r: r.taxonomy)],
    "payers": [("name", lambda r: r.name), ("payer id", lambda r: r.payer_identifier)],
    "coverages": [
        ("patient", lambda r: r.patient_id),
        ("payer", lambda r: r.payer_id),
        ("order", lambda r: r.order.name.lower()),
        ("member id", lambda r: r.member_id),
    ],
    "encounters": [
        ("patient", lambda r: r.patient_id),
        ("date", lambda r: r.start_date),
        ("place", lambda r: r.place_of_service),
        ("diagnoses", lambda r: " ".join(d.display for d in r.diagnoses)),
    ],
    "claims": [
        ("CLM01", lambda r: r.patient_control_number),
        ("patient", lambda r: r.patient_id),
        ("service date", lambda r: r.first_service_date),
        ("lines", lambda r: len(r.lines)),
        ("charge", lambda r: r.total_charge),
    ],
    "remittances": [
        ("payer", lambda r: r.payer_name),
        ("paid on", lambda r: r.payment_date),
        ("trace", lambda r: r.trace_number),
        ("claims", lambda r: len(r.claims)),
        ("payment", lambda r: r.payment_amount),
    ],
    "ledger_entries": [
        ("date", lambda r: r.posted_on),
        ("description", lambda r: r.description),
        ("postings", lambda r: len(r.postings)),
    ],
}


def list_table(kind: str, records: list[Any]) -> None:
    """Print records of ``kind`` as a table of the columns billers scan."""
    columns = LIST_COLUMNS[kind]
    rows_table(
        kind,
        ["id", *(heading for heading, _ in columns)],
        [(record.id, *(value(record) for _, value in columns)) for record in records],
    )
