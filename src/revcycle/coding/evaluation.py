"""How well the coder codes: gold sets read from disk, each note coded once, micro-averaged scores and worst misses.

Two gold formats are read, recognised by content:

- our own gold set, a YAML list of notes (``id``, ``file`` relative to the YAML, ``date``, ``diagnoses`` in claim
  order, ``procedures`` as ``{code, modifiers, units}``, ``em`` as ``{code, basis}`` or null, ``queries``);
- a CodiEsp split folder (``devD.tsv`` or ``trainD.tsv``, English text in ``text_files_en/``). CodiEsp's procedure
  codes are ICD-10-PCS, which revcycle does not code, so only its diagnoses are scored, in CodiEsp's notation
  (no 7th character, see `codiesp_notation`).

Scores are micro-averaged over the notes from the sets of codes per note, at full-code level, at 3-character
(category) level, and at ``subdivided`` level (full code, where a gold code that has since become a category is
matched by one of its children: see `subdivided_gold`). The predictions are kept in the report, so one coding run
can be scored at every level.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import yaml

from revcycle.coding.result import CodingResult
from revcycle.domain.codes import icd10cm_as_typed, icd10cm_display
from revcycle.errors import InputFileError, RevcycleError
from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.store import ReferenceStore

KINDS = ("diagnoses", "procedures")
LEVELS = ("full", "category", "subdivided")
OURS = "revcycle"
CODIESP = "codiesp"
EXAMPLES = 3
"""How many example note ids a worst miss names."""


class NoteCoder(Protocol):
    """What the harness needs of a coder (`revcycle.coding.coder.Coder`, or a fake in tests)."""

    def code(self, text: str, *, day: date | None = None, mode: str = "billing") -> CodingResult:
        """Code one note."""
        ...


def diagnosis_code(text: str) -> str:
    """An ICD-10 code as revcycle writes it: upper case, a dot after the 3rd character (``q62.11`` → ``Q62.11``)."""
    return icd10cm_as_typed(text)


def codiesp_notation(code: str) -> str:
    """An ICD-10-CM code as CodiEsp writes it: without a 7th character and without trailing placeholders.

    CodiEsp's coders wrote injury and external-cause codes without their 7th character (``T14.8``,
    ``W19.XXX``), while revcycle always completes them (``T14.8XXA``); both sides are compared in CodiEsp's
    notation, which changes nothing for the codes that take no 7th character.
    """
    bare = code.replace(".", "")
    if len(bare) == 7:
        bare = bare[:6]
    return icd10cm_display(bare.rstrip("X") or bare)


def unsound(store: ReferenceStore, judged: date, text: str, result: CodingResult) -> list[str]:
    """What breaks the issue's invariants in a coding result, one line a problem; empty when it is sound.

    Every diagnosis must be billable in the release in force on ``judged`` (the day the coder judged the note by,
    `Coder.judging_day`) and carry evidence; every evidence span, of diagnoses and procedures, must be the note's own
    ``text`` at its offsets.
    """
    problems = []
    for item in result.diagnoses:
        found = lookup_icd10cm(store, item.code, judged)
        if found is None or not found.billable:
            problems.append(f"{item.code} is not billable on {judged}")
        if not item.evidence:
            problems.append(f"{item.code} has no evidence")
    spans = [(item.code, item.evidence) for item in result.diagnoses]
    spans += [(item.code, item.evidence) for item in result.procedures]
    problems += [
        f"{code}: evidence {span.text!r} is not the note's text at {span.start}"
        for code, evidence in spans
        for span in evidence
        if text[span.start : span.end] != span.text
    ]
    return problems


def procedure_code(text: str) -> str:
    """A CPT or HCPCS code as compared: trimmed, upper case."""
    return text.strip().upper()


def at_level(code: str, level: str) -> str:
    """The code itself at ``full`` and ``subdivided`` level, its first three characters at ``category`` level."""
    return code[:3] if level == "category" else code


def subdivided_gold(code: str, gold: Collection[str]) -> str:
    """The gold code that ``code`` refines, when a gold code has been subdivided since the gold set was coded.

    A gold set coded with an older release holds codes that were leaves then and are categories now (CodiEsp's
    R51, M54.5, R05, E87.2, N18.3 became R51.9, M54.50, R05.9, E87.20, N18.30...), which a coder that must suggest
    codes billable today can never equal. ``code`` is returned as the longest gold code it extends, or unchanged. A
    gold code that is a leaf today is the prefix of no billable code, so for a gold set coded with the release in
    force nothing changes.
    """
    bare = code.replace(".", "")
    refined = [item for item in gold if item != code and bare.startswith(item.replace(".", ""))]
    return max(refined, key=len) if refined else code


def as_subdivided_gold(predicted: Iterable[str], gold: Collection[str]) -> set[str]:
    """The predicted codes at ``subdivided`` level: one suggestion under a subdivided gold code counts as that code.

    A second suggestion under the same gold code stays itself (a false positive), as `subdivided_gold` explains.
    """
    found: set[str] = set()
    for code in sorted(predicted):
        target = subdivided_gold(code, gold)
        found.add(code if target in found else target)
    return found


@dataclass(frozen=True, slots=True)
class GoldNote:
    """One coded note of a gold set.

    Attributes:
        id: the note's identifier in the gold set.
        text: the note's text.
        day: the encounter date the gold codes were judged on; None when the gold set gives none (CodiEsp).
        diagnoses: the gold ICD-10-CM codes, dotted, in claim order.
        procedures: the gold CPT/HCPCS codes (E/M included); empty for CodiEsp, whose procedures are not scored.
        em: the gold E/M code, None when the note has none or it is not judged.
        queries: the topics a clinician query should be raised about (``CKD stage``).
    """

    id: str
    text: str
    day: date | None
    diagnoses: tuple[str, ...]
    procedures: tuple[str, ...] = ()
    em: str | None = None
    queries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldSet:
    """A gold set as read from disk.

    Attributes:
        path: the YAML file or CodiEsp folder it was read from.
        format: ``revcycle`` (our YAML) or ``codiesp``.
        notes: the notes, in the gold set's order.
    """

    path: Path
    format: str
    notes: tuple[GoldNote, ...]

    @property
    def scores_procedures(self) -> bool:
        """Whether procedures are scored: not for CodiEsp, whose procedures are ICD-10-PCS."""
        return self.format == OURS


def load_gold(path: Path) -> GoldSet:
    """Read a gold set: a CodiEsp split folder, or our YAML file.

    Raises:
        InputFileError: the path is neither, or a note in it is malformed or its text cannot be read.
    """
    if path.is_dir():
        return _load_codiesp(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputFileError(str(path), f"line {mark.line + 1}" if mark else "", "not YAML") from None
    if not isinstance(document, list):
        raise InputFileError(
            str(path), "", "not a gold set: expected a YAML list of notes or a CodiEsp split folder (devD.tsv, ...)"
        )
    return GoldSet(path, OURS, tuple(_yaml_note(path, index, item) for index, item in enumerate(document)))


def _yaml_note(path: Path, index: int, item: object) -> GoldNote:
    place = f"note {index + 1}"
    if not isinstance(item, Mapping):
        raise InputFileError(str(path), place, "expected a mapping with id, file, diagnoses")
    for key in ("id", "file", "diagnoses"):
        if key not in item:
            raise InputFileError(str(path), place, f"{key} is missing")
    place = f"note {item['id']}"
    day = item.get("date")
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            raise InputFileError(str(path), f"{place}: date", f"{day!r} is not a date (YYYY-MM-DD)") from None
    if day is not None and not isinstance(day, date):
        raise InputFileError(str(path), f"{place}: date", "expected a date (YYYY-MM-DD)")
    em = item.get("em")
    if em is not None and not (isinstance(em, Mapping) and "code" in em):
        raise InputFileError(str(path), f"{place}: em", "expected {code, basis} or null")
    return GoldNote(
        id=str(item["id"]),
        text=_read_text(path.parent / str(item["file"]), str(path), f"{place}: file"),
        day=day,
        diagnoses=tuple(diagnosis_code(str(code)) for code in _strings(item, "diagnoses", path, place)),
        procedures=tuple(_procedure(path, place, entry) for entry in item.get("procedures") or ()),
        em=procedure_code(str(em["code"])) if em is not None else None,
        queries=tuple(_strings(item, "queries", path, place)),
    )


def _strings(item: Mapping[str, Any], key: str, path: Path, place: str) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list):
        raise InputFileError(str(path), f"{place}: {key}", "expected a list")
    return [str(entry) for entry in value]


def _procedure(path: Path, place: str, entry: object) -> str:
    if isinstance(entry, Mapping) and "code" in entry:
        return procedure_code(str(entry["code"]))
    if isinstance(entry, str | int):
        return procedure_code(str(entry))
    raise InputFileError(str(path), f"{place}: procedures", f"expected {{code, modifiers, units}}, not {entry!r}")


def _read_text(path: Path, where: str, place: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(where, place, f"cannot read {path}: {error}") from None


def _load_codiesp(folder: Path) -> GoldSet:
    tables = sorted(folder.glob("*D.tsv"))
    texts = folder / "text_files_en"
    if len(tables) != 1 or not texts.is_dir():
        raise InputFileError(
            str(folder), "", "not a CodiEsp split folder: expected one <split>D.tsv and a text_files_en folder"
        )
    codes: dict[str, dict[str, None]] = {}
    try:
        with tables[0].open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
                if not row:
                    continue
                if len(row) < 2:
                    raise InputFileError(str(tables[0]), f"line {number}", "expected articleID TAB code")
                codes.setdefault(row[0].strip(), {})[codiesp_notation(diagnosis_code(row[1]))] = None
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(tables[0]), "", f"cannot be read: {error}") from None
    files = {file.stem: file for file in texts.glob("*.txt")}
    missing = sorted(set(codes) - set(files))
    if missing:
        raise InputFileError(str(tables[0]), f"article {missing[0]}", f"no text in {texts}")
    notes = tuple(
        GoldNote(stem, _read_text(files[stem], str(folder), f"article {stem}"), None, tuple(codes.get(stem, ())))
        for stem in sorted(files)
    )
    return GoldSet(folder, CODIESP, notes)


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the coder said about one note, kept for scoring.

    Attributes:
        diagnoses: the suggested ICD-10-CM codes in claim order.
        procedures: the suggested CPT/HCPCS codes, the E/M first when there is one.
        em: the E/M code, when the coder leveled a visit.
        queries: the ``about`` of each clinician query.
        error: the exception, as ``Type: message``, when coding the note crashed (then all else is empty).
    """

    diagnoses: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    em: str | None = None
    queries: tuple[str, ...] = ()
    error: str | None = None

    @classmethod
    def of(cls, result: CodingResult) -> Prediction:
        """The codes of a coding result, written as the gold sets write them."""
        return cls(
            diagnoses=tuple(diagnosis_code(item.code) for item in result.diagnoses),
            procedures=tuple(procedure_code(item.code) for item in result.procedures),
            em=procedure_code(result.em.code) if result.em else None,
            queries=tuple(query.about for query in result.queries),
        )


