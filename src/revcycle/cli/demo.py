"""``revcycle demo``: run the main job end to end on the bundled synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from revcycle.cli.output import JsonOption, console, emit_json, rows_table
from revcycle.cli.records import progress_bar, show_import
from revcycle.cli.refdata import StoreOption
from revcycle.cli.state import DbOption, database_url
from revcycle.cli.summary import show_summary
from revcycle.refdata.reference import reference
from revcycle.services.demo import DEMO_CODER, DemoCodedNote, DemoResult, DemoScrub, DemoX12, demo_dataset, run_demo
from revcycle.services.demo_reference import DEMO_LOCALITY, DemoReference
from revcycle.store import display_url

X12DirectoryOption = Annotated[
    Path | None, typer.Option("--x12-dir", help="Where to write the demo claims as an 837 (default: in memory only).")
]


def demo_command(
    context: typer.Context,
    db: DbOption = None,
    store: StoreOption = None,
    x12_dir: X12DirectoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load the synthetic practice and reference data; look up, search, price; scrub; X12; code notes into claims."""
    url = database_url(context, db)
    with progress_bar("Loading demo data", demo_dataset().size, hidden=as_json) as progress:
        task = progress.task_ids[0]
        result = run_demo(
            url, reference(store), on_records=lambda count: progress.advance(task, count), x12_directory=x12_dir
        )
    if as_json:
        emit_json(result)
        return
    show_result(result, display_url(url))


def show_result(result: DemoResult, url: str) -> None:
    """Print what the demo did, section by section."""
    console.print(f"[bold]revcycle demo[/] on {escape(url)} (schema {result.database.current})")
    show_import(result.imported, "the demo dataset")
    show_summary(result.summary, "What the database now holds")
    if result.reference is not None:
        show_reference(result.reference)
    if result.scrub is not None:
        show_scrub(result.scrub)
    if result.x12 is not None:
        show_x12(result.x12)
    if result.coding:
        show_coding(result.coding)


def show_scrub(scrub: DemoScrub) -> None:
    """Print the scrubber's findings on the demo claims and the wrong ones, and the clean-claim rate."""
    stored, wrong = len(scrub.stored_claims), len(scrub.wrong_claims)
    rows_table(
        f"Claim scrubber, as of {scrub.as_of}: the {stored} demo claims (scrubbed as they were saved) and {wrong} "
        f"made wrong on purpose ({', '.join(scrub.wrong_claims)})",
        ["claim", "line", "edit", "severity", "finding", "fix"],
        [
            (
                finding["claim"],
                finding["line"],
                finding["code"],
                finding["severity"],
                finding["message"],
                finding["fix"],
            )
            for finding in scrub.findings
        ],
    )
    by_reason: dict[str, list[str]] = {}
    for code, reason in scrub.not_checked.items():
        by_reason.setdefault(reason, []).append(code)
    for reason, codes in by_reason.items():
        console.print(f"{escape(', '.join(codes))} could not check: {escape(reason)}", highlight=False)
    console.print(
        f"{scrub.claims} claims, {scrub.clean_claims} clean: clean-claim rate {scrub.clean_claim_rate}%",
        highlight=False,
    )


def show_x12(x12: DemoX12) -> None:
    """Print the 837 written and the 835 read, with their verdicts."""
    claims, paid = x12.claims_summary, x12.remittance_summary
    rows_table(
        "X12: the demo claims written as an 837P; the bundled 835 that pays them",
        ["file", "verdict", "claims", "charged", "paid", "PLB", "payment"],
        [
            (
                f"{claims.get('transaction')} {Path(x12.claims_file or '(memory)').name}",
                x12.claims_verdict,
                claims.get("claims"),
                claims.get("total_charge"),
                "",
                "",
                "",
            ),
            (
                f"{paid.get('transaction')} {Path(x12.remittance_file).name}",
                x12.remittance_verdict,
                paid.get("claims"),
                paid.get("total_charge"),
                paid.get("total_paid"),
                paid.get("plb_total"),
                paid.get("payment"),
            ),
        ],
    )
    if x12.claims_file:
        console.print(f"837P written to {escape(x12.claims_file)}", highlight=False)
    for finding in x12.findings:
        console.print(f"  {escape(finding)}", highlight=False)


