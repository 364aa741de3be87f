"""Coding notes and evaluating the coder, in the shape the CLI and the REST API print.

Files are read and checked before the coder is loaded, so that a bad file fails fast and nothing is half done;
the coder is then loaded once for all the notes of a request. Coders are kept loaded for the life of the process
(`coder_for`), one per reference store, embedding stage and synonym set: a server answers each request with a warm
coder, and a decision that changes an organisation's synonyms changes the set, so the next request gets a coder
that knows them.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from revcycle.coding.coder import MODES, Coder
from revcycle.coding.evaluation import EvaluationReport, evaluate, load_gold
from revcycle.coding.fhir import FhirHint, read_fhir_note
from revcycle.coding.learnt_model import LearntModel
from revcycle.coding.result import CodingResult
from revcycle.errors import InputFileError, InvalidRecord, RevcycleError
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


CACHED_CODERS = 8
"""Coders kept loaded at once: a server with more organisations than this reloads the least recently used."""
_CODERS: OrderedDict[tuple[ReferenceStore, bool, tuple[tuple[str, str], ...]], Coder] = OrderedDict()
_CODERS_LOCK = threading.Lock()


def coder_for(store: ReferenceStore, *, embeddings: bool, synonyms: Sequence[tuple[str, str]] = ()) -> Coder:
    """The process's coder for ``store``, the embedding stage on or off, and an organisation's synonyms.

    Loaded on first use and kept (the `CACHED_CODERS` most recently used); requests running at the same time wait
    for one load rather than each loading the lexicon.

    Raises:
        NoRelease: the store holds no ICD-10-CM release.
    """
    key = (store, embeddings, tuple(synonyms))
    with _CODERS_LOCK:
        found = _CODERS.get(key)
        if found is None:
            found = _CODERS[key] = Coder.load(store, embeddings=embeddings, synonyms=key[2])
            while len(_CODERS) > CACHED_CODERS:
                _CODERS.popitem(last=False)
        _CODERS.move_to_end(key)
        return found


def note_from_request(text: str | None, fhir: dict[str, Any] | None) -> NoteInput:
    """The note of a coding request: its ``text``, or the note of its ``fhir`` document, never both.

    Raises:
        InvalidRecord: neither or both are given, or the text is blank (``loc`` names the field).
        InputFileError: the FHIR document holds no note (``loc`` is its path under ``fhir``).
    """
    if (text is None) == (fhir is None):
        raise InvalidRecord("CodingRequest", "text", "give the note as text or as a FHIR document (fhir), not both")
    if text is not None:
        if not text.strip():
            raise InvalidRecord("CodingRequest", "text", "the note is empty")
        return NoteInput(text, None, ())
    try:
        note = read_fhir_note(fhir or {}, "fhir")
    except InputFileError as error:
        raise InputFileError("fhir", f"fhir.{error.location}" if error.location else "fhir", error.reason) from None
    return NoteInput(note.text, note.date, note.hints)


def code_notes(
    store: ReferenceStore,
    paths: Sequence[Path],
    mode: str,
    day: date | None,
    embeddings: bool,
    synonyms: Sequence[tuple[str, str]] = (),
    learnt: LearntModel | None = None,
) -> list[CodedNote]:
    """Code each file's note with one coder.

    Args:
        store: the reference store.
        paths: the note files (plain text or FHIR JSON, see `read_note_file`).
        mode: ``billing`` or ``mentions``.
        day: the encounter date for every note; None to take the date each file states (FHIR), else the date
            the note's text states, else today.
        embeddings: whether the embedding stage is on.
        synonyms: an organisation's own (phrase, ICD-10-CM code) pairs
            (`revcycle.services.coding_decisions.synonyms_of`).
        learnt: a model learnt from an organisation's coded notes (`LearntModel.read`), used in mentions mode.

    Raises:
        InputFileError: a file cannot be read (before any note is coded).
        RevcycleError: the mode is unknown, or the reference data the coder needs is not loaded.
    """
    check_mode(mode)
    notes = [read_note_file(path) for path in paths]
    coder = (
        coder_for(store, embeddings=embeddings, synonyms=synonyms)
        if learnt is None
        else Coder.load(store, embeddings=embeddings, synonyms=synonyms, learnt=learnt)
    )
    return [
        CodedNote(path, coder.code(note.text, day=day or note.day, mode=mode, hints=note.hints), note.hints)
        for path, note in zip(paths, notes, strict=True)
    ]


def evaluate_gold(
    store: ReferenceStore,
    gold: Path,
    mode: str,
    limit: int | None,
    embeddings: bool,
    learnt: LearntModel | None = None,
) -> EvaluationReport:
    """Code a gold set's notes with one coder and score them (see `revcycle.coding.evaluation`).

    Raises:
        InputFileError: the gold set cannot be read (before the coder is loaded).
        RevcycleError: the mode or limit is wrong, or the reference data the coder needs is not loaded.
    """
    check_mode(mode)
    gold_set = load_gold(gold)
    return evaluate(Coder.load(store, embeddings=embeddings, learnt=learnt), gold_set, mode, limit)
