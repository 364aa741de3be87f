"""The demo: the main job of revcycle end to end on a bundled synthetic dataset.

Create the schema, load a small practice's records (practices, providers, patients, payers, coverages, encounters
with notes, claims and one remittance) and summarise them; load the bundled reference data, look codes up, search
and price the demo claims by the Medicare fee schedule; write the claims as an 837P and validate it, and read and
validate the bundled synthetic 835 that pays them. Later capabilities extend it along the cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from sqlalchemy import Engine

from revcycle.refdata.store import ReferenceStore
from revcycle.services.database import DatabaseStatus, engine_for, upgrade_database
from revcycle.services.datasets import Dataset, ImportResult, import_dataset, read_dataset
from revcycle.services.demo_reference import DemoReference, run_demo_reference
from revcycle.services.summary import Summary, summarize
from revcycle.services.x12 import read_document_data, validate_data, write_dataset_837
from revcycle.x12.write837 import Usage, X12Settings


def demo_dataset() -> Dataset:
    """The bundled synthetic dataset (no real patient's data)."""
    with as_file(files("revcycle") / "demo_data" / "demo_dataset.json") as path:
        return read_dataset(Path(path))


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
    """

    database: DatabaseStatus
    imported: ImportResult
    summary: Summary
    reference: DemoReference | None = None
    x12: DemoX12 | None = None


def run_demo(
    database_url: str,
    store: ReferenceStore | None = None,
    on_records: Callable[[int], None] | None = None,
    x12_directory: Path | None = None,
) -> DemoResult:
    """Migrate the database at ``database_url``, load the demo dataset and summarise.

    With a reference store, also load the demo's reference data, look codes up, search and price the claims. Then
    write the claims as an 837P (into ``x12_directory`` when given), validate it and read it back, and read and
    validate the bundled 835.
    """
    database = upgrade_database(database_url)
    engine = engine_for(database_url)
    dataset = demo_dataset()
    imported = import_dataset(engine, dataset, on_records)
    claims = dataset.records["claims"]
    reference = run_demo_reference(store, claims, claims[0].first_service_date) if store is not None else None
    x12 = run_demo_x12(engine, dataset, x12_directory)
    return DemoResult(database, imported, summarize(engine), reference, x12)