@dataclass(frozen=True, slots=True)
class Score:
    """Micro-averaged counts and figures over a set of notes.

    Precision (recall) is 0 when nothing was predicted (nothing was in the gold set), rather than undefined.
    """

    tp: int
    fp: int
    fn: int
    notes: int

    @property
    def precision(self) -> float:
        """True positives over predicted codes."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """True positives over gold codes."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_json(self) -> dict[str, Any]:
        """Counts and figures."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "notes": self.notes,
        }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass(frozen=True, slots=True)
class Miss:
    """A code the coder often got wrong: missed (false negative) or suggested wrongly (false positive).

    Attributes:
        code: the code, at the level scored.
        count: in how many notes.
        notes: the ids of the first few of those notes.
    """

    code: str
    count: int
    notes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The miss as JSON."""
        return {"code": self.code, "count": self.count, "notes": list(self.notes)}


@dataclass(frozen=True, slots=True)
class EmMismatch:
    """A visit whose E/M level the coder did not match: the gold and the suggested code (None: not leveled)."""

    note: str
    gold: str
    predicted: str | None


@dataclass(frozen=True, slots=True)
class EmAccuracy:
    """Exact E/M level agreement over the notes whose gold E/M is given."""

    exact: int
    notes: int
    mismatches: tuple[EmMismatch, ...]

    @property
    def accuracy(self) -> float:
        """Exact matches over notes with a gold E/M."""
        return _ratio(self.exact, self.notes)

    def to_json(self) -> dict[str, Any]:
        """The accuracy and its mismatches."""
        return {
            "accuracy": self.accuracy,
            "exact": self.exact,
            "notes": self.notes,
            "mismatches": [
                {"note": item.note, "gold": item.gold, "predicted": item.predicted} for item in self.mismatches
            ],
        }


