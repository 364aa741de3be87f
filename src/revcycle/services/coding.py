"""Coding notes and evaluating the coder, in the shape the CLI and the REST API print.

Files are read and checked before the coder is loaded, so that a bad file fails fast and nothing is half done;
the coder is then loaded once for all the notes of a request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from revcycle.coding.coder import MODES, Coder
from revcycle.coding.evaluation import EvaluationReport, evaluate, load_gold
from revcycle.coding.fhir import FhirHint, read_fhir_note
from revcycle.coding.result import CodingResult
from revcycle.errors import InputFileError, RevcycleError
from revcycle.refdata.store import ReferenceStore


class NoteInput(NamedTuple):
    """A note as read from a file.

    Attributes:
        text: the note's text.
        day: the encounter date the file states (a FHIR document's date); None for plain text, where the coder
            reads the date from the note itself.
        hints: codes the file already records (FHIR Condition and Procedure resources), none for plain text.
    """

    text: str
    day: date | None
    hints: tuple[FhirHint, ...]


@dataclass(frozen=True, slots=True)
class CodedNote:
    """One file's note and what the coder suggests for it.

    Attributes:
        path: the file as the user named it.
        result: the coder's suggestions.
        hints: the codes the file already records (FHIR), shown beside the suggestions for the coder to compare.
    """

    path: Path
    result: CodingResult
    hints: tuple[FhirHint, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The result as the JSON contract writes it, with the ``file`` it came from first."""
        return {"file": str(self.path), **self.result.to_json()}


def check_mode(mode: str) -> str:
    """``mode`` when it is a coding mode.

    Raises:
        RevcycleError: it is neither ``billing`` nor ``mentions``.
    """
    if mode not in MODES:
        raise RevcycleError(f"unknown coding mode {mode!r}: use {' or '.join(MODES)}")
    return mode


def read_note_file(path: Path) -> NoteInput:
    """Read a note: plain text, or a FHIR R4 Bundle, DocumentReference or Composition (JSON), told by content.

    A file whose text starts with ``{`` is taken as JSON, since no clinical note starts that way; anything else
    is the note itself.

    Raises:
        InputFileError: the file cannot be read, is not UTF-8 text, is broken JSON, or is JSON but not a FHIR
            document holding a note.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(str(path), "", f"cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(str(path), f"byte {error.start}", "not UTF-8 text") from None
    if not text.lstrip().startswith("{"):
        return NoteInput(text, None, ())
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(str(path), f"line {error.lineno} column {error.colno}", "not valid JSON") from None
    note = read_fhir_note(document, str(path))
    return NoteInput(note.text, note.date, note.hints)


def code_notes(
    store: ReferenceStore, paths: Sequence[Path], mode: str, day: date | None, embeddings: bool
) -> list[CodedNote]:
    """Code each file's note with one coder.

    Args:
        store: the reference store.
        paths: the note files (plain text or FHIR JSON, see `read_note_file`).
        mode: ``billing`` or ``mentions``.
        day: the encounter date for every note; None to take the date each file states (FHIR), else the date
            the note's text states, else today.
        embeddings: whether the embedding stage is on.

    Raises:
        InputFileError: a file cannot be read (before any note is coded).
        RevcycleError: the mode is unknown, or the reference data the coder needs is not loaded.
    """
    check_mode(mode)
    notes = [read_note_file(path) for path in paths]
    coder = Coder.load(store, embeddings=embeddings)
    return [
        CodedNote(path, coder.code(note.text, day=day or note.day, mode=mode, hints=note.hints), note.hints)
        for path, note in zip(paths, notes, strict=True)
    ]


def evaluate_gold(
    store: ReferenceStore, gold: Path, mode: str, limit: int | None, embeddings: bool
) -> EvaluationReport:
    """Code a gold set's notes with one coder and score them (see `revcycle.coding.evaluation`).

    Raises:
        InputFileError: the gold set cannot be read (before the coder is loaded).
        RevcycleError: the mode or limit is wrong, or the reference data the coder needs is not loaded.
    """
    check_mode(mode)
    gold_set = load_gold(gold)
    return evaluate(Coder.load(store, embeddings=embeddings), gold_set, mode, limit)
