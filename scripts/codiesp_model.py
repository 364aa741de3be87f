"""Learn an organisation model (`revcycle.coding.learnt_model`) from the CodiEsp train split, settings chosen by CV.

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python scripts/codiesp_model.py [--shared ../shared] [--folds 5]
      then  benchmarks/bench_coding.py --codiesp dev --embeddings off --learnt build/codiesp-train-model.json

What a practice would do with its coded notes, done on CodiEsp's train split only:

1. Each diagnosis's evidence (trainX.tsv: offsets into the Spanish original) is carried to the English translation
   by aligning the two texts' sentences by length (`revcycle.coding.learning.translated_regions`).
2. The coder lists each train note's candidates once (lexicon, assertion, specificity: mentions mode).
3. Cross-validation over the notes (``--folds``): phrases and code frequencies are learnt from the other folds,
   the fold's notes get the codes those phrases propose, and every candidate becomes a row of features labelled
   by trainD.tsv. A logistic regression fitted on the other folds' rows scores each fold's rows; the threshold and
   the phrase settings (``min_support``, ``min_precision``) are those with the best cross-validated micro-F1.
4. The model is then learnt from the whole split with those settings, its weights fitted on all the
   cross-validated rows, and written outside the repository (derived from CodiEsp, CC-BY-4.0:
   Miranda-Escalada, Gonzalez-Agirre, Armengol-Estape, Krallinger 2020). The dev split is never read.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import pickle
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from revcycle.coding.candidates import Candidate, merge_candidates, resolve_candidates
from revcycle.coding.coder import Coder
from revcycle.coding.document import Note
from revcycle.coding.evaluation import as_subdivided_gold, codiesp_notation, diagnosis_code, subdivided_gold
from revcycle.coding.learning import CodedNote, CodedRegion, learn_phrase_codes, translated_regions
from revcycle.coding.learnt_model import LearntModel, note_features, with_pairs
from revcycle.coding.note_date import stated_date
from revcycle.coding.reranking import Logistic, Threshold, best_threshold, fit_logistic
from revcycle.refdata.store import ReferenceStore

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ((2, 0.15), (2, 0.3), (3, 0.15))
"""(min_support, min_precision) pairs tried by cross-validation."""
PENALTIES = (30.0, 300.0)
"""L2 penalties of the regression tried by cross-validation (on standardised features)."""
LEARNT_MODULES = {"learning.py", "learnt_model.py", "reranking.py"}
"""The modules of the learnt model: changing them does not change the lexicon's candidates."""


@dataclass(frozen=True, slots=True)
class TrainNote:
    """A train note: its English text, the coding corpus's view of it, and its gold codes in CodiEsp notation."""

    id: str
    text: str
    coded: CodedNote
    codes: tuple[str, ...]
    gold: frozenset[str]


@dataclass(frozen=True, slots=True)
class Listed:
    """A train note as the coder read it, with its lexicon candidates and the day they were judged on."""

    note: Note
    judged: date
    candidates: list[Candidate]


@dataclass(frozen=True, slots=True)
class Row:
    """One candidate of one note: the features the model sees and whether CodiEsp's coders coded it."""

    fold: int
    note: int
    code: str
    features: list[float]
    label: bool


def read_train(folder: Path) -> list[TrainNote]:
    """The train notes, each diagnosis's evidence carried to the English sentences that translate it."""
    evidence: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
    with (folder / "trainX.tsv").open(encoding="utf-8") as file:
        for row in csv.reader(file, delimiter="\t"):
            if len(row) >= 5 and row[1] == "DIAGNOSTICO":
                evidence[row[0]].append((diagnosis_code(row[2]), int(row[4].split(";")[0].split()[0])))
    codes: defaultdict[str, list[str]] = defaultdict(list)
    with (folder / "trainD.tsv").open(encoding="utf-8") as file:
        for row in csv.reader(file, delimiter="\t"):
            if len(row) >= 2:
                codes[row[0]].append(diagnosis_code(row[1]))
    notes = []
    for article in sorted(codes):
        spanish = (folder / "text_files" / f"{article}.txt").read_text(encoding="utf-8")
        english = (folder / "text_files_en" / f"{article}.txt").read_text(encoding="utf-8")
        sentences = tuple(line.strip() for line in english.splitlines() if line.strip())
        rows = evidence.get(article, [])
        regions = translated_regions(spanish, sentences, [offset for _, offset in rows])
        coded = CodedNote(
            sentences, tuple(CodedRegion(code, region) for (code, _), region in zip(rows, regions, strict=True))
        )
        gold = frozenset(codiesp_notation(code) for code in codes[article])
        notes.append(TrainNote(article, english, coded, tuple(codes[article]), gold))
    return notes


