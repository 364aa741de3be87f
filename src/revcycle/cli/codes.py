"""``revcycle code`` and ``revcycle price``: look up and search codes, price a service."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from revcycle.cli.output import JsonOption, console, emit_json, errors, key_values, rows_table
from revcycle.cli.refdata import StoreOption
from revcycle.refdata.reference import reference
from revcycle.services.codes import lookup_code, price_code, search_codes

code_app = typer.Typer(
    help="Look up and search ICD-10-CM, HCPCS and CPT codes; code notes, evaluate the coder, record decisions.",
    no_args_is_help=True,
)

DateOption = Annotated[
    str | None, typer.Option("--date", help="Date of service, YYYY-MM-DD (default: today).", show_default=False)
]


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None


def _warn(warning: object, as_json: bool) -> None:
    if warning and not as_json:
        errors.print(f"[yellow]warning:[/] {escape(str(warning))}")


@code_app.command()
def lookup(
    code: str,
    on: DateOption = None,
    system: Annotated[str | None, typer.Option(help="icd10cm, hcpcs or cpt (default: by the code's form).")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a code as the release in force on the date of service has it: description, billable, notes."""
    found = lookup_code(reference(store), code, _day(on), system)
    _warn(found.get("warning"), as_json)
    if as_json:
        emit_json(found)
        return
    rows: dict[str, object] = {
        "system": found["system"],
        "code": found["code"],
        "description": found["description"] or "(no licensed descriptor loaded)",
        "billable": "yes" if found["billable"] else "no",
        "release": f"{found['release']} ({found['effective_from']} to {found['effective_to'] or 'open'})",
    }
    for kind, notes in found.get("notes", {}).items():
        rows[kind.replace("_", " ")] = "\n".join(f"{note['text']} [{note['from']}]" for note in notes)
    if found.get("seventh_character"):
        seventh = found["seventh_character"]
        rows["7th character"] = f"{seventh['character']}: {seventh['meaning']}"
    elif found.get("seventh_character_options"):
        rows["7th characters"] = "\n".join(
            f"{option['character']}: {option['meaning']}" for option in found["seventh_character_options"]
        )
    key_values("Code", rows)


@code_app.command("search")
def search_command(
    text: str,
    system: Annotated[str, typer.Option(help="icd10cm or hcpcs.")] = "icd10cm",
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    on: DateOption = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find codes by words as clinicians write them (abbreviations, any order, plurals)."""
    if system not in ("icd10cm", "hcpcs"):
        raise typer.BadParameter("use icd10cm or hcpcs", param_hint="--system")
    found = search_codes(reference(store), text, _day(on), system, limit)
    if as_json:
        emit_json(found)
        return
    rows_table(
        f"Codes for {text!r}",
        ["code", "description", "billable"],
        [(hit["code"], hit["description"], "yes" if hit["billable"] else "") for hit in found["results"]],
    )


def price_command(
    code: str,
    locality: Annotated[str | None, typer.Option(help="MAC-locality as in the GPCI file, e.g. 10112-00.")] = None,
    zip_code: Annotated[str | None, typer.Option("--zip", help="ZIP code, resolved to its locality.")] = None,
    facility: Annotated[bool, typer.Option(help="Facility setting (facility practice-expense RVUs).")] = False,
    pos: Annotated[
        str | None, typer.Option(help="Place of service (e.g. 11, 22): decides facility or not instead of --facility.")
    ] = None,
    modifier: Annotated[list[str] | None, typer.Option(help="Modifier (26, TC, 53); repeatable.")] = None,
    on: DateOption = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Price a service by the Medicare physician fee schedule: the formula with every input shown."""
    found = price_code(
        reference(store),
        code,
        _day(on),
        locality=locality,
        zip_code=zip_code,
        facility=facility,
        modifiers=tuple(modifier or ()),
        place_of_service=pos,
    )
    _warn(found.get("warning"), as_json)
    if as_json:
        emit_json(found)
        return
    console.print(
        f"{escape(found['code'])} at {escape(found['locality'])} "
        f"({'facility' if found['facility'] else 'non-facility'}): "
        f"[bold]{found['amount']}[/]"
    )
    key_values(
        "Fee schedule formula",
        {
            "work RVU x GPCI": f"{found['work_rvu']} x {found['work_gpci']}",
            "PE RVU x GPCI": f"{found['pe_rvu']} x {found['pe_gpci']}",
            "MP RVU x GPCI": f"{found['mp_rvu']} x {found['mp_gpci']}",
            "conversion factor": found["conversion_factor"],
            "releases": f"{found['rvu_version']}, GPCI {found['gpci_version']}",
        },
    )
