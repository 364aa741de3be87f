"""``revcycle x12``: read, validate, write and acknowledge X12 files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from revcycle.cli.output import JsonOption, console, emit_json, errors, key_values, plain
from revcycle.domain.interchange import record_to_json
from revcycle.services.x12 import FileVerdict, read_document, validate_paths

x12_app = typer.Typer(help="X12 EDI: read, validate, write 837s, acknowledge with a 999.", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(help="An X12 file.", dir_okay=False)]

# validate's exit statuses: the file is valid, invalid (findings printed), or could not be read at all.
VALID, INVALID, UNREADABLE = 0, 1, 2


def record_json(record: Any) -> Any:
    """A record as JSON: the records format of docs/records-json.md, or its plain fields for other values."""
    try:
        return record_to_json(record)
    except (TypeError, ValueError):
        return plain(record)


@x12_app.command("read")
def read_command(path: FileArgument, as_json: JsonOption = False) -> None:
    """Read an X12 file (837P, 837I, 835, 277CA, 277, 999, 271) into records, with a summary."""
    document = read_document(path)
    if as_json:
        emit_json(
            {
                "file": document.path,
                "transaction": document.transaction,
                "summary": document.summary,
                document.records_key: [record_json(record) for record in document.records],
            }
        )
        return
    key_values(
        f"{document.path}: {document.transaction}",
        {key.replace("_", " "): value for key, value in document.summary.items()},
    )


def _verdict_json(verdict: FileVerdict) -> dict[str, object]:
    data: dict[str, object] = {"file": verdict.path, "status": verdict.status}
    if verdict.error is not None:
        data["error"] = str(verdict.error)
    if verdict.result is not None:
        data["findings"] = [finding.to_json() for finding in verdict.result.findings]
        data["transactions"] = [
            {
                "transaction_set": transaction.identifier,
                "control_number": transaction.control_number,
                "version": transaction.version,
                "guide": transaction.guide,
                "accepted": transaction.accepted,
            }
            for transaction in verdict.result.transactions
        ]
    return data


def _print_verdict(verdict: FileVerdict) -> None:
    if verdict.error is not None:
        errors.print(f"[bold red]unreadable:[/] {verdict.error}", highlight=False, soft_wrap=True, markup=True)
        return
    result = verdict.result
    if result is None:
        return
    if result.valid:
        warnings = len(result.findings)
        console.print(f"{verdict.path}: valid" + (f" ({warnings} warnings)" if warnings else ""), highlight=False)
    else:
        console.print(f"{verdict.path}: invalid, {len(result.errors)} errors", highlight=False)
    for finding in result.findings:
        console.print(f"  {finding.severity}: {finding}", highlight=False, markup=False, soft_wrap=True)


@x12_app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="X12 files.", dir_okay=False)], as_json: JsonOption = False
) -> None:
    """Validate X12 files (SNIP 1-2 and 835 balancing); exit 0 valid, 1 invalid, 2 unreadable."""
    verdicts = validate_paths(paths)
    if as_json:
        emit_json([_verdict_json(verdict) for verdict in verdicts])
    else:
        for verdict in verdicts:
            _print_verdict(verdict)
    status = max(
        (UNREADABLE if v.status == "unreadable" else INVALID if v.status == "invalid" else VALID for v in verdicts),
        default=VALID,
    )
    raise typer.Exit(status)
