"""``revcycle claim``: scrub claims before they are submitted."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from revcycle.cli.output import JsonOption, console, emit_json, errors, report_error, rows_table
from revcycle.cli.refdata import StoreOption
from revcycle.edits import ScrubConfig, ScrubReport, load_config
from revcycle.errors import InputFileError
from revcycle.refdata.reference import reference
from revcycle.services.scrub import ScrubRun, report_json, scrub_records
from revcycle.services.scrub_inputs import ClaimsFile, read_claims_file

claims_app = typer.Typer(help="Claims: scrub them before submission.", no_args_is_help=True)

# scrub's exit statuses: every claim is clean of errors, some claim has an error, or the input could not be read.
CLEAN, ERRORS, UNREADABLE = 0, 1, 2


def summary_line(report: ScrubReport) -> str:
    """The batch summary: claims, clean claims, the clean-claim rate and the findings by severity."""
    warnings = len(report.findings) - report.errors
    line = (
        f"{_count(report.claims, 'claim')}, {report.clean_claims} clean, clean-claim rate {report.clean_claim_rate}% "
        f"({_count(report.errors, 'error')}, {_count(warnings, 'warning')}"
    )
    return line + (f", {report.suppressed} suppressed)" if report.suppressed else ")")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _read_all(paths: list[Path], config: Path | None) -> tuple[list[ClaimsFile], ScrubConfig, list[str]]:
    """Every input file and the configuration, with the message of each that cannot be read."""
    problems: list[str] = []
    settings = ScrubConfig()
    if config is not None:
        try:
            settings = load_config(config)
        except InputFileError as error:
            problems.append(str(error))
    inputs: list[ClaimsFile] = []
    for path in paths:
        try:
            inputs.append(read_claims_file(path))
        except InputFileError as error:
            problems.append(str(error))
    return inputs, settings, problems


@claims_app.command("scrub")
def scrub_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="837P/837I files, claims JSON datasets or FHIR R4 Claim JSON.", dir_okay=False, metavar="FILE..."
        ),
    ],
    config: Annotated[
        Path | None, typer.Option("--config", help="Scrubber configuration (YAML).", dir_okay=False)
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="The day the claims are judged on (timely filing, dates in the future); default today.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Scrub claims: every edit's findings, then the batch's clean-claim rate.

    Exit 0 when no claim has an error, 1 when some claim has one, 2 when a file or the configuration cannot be
    read (then no finding is printed). With --json, stdout holds only the list of findings (claim, line, code,
    name, category, severity, message, source, fix, field) and the summary line goes to stderr.
    """
    inputs, settings, problems = _read_all(paths, config)
    if problems:
        report_error("\n".join(problems), as_json=as_json)
        raise typer.Exit(UNREADABLE)
    day = as_of.date() if as_of is not None else date.today()
    opened = reference(store)
    if not opened.releases():
        # Every edit that reads a table would say "not checked": say once why, and how to load the tables.
        errors.print(
            f"warning: the reference store {opened.path} holds no release; load one with "
            "`revcycle refdata import --bundled` or `revcycle refdata update`",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    report = scrub_records(inputs, ScrubRun(opened, settings, day))
    if as_json:
        emit_json(report_json(report)["findings"])
        errors.print(summary_line(report), markup=False, highlight=False, soft_wrap=True)
    else:
        if report.findings:
            rows_table(
                f"Findings (judged as of {day})",
                ["claim", "line", "code", "severity", "message"],
                [
                    (finding.claim, finding.line, finding.code, finding.severity, finding.message)
                    for finding in report.findings
                ],
            )
        console.print(summary_line(report), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(ERRORS if report.errors else CLEAN)
