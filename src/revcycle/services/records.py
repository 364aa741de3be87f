"""Adding, reading and listing the records of the cycle, each kind through its repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from revcycle.domain import Claim, Coverage, Encounter, LedgerEntry, Patient, Payer, Provider, Remittance
from revcycle.errors import RevcycleError
from revcycle.services.claim_findings import save_run, scrub_saved_claims
from revcycle.services.scrub import ScrubRun
from revcycle.store import UnitOfWork
from revcycle.store.repository import Repository


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One kind of record as the faces name it.

    Attributes:
        name: the plural name used in dataset files, CLI commands and URLs (``claims``).
        record: the domain class.
        repository: the unit of work's repository attribute for it.
    """

    name: str
    record: type[Any]
    repository: str

    def of(self, unit: UnitOfWork) -> Repository[Any]:
        """This kind's repository in an open unit of work."""
        repository: Repository[Any] = getattr(unit, self.repository)
        return repository


# In dependency order: a record only refers to kinds listed before it, so a dataset imports top to bottom.
RECORD_KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind("patients", Patient, "patients"),
        RecordKind("providers", Provider, "providers"),
        RecordKind("payers", Payer, "payers"),
        RecordKind("coverages", Coverage, "coverages"),
        RecordKind("encounters", Encounter, "encounters"),
        RecordKind("claims", Claim, "claims"),
        RecordKind("remittances", Remittance, "remittances"),
        RecordKind("ledger_entries", LedgerEntry, "ledger"),
    )
}


class UnknownKind(RevcycleError):
    """A kind of record revcycle does not have."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name!r} is not a kind of record: use one of {', '.join(RECORD_KINDS)}")


def record_kind(name: str) -> RecordKind:
    """The kind called ``name``.

    Raises:
        UnknownKind: no such kind.
    """
    try:
        return RECORD_KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding records did.

    Attributes:
        added: how many were new.
        unchanged: how many were already stored exactly so (adding is idempotent).
    """

    added: int
    unchanged: int


def add_records(engine: Engine, kind: RecordKind, records: Sequence[Any], scrub: ScrubRun | None = None) -> AddResult:
    """Store records of one kind in one transaction: all are stored, or none.

    New claims are scrubbed in the same transaction and stored with their findings
    (`revcycle.services.claim_findings`), by ``scrub`` or by default `save_run`'s.

    Raises:
        Conflict: a record's id is taken by a different record.
        InvalidRecord: a record refers to one that does not exist.
        DatabaseError: the database fails.
    """
    with UnitOfWork(engine) as unit:
        outcome = kind.of(unit).add_many(records)
        new = [record for record, added in zip(records, outcome, strict=True) if added]
        if kind.record is Claim and new:
            scrub_saved_claims(unit, new, scrub or save_run())
        unit.commit()
    return AddResult(added=outcome.count(True), unchanged=outcome.count(False))


def get_record(engine: Engine, kind: RecordKind, record_id: str) -> Any:
    """The record of ``kind`` with ``record_id``.

    Raises:
        NotFound: no such record.
    """
    with UnitOfWork(engine) as unit:
        return kind.of(unit).get(record_id)


def list_records(engine: Engine, kind: RecordKind, *, offset: int = 0, limit: int = 100) -> list[Any]:
    """A page of the records of ``kind`` in id order."""
    with UnitOfWork(engine) as unit:
        repository = kind.of(unit)
        ids = repository.ids()[offset : offset + limit]
        loaded = repository.load(ids)
        return [loaded[record_id] for record_id in ids]
