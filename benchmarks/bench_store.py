"""Store throughput: import N synthetic claims (with their patients and coverages) and load them back.

Run:  .venv/bin/python benchmarks/bench_store.py --claims 5000 --db sqlite:///build/bench.db
      .venv/bin/python benchmarks/bench_store.py --claims 5000 --db postgresql://postgres@127.0.0.1/bench
The database is migrated from empty (an existing SQLite file is replaced; a PostgreSQL database must exist and be
empty or already at the head revision with no rows).
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from revcycle.domain import (
    Claim,
    ClaimFilingIndicator,
    ClaimKind,
    Coverage,
    CoverageOrder,
    Diagnosis,
    Patient,
    Payer,
    PersonName,
    Provider,
    ProviderKind,
    ServiceLine,
    Sex,
    npi_check_digit,
)
from revcycle.services.database import engine_for, upgrade_database
from revcycle.services.datasets import Dataset, import_dataset
from revcycle.store import UnitOfWork, parse_url


def synthetic_dataset(claims: int) -> Dataset:
    """``claims`` two-line professional claims, each for its own patient and coverage."""
    practice = Provider(
        id="PRAC", kind=ProviderKind.ORGANIZATION, npi="199999001" + npi_check_digit("199999001"), name="Bench Clinic"
    )
    payer = Payer(
        id="PAYER", name="Bench Payer", payer_identifier="BENCH", claim_filing_indicator=ClaimFilingIndicator.COMMERCIAL
    )
    patients, coverages, bills = [], [], []
    for number in range(claims):
        day = date(2026, 1, 1) + timedelta(days=number % 300)
        patients.append(
            Patient(
                id=f"P{number}",
                name=PersonName(last="Bench", first=f"N{number}"),
                birth_date=date(1970, 1, 1),
                sex=Sex.FEMALE,
            )
        )
        coverages.append(
            Coverage(
                id=f"C{number}",
                patient_id=f"P{number}",
                payer_id="PAYER",
                order=CoverageOrder.PRIMARY,
                member_id=f"M{number}",
            )
        )
        lines = (
            ServiceLine(
                line_number=1,
                procedure_code="99213",
                units=Decimal(1),
                charge=Decimal("140.00"),
                service_date=day,
                diagnosis_pointers=(1,),
            ),
            ServiceLine(
                line_number=2,
                procedure_code="93000",
                units=Decimal(1),
                charge=Decimal("45.00"),
                service_date=day,
                diagnosis_pointers=(1, 2),
            ),
        )
        bills.append(
            Claim(
                id=f"CLM{number}",
                kind=ClaimKind.PROFESSIONAL,
                patient_control_number=f"PCN{number}",
                patient_id=f"P{number}",
                coverage_id=f"C{number}",
                billing_provider_id="PRAC",
                place_of_service="11",
                diagnoses=(Diagnosis(code="I10"), Diagnosis(code="E11.9")),
                lines=lines,
                total_charge=Decimal("185.00"),
            )
        )
    return Dataset(
        {
            "providers": (practice,),
            "payers": (payer,),
            "patients": tuple(patients),
            "coverages": tuple(coverages),
            "claims": tuple(bills),
        },
        "<synthetic>",
    )


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--db", default="sqlite:///build/bench.db")
    arguments = parser.parse_args()
    url = parse_url(arguments.db)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).unlink(missing_ok=True)
    upgrade_database(arguments.db)
    engine = engine_for(arguments.db)
    dataset = synthetic_dataset(arguments.claims)

    started = time.perf_counter()
    result = import_dataset(engine, dataset)
    imported = time.perf_counter() - started

    started = time.perf_counter()
    again = import_dataset(engine, dataset)
    reimported = time.perf_counter() - started

    started = time.perf_counter()
    with UnitOfWork(engine) as unit:
        loaded = sum(1 for _ in unit.claims.all())
    loading = time.perf_counter() - started

    if (result.total_added, again.total_added, loaded) != (dataset.size, 0, arguments.claims):
        raise SystemExit(f"unexpected counts: {result}, {again}, {loaded} loaded")
    backend = url.get_backend_name()
    print(f"backend={backend} claims={arguments.claims} records={dataset.size}")
    rate = f"{dataset.size / imported:,.0f} records/s ({arguments.claims / imported:,.0f} claims/s)"
    print(f"import:    {imported:.2f} s  {rate}")
    print(f"re-import: {reimported:.2f} s  (idempotent: 0 added)")
    print(f"load:      {loading:.2f} s  {loaded / loading:,.0f} claims/s")
    print(f"peak RSS:  {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
