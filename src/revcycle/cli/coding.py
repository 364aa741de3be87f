"""``revcycle code note``, ``code decide`` and ``code eval``: code notes, record decisions, measure the coder.

The commands join the ``revcycle code`` group of `revcycle.cli.codes`; importing this module registers them.
The coding engine (its lexicon code, numpy and the tokenizer) is imported only when one of them runs, so that
every other ``revcycle`` command starts as fast as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from revcycle.cli.codes import code_app
from revcycle.cli.output import JsonOption, console, emit_json, errors, key_values, rows_table
from revcycle.cli.refdata import StoreOption
from revcycle.cli.state import DbOption, database_url
from revcycle.coding.evaluation import LEVELS, EvaluationReport, Score
from revcycle.coding.result import CodingResult, Evidence
from revcycle.errors import InputFileError, InvalidRecord
from revcycle.refdata.reference import reference

if TYPE_CHECKING:
    from revcycle.services.coding import CodedNote

ModeOption = Annotated[
    str, typer.Option("--mode", help="billing (the guidelines applied) or mentions (every condition, with status).")
]
EmbeddingsOption = Annotated[
    bool, typer.Option("--embeddings/--no-embeddings", help="Match paraphrases with the embedding model.")
]
LearntOption = Annotated[
    Path | None,
    typer.Option(
        "--learnt",
        help="A model learnt from the organisation's coded notes (scripts/codiesp_model.py makes one); mentions mode.",
    ),
]
TOP_MISSES = 15


def _mode(mode: str) -> str:
    from revcycle.coding.coder import MODES

    if mode not in MODES:
        raise typer.BadParameter(f"{mode!r} is not a mode: use {' or '.join(MODES)}", param_hint="--mode")
    return mode


def _encounter_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None


@code_app.command("note")
def note_command(
    context: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Notes: plain text, or FHIR R4 JSON (Bundle, DocumentReference, Composition).", show_default=False
        ),
    ],
    mode: ModeOption = "billing",
    on: Annotated[
        str | None,
        typer.Option("--date", help="Encounter date, YYYY-MM-DD (default: the date in the note, else today)."),
    ] = None,
    store: StoreOption = None,
    embeddings: EmbeddingsOption = True,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", help="Use the synonyms this organisation's coders taught (`code decide`; needs --db)."
        ),
    ] = None,
    db: DbOption = None,
    learnt: LearntOption = None,
    as_json: JsonOption = False,
) -> None:
    """Code clinical notes: ICD-10-CM and CPT/HCPCS codes with their evidence, exclusions and clinician queries."""
    from revcycle.coding.learnt_model import LearntModel
    from revcycle.services.coding import code_notes
    from revcycle.services.coding_decisions import synonyms_of
    from revcycle.services.database import ready_engine

    model = LearntModel.read(learnt) if learnt is not None else None
    synonyms = synonyms_of(ready_engine(database_url(context, db)), organisation) if organisation else []
    coded = code_notes(reference(store), paths, _mode(mode), _encounter_day(on), embeddings, synonyms, model)
    if as_json:
        emit_json(coded[0].result.to_json() if len(coded) == 1 else [note.to_json() for note in coded])
        return
    for note in coded:
        _show_note(note)


@code_app.command("decide")
def decide_command(
    context: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="Decisions JSON (docs/coding-decisions.md): organisation, encounter, decisions.")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a coder's accept/reject/edit/add decisions on an encounter; they teach the organisation's synonyms."""
    from revcycle.services.coding_decisions import read_batch_file, record_decisions
    from revcycle.services.database import ready_engine

    batch = read_batch_file(path)
    try:
        outcome = record_decisions(ready_engine(database_url(context, db)), batch)
    except InvalidRecord as error:
        # An encounter that is not stored: named as a place in the file, like every other mistake in it.
        raise InputFileError(str(path), error.field, error.reason) from None
    if as_json:
        emit_json(outcome.as_json())
        return
    console.print(
        f"[bold]{escape(str(path))}[/]: {len(outcome.recorded)} decision(s) recorded on encounter "
        f"{escape(batch.encounter_id)} for {escape(batch.organisation)}, {len(outcome.unchanged)} already recorded",
        highlight=False,
    )
    if outcome.synonyms:
        rows_table(
            f"Synonyms of {batch.organisation} changed",
            ["phrase", "code", "system", "times confirmed"],
            [
                (change.phrase, change.code, change.code_system, change.times_confirmed or "0 (removed)")
                for change in outcome.synonyms
            ],
        )


def _evidence(spans: tuple[Evidence, ...]) -> str:
    return " | ".join(" ".join(span.text.split()) for span in spans)


