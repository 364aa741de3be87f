"""Reference data: full import, cold first lookup, warm lookup, search latency, memory.

Run:  .venv/bin/python benchmarks/bench_refdata.py [--shared ../shared/refdata] [--store build/bench-refdata.sqlite]
Imports every file of ../shared/refdata that an importer recognises plus the bundled data (ICD-10-CM from
simple-icd-10-cm, the CPT code list and the outpatient NCCI pairs from pyoce) into a fresh store, then measures.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from revcycle.errors import InputFileError
from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.procedures import lookup_procedure
from revcycle.refdata.search import search
from revcycle.refdata.sets import ICD10CM
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_bundled, import_reference_file

QUERIES = Path(__file__).resolve().parent.parent / "tests" / "refdata" / "fixtures" / "clinician_queries.json"
DAY = date(2026, 5, 1)
COLD_LOOKUP = """
import time
started = time.perf_counter()
from datetime import date
from pathlib import Path
from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.store import ReferenceStore
found = lookup_icd10cm(ReferenceStore(Path({path!r})), "E11.22", date(2026, 5, 1))
assert found is not None
print(time.perf_counter() - started)
"""


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_everything(store: ReferenceStore, shared: Path) -> tuple[int, int, list[str]]:
    """Import every recognised file and the bundled data; (releases, rows, files passed over)."""
    outcomes = import_bundled(store)
    skipped = []
    for path in sorted(p for p in shared.rglob("*") if p.is_file()):
        try:
            outcomes += import_reference_file(store, path)
        except InputFileError:
            skipped.append(str(path.relative_to(shared)))
    return len(outcomes), sum(outcome.release.rows for outcome in outcomes), skipped


def timed(call: object, repeat: int) -> list[float]:
    """Per-call seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "refdata")
    parser.add_argument("--store", type=Path, default=Path("build/bench-refdata.sqlite"))
    arguments = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{arguments.store}{suffix}").unlink(missing_ok=True)
    store = ReferenceStore(arguments.store)

    started = time.perf_counter()
    releases, rows, skipped = import_everything(store, arguments.shared)
    print(
        f"full import: {time.perf_counter() - started:.1f} s, {releases} releases, {rows:,} rows, "
        f"peak RSS {peak_rss_mib():.0f} MiB, store {arguments.store.stat().st_size / 2**20:.0f} MiB"
    )
    print(f"  files passed over (not reference tables): {', '.join(skipped)}")
    store.close()

    cold = [
        float(subprocess.check_output([sys.executable, "-c", COLD_LOOKUP.format(path=str(arguments.store))]))
        for _ in range(5)
    ]
    print(f"cold first lookup (new process: imports, open, lookup): median {statistics.median(cold) * 1000:.0f} ms")

    store = ReferenceStore(arguments.store)
    lookup_icd10cm(store, "E11.22", DAY)
    icd = timed(lambda: lookup_icd10cm(store, "E11.22", DAY), 20000)
    hcpcs = timed(lambda: lookup_procedure(store, "J1885", date(2026, 2, 1)), 20000)
    print(
        f"warm lookup: ICD-10-CM E11.22 median {statistics.median(icd) * 1e6:.1f} us, "
        f"HCPCS J1885 median {statistics.median(hcpcs) * 1e6:.1f} us"
    )

    queries = [query["query"] for query in json.loads(QUERIES.read_text())["queries"]]
    first = [timed(lambda q=q: search(store, ICD10CM, q, DAY, 5), 1)[0] for q in queries]
    again = [timed(lambda q=q: search(store, ICD10CM, q, DAY, 5), 1)[0] for q in queries]
    print(
        f"search, 50-query fixture: first pass p95 {statistics.quantiles(first, n=20)[-1] * 1000:.1f} ms, "
        f"second pass p95 {statistics.quantiles(again, n=20)[-1] * 1000:.1f} ms"
    )
    print(f"process peak RSS with everything imported, looked up and searched: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
