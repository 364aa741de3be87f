"""The demo: the main job of revcycle end to end on a bundled synthetic dataset.

For now: create the schema, load a small practice's records (practices, providers, patients, payers, coverages,
encounters with notes, claims and one remittance) and summarise them. Later capabilities extend it along the cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from revcycle.services.database import DatabaseStatus, engine_for, upgrade_database
from revcycle.services.datasets import Dataset, ImportResult, import_dataset, read_dataset
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
    """

    database: DatabaseStatus
    imported: ImportResult
    summary: Summary


def run_demo(database_url: str, on_records: Callable[[int], None] | None = None) -> DemoResult:
    """Migrate the database at ``database_url``, load the demo dataset and summarise."""
    database = upgrade_database(database_url)
    engine = engine_for(database_url)
    imported = import_dataset(engine, demo_dataset(), on_records)
    return DemoResult(database, imported, summarize(engine))
