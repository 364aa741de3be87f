"""Dataset files: many records of many kinds in one JSON document, imported as one all-or-nothing operation.

A dataset is a JSON object whose keys are record kinds (``patients``, ``providers``, ``payers``, ``coverages``,
``encounters``, ``claims``, ``remittances``, ``ledger_entries``) and whose values are lists of records in the
interchange format of `revcycle.domain.interchange`. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from revcycle.domain.interchange import record_from_json
from revcycle.errors import Conflict, InputFileError, InvalidRecord, RevcycleError
from revcycle.services.claim_findings import save_run, scrub_saved_claims
from revcycle.services.records import RECORD_KINDS
from revcycle.services.scrub import ScrubRun
from revcycle.store import UnitOfWork
from revcycle.store.database import refresh_statistics


@dataclass(frozen=True, slots=True)
class Dataset:
    """Records by kind, in the dependency order of `RECORD_KINDS`.

    Attributes:
        records: the records of each kind present.
        source: the file it was read from, for messages.
    """

    records: dict[str, tuple[Any, ...]]
    source: str = "<dataset>"

    @property
    def size(self) -> int:
        """How many records the dataset holds."""
        return sum(len(records) for records in self.records.values())


def parse_dataset(document: object, source: str = "<dataset>") -> Dataset:
    """The dataset described by a parsed JSON document.

    Raises:
        InputFileError: naming ``source``, the record's place in the document and what is wrong.
    """
    if not isinstance(document, dict):
        raise InputFileError(source, "", "a dataset is a JSON object of record lists")
    unknown = sorted(set(document) - set(RECORD_KINDS))
    if unknown:
        kinds = ", ".join(RECORD_KINDS)
        raise InputFileError(source, unknown[0], f"is not a kind of record (expected some of {kinds})")
    records: dict[str, tuple[Any, ...]] = {}
    for name, kind in RECORD_KINDS.items():
        items = document.get(name, [])
        if not isinstance(items, list):
            raise InputFileError(source, name, "must be a list of records")
        try:
            records[name] = tuple(
                record_from_json(kind.record, item, f"{name}[{index}]") for index, item in enumerate(items)
            )
        except InvalidRecord as error:
            raise InputFileError(source, error.field, f"{error.record}: {error.reason}") from None
    return Dataset(records, source)


def read_dataset(path: Path) -> Dataset:
    """The dataset in the JSON file at ``path``.

    Raises:
        InputFileError: the file cannot be read, is not JSON (with line and column), or holds a bad record.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(str(path), f"line {error.lineno} column {error.colno}", f"not JSON: {error.msg}") from None
    return parse_dataset(document, str(path))


IMPORT_STEP = 500
# Imports at least this large refresh the database's planner statistics.
BULK_LOAD = 5000


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did.

    Attributes:
        added: new records stored, by kind.
        unchanged: records already stored exactly so, by kind.
    """

    added: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def total_added(self) -> int:
        """How many records were new."""
        return sum(self.added.values())


def import_dataset(
    engine: Engine,
    dataset: Dataset,
    on_records: Callable[[int], None] | None = None,
    scrub: ScrubRun | None = None,
) -> ImportResult:
    """Store every record of ``dataset`` in one transaction: all of them, or on any error none.

    ``on_records`` is told how many records each step stored, for a progress bar. The new claims are scrubbed in
    the same transaction and stored with their findings (`revcycle.services.claim_findings`), by ``scrub`` or by
    default `save_run`'s.

    Raises:
        InputFileError: a record conflicts with a stored one or refers to a missing one, naming the record.
    """
    added: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    with UnitOfWork(engine) as unit:
        for name, records in dataset.records.items():
            if not records:
                continue
            repository = RECORD_KINDS[name].of(unit)
            outcome: list[bool] = []
            try:
                # In steps, so that a progress bar moves during a large import.
                for start in range(0, len(records), IMPORT_STEP):
                    step = records[start : start + IMPORT_STEP]
                    outcome += repository.add_many(step)
                    if on_records:
                        on_records(len(step))
            except (InvalidRecord, Conflict) as error:
                where = _place(name, records, error.record_id)
                field = f".{error.field}" if isinstance(error, InvalidRecord) and error.field else ""
                reason = error.reason if isinstance(error, InvalidRecord) else str(error)
                raise InputFileError(dataset.source, where + field, reason) from None
            except RevcycleError as error:
                raise InputFileError(dataset.source, name, str(error)) from None
            added[name] = outcome.count(True)
            unchanged[name] = outcome.count(False)
            if name == "claims" and added[name]:
                new = [claim for claim, stored in zip(records, outcome, strict=True) if stored]
                scrub_saved_claims(unit, new, scrub or save_run(), dataset.records)
        unit.commit()
    if sum(added.values()) >= BULK_LOAD:
        refresh_statistics(engine)
    return ImportResult(added, unchanged)


def _place(kind: str, records: tuple[Any, ...], record_id: str | None) -> str:
    """Where the record with ``record_id`` sits in the dataset, e.g. ``claims[3]``."""
    for index, record in enumerate(records):
        if record.id == record_id:
            return f"{kind}[{index}]"
    return kind
