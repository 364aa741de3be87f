"""X12 throughput against the Python peers (pyx12, x12sdk), in one run, on the same generated files.

Run:  .venv/bin/python benchmarks/bench_x12.py [--mb 20 --claims 20000 --big-mb 1000 --repeat 1]
      .venv/bin/python benchmarks/bench_x12.py --only revcycle-read-835 --profile   # cProfile of one measurement

Generates (once, cached under --dir with the counts in a ``.json`` beside each file) a balanced 5010 835 and an 837P
of at least --mb MB and --claims claims, and a --big-mb MB 835 for the memory measurement, with
`benchmarks/x12_corpus.py`. Every measurement then runs in its own child process, so each peak RSS is that
measurement's alone; with --repeat N each runs N times and the fastest wall-clock run is kept (the machine is shared:
CPU seconds are printed beside wall seconds). pyx12 validates the whole 835 unless --pyx12-mb cuts it (at a
transaction-set boundary); its 837P is cut to --pyx12-837p-mb (5 MB) by default to keep the run short.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import x12_corpus  # the generator lives beside this script

MB = x12_corpus.MB
TARGETS = {
    "read/pyx12": 100.0,
    "read/x12sdk": 10.0,
    "validate/pyx12": 30.0,
    "write claims/s": 20_000.0,
    "1 GB peak RSS MiB": 300.0,
}


@dataclasses.dataclass(slots=True)
class Measure:
    """One timed run of one measurement, as the child process reports it.

    Attributes:
        name: the measurement.
        file: the input (or output) file.
        bytes: bytes read or written.
        claims: claims read, parsed or written.
        wall: wall-clock seconds of the timed work.
        cpu: CPU seconds (user + system) of the timed work.
        peak_rss_mib: the child's peak resident memory (ru_maxrss), interpreter and imports included.
        note: what was checked or counted, or why it was skipped.
        skipped: whether the measurement could not run.
    """

    name: str
    file: str = ""
    bytes: int = 0
    claims: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss_mib: float = 0.0
    note: str = ""
    skipped: bool = False

    @property
    def mb_per_s(self) -> float:
        """Throughput in MB (10^6 bytes) per wall-clock second."""
        return self.bytes / MB / self.wall if self.wall else 0.0

    @property
    def cpu_mb_per_s(self) -> float:
        """Throughput in MB per CPU second (less sensitive to other processes on a shared machine)."""
        return self.bytes / MB / self.cpu if self.cpu else 0.0

    @property
    def claims_per_s(self) -> float:
        """Claims per wall-clock second."""
        return self.claims / self.wall if self.wall else 0.0


# --- the measurements (each runs in a child process) ---------------------------------------------------------------


def _pyx12_validate(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    import logging

    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").addHandler(logging.NullHandler())
    logging.getLogger("pyx12").propagate = False
    ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=str(path), fd_997=None, fd_html=None)
    return _claims_in(path), f"pyx12 verdict: {'valid' if ok else 'INVALID'}"


def _x12sdk_parse(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    from x12sdk.io import X12ModelReader

    models = claims = 0
    with X12ModelReader(str(path)) as reader:
        for model in reader.models():
            models += 1
            transaction: Any = model  # the 835 and 837 models have claims(); the base class does not say so
            claims += sum(1 for _ in transaction.claims())
    return claims, f"{models} transaction models"


def _revcycle_tokenize(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    from revcycle.x12.tokens import read_file

    segments = claims = 0
    for segment in read_file(path):
        segments += 1
        if segment.id in ("CLP", "CLM"):
            claims += 1
    return claims, f"{segments:,} segments"


def _revcycle_read_835(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    """An 835 file into records as revcycle reads one (the C scanner where it is built: revcycle.x12.native835)."""
    from revcycle.x12.native835 import available, read_835_file

    if not available():
        raise SystemExit("the C scanner (revcycle.x12._read835) is not built: measure revcycle-read-835-python")
    return _count_remittances(read_835_file(path))


def _revcycle_read_835_python(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    """An 835 file into records by the Python reader alone (an install without a C compiler)."""
    from revcycle.x12.read835 import read_835
    from revcycle.x12.tokens import read_file

    return _count_remittances(read_835(read_file(path), str(path)))


def _count_remittances(remittances: Iterable[Any]) -> tuple[int, str]:
    remittances_read = claims = lines = 0
    paid = 0
    for remittance in remittances:
        remittances_read += 1
        claims += len(remittance.claims)
        lines += sum(len(claim.service_payments) for claim in remittance.claims)
        paid += int(remittance.total_paid * 100)
    return claims, f"{remittances_read} remittances, {lines:,} service lines, paid {paid} cents"


def _revcycle_read_837(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    from revcycle.x12.read837 import read_837
    from revcycle.x12.tokens import read_file

    claims = lines = 0
    for claim in read_837(read_file(path), str(path)):
        claims += 1
        lines += len(claim.claim.lines)
    return claims, f"{lines:,} service lines"


def _revcycle_validate(path: Path, _: argparse.Namespace) -> tuple[int, str]:
    from revcycle.x12.validate import validate_file

    result = validate_file(path)
    rules = sorted({finding.rule for finding in result.errors})
    verdict = "valid" if result.valid else f"INVALID ({len(result.errors)} errors: {', '.join(rules[:5])})"
    return _claims_in(path), f"revcycle verdict: {verdict}"


def _revcycle_write_837p(path: Path, arguments: argparse.Namespace) -> tuple[int, str]:
    from datetime import datetime

    from revcycle.x12.control_numbers import MemoryControlNumbers
    from revcycle.x12.write837 import Parties, Usage, X12Settings, write_837

    records = _PREPARED["records"]
    parties = Parties.of(records.patients, records.coverages, records.payers, records.providers)
    settings = X12Settings(
        sender_id="SYNTHSUB01",
        receiver_id="SYNTHCH",
        submitter_name="Synthetic Billing Service",
        contact_name="EDI Desk",
        contact_phone="8005550199",
        receiver_name="Synthetic Clearinghouse",
        usage=Usage.TEST,
    )
    text = write_837(records.claims, parties, settings, MemoryControlNumbers(), created=datetime(2026, 3, 2, 12))
    path.write_text(text, encoding="utf-8")
    return text.count("~CLM*") + text.count("\nCLM*"), f"{text.count('~'):,} segments written"


def _prepare_write_837p(path: Path, arguments: argparse.Namespace) -> None:
    """Build the claim records before the clock starts (--claims of them: the parent passes the 837P's count)."""
    _PREPARED["records"] = x12_corpus.claim_records(arguments.claims)


# Imported before the clock starts, so no measurement pays for the interpreter loading its library.
IMPORTS = {
    "pyx12": ("pyx12.params", "pyx12.x12n_document"),
    "x12sdk": ("x12sdk.io",),
    "revcycle-tokenize": ("revcycle.x12.tokens",),
    "revcycle-read-835": ("revcycle.x12.native835",),
    "revcycle-read-835-python": ("revcycle.x12.read835", "revcycle.x12.tokens"),
    "revcycle-read-837p": ("revcycle.x12.read837", "revcycle.x12.tokens"),
    "revcycle-validate": ("revcycle.x12.validate",),
    "revcycle-write": ("revcycle.x12.write837", "revcycle.x12.control_numbers"),
}
_PREPARED: dict[str, Any] = {}
PREPARE: dict[str, Callable[[Path, argparse.Namespace], None]] = {"revcycle-write-837p": _prepare_write_837p}


MEASUREMENTS: dict[str, tuple[str, Callable[[Path, argparse.Namespace], tuple[int, str]]]] = {
    "pyx12-validate-835": ("835", _pyx12_validate),
    "x12sdk-parse-835": ("835", _x12sdk_parse),
    "revcycle-tokenize-835": ("835", _revcycle_tokenize),
    "revcycle-read-835": ("835", _revcycle_read_835),
    "revcycle-read-835-python": ("835", _revcycle_read_835_python),
    "revcycle-validate-835": ("835", _revcycle_validate),
    "pyx12-validate-837p": ("837p", _pyx12_validate),
    "x12sdk-parse-837p": ("837p", _x12sdk_parse),
    "revcycle-read-837p": ("837p", _revcycle_read_837),
    "revcycle-validate-837p": ("837p", _revcycle_validate),
    "revcycle-write-837p": ("837p-out", _revcycle_write_837p),
    "revcycle-read-835-1gb": ("835-big", _revcycle_read_835),
}


def _claims_in(path: Path) -> int:
    sidecar = path.with_name(path.name + ".json")
    return int(json.loads(sidecar.read_text())["claims"]) if sidecar.exists() else 0


def run_child(name: str, path: Path, arguments: argparse.Namespace) -> Measure:
    """Run one measurement in this process and return what it measured."""
    _, work = MEASUREMENTS[name]
    try:
        for prefix, modules in IMPORTS.items():
            if name.startswith(prefix):
                for module in modules:
                    importlib.import_module(module)
        if name in PREPARE:
            PREPARE[name](path, arguments)
    except ImportError as error:
        return Measure(name, str(path), note=f"not measured: {error}", skipped=True)
    profiler = None
    if arguments.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        claims, note = work(path, arguments)
    except (ImportError, NotImplementedError) as error:
        return Measure(name, str(path), note=f"not measured: {error}", skipped=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(arguments.profile_top)
    size = path.stat().st_size if path.exists() else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Measure(name, str(path), size, claims, wall, cpu, rss, note)


# --- the parent: files, children, table ----------------------------------------------------------------------------


def corpus(kind: str, path: Path, min_bytes: int, min_claims: int) -> dict[str, Any]:
    """Generate ``path`` unless it and its counts sidecar exist; return the counts."""
    sidecar = path.with_name(path.name + ".json")
    if path.exists() and sidecar.exists():
        stats: dict[str, Any] = json.loads(sidecar.read_text())
        wanted = (min_bytes, min_claims, x12_corpus.CORPUS_VERSION)
        if (stats.get("min_bytes"), stats.get("min_claims"), stats.get("version")) == wanted:
            return stats
    started = time.perf_counter()
    writer = x12_corpus.write_835 if kind == "835" else x12_corpus.write_837p
    generated = dataclasses.asdict(writer(path, min_bytes=min_bytes, min_claims=min_claims))
    generated |= {"min_bytes": min_bytes, "min_claims": min_claims, "version": x12_corpus.CORPUS_VERSION}
    if kind == "835":
        problems = x12_corpus.check_835(path)
        if problems:
            raise SystemExit(f"{path} does not balance: {problems[:5]}")
        generated["balanced"] = True
    sidecar.write_text(json.dumps(generated, indent=1))
    print(
        f"generated {path}: {generated['bytes'] / MB:,.1f} MB, {generated['claims']:,} claims in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return generated


def measure(name: str, path: Path, arguments: argparse.Namespace, claims: int) -> Measure:
    """Run one measurement ``--repeat`` times, each in a fresh child process; keep the fastest."""
    best: Measure | None = None
    for _ in range(arguments.repeat):
        command = [sys.executable, __file__, "--child", name, "--file", str(path), "--claims", str(claims)]
        if arguments.profile:
            command += ["--profile", "--profile-top", str(arguments.profile_top)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            return Measure(
                name, str(path), note=f"not measured: the child failed (exit {done.returncode})", skipped=True
            )
        result = Measure(**json.loads(done.stdout.strip().splitlines()[-1]))
        if result.skipped:
            return result
        if best is None or result.wall < best.wall:
            best = result
    assert best is not None
    print(
        f"  {name}: {best.wall:.2f} s, {best.mb_per_s:.2f} MB/s, {best.peak_rss_mib:.0f} MiB  {best.note}", flush=True
    )
    return best


def print_table(results: dict[str, Measure]) -> None:
    """The results and the ratios against the peers and the targets."""
    print()
    print(
        "| measurement | file | MB | claims | wall s | CPU s | MB/s (wall) | MB/s (CPU) | claims/s | peak RSS | note |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for result in results.values():
        if result.skipped:
            print(f"| {result.name} | | | | | | | | | | {result.note} |")
            continue
        print(
            f"| {result.name} | {Path(result.file).name} | {result.bytes / MB:,.1f} | {result.claims:,} | "
            f"{result.wall:.2f} | {result.cpu:.2f} | {result.mb_per_s:,.2f} | {result.cpu_mb_per_s:,.2f} | "
            f"{result.claims_per_s:,.0f} | "
            f"{result.peak_rss_mib:.0f} MiB | {result.note} |"
        )

    def usable(name: str) -> Measure | None:
        found = results.get(name)
        return found if found is not None and not found.skipped else None

    print()
    print("| target | measured (wall clock) | measured (CPU time) | goal | met |")
    print("|---|---|---|---|---|")
    for ours, peer, label in (
        ("revcycle-read-835", "pyx12-validate-835", "read/pyx12"),
        ("revcycle-read-835", "x12sdk-parse-835", "read/x12sdk"),
        ("revcycle-validate-835", "pyx12-validate-835", "validate/pyx12"),
    ):
        mine, theirs = usable(ours), usable(peer)
        goal = TARGETS[label]
        if mine is None or theirs is None:
            print(f"| {ours} ÷ {peer} (MB/s) | not measured | | ≥ {goal:,.0f}x | — |")
            continue
        wall = mine.mb_per_s / theirs.mb_per_s
        cpu = mine.cpu_mb_per_s / theirs.cpu_mb_per_s
        met = "yes" if wall >= goal else "NO"
        print(f"| {ours} ÷ {peer} (MB/s) | {wall:,.1f}x | {cpu:,.1f}x | ≥ {goal:,.0f}x | {met} |")
    written = usable("revcycle-write-837p")
    goal = TARGETS["write claims/s"]
    if written is None:
        print(f"| revcycle-write-837p claims/s | not measured | | ≥ {goal:,.0f} | — |")
    else:
        per_cpu = written.claims / written.cpu if written.cpu else 0.0
        met = "yes" if written.claims_per_s >= goal else "NO"
        print(
            f"| revcycle-write-837p claims/s | {written.claims_per_s:,.0f} | {per_cpu:,.0f} | ≥ {goal:,.0f} | {met} |"
        )
    big = usable("revcycle-read-835-1gb")
    goal = TARGETS["1 GB peak RSS MiB"]
    if big is None:
        print(f"| revcycle-read-835-1gb peak RSS | not measured | | < {goal:,.0f} MiB | — |")
    else:
        met = "yes" if big.peak_rss_mib < goal else "NO"
        size = f"{big.bytes / MB:,.0f} MB in {big.wall:,.0f} s"
        print(
            f"| revcycle-read-835-1gb peak RSS | {big.peak_rss_mib:,.0f} MiB ({size}) | | < {goal:,.0f} MiB | {met} |"
        )


def main() -> None:
    """Generate the files, run each measurement in its own process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=Path("build/x12-bench"))
    parser.add_argument("--mb", type=float, default=20.0, help="minimum size of the 835 and 837P, MB")
    parser.add_argument("--claims", type=int, default=20_000, help="minimum claims of the 835 and 837P")
    parser.add_argument("--big-mb", type=float, default=1000.0, help="size of the memory-test 835, MB (0: skip)")
    parser.add_argument("--pyx12-mb", type=float, default=0.0, help="cut pyx12's 835 to this many MB (0: whole)")
    parser.add_argument("--pyx12-837p-mb", type=float, default=5.0, help="cut pyx12's 837P to this many MB (0: whole)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept")
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS), help="run only these measurements")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each child to stderr")
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--child", choices=sorted(MEASUREMENTS), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.child:
        print(json.dumps(dataclasses.asdict(run_child(arguments.child, arguments.file, arguments))))
        return

    folder: Path = arguments.dir
    size = int(arguments.mb * MB)
    files = {
        "835": folder / f"bench-{arguments.mb:g}mb.835",
        "837p": folder / f"bench-{arguments.mb:g}mb.837",
        "837p-out": folder / "written.837",
        "835-big": folder / f"bench-{arguments.big_mb:g}mb.835",
    }
    wanted = arguments.only or [
        name for name, (kind, _) in MEASUREMENTS.items() if kind != "835-big" or arguments.big_mb > 0
    ]
    kinds = {MEASUREMENTS[name][0] for name in wanted}
    stats: dict[str, dict[str, Any]] = {}
    if kinds & {"835"}:
        stats["835"] = corpus("835", files["835"], size, arguments.claims)
    if kinds & {"837p", "837p-out"}:
        stats["837p"] = corpus("837p", files["837p"], size, arguments.claims)
    if "835-big" in kinds:
        stats["835-big"] = corpus("835", files["835-big"], int(arguments.big_mb * MB), 0)
    pyx12_files = {"835": files["835"], "837p": files["837p"]}
    for kind, limit in (("835", arguments.pyx12_mb), ("837p", arguments.pyx12_837p_mb)):
        if limit and kind in stats and f"pyx12-validate-{kind}" in wanted:
            cut_path = folder / f"{files[kind].name}.cut-{limit:g}mb"
            cut_stats = x12_corpus.cut(files[kind], cut_path, int(limit * MB))
            cut_path.with_name(cut_path.name + ".json").write_text(json.dumps(dataclasses.asdict(cut_stats)))
            pyx12_files[kind] = cut_path
            print(f"pyx12's {kind}: a cut of {cut_stats.bytes / MB:.1f} MB, {cut_stats.claims:,} claims", flush=True)

    results: dict[str, Measure] = {}
    for name in wanted:
        kind = MEASUREMENTS[name][0]
        path = pyx12_files[kind] if name.startswith("pyx12") else files[kind]
        claims = stats["837p"]["claims"] if kind == "837p-out" else arguments.claims
        results[name] = result = measure(name, path, arguments, claims)
        expected = stats.get("837p" if kind == "837p-out" else kind, {}).get("claims")
        if not result.skipped and path == files[kind] and expected is not None and result.claims != expected:
            # a cut for pyx12 has its own count; everything else must see every claim generated
            result.note += f" — CLAIM COUNT {result.claims:,} != {expected:,} generated"
    print_table(results)
    if arguments.json:
        arguments.json.write_text(json.dumps({name: dataclasses.asdict(m) for name, m in results.items()}, indent=1))


if __name__ == "__main__":
    main()