@dataclass(frozen=True, slots=True)
class QueryRecall:
    """Gold query topics matched by a suggested query (its ``about`` contains the topic or the topic contains it)."""

    matched: int
    topics: int

    @property
    def recall(self) -> float:
        """Matched topics over gold topics."""
        return _ratio(self.matched, self.topics)

    def to_json(self) -> dict[str, Any]:
        """The recall and its counts."""
        return {"recall": self.recall, "matched": self.matched, "topics": self.topics}


def query_matches(topic: str, about: str) -> bool:
    """Whether a suggested query's ``about`` answers a gold topic: one contains the other, ignoring case."""
    topic, about = topic.casefold().strip(), about.casefold().strip()
    return bool(topic and about) and (topic in about or about in topic)


@dataclass(frozen=True, slots=True)
class NoteOutcome:
    """A gold note beside what the coder said about it."""

    gold: GoldNote
    prediction: Prediction

    def codes(self, kind: str, level: str) -> tuple[set[str], set[str]]:
        """The gold and the predicted codes of ``kind`` (diagnoses or procedures) at ``level``, as sets."""
        gold = {at_level(code, level) for code in getattr(self.gold, kind)}
        predicted: Iterable[str] = getattr(self.prediction, kind)
        if level == "subdivided" and kind == "diagnoses":
            return gold, as_subdivided_gold(predicted, gold)
        return gold, {at_level(code, level) for code in predicted}

    def to_json(self, kinds: tuple[str, ...]) -> dict[str, Any]:
        """The note's gold, predictions and differences, for ``--json``."""
        found: dict[str, Any] = {"id": self.gold.id}
        for kind in kinds:
            gold, predicted = self.codes(kind, "full")
            found[kind] = {
                "gold": list(getattr(self.gold, kind)),
                "predicted": list(getattr(self.prediction, kind)),
                "fn": sorted(gold - predicted),
                "fp": sorted(predicted - gold),
            }
        if self.gold.em is not None or self.prediction.em is not None:
            found["em"] = {"gold": self.gold.em, "predicted": self.prediction.em}
        if self.gold.queries or self.prediction.queries:
            found["queries"] = {"gold": list(self.gold.queries), "predicted": list(self.prediction.queries)}
        if self.prediction.error:
            found["error"] = self.prediction.error
        return found


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """One coding run over a gold set, scored on demand at any level.

    Attributes:
        gold: the gold set's path and format (the notes are in ``outcomes``).
        format: ``revcycle`` or ``codiesp``.
        mode: the coding mode the run used.
        outcomes: each note's gold and prediction, in the gold set's order.
    """

    gold: Path
    format: str
    mode: str
    outcomes: tuple[NoteOutcome, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """What is scored: diagnoses, and procedures too except on CodiEsp."""
        return KINDS if self.format == OURS else ("diagnoses",)

    @property
    def crashes(self) -> tuple[NoteOutcome, ...]:
        """The notes on which the coder raised an exception (scored as if it suggested nothing)."""
        return tuple(outcome for outcome in self.outcomes if outcome.prediction.error)

    def score(self, kind: str, level: str = "full") -> Score:
        """Micro-averaged precision, recall and F1 of ``kind`` at ``level`` (one of `LEVELS`)."""
        tp = fp = fn = 0
        for outcome in self.outcomes:
            gold, predicted = outcome.codes(kind, level)
            tp += len(gold & predicted)
            fp += len(predicted - gold)
            fn += len(gold - predicted)
        return Score(tp, fp, fn, len(self.outcomes))

    def misses(self, kind: str, level: str = "full", top: int = 15) -> tuple[tuple[Miss, ...], tuple[Miss, ...]]:
        """The ``top`` most frequent false negatives and false positives of ``kind``, most frequent first."""
        missed: dict[str, list[str]] = {}
        wrong: dict[str, list[str]] = {}
        for outcome in self.outcomes:
            gold, predicted = outcome.codes(kind, level)
            for code in gold - predicted:
                missed.setdefault(code, []).append(outcome.gold.id)
            for code in predicted - gold:
                wrong.setdefault(code, []).append(outcome.gold.id)
        return _ranked(missed, top), _ranked(wrong, top)

    def em_accuracy(self) -> EmAccuracy:
        """Exact E/M agreement over the notes whose gold E/M is given."""
        judged = [outcome for outcome in self.outcomes if outcome.gold.em is not None]
        mismatches = tuple(
            EmMismatch(outcome.gold.id, outcome.gold.em or "", outcome.prediction.em)
            for outcome in judged
            if outcome.prediction.em != outcome.gold.em
        )
        return EmAccuracy(len(judged) - len(mismatches), len(judged), mismatches)

    def query_recall(self) -> QueryRecall:
        """The share of gold query topics that some suggested query of the same note is about."""
        topics = matched = 0
        for outcome in self.outcomes:
            for topic in outcome.gold.queries:
                topics += 1
                matched += any(query_matches(topic, about) for about in outcome.prediction.queries)
        return QueryRecall(matched, topics)

    def to_json(self, top: int = 15, details: bool = True) -> dict[str, Any]:
        """The report as ``revcycle code eval --json`` prints it; ``details`` adds each note's codes."""
        found: dict[str, Any] = {
            "gold": str(self.gold),
            "format": self.format,
            "mode": self.mode,
            "notes": len(self.outcomes),
            "scored": list(self.kinds),
        }
        for kind in self.kinds:
            found[kind] = {level: self.score(kind, level).to_json() for level in LEVELS}
        found["worst_misses"] = {
            kind: {
                "false_negatives": [miss.to_json() for miss in missed],
                "false_positives": [miss.to_json() for miss in wrong],
            }
            for kind in self.kinds
            for missed, wrong in [self.misses(kind, "full", top)]
        }
        if self.format == OURS:
            found["em"] = self.em_accuracy().to_json()
            found["queries"] = self.query_recall().to_json()
        found["crashes"] = [{"note": item.gold.id, "error": item.prediction.error} for item in self.crashes]
        if details:
            found["per_note"] = [outcome.to_json(self.kinds) for outcome in self.outcomes]
        return found


def _ranked(notes_by_code: dict[str, list[str]], top: int) -> tuple[Miss, ...]:
    counts = Counter({code: len(ids) for code, ids in notes_by_code.items()})
    # Ties go to the code, so that the list is the same from run to run.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return tuple(Miss(code, count, tuple(notes_by_code[code][:EXAMPLES])) for code, count in ranked)


def evaluate(coder: NoteCoder, gold: GoldSet | Path, mode: str, limit: int | None = None) -> EvaluationReport:
    """Code each note of a gold set once and keep the predictions for scoring.

    A note on which the coder raises is recorded as a crash (scored as coding nothing) rather than ending the run,
    so that one bug does not hide the figures of every other note.

    Args:
        coder: the coder, loaded once.
        gold: a gold set, or the path to read one from (see `load_gold`).
        mode: ``billing`` or ``mentions``, passed to the coder.
        limit: code only the first ``limit`` notes.

    Raises:
        InputFileError: the gold set cannot be read.
        RevcycleError: ``limit`` is not positive.
    """
    chosen = gold if isinstance(gold, GoldSet) else load_gold(gold)
    if limit is not None and limit < 1:
        raise RevcycleError(f"limit must be at least 1, not {limit}")
    notes = chosen.notes[:limit] if limit is not None else chosen.notes
    outcomes: list[NoteOutcome] = []
    for note in notes:
        try:
            prediction = Prediction.of(coder.code(note.text, day=note.day, mode=mode))
            if chosen.format == CODIESP:
                prediction = replace(
                    prediction, diagnoses=tuple(codiesp_notation(code) for code in prediction.diagnoses)
                )
        except Exception as error:  # a coder bug becomes a reported crash: see the docstring
            prediction = Prediction(error=f"{type(error).__name__}: {error}")
        outcomes.append(NoteOutcome(note, prediction))
    return EvaluationReport(chosen.path, chosen.format, mode, tuple(outcomes))
