"""Coding engine: load time, notes per second, latency per note, crashes and peak memory on the MTSamples notes.

Run:  .venv/bin/python benchmarks/bench_coding.py [--embeddings on|off] [--limit N] [--workers N] [--store PATH]
      .venv/bin/python benchmarks/bench_coding.py --codiesp dev [--embeddings on|off] [--limit N] [--synonyms TSV]
          [--learnt JSON]
      .venv/bin/python benchmarks/bench_coding.py --soundness [--embeddings on|off] [--limit N]
Builds (once) a reference store from ../shared/refdata (ICD-10-CM April 2026 tabular list, index tables, HCPCS
January 2026) plus the bundled CPT code list, loads one coder per process and codes every MTSamples transcription
(4,999 notes, 33 of them empty: coded too, as a user could send one) in billing mode. With ``--workers N`` the notes
are shared among N processes, each loading its own coder once (spawned, so that no SQLite connection crosses a
fork). ``--codiesp SPLIT`` instead codes a CodiEsp split (English text) in mentions mode and prints the
micro-averaged diagnosis scores, with ``--learnt`` using a model learnt from the train split
(scripts/codiesp_model.py). ``--soundness`` instead codes every note in both modes, untimed, and checks that every
suggested code is billable on the day that judged it and every evidence span is the note's own text. Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections import Counter
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from revcycle.coding.coder import Coder
from revcycle.coding.evaluation import LEVELS, evaluate, unsound
from revcycle.coding.learnt_model import LearntModel
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_bundled, import_reference_file

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TABLES = (
    "icd10cm-2026-april/icd10c-tabular-April-1-2026.xml",
    "icd10cm-2026-april/icd10cm-eindex-April-1-2026-XML.xml",
    "icd10cm-2026-april/icd10cm-drug-April-1-2026-XML.xml",
    "icd10cm-2026-april/icd10cm-neoplasm-April-1-2026-XML.xml",
    "hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
)
Note = tuple[str, str]
"""A note's id (MTSamples ``note_id``) and its text."""
Coded = tuple[str, float, str | None]
"""A note's id, the seconds coding it took, and the error when it crashed."""

_coder: Coder | None = None


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or of its largest finished child), in MiB."""
    return resource.getrusage(who).ru_maxrss / 1024


def build_store(path: Path, shared: Path) -> float:
    """Import the coder's reference data into a new store at ``path``; the seconds it took."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = ReferenceStore(path)
    for name in TABLES:
        import_reference_file(store, shared / "refdata" / name)
    import_bundled(store, only=("BUNDLED_CPT",))
    store.close()
    return time.perf_counter() - started


def mtsamples(path: Path, limit: int | None) -> tuple[list[Note], int]:
    """The transcriptions of MTSamples in file order, with their ``note_id``; and how many of them are empty."""
    csv.field_size_limit(sys.maxsize)
    notes: list[Note] = []
    empty = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if limit is not None and len(notes) >= limit:
                break
            text = (row.get("transcription") or "").strip()
            notes.append((row["note_id"], text))
            empty += not text
    return notes, empty


def load_coder(store: Path, embeddings: bool) -> float:
    """Load this process's coder once; the seconds it took."""
    global _coder
    started = time.perf_counter()
    _coder = Coder.load(ReferenceStore(store), embeddings=embeddings)
    return time.perf_counter() - started


def _start_worker(store: Path, embeddings: bool, loaded: Queue[tuple[int, float]]) -> None:
    """Load the worker's coder, then tell the parent its pid and load time."""
    loaded.put((os.getpid(), load_coder(store, embeddings)))


def code_one(note: Note) -> Coded:
    """Code one note with this process's coder, timing it; a crash is returned, not raised."""
    assert _coder is not None, "load_coder runs first"
    identifier, text = note
    started = time.perf_counter()
    try:
        _coder.code(text)
    except Exception as error:  # the benchmark counts crashes instead of stopping at the first
        return identifier, time.perf_counter() - started, f"{type(error).__name__}: {error}"
    return identifier, time.perf_counter() - started, None


def code_all(notes: list[Note], store: Path, embeddings: bool, workers: int) -> tuple[list[Coded], dict[str, Any]]:
    """Code every note with one coder per process; the per-note outcomes and the load and wall times."""
    if workers == 1:
        load = load_coder(store, embeddings)
        started = time.perf_counter()
        coded = [code_one(note) for note in notes]
        return coded, {"load_s": round(load, 3), "wall_s": time.perf_counter() - started}
    context = multiprocessing.get_context("spawn")
    loaded: Queue[tuple[int, float]] = context.Queue()
    with context.Pool(workers, initializer=_start_worker, initargs=(store, embeddings, loaded)) as pool:
        # The clock starts once every worker has loaded its coder.
        loads = dict(loaded.get() for _ in range(workers))
        started = time.perf_counter()
        coded = list(pool.imap(code_one, notes, chunksize=16))
        wall = time.perf_counter() - started
    return coded, {"load_s": round(max(loads.values()), 3), "workers_loaded": len(loads), "wall_s": wall}


