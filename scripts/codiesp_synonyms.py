"""Learn a synonym table from the CodiEsp train split, as a practice would from its coders' past decisions.

Run:  .venv/bin/python scripts/codiesp_synonyms.py [--shared ../shared] [--out build/codiesp-train-synonyms.tsv]

CodiEsp gives each diagnosis code's evidence as character offsets into the Spanish original; the English text is a
sentence-split machine translation, so the evidence is carried over by relative position (the English sentences
around the same fraction of the text). `revcycle.coding.learning.learn_synonyms` then keeps the phrases that come
with a code in at least two notes and in enough of their sentences. The table is written outside the repository
(it is derived from CodiEsp, CC-BY-4.0: Miranda-Escalada, Gonzalez-Agirre, Armengol-Estape, Krallinger 2020) and
read by `benchmarks/bench_coding.py --codiesp dev --synonyms FILE`. Only the train split is read: the dev figures
measure notes the table never saw.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

from revcycle.coding.evaluation import diagnosis_code
from revcycle.coding.learning import CodedNote, CodedRegion, learn_synonyms, region_of

ROOT = Path(__file__).resolve().parent.parent


def read_train(folder: Path) -> list[CodedNote]:
    """The train notes: English sentences, and per diagnosis evidence row the English region it falls in."""
    evidence: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
    with (folder / "trainX.tsv").open(encoding="utf-8") as file:
        for row in csv.reader(file, delimiter="\t"):
            if len(row) >= 5 and row[1] == "DIAGNOSTICO":
                start = int(row[4].split(";")[0].split()[0])
                evidence[row[0]].append((diagnosis_code(row[2]), start))
    notes = []
    for article, rows in sorted(evidence.items()):
        spanish = (folder / "text_files" / f"{article}.txt").read_text(encoding="utf-8")
        english = (folder / "text_files_en" / f"{article}.txt").read_text(encoding="utf-8")
        sentences = tuple(line.strip() for line in english.splitlines() if line.strip())
        regions = tuple(CodedRegion(code, region_of(sentences, start / max(len(spanish), 1))) for code, start in rows)
        notes.append(CodedNote(sentences, regions))
    return notes


def main() -> None:
    """Learn the table from the train split and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "codiesp-train-synonyms.tsv")
    parser.add_argument("--min-support", type=int, default=2)
    parser.add_argument("--min-precision", type=float, default=0.4)
    args = parser.parse_args()
    notes = read_train(args.shared / "notes" / "codiesp" / "train")
    learnt = learn_synonyms(notes, min_support=args.min_support, min_precision=args.min_precision)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as file:
        for item in learnt:
            file.write(f"{item.phrase}\t{item.code}\t{item.support}\t{item.precision}\n")
    print(f"{len(notes)} train notes, {len(learnt)} synonyms learnt -> {args.out}")


if __name__ == "__main__":
    main()
