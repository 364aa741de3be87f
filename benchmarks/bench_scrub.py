"""Claim scrubber: claims per second on one core, reference data ready cold and warm, peak memory.

Run:  .venv/bin/python benchmarks/bench_scrub.py [--claims 10000] [--store build/bench-scrub-refdata.sqlite]
      [--per-edit] [--instructions 1000 (one batch alone, for callgrind: see `instructions`)]
Builds (once) a reference store with the tables the edits read from ../shared/refdata plus the bundled CPT code
list and the full outpatient NCCI pairs from pyoce (about 1.5 million rows), then scrubs typical claims (3 lines,
4 diagnoses) drawn with a fixed seed from pools of real codes: professional claims (practitioner tables) and
outpatient institutional claims (the hospital pairs). ``typical`` claims draw codes with Zipf weights (1/rank, as a
practice bills a few codes often and many rarely); ``uniform`` claims draw every code of the pools alike, so that
nearly every pair of codes is new to the scrubber's memory. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from revcycle.edits import Edit, EditReference, Scrubber, ScrubConfig
from revcycle.edits.registry import builtin_edits
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import ICD10CM, PFS_RVU
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_bundled, import_reference_file
from revcycle.services.scrub import ScrubRun, records_from_json, scrub_records

ROOT = Path(__file__).resolve().parent.parent
TABLES = (
    "icd10cm-2026-april/icd10c-tabular-April-1-2026.xml",
    "hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
    "pfs-2026/PPRRVU2026_Jul_nonQPP.csv",
    "ncci/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
    "ncci/MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv",
    "ncci/AOC_V2026Q2-MCR.xlsx",
    "ncci/ccipra-v322r0-f1.excerpt.txt",
    "mce-edits/MCE_Simple_Code_Edits_v37_FY2020.tsv",
    "pos-codes/openemr_POSRef.class.php",
)
FIRST_DAY = date(2026, 7, 1)
AS_OF = date(2026, 8, 15)
COLD = """
import time
started = time.perf_counter()
import json
from datetime import date
from pathlib import Path
from revcycle.edits import ScrubConfig
from revcycle.refdata.store import ReferenceStore
from revcycle.services.scrub import ScrubRun, records_from_json, scrub_records
document = json.loads(Path({claims!r}).read_text())
report = scrub_records([records_from_json(document, "cold")], ScrubRun(ReferenceStore(Path({store!r})), ScrubConfig(),
                       date(2026, 8, 15)))
assert report.claims == 1
print(time.perf_counter() - started)
"""


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_store(path: Path, shared: Path) -> float:
    """Import the scrubber's tables into a new store at ``path``; the seconds it took."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = ReferenceStore(path)
    for name in TABLES:
        import_reference_file(store, shared / name)
    import_bundled(store, only=("BUNDLED_CPT", "BUNDLED_NCCI"))
    store.close()
    return time.perf_counter() - started


def pools(store: ReferenceStore, rng: random.Random) -> tuple[list[str], list[str]]:
    """Real codes to draw claims from: 300 payable fee-schedule procedures and 500 billable ICD-10-CM codes."""
    pfs = in_force(store, PFS_RVU, FIRST_DAY).release
    procedures = sorted(code for code, row in store.entries(pfs) if ":" not in code and row.get("status") == "A")
    icd = in_force(store, ICD10CM, FIRST_DAY).release
    diagnoses = sorted(code for code, row in store.entries(icd) if row.get("billable") and row.get("kind") == "code")
    return rng.sample(procedures, 300), rng.sample(diagnoses, 500)


def _draw(rng: random.Random, codes: list[str], count: int, typical: bool) -> list[str]:
    """``count`` different codes, Zipf-weighted when ``typical``."""
    if not typical:
        return rng.sample(codes, count)
    drawn: dict[str, None] = {}
    while len(drawn) < count:
        drawn[rng.choices(codes, cum_weights=_zipf(len(codes)))[0]] = None
    return list(drawn)


