"""``revcycle refdata``: import official reference files, download updates, and report what is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from revcycle.cli.output import JsonOption, emit_json, errors, rows_table
from revcycle.refdata.reference import reference
from revcycle.services.refdata import ImportOutcome, import_bundled, import_reference_file, update_reference

refdata_app = typer.Typer(help="Reference data: code sets and CMS tables, versioned by date.", no_args_is_help=True)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Reference store file (default: REVCYCLE_REFDATA_PATH or the user data folder)."),
]


def _show(outcomes: list[ImportOutcome], as_json: bool, title: str) -> None:
    if as_json:
        emit_json(outcomes)
        return
    rows_table(
        title,
        ["set", "version", "effective", "rows", "importer", "changed"],
        [
            (
                outcome.release.code_set,
                outcome.release.version,
                f"{outcome.release.effective_from} to {outcome.release.effective_to or 'open'}",
                outcome.release.rows,
                outcome.importer,
                "yes" if outcome.changed else "no (already imported)",
            )
            for outcome in outcomes
        ],
    )


@refdata_app.command("import")
def import_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Official files, recognised by content.")] = None,
    bundled: Annotated[bool, typer.Option(help="Also import the data bundled with revcycle's packages.")] = False,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import official reference files; each file is all or nothing, and importing it again changes nothing."""
    opened = reference(store)
    outcomes: list[ImportOutcome] = []
    if bundled:
        outcomes += import_bundled(opened)
    for path in paths or []:
        if not as_json:
            errors.print(f"importing {path}", highlight=False)
        outcomes += import_reference_file(opened, path)
    if not bundled and not paths:
        raise typer.BadParameter("give files to import, or --bundled")
    _show(outcomes, as_json, "Reference data imported")


@refdata_app.command()
def update(
    sources: Annotated[
        Path | None,
        typer.Option(help="JSON file listing the URLs to download (default: the official CMS and CDC locations)."),
    ] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download the official files and import them."""
    _show(update_reference(reference(store), sources), as_json, "Reference data updated")


@refdata_app.command()
def status(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """List every loaded release: set, version, effective dates, rows, source and sha256."""
    releases = reference(store).releases()
    if as_json:
        emit_json(releases)
        return
    rows_table(
        "Reference data",
        ["set", "version", "effective", "rows", "source", "sha256"],
        [
            (
                release.code_set,
                release.version,
                f"{release.effective_from} to {release.effective_to or 'open'}",
                release.rows,
                release.source,
                release.sha256[:12],
            )
            for release in releases
        ],
    )
