"""``revcycle x12``: read, validate, write and acknowledge X12 files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from revcycle.cli.output import JsonOption, console, emit_json, errors, key_values
from revcycle.cli.state import DbOption, database_url
from revcycle.errors import InputFileError
from revcycle.services.database import ready_engine
from revcycle.services.x12 import (
    FileVerdict,
    acknowledge_file,
    document_json,
    read_document,
    validate_paths,
    verdict_json,
    write_claims_837,
)
from revcycle.x12.write837 import Usage, X12Settings

x12_app = typer.Typer(help="X12 EDI: read, validate, write 837s, acknowledge with a 999.", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(help="An X12 file.", dir_okay=False)]

# validate's exit statuses: the file is valid, invalid (findings printed), or could not be read at all.
VALID, INVALID, UNREADABLE = 0, 1, 2


@x12_app.command("read")
def read_command(path: FileArgument, as_json: JsonOption = False) -> None:
    """Read an X12 file (837P, 837I, 835, 277CA, 277, 999, 271) into records, with a summary."""
    document = read_document(path)
    if as_json:
        emit_json({"file": document.path, **document_json(document)})
        return
    key_values(
        f"{document.path}: {document.transaction}",
        {key.replace("_", " "): value for key, value in document.summary.items()},
    )


def _print_verdict(verdict: FileVerdict) -> None:
    if verdict.error is not None:
        # The message quotes the file's bytes, which may look like Rich markup: escaped.
        errors.print(f"[bold red]unreadable:[/] {escape(str(verdict.error))}", highlight=False, soft_wrap=True)
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
        emit_json([verdict_json(verdict) for verdict in verdicts])
    else:
        for verdict in verdicts:
            _print_verdict(verdict)
    status = max(
        (UNREADABLE if v.status == "unreadable" else INVALID if v.status == "invalid" else VALID for v in verdicts),
        default=VALID,
    )
    raise typer.Exit(status)


def _option(help_text: str, envvar: str) -> Any:
    return typer.Option(help=help_text, envvar=envvar, show_envvar=True)


@x12_app.command("write-837")
def write_837_command(
    context: typer.Context,
    claims: Annotated[Path, typer.Argument(help="Claims JSON (docs/x12-claims-json.md).", dir_okay=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the 837.", dir_okay=False)],
    sender_id: Annotated[str, _option("ISA06: your interchange id.", "REVCYCLE_X12_SENDER_ID")],
    receiver_id: Annotated[str, _option("ISA08: the clearinghouse's or payer's id.", "REVCYCLE_X12_RECEIVER_ID")],
    submitter_name: Annotated[str, _option("Loop 1000A name.", "REVCYCLE_X12_SUBMITTER_NAME")] = "",
    contact_name: Annotated[str, _option("Loop 1000A contact.", "REVCYCLE_X12_CONTACT_NAME")] = "BILLING OFFICE",
    contact_phone: Annotated[
        str | None, _option("Contact phone, digits (a phone or an email is required).", "REVCYCLE_X12_CONTACT_PHONE")
    ] = None,
    contact_email: Annotated[
        str | None, _option("Contact email (a phone or an email is required).", "REVCYCLE_X12_CONTACT_EMAIL")
    ] = None,
    receiver_name: Annotated[str, _option("Loop 1000B name.", "REVCYCLE_X12_RECEIVER_NAME")] = "",
    sender_qualifier: Annotated[str, _option("ISA05.", "REVCYCLE_X12_SENDER_QUALIFIER")] = "ZZ",
    receiver_qualifier: Annotated[str, _option("ISA07.", "REVCYCLE_X12_RECEIVER_QUALIFIER")] = "ZZ",
    test: Annotated[bool, typer.Option("--test", help="ISA15 T (test) instead of P (production).")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the claims of a dataset file as an 837P/837I with control numbers that never repeat."""
    settings = X12Settings(
        sender_id=sender_id,
        receiver_id=receiver_id,
        submitter_name=submitter_name or sender_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        receiver_name=receiver_name or receiver_id,
        sender_qualifier=sender_qualifier,
        receiver_qualifier=receiver_qualifier,
        usage=Usage.TEST if test else Usage.PRODUCTION,
    )
    text, count = write_claims_837(claims, settings, ready_engine(database_url(context, db)))
    write_text(output, text)
    if as_json:
        emit_json({"file": str(output), "claims": count, "bytes": len(text.encode())})
    else:
        console.print(f"wrote {count} claims to {output}", highlight=False)


@x12_app.command("ack")
def ack_command(
    context: typer.Context,
    path: FileArgument,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the 999.", dir_okay=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the 999 acknowledgment of a received X12 file: accepted, accepted with errors, or rejected."""
    text, result = acknowledge_file(path, ready_engine(database_url(context, db)))
    write_text(output, text)
    accepted = sum(transaction.accepted for transaction in result.transactions)
    if as_json:
        emit_json(
            {
                "file": str(output),
                "transactions": len(result.transactions),
                "accepted": accepted,
                "errors": len(result.errors),
            }
        )
    else:
        console.print(
            f"wrote {output}: {accepted} of {len(result.transactions)} transaction sets accepted", highlight=False
        )


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all: to a temporary name first, then renamed into place."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputFileError(str(path), "", f"cannot be written: {error.strerror}") from None
