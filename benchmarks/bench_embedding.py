"""Coding's embedding stage: model load, phrases embedded per second, a 20,000-description index, memory.

Run:  .venv/bin/python benchmarks/bench_embedding.py [--descriptions 20000] [--cache build/bench-embedding.npz]
      OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_embedding.py   (numpy's BLAS on one thread)
Embeds the descriptions of ICD-10-CM billable codes (the tabular list bundled in simple-icd-10-cm) with
all-MiniLM-L6-v2 run in numpy (revcycle.coding.embedding): the phrases are their first 1 to 12 words, the index their
full text.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from revcycle.coding.embedding import Embedder, PhraseIndex
from revcycle.refdata.importers.icd10cm_bundled import bundled_icd10cm_releases

COLD_LOAD = """
import time
started = time.perf_counter()
from revcycle.coding.embedding import Embedder
embedder = Embedder.load()
embedder.embed(["chest pain"])
print(time.perf_counter() - started)
"""


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def billable_descriptions(count: int) -> tuple[list[str], list[str]]:
    """``count`` billable codes spread evenly over the bundled tabular list, and their descriptions."""
    [release] = bundled_icd10cm_releases()
    billable = [
        (entry.data["code"], entry.data["description"]) for entry in release.entries if entry.data.get("billable")
    ]
    chosen = [billable[i * len(billable) // count] for i in range(min(count, len(billable)))]
    return [code for code, _ in chosen], [description for _, description in chosen]


def short_phrases(descriptions: list[str], count: int) -> list[str]:
    """``count`` phrases of 1 to 12 words: the first words of descriptions, as a note's phrases are short."""
    pick = random.Random(6)
    return [" ".join(pick.choice(descriptions).split()[: pick.randint(1, 12)]) for _ in range(count)]


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--descriptions", type=int, default=20000)
    parser.add_argument("--cache", type=Path, default=Path("build/bench-embedding.npz"))
    arguments = parser.parse_args()

    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    cold = [float(subprocess.check_output([sys.executable, "-c", COLD_LOAD])) for _ in range(3)]
    started = time.perf_counter()
    embedder = Embedder.load()
    loaded = time.perf_counter() - started
    print(
        f"model load: {loaded * 1000:.0f} ms in a warm process; new process (imports, load, first phrase) median "
        f"{statistics.median(cold) * 1000:.0f} ms; peak RSS after load {peak_rss_mib():.0f} MiB"
    )

    codes, descriptions = billable_descriptions(arguments.descriptions)
    phrases = short_phrases(descriptions, 2048)
    words = statistics.mean(len(phrase.split()) for phrase in phrases)
    embedder.embed(phrases[:64])
    # Calls of 1, 8 and 64 phrases, each embedded in the embedder's own batches (of 8, by length).
    for call in (1, 8, 64):
        sample = phrases[: 256 if call == 1 else 2048]
        started = time.perf_counter()
        for begin in range(0, len(sample), call):
            embedder.embed(sample[begin : begin + call])
        rate = len(sample) / (time.perf_counter() - started)
        print(f"short phrases (1-12 words, mean {words:.1f}), embed calls of {call:>2}: {rate:,.0f} phrases/s")

    arguments.cache.unlink(missing_ok=True)
    started = time.perf_counter()
    index = PhraseIndex.cached(embedder, descriptions, codes, arguments.cache)
    built = time.perf_counter() - started
    started = time.perf_counter()
    PhraseIndex.cached(embedder, descriptions, codes, arguments.cache)
    reloaded = time.perf_counter() - started
    print(
        f"index of {len(codes):,} ICD-10-CM descriptions: built and saved in {built:.1f} s "
        f"({len(codes) / built:,.0f}/s), cache {arguments.cache.stat().st_size / 2**20:.0f} MiB, "
        f"loaded from the cache (digest checked) in {reloaded * 1000:.0f} ms"
    )

    queries = embedder.embed(phrases[:256])
    started = time.perf_counter()
    for row in range(len(queries)):
        index.nearest(queries[row : row + 1], 5)
    single = (time.perf_counter() - started) / len(queries)
    print(f"nearest 5 codes among {len(codes):,}, one phrase at a time: {single * 1000:.2f} ms a phrase")
    print(f"process peak RSS with the model and the index: {peak_rss_mib():.0f} MiB")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