def list_candidates(coder: Coder, notes: Sequence[TrainNote], cache: Path) -> list[Listed]:
    """Each note's lexicon candidates (mentions mode, as `Coder.code` lists them).

    Cached (a few minutes' work) under a digest of the engine's code, the learnt model's own modules aside.
    """
    sources = sorted(
        path for path in (ROOT / "src" / "revcycle" / "coding").rglob("*") if path.name not in LEARNT_MODULES
    )
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources if path.is_file())).hexdigest()[:16]
    path = cache.with_suffix(f".{len(notes)}.{digest}.pickle")
    if path.exists():
        with path.open("rb") as file:
            return [Listed(*item) for item in pickle.load(file)]
    listed = []
    for item in notes:
        judged = coder.judging_day(stated_date(item.text) or date.today())
        note, candidates = coder.candidates(item.text, judged)
        listed.append(Listed(note, judged, candidates))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        # Plain tuples: the pickle must not name this script's classes, which live in __main__ when it runs.
        pickle.dump([(item.note, item.judged, item.candidates) for item in listed], file)
    return listed


def learn(notes: Sequence[TrainNote], listed: Sequence[Listed], settings: tuple[int, float]) -> LearntModel:
    """A model's phrases, code frequencies and the coders' verdicts on the lexicon, from some train notes."""
    min_support, min_precision = settings
    learnt = learn_phrase_codes([note.coded for note in notes], min_support=min_support, min_precision=min_precision)
    reviewed = []
    for note, entry in zip(notes, listed, strict=True):
        suggested = [item.code for item in entry.candidates if item.billable]
        reviewed.append((suggested, [code for code in suggested if scored_as(code, note.gold) in note.gold]))
    return LearntModel.from_corpus(learnt, [note.codes for note in notes], reviewed)


def scored_as(code: str, gold: frozenset[str]) -> str:
    """A candidate's code as scored against a note's gold, at the evaluation's ``subdivided`` level.

    CodiEsp's notation, and a gold code subdivided since the corpus was coded (R51 then, R51.9 now) standing for the
    child that refines it (`subdivided_gold`).
    """
    return subdivided_gold(codiesp_notation(code), gold)


def candidates_with(model: LearntModel, coder: Coder, store: ReferenceStore, listed: Listed) -> list[Candidate]:
    """A note's lexicon candidates and those the model's phrases propose, billable ones only (as mentions mode)."""
    lexicon = coder.lexicon(listed.judged)
    proposed = resolve_candidates(store, lexicon, listed.note, listed.judged, model.mentions(lexicon, listed.note))
    return [item for item in merge_candidates(listed.candidates, proposed) if item.billable]


def cross_validated_rows(
    notes: Sequence[TrainNote], listed: Sequence[Listed], coder: Coder, folds: int, settings: tuple[int, float]
) -> list[Row]:
    """Every note's candidates as rows, everything behind their features learnt from the other folds' notes."""
    rows = []
    for fold in range(folds):
        others = [index for index in range(len(notes)) if index % folds != fold]
        model = learn([notes[index] for index in others], [listed[index] for index in others], settings)
        for index in range(fold, len(notes), folds):
            candidates = candidates_with(model, coder, coder.store, listed[index])
            for candidate, features in zip(candidates, note_features(model, candidates), strict=True):
                code = scored_as(candidate.code, notes[index].gold)
                rows.append(Row(fold, index, code, with_pairs(features), code in notes[index].gold))
    return rows


def scored_out_of_fold(rows: Sequence[Row], folds: int, penalty: float) -> list[float]:
    """Each row's probability from a regression fitted on the other folds' rows."""
    probabilities = [0.0] * len(rows)
    for fold in range(folds):
        fitted = fit_logistic(
            [row.features for row in rows if row.fold != fold], [row.label for row in rows if row.fold != fold], penalty
        )
        inside = [index for index, row in enumerate(rows) if row.fold == fold]
        for index, probability in zip(inside, fitted.probabilities([rows[i].features for i in inside]), strict=True):
            probabilities[index] = probability
    return probabilities


def per_code(rows: Sequence[Row], probabilities: Sequence[float]) -> dict[tuple[int, str], tuple[float, bool]]:
    """Per note and code (in CodiEsp notation: two candidates may write one code), the best probability."""
    best: dict[tuple[int, str], tuple[float, bool]] = {}
    for row, probability in zip(rows, probabilities, strict=True):
        key = (row.note, row.code)
        if probability > best.get(key, (-1.0, False))[0]:
            best[key] = (probability, row.label)
    return best