def _show_note(note: CodedNote) -> None:
    result = note.result
    console.print(
        f"[bold]{escape(str(note.path))}[/]: encounter {result.encounter_date}, {result.mode} mode", highlight=False
    )
    for warning in result.warnings:
        errors.print(f"[yellow]warning:[/] {escape(warning)}")
    if result.diagnoses:
        rows_table(
            "Diagnoses (claim order)",
            ["#", "code", "description", "confidence", "status", "evidence"],
            [
                (rank, item.code, item.description, f"{item.confidence:.2f}", item.assertion, _evidence(item.evidence))
                for rank, item in enumerate(result.diagnoses, start=1)
            ],
        )
    else:
        console.print("No diagnosis suggested.")
    if result.excluded:
        rows_table(
            "Not coded",
            ["code", "reason", "evidence"],
            [(item.code, item.reason, _evidence(item.evidence)) for item in result.excluded],
        )
    if result.procedures:
        rows_table(
            "Procedures",
            ["code", "modifiers", "units", "rationale", "evidence"],
            [
                (item.code, " ".join(item.modifiers), item.units, item.rationale, _evidence(item.evidence))
                for item in result.procedures
            ],
        )
    if result.queries:
        rows_table(
            "Clinician queries",
            ["about", "question", "options"],
            [(query.about, query.text, "\n".join(query.options) or "(open)") for query in result.queries],
        )
    _show_em(result)
    if note.hints:
        rows_table(
            "Codes the file records (FHIR), for comparison",
            ["code", "system", "status", "display"],
            [(hint.code, hint.system, hint.status or "", hint.display or "") for hint in note.hints],
        )


def _show_em(result: CodingResult) -> None:
    level = result.em
    if level is None:
        return
    rows: dict[str, object] = {"code": level.code, "basis": level.basis}
    if level.basis == "mdm":
        rows |= {"problems": level.problems, "data": level.data, "risk": level.risk}
    if level.minutes is not None:
        rows["minutes"] = level.minutes
    rows["reasoning"] = "\n".join(level.reasoning)
    key_values("E/M level", rows)


@code_app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Option("--gold", help="Gold set: our YAML file or a CodiEsp split folder.")],
    mode: ModeOption = "billing",
    limit: Annotated[int | None, typer.Option(min=1, help="Code only the first N notes.")] = None,
    store: StoreOption = None,
    embeddings: EmbeddingsOption = True,
    learnt: LearntOption = None,
    as_json: JsonOption = False,
) -> None:
    """Measure the coder on a gold set: micro precision, recall and F1, E/M accuracy and the worst misses."""
    from revcycle.coding.learnt_model import LearntModel
    from revcycle.services.coding import evaluate_gold

    model = LearntModel.read(learnt) if learnt is not None else None
    report = evaluate_gold(reference(store), gold, _mode(mode), limit, embeddings, model)
    if as_json:
        emit_json(report.to_json(TOP_MISSES))
        return
    _show_report(report)


def _figures(score: Score) -> tuple[str, str, str, int, int, int]:
    return f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.4f}", score.tp, score.fp, score.fn


def _show_report(report: EvaluationReport) -> None:
    scored = " and ".join(report.kinds)
    console.print(
        f"[bold]{escape(str(report.gold))}[/] ({report.format}, {len(report.outcomes)} notes, {report.mode} mode): "
        f"{scored} scored",
        highlight=False,
    )
    rows_table(
        "Micro-averaged scores",
        ["codes", "level", "precision", "recall", "F1", "tp", "fp", "fn"],
        [
            (
                kind,
                level,
                f"{score.precision:.4f}",
                f"{score.recall:.4f}",
                f"{score.f1:.4f}",
                score.tp,
                score.fp,
                score.fn,
            )
            for kind in report.kinds
            for level in LEVELS
            for score in [report.score(kind, level)]
        ],
    )
    if report.format == "revcycle":
        em = report.em_accuracy()
        queries = report.query_recall()
        console.print(
            f"E/M level exact: {em.exact} of {em.notes} ({em.accuracy:.4f}); "
            f"query recall: {queries.matched} of {queries.topics} topics ({queries.recall:.4f})",
            highlight=False,
        )
        if em.mismatches:
            rows_table(
                "E/M mismatches",
                ["note", "gold", "suggested"],
                [(item.note, item.gold, item.predicted or "(none)") for item in em.mismatches],
            )
    for kind in report.kinds:
        missed, wrong = report.misses(kind, "full", TOP_MISSES)
        for title, misses in ((f"Most missed {kind}", missed), (f"Most wrongly suggested {kind}", wrong)):
            if misses:
                rows_table(
                    title,
                    ["code", "notes", "for example"],
                    [(miss.code, miss.count, ", ".join(miss.notes)) for miss in misses],
                )
    for crash in report.crashes:
        errors.print(f"[red]crash:[/] {escape(crash.gold.id)}: {escape(crash.prediction.error or '')}")
