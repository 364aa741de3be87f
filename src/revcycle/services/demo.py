"""The demo: the main job of revcycle end to end on a bundled synthetic dataset.

Create the schema, load the bundled reference data, look codes up, search and price the demo claims by the Medicare
fee schedule; load a small practice's records (practices, providers, patients, payers, coverages, encounters with
notes, claims and one remittance), the claims scrubbed as they are saved, and summarise them; scrub three more
claims made wrong on purpose (``demo_data/demo_wrong_claims.json``) as they would be before submission, and report
every finding and the clean-claim rate; write the claims as an 837P and validate it, and read and validate the
bundled synthetic 835 that pays them. Later capabilities extend it along the cycle.

The scrubber's tables in the demo's reference store are small extracts of the official CMS files, cut to the demo
claims' codes (``demo_data/refdata/SOURCES.txt``): medically unlikely edits, HCPCS Level II, the Medicare Code Editor
and the add-on code edits, beside the bundled ICD-10-CM and CPT code list and the fee-schedule extract. No 2026
practitioner NCCI pair file is at hand, and the place of service list is read only from OpenEMR's PHP file (not a CMS
file), so neither is bundled: the edits that need them report that they could not check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from revcycle.edits import Finding, History
from revcycle.edits.engine import not_checked as engine_not_checked
from revcycle.refdata.store import ReferenceStore
from revcycle.services.claim_findings import ALL_EDITS, findings_of, saving_reference
from revcycle.services.database import DatabaseStatus, engine_for, upgrade_database
from revcycle.services.datasets import Dataset, ImportResult, import_dataset, read_dataset
from revcycle.services.demo_reference import DemoReference, run_demo_reference
from revcycle.services.refdata import ImportOutcome, import_reference_file
from revcycle.services.scrub import ScrubRun, records_from_json, scrub_records
from revcycle.services.summary import Summary, summarize
from revcycle.services.x12 import read_document_data, validate_data, write_dataset_837
from revcycle.store import UnitOfWork
from revcycle.x12.write837 import Usage, X12Settings


def demo_dataset() -> Dataset:
    """The bundled synthetic dataset (no real patient's data)."""
    with as_file(files("revcycle") / "demo_data" / "demo_dataset.json") as path:
        return read_dataset(Path(path))


DEMO_AS_OF = date(2026, 10, 1)
"""The day the demo judges its claims on: the day after its last date of service, so the output never changes."""
DEMO_SCRUB_FILES = (
    "MCR_MUE_PractitionerServices_Eff_04-01-2026.demo-extract.csv",
    "HCPC2026_JAN_ANWEB_demo-extract.txt",
    "MCE_Simple_Code_Edits_v37_FY2020.demo-extract.tsv",
    "AOC_V2026Q2-MCR.demo-extract.xlsx",
)


@dataclass(frozen=True, slots=True)
class DemoScrub:
    """The scrubber in the demo: the demo claims' findings saved with them, and three wrong claims scrubbed.

    Attributes:
        as_of: the day the claims were judged on.
        stored_claims: the claim numbers of the demo claims, scrubbed when the dataset was saved.
        wrong_claims: the claim numbers of the claims made wrong on purpose, scrubbed before submission.
        findings: every finding of both (as the API shows them), but the edits that could not check.
        not_checked: the edits that could not check, each with the reason (the table the store lacks).
        claims: how many claims were scrubbed.
        clean_claims: how many have no error.
        clean_claim_rate: clean claims as a percentage, to one decimal.
    """

    as_of: date
    stored_claims: tuple[str, ...]
    wrong_claims: tuple[str, ...]
    findings: tuple[dict[str, object], ...]
    not_checked: dict[str, str]
    claims: int
    clean_claims: int
    clean_claim_rate: Decimal


def load_scrub_reference(store: ReferenceStore) -> list[ImportOutcome]:
    """Import the extracts of the scrubber's tables bundled for the demo (see `DEMO_SCRUB_FILES`)."""
    outcomes: list[ImportOutcome] = []
    for name in DEMO_SCRUB_FILES:
        with as_file(files("revcycle") / "demo_data" / "refdata" / name) as path:
            outcomes += import_reference_file(store, Path(path))
    return outcomes


def _demo_json(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((files("revcycle") / "demo_data" / name).read_text(encoding="utf-8"))
    return document


def run_demo_scrub(engine: Engine, store: ReferenceStore, dataset: Dataset) -> DemoScrub:
    """The findings the demo claims were saved with, and the wrong claims scrubbed after them (their history)."""
    saved = dataset.records["claims"]
    with UnitOfWork(engine) as unit:
        stored = findings_of(unit, [claim.id for claim in saved])
    # The wrong claims name the demo dataset's patients, coverages, payers and providers.
    document = {name: items for name, items in _demo_json("demo_dataset.json").items() if name != "claims"}
    document["claims"] = _demo_json("demo_wrong_claims.json")["claims"]
    wrong = scrub_records(
        [records_from_json(document, "demo_wrong_claims.json")], ScrubRun(store, ALL_EDITS, DEMO_AS_OF), History(saved)
    )
    every: list[Finding] = [finding for claim in stored for finding in claim.findings]
    every += wrong.findings
    clean = sum(1 for claim in stored if claim.clean) + wrong.clean_claims
    claims = len(stored) + wrong.claims
    not_checked: dict[str, str] = {}
    for finding in every:
        unchecked = engine_not_checked(finding)
        if unchecked is not None:
            codes, reason = unchecked
            not_checked |= dict.fromkeys(codes, reason.split(":")[0])
    return DemoScrub(
        as_of=DEMO_AS_OF,
        stored_claims=tuple(claim.patient_control_number for claim in stored),
        wrong_claims=tuple(result.submitted.claim.patient_control_number for result in wrong.results),
        findings=tuple(finding.as_json() for finding in every if finding.code not in not_checked),
        not_checked=not_checked,
        claims=claims,
        clean_claims=clean,
        clean_claim_rate=(Decimal(100) * clean / claims).quantize(Decimal("0.1")),
    )


DEMO_SETTINGS = X12Settings(
    sender_id="RIVERBEND",
    receiver_id="DEMOCLEARING",
    submitter_name="RIVERBEND FAMILY MEDICINE",
    contact_name="BILLING OFFICE",
    contact_phone="5555550100",
    receiver_name="DEMO CLEARINGHOUSE",
    usage=Usage.TEST,
)


@dataclass(frozen=True, slots=True)
class DemoX12:
    """The demo's X12: the claims written as an 837P and the bundled 835, each validated and read back.

    Attributes:
        claims_file: where the 837 was written, or None when it was only made in memory.
        claims_verdict: the validator's verdict on the 837 (``valid`` ...).
        claims_summary: the 837 read back: transaction, claims, total charge.
        remittance_file: the bundled synthetic 835.
        remittance_verdict: the validator's verdict on it.
        remittance_summary: what it pays: claims, total paid, provider adjustments, payment.
        findings: every finding on either file, as text.
    """

    claims_file: str | None
    claims_verdict: str
    claims_summary: dict[str, object]
    remittance_file: str
    remittance_verdict: str
    remittance_summary: dict[str, object]
    findings: tuple[str, ...] = ()


def run_demo_x12(engine: Engine, dataset: Dataset, directory: Path | None) -> DemoX12:
    """Write the demo claims as an 837P (into ``directory`` when given), validate and read it; same for the 835."""
    text, _ = write_dataset_837(dataset, DEMO_SETTINGS, engine)
    data = text.encode()
    claims_file = None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "demo-claims.837"
        path.write_bytes(data)
        claims_file = str(path)
    name = claims_file or "demo-claims.837"
    claims = validate_data(data, name)
    remittance_data = (files("revcycle") / "demo_data" / "demo.835").read_bytes()
    remittance = validate_data(remittance_data, "demo.835")
    remittance_summary = read_document_data(remittance_data, "demo.835").summary
    findings = [
        str(finding) for verdict in (claims, remittance) if verdict.result for finding in verdict.result.findings
    ]
    return DemoX12(
        claims_file=claims_file,
        claims_verdict=claims.status,
        claims_summary=read_document_data(data, name).summary,
        remittance_file="demo_data/demo.835",
        remittance_verdict=remittance.status,
        remittance_summary=remittance_summary,
        findings=tuple(findings),
    )


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did.

    Attributes:
        database: the schema revision after migrating.
        imported: what loading the dataset added.
        summary: the database afterwards.
        reference: the lookups, search and prices, when a reference store was given.
        x12: the 837P written from the claims and the bundled 835, validated and read.
        scrub: the claims' findings and the clean-claim rate, when a reference store was given.
    """

    database: DatabaseStatus
    imported: ImportResult
    summary: Summary
    reference: DemoReference | None = None
    x12: DemoX12 | None = None
    scrub: DemoScrub | None = None


def run_demo(
    database_url: str,
    store: ReferenceStore | None = None,
    on_records: Callable[[int], None] | None = None,
    x12_directory: Path | None = None,
) -> DemoResult:
    """Migrate the database at ``database_url``, load the demo dataset and summarise.

    With a reference store, first load the demo's reference data, look codes up, search and price the claims; the
    claims are scrubbed as they are saved (with that store, else the process's), and with a store three wrong
    claims are scrubbed too. Then write the claims as an 837P (into ``x12_directory`` when given), validate it and
    read it back, and read and validate the bundled 835.
    """
    database = upgrade_database(database_url)
    engine = engine_for(database_url)
    dataset = demo_dataset()
    claims = dataset.records["claims"]
    reference = None
    if store is not None:
        reference = run_demo_reference(store, claims, claims[0].first_service_date)
        reference = replace(reference, imported=reference.imported + load_scrub_reference(store))
    saving = ScrubRun(store if store is not None else saving_reference(), ALL_EDITS, DEMO_AS_OF)
    imported = import_dataset(engine, dataset, on_records, scrub=saving)
    scrub = run_demo_scrub(engine, store, dataset) if store is not None else None
    x12 = run_demo_x12(engine, dataset, x12_directory)
    return DemoResult(database, imported, summarize(engine), reference, x12, scrub)