def category_f1(notes: Sequence[TrainNote], kept: dict[int, set[str]]) -> dict[str, float]:
    """Micro-averaged figures at 3-character level of the codes kept per note."""
    tp = fp = fn = 0
    for index, note in enumerate(notes):
        gold = {code[:3] for code in note.gold}
        found = {code[:3] for code in kept.get(index, set())}
        tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
    return _figures(Threshold(0.0, tp, fp, fn))


def _figures(found: Threshold) -> dict[str, float]:
    return {
        "precision": round(found.precision, 4),
        "recall": round(found.recall, 4),
        "f1": round(found.f1, 4),
        "threshold": round(found.threshold, 4),
    }


def evaluate_setting(
    notes: Sequence[TrainNote], rows: Sequence[Row], folds: int, penalty: float
) -> tuple[Threshold, dict[str, Any]]:
    """The cross-validated threshold and figures of one setting's rows."""
    best = per_code(rows, scored_out_of_fold(rows, folds, penalty))
    gold = sum(len(note.gold) for note in notes)
    chosen = best_threshold(list(best.values()), gold)
    kept: dict[int, set[str]] = defaultdict(set)
    for (note, code), (probability, _) in best.items():
        if probability >= chosen.threshold:
            kept[note].add(code)
    return chosen, {"subdivided": _figures(chosen), "category": category_f1(notes, kept), "candidates": len(best)}


def lexicon_only(notes: Sequence[TrainNote], listed: Sequence[Listed]) -> dict[str, Any]:
    """The figures of keeping every billable lexicon candidate: mentions mode without a model."""
    kept = {
        index: as_subdivided_gold(
            (codiesp_notation(item.code) for item in entry.candidates if item.billable), note.gold
        )
        for index, (note, entry) in enumerate(zip(notes, listed, strict=True))
    }
    tp = sum(len(kept[index] & note.gold) for index, note in enumerate(notes))
    fp = sum(len(kept[index] - note.gold) for index, note in enumerate(notes))
    fn = sum(len(note.gold - kept[index]) for index, note in enumerate(notes))
    return {"subdivided": _figures(Threshold(0.0, tp, fp, fn)), "category": category_f1(notes, kept)}


def main() -> None:
    """Learn the model with settings chosen by cross-validation on the train split, and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--store", type=Path, default=ROOT / "build" / "bench-coding-refdata.sqlite")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "codiesp-train-model.json")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "codiesp-train-candidates")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, help="only the first N train notes (a quick try)")
    args = parser.parse_args()
    started = time.perf_counter()
    notes = read_train(args.shared / "notes" / "codiesp" / "train")[: args.limit]
    store = ReferenceStore(args.store)
    coder = Coder.load(store, embeddings=False)
    listed = list_candidates(coder, notes, args.cache)
    report: dict[str, Any] = {"notes": len(notes), "lexicon_only": lexicon_only(notes, listed), "settings": []}
    best: tuple[float, int, float, float, list[Row], Threshold] | None = None
    for min_support, min_precision in SETTINGS:
        rows = cross_validated_rows(notes, listed, coder, args.folds, (min_support, min_precision))
        for penalty in PENALTIES:
            chosen, figures = evaluate_setting(notes, rows, args.folds, penalty)
            setting = {"min_support": min_support, "min_precision": min_precision, "penalty": penalty}
            report["settings"].append(setting | figures)
            print(json.dumps(report["settings"][-1]), flush=True)
            if best is None or chosen.f1 > best[0]:
                best = (chosen.f1, min_support, min_precision, penalty, rows, chosen)
    assert best is not None
    _, min_support, min_precision, penalty, rows, chosen = best
    fitted: Logistic = fit_logistic([row.features for row in rows], [row.label for row in rows], penalty)
    model = learn(notes, listed, (min_support, min_precision))
    model.weights, model.mean, model.scale = fitted.weights, fitted.mean, fitted.scale
    model.threshold = chosen.threshold
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    report |= {
        "chosen": {
            "min_support": min_support,
            "min_precision": min_precision,
            "penalty": penalty,
            "threshold": chosen.threshold,
        },
        "phrases": sum(len(items) for items in model.phrases.values()),
        "out": str(args.out),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps({key: value for key, value in report.items() if key != "settings"}, indent=2))


if __name__ == "__main__":
    main()