def show_reference(found: DemoReference) -> None:
    """Print the reference releases loaded, the lookups, the search and the priced claim lines."""
    rows_table(
        "Reference data loaded",
        ["set", "releases", "rows"],
        [
            (
                code_set,
                sum(1 for o in found.imported if o.release.code_set == code_set),
                sum(o.release.rows for o in found.imported if o.release.code_set == code_set),
            )
            for code_set in dict.fromkeys(outcome.release.code_set for outcome in found.imported)
        ],
    )
    rows_table(
        "Lookups",
        ["code", "system", "description", "billable", "notes"],
        [
            (
                code["code"],
                code["system"],
                code["description"] or "(CPT: no licensed descriptor loaded)",
                "yes" if code["billable"] else "no",
                _first_note(code),
            )
            for code in found.lookups
        ],
    )
    rows_table(
        f"Search {found.search['query']!r}",
        ["code", "description"],
        [(hit["code"], hit["description"]) for hit in found.search["results"]],
    )
    rows_table(
        f"Demo claim lines priced by the Medicare fee schedule (locality {DEMO_LOCALITY}, non-facility)",
        ["claim", "line", "code", "charge", "Medicare amount"],
        [
            (row["claim"], row["line"], row["code"], row["charge"], row["medicare_amount"] or row.get("note", ""))
            for row in found.prices
        ],
    )


def _first_note(code: dict[str, object]) -> str:
    seventh = code.get("seventh_character")
    if isinstance(seventh, dict):
        return f"7th character {seventh['character']}: {seventh['meaning']}"
    notes = code.get("notes")
    if isinstance(notes, dict) and notes.get("use_additional_code"):
        return f"use additional code: {notes['use_additional_code'][0]['text']}"
    return ""


def _spans(evidence: list[dict[str, object]]) -> str:
    return " | ".join(" ".join(str(span["text"]).split()) for span in evidence)


def show_coding(coded: tuple[DemoCodedNote, ...]) -> None:
    """Print each bundled note's codes with their evidence, its E/M reasoning and queries, and the claims made."""
    for note in coded:
        coding = note.coding
        title = f"Coding demo_data/notes/{note.note} (encounter {note.encounter_id}, {coding['encounter_date']})"
        rows_table(
            f"{title}: diagnoses, claim order",
            ["code", "description", "evidence"],
            [(item["code"], item["description"], _spans(item["evidence"])) for item in coding["diagnoses"]],
        )
        rows_table(
            "Procedures",
            ["code", "modifiers", "units", "evidence"],
            [
                (item["code"], " ".join(item["modifiers"]), item["units"], _spans(item["evidence"]))
                for item in coding["procedures"]
            ],
        )
        em = coding["em"]
        if em:
            billed = "" if em["code"] in {item["code"] for item in coding["procedures"]} else " (not billed)"
            console.print(f"E/M {em['code']}{billed}: {escape(em['reasoning'][-1])}", highlight=False)
        for query in coding["queries"]:
            options = f" [{'; '.join(query['options'])}]" if query["options"] else ""
            console.print(
                f"Query ({escape(query['about'])}): {escape(query['text'])}{escape(options)}", highlight=False
            )
        decided = note.decisions
        console.print(
            f"Accepted every code as coder {DEMO_CODER!r} for {escape(note.organisation)}: "
            f"{len(decided.recorded)} decision(s) recorded, {len(decided.unchanged)} already recorded",
            highlight=False,
        )
    rows_table(
        "Claims made of the accepted codes (saved and scrubbed; charges: the practice's own per unit, else a demo "
        "charge)",
        ["claim", "encounter", "diagnoses", "line", "code", "modifiers", "units", "charge", "pointers"],
        [
            (
                note.claim["patient_control_number"] if line["line_number"] == 1 else "",
                note.encounter_id if line["line_number"] == 1 else "",
                " ".join(item["code"] for item in note.claim["diagnoses"]) if line["line_number"] == 1 else "",
                line["line_number"],
                line["procedure_code"],
                " ".join(line.get("modifiers", [])),
                line["units"],
                line["charge"],
                " ".join(str(pointer) for pointer in line["diagnosis_pointers"]),
            )
            for note in coded
            for line in note.claim["lines"]
        ],
    )
    rows_table(
        "What the scrubber found on them (a coded claim billing what a demo claim already bills is its duplicate)",
        ["claim", "line", "edit", "severity", "finding"],
        [
            (finding["claim"], finding["line"], finding["code"], finding["severity"], finding["message"])
            for note in coded
            for finding in note.findings
        ],
    )