def _zipf(size: int) -> list[float]:
    total, weights = 0.0, []
    for rank in range(1, size + 1):
        total += 1 / rank
        weights.append(total)
    return weights


def claims_document(
    count: int, kind: str, procedures: list[str], diagnoses: list[str], seed: int, typical: bool = True
) -> dict[str, Any]:
    """A claims JSON document of ``count`` claims (3 lines, 4 diagnoses)."""
    rng = random.Random(seed)
    claims = []
    for number in range(count):
        day = FIRST_DAY + timedelta(days=rng.randrange(30))
        lines = [
            {
                "line_number": index + 1,
                "procedure_code": code,
                "units": "1",
                "charge": "100.00",
                "service_date": day.isoformat(),
                **(
                    {"diagnosis_pointers": [index + 1]}
                    if kind == "professional"
                    else {"revenue_code": "0510", "diagnosis_pointers": []}
                ),
            }
            for index, code in enumerate(_draw(rng, procedures, 3, typical))
        ]
        claim: dict[str, Any] = {
            "id": f"CLM-{kind[0]}{number}",
            "kind": kind,
            "patient_control_number": f"PCN{number}",
            "patient_id": f"PAT-{number % 2000}",
            "coverage_id": f"COV-{number % 2000}",
            "billing_provider_id": "PRV-BILL",
            "diagnoses": [{"code": code} for code in _draw(rng, diagnoses, 4, typical)],
            "lines": lines,
            "total_charge": "300.00",
        }
        if kind == "professional":
            claim |= {"place_of_service": "11", "rendering_provider_id": "PRV-REND"}
        else:
            end = max(str(line["service_date"]) for line in lines)
            claim |= {"facility_type_code": "13", "statement_from": end, "statement_to": end, "patient_status": "01"}
        claims.append(claim)
    patients = [
        {
            "id": f"PAT-{n}",
            "name": {"last": "Bench", "first": f"P{n}"},
            "birth_date": f"{1940 + n % 60}-05-05",
            "sex": "F" if n % 2 else "M",
        }
        for n in range(min(count, 2000))
    ]
    coverages = [
        {"id": f"COV-{n}", "patient_id": f"PAT-{n}", "payer_id": "PAY", "order": "P", "member_id": f"M{n:08d}"}
        for n in range(min(count, 2000))
    ]
    return {
        "patients": patients,
        "providers": [
            {
                "id": "PRV-BILL",
                "kind": "2",
                "npi": "1234567893",
                "name": "Bench Clinic",
                "tax_id": "123456789",
                "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "627010001"},
            },
            {"id": "PRV-REND", "kind": "1", "npi": "1245319599", "name": "Doe", "first_name": "J"},
        ],
        "payers": [{"id": "PAY", "name": "Medicare", "payer_identifier": "00431", "claim_filing_indicator": "MB"}],
        "coverages": coverages,
        "claims": claims,
    }


