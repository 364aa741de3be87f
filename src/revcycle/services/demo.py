"""The demo: the main job of revcycle end to end on a bundled synthetic dataset.

Create the schema, load a small practice's records (practices, providers, patients, payers, coverages, encounters
with notes, claims and one remittance) and summarise them; load the bundled reference data, look codes up, search
and price the demo claims by the Medicare fee schedule. Later capabilities extend it along the cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from revcycle.refdata.store import ReferenceStore
from revcycle.services.database import DatabaseStatus, engine_for, upgrade_database
from revcycle.services.datasets import Dataset, ImportResult, import_dataset, read_dataset
from revcycle.services.demo_reference import DemoReference, run_demo_reference
from revcycle.services.summary import Summary, summarize


def demo_dataset() -> Dataset:
    """The bundled synthetic dataset (no real patient's data)."""
    with as_file(files("revcycle") / "demo_data" / "demo_dataset.json") as path:
        return read_dataset(Path(path))


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did.

    Attributes:
        database: the schema revision after migrating.
        imported: what loading the dataset added.
        summary: the database afterwards.
        reference: the lookups, search and prices, when a reference store was given.
    """

    database: DatabaseStatus
    imported: ImportResult
    summary: Summary
    reference: DemoReference | None = None


def run_demo(
    database_url: str, store: ReferenceStore | None = None, on_records: Callable[[int], None] | None = None
) -> DemoResult:
    """Migrate the database at ``database_url``, load the demo dataset and summarise.

    With a reference store, also load the demo's reference data, look codes up, search and price the claims.
    """
    database = upgrade_database(database_url)
    engine = engine_for(database_url)
    dataset = demo_dataset()
    imported = import_dataset(engine, dataset, on_records)
    claims = dataset.records["claims"]
    reference = run_demo_reference(store, claims, claims[0].first_service_date) if store is not None else None
    return DemoResult(database, imported, summarize(engine), reference)