def latency_figures(coded: list[Coded], wall: float) -> dict[str, Any]:
    """Throughput, latency percentiles in milliseconds, and the crashes by note id."""
    if not coded:
        return {"notes": 0}
    seconds = sorted(item[1] for item in coded)
    crashes = [(identifier, error) for identifier, _, error in coded if error]
    # The same bug usually crashes many notes: each distinct error once, with how many notes it crashed.
    errors = Counter(error for _, error in crashes).most_common(10)
    return {
        "notes": len(coded),
        "notes_per_s": round(len(coded) / wall, 1) if wall else None,
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(_percentile(seconds, 0.95) * 1000, 1),
        "max_ms": round(seconds[-1] * 1000, 1),
        "slowest_note_id": max(coded, key=lambda item: item[1])[0],
        "crashes": len(crashes),
        "crashed_note_ids": [identifier for identifier, _ in crashes],
        "crash_errors": [{"error": error, "notes": count} for error, count in errors],
    }


def soundness(notes: list[Note], store: Path, embeddings: bool) -> dict[str, Any]:
    """Every note coded in both modes (untimed), every suggestion checked by `unsound`."""
    coder = Coder.load(ReferenceStore(store), embeddings=embeddings)
    suggestions = 0
    problems: Counter[str] = Counter()
    for identifier, text in notes:
        for mode in ("billing", "mentions"):
            result = coder.code(text, mode=mode)
            suggestions += len(result.diagnoses) + len(result.procedures)
            found = unsound(coder.store, coder.judging_day(result.encounter_date), text, result)
            problems.update(f"{identifier} ({mode}): {problem}" for problem in found)
    return {
        "checked_notes": len(notes),
        "checked_suggestions": suggestions,
        "unsound": sorted(problems)[:20],
        "unsound_count": sum(problems.values()),
    }


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def read_synonyms(path: Path | None) -> list[tuple[str, str]]:
    """(phrase, code) pairs from a TSV made by scripts/codiesp_synonyms.py (phrase TAB code TAB ...)."""
    if path is None:
        return []
    with path.open(encoding="utf-8") as file:
        return [(row[0], row[1]) for row in csv.reader(file, delimiter="\t") if len(row) >= 2]


def codiesp(
    split: str,
    store: Path,
    embeddings: bool,
    limit: int | None,
    synonyms: list[tuple[str, str]],
    learnt: Path | None = None,
) -> dict[str, Any]:
    """Micro-averaged diagnosis scores on a CodiEsp split, mentions mode (its procedures are ICD-10-PCS: not scored).

    ``synonyms`` play an organisation's learnt table (see scripts/codiesp_synonyms.py), ``learnt`` its learnt
    model (scripts/codiesp_model.py).
    """
    started = time.perf_counter()
    model = LearntModel.read(learnt) if learnt is not None else None
    coder = Coder.load(ReferenceStore(store), embeddings=embeddings, synonyms=synonyms, learnt=model)
    report = evaluate(coder, SHARED / "notes" / "codiesp" / split, "mentions", limit)
    seconds = time.perf_counter() - started
    found: dict[str, Any] = {
        "split": split,
        "mode": "mentions",
        "notes": len(report.outcomes),
        "learnt_synonyms": len(synonyms),
        "learnt_model": str(learnt) if learnt is not None else None,
    }
    for level in LEVELS:
        found[f"diagnoses_{level}"] = report.score("diagnoses", level).to_json()
    found["micro_f1"] = report.score("diagnoses").f1
    found["crashes"] = [item.gold.id for item in report.crashes]
    found["seconds"] = round(seconds, 1)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", choices=("on", "off"), default="on")
    parser.add_argument("--limit", type=int, default=None, help="code only the first N notes")
    parser.add_argument("--workers", type=int, default=1, help="processes, each with its own coder")
    parser.add_argument("--store", type=Path, default=ROOT / "build" / "bench-coding-refdata.sqlite")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--codiesp", choices=("dev", "train"), help="score a CodiEsp split instead of timing")
    parser.add_argument("--synonyms", type=Path, help="with --codiesp: a learnt synonym table (TSV)")
    parser.add_argument("--learnt", type=Path, help="with --codiesp: a learnt model (JSON, scripts/codiesp_model.py)")
    parser.add_argument(
        "--soundness",
        action="store_true",
        help="instead of timing, code every note in both modes and check each suggestion is billable with evidence",
    )
    args = parser.parse_args()
    embeddings = args.embeddings == "on"
    results: dict[str, Any] = {"embeddings": args.embeddings}
    if not args.store.exists():
        results["store_build_s"] = round(build_store(args.store, args.shared), 1)
    if args.soundness:
        notes, _ = mtsamples(args.shared / "notes" / "mtsamples" / "mtsamples.csv", args.limit)
        results |= soundness(notes, args.store, embeddings)
    elif args.codiesp:
        results |= codiesp(args.codiesp, args.store, embeddings, args.limit, read_synonyms(args.synonyms), args.learnt)
    else:
        notes, empty = mtsamples(args.shared / "notes" / "mtsamples" / "mtsamples.csv", args.limit)
        coded, times = code_all(notes, args.store, embeddings, args.workers)
        results |= {"workers": args.workers, "load_s": times["load_s"], "empty_notes": empty}
        results |= latency_figures(coded, times["wall_s"])
        results["wall_s"] = round(times["wall_s"], 1)
        if "workers_loaded" in times:
            results["workers_loaded"] = times["workers_loaded"]
    results["peak_rss_mib"] = round(peak_rss_mib())
    if args.workers > 1 and not args.codiesp:
        results["peak_worker_rss_mib"] = round(peak_rss_mib(resource.RUSAGE_CHILDREN))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