def throughput(run: ScrubRun, document: dict[str, Any]) -> dict[str, float]:
    """Claims per second for reading the JSON into records and for scrubbing them (wall clock and CPU time)."""
    started = time.perf_counter()
    records = records_from_json(document, "bench")
    read = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    report = scrub_records([records], run)
    scrubbed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    count = report.claims
    return {
        "claims": count,
        "read_claims_per_s": round(count / read),
        "scrub_claims_per_s": round(count / scrubbed),
        # On a shared machine the process's CPU time is steadier than the wall clock: waiting for a core is left out.
        "scrub_cpu_claims_per_s": round(count / cpu),
        "findings_per_claim": round(len(report.findings) / count, 2),
        "clean_claim_rate": float(report.clean_claim_rate),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--store", type=Path, default=ROOT / "build" / "bench-scrub-refdata.sqlite")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "refdata")
    parser.add_argument("--per-edit", action="store_true", help="also time each edit alone (best of 3)")
    parser.add_argument(
        "--instructions",
        type=int,
        metavar="N",
        help="only scrub N typical professional claims after N others, for callgrind (see `instructions`)",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if not args.store.exists():
        results["store_build_s"] = round(build_store(args.store, args.shared), 1)
    store = ReferenceStore(args.store)
    if args.instructions:
        instructions(store, args.instructions)
        return
    results["ptp_rows"] = sum(release.rows for release in store.releases() if release.code_set.startswith("ncci_ptp"))
    procedures, diagnoses = pools(store, random.Random(7))
    one = claims_document(1, "professional", procedures, diagnoses, seed=99)
    cold_file = args.store.parent / "bench-scrub-one-claim.json"
    cold_file.write_text(json.dumps(one))
    colds = [
        float(
            subprocess.run(
                [sys.executable, "-c", COLD.format(claims=str(cold_file), store=str(args.store))],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(3)
    ]
    results["cold_first_claim_s"] = round(sorted(colds)[1], 3)
    config = ScrubConfig()
    run = ScrubRun(store, config, AS_OF)
    for kind in ("professional", "institutional"):
        for mix, typical in (("typical", True), ("uniform", False)):
            for batch in (1, 2):
                document = claims_document(args.claims, kind, procedures, diagnoses, batch, typical)
                results[f"{kind}_{mix}_batch{batch}"] = throughput(run, document)
    started = time.perf_counter()
    scrub_records([records_from_json(claims_document(1, "professional", procedures, diagnoses, 5), "warm")], run)
    results["warm_ready_and_first_claim_s"] = round(time.perf_counter() - started, 4)
    results["peak_rss_mib"] = round(peak_rss_mib())
    if args.per_edit:
        results["per_edit_us"] = per_edit(store, procedures, diagnoses)
    print(json.dumps(results, indent=2))


def per_edit(store: ReferenceStore, procedures: list[str], diagnoses: list[str]) -> dict[str, float]:
    """Microseconds per typical professional claim of the engine alone, of each edit alone, and of all together.

    Each edit alone also pays for the facts it shares with its family (PTP01 for PTP02 and PTP03, say), so the
    parts add up to more than the whole.
    """
    claims = list(
        records_from_json(claims_document(3000, "professional", procedures, diagnoses, 3), "per-edit").submitted()
    )
    reference = EditReference(store)
    edits = [kind() for kind in builtin_edits()]
    Scrubber(reference, None, edits).scrub(claims, AS_OF)

    def cost(chosen: list[Edit]) -> float:
        best = min(_timed(lambda: Scrubber(reference, None, chosen).scrub(claims, AS_OF)) for _ in range(3))
        return best / len(claims) * 1e6

    engine = cost([])
    alone = {edit.code: round(cost([edit]) - engine, 1) for edit in edits}
    ranked = dict(sorted(alone.items(), key=lambda item: -item[1]))
    return {"engine_alone": round(engine, 1), "all_edits": round(cost(edits), 1), **ranked}


def instructions(store: ReferenceStore, count: int) -> None:
    """Scrub ``count`` typical professional claims after a warm-up batch of ``count`` others, for callgrind.

    Instruction counts do not depend on the machine's load. The batch measured is scrubbed inside
    `functools.reduce`, so that callgrind collects it alone::

        valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \
            .venv/bin/python benchmarks/bench_scrub.py --instructions 1000
    """
    procedures, diagnoses = pools(store, random.Random(7))
    run = ScrubRun(store, ScrubConfig(), AS_OF)
    warm, measured = (
        records_from_json(claims_document(count, "professional", procedures, diagnoses, seed), "instructions")
        for seed in (1, 2)
    )
    scrub_records([warm], run)
    report = functools.reduce(lambda _, __: scrub_records([measured], run), [None, None])
    assert report is not None  # reduce called the lambda once, so its value is a report
    print(json.dumps({"claims": report.claims, "findings": len(report.findings)}))


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
