"""Scrubbing on save: claims stored in the database are scrubbed in the same transaction and keep their findings.

When the records or dataset services store new claims, `scrub_saved_claims` runs the scrubber over them before the
unit of work commits and replaces each claim's rows in ``claim_findings``: the claims and their findings are stored
together or not at all. A claim saved again unchanged is not scrubbed again (saving is idempotent, rows included).

Each claim is compared (duplicates, global periods) with its patient's claims already in the store, oldest first,
then with the claims of its own batch saved before it. Its parties come from the records saved with it, else from
the store. The reference tables are the process's reference store; where no store file exists yet an empty one is
used, so saving never creates the file and every edit that needs a table reports it as not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from revcycle.domain import Claim
from revcycle.edits import Category, Finding, History, ScrubConfig, ScrubReport, Severity
from revcycle.edits.inputs import Records, provider_ids
from revcycle.errors import NotFound
from revcycle.refdata.reference import default_store_path, reference
from revcycle.refdata.store import ReferenceStore
from revcycle.services.scrub import ScrubRun, scrub_records
from revcycle.store import UnitOfWork, tables
from revcycle.store.repository import BATCH, insert_rows

ALL_EDITS = ScrubConfig()
"""Every built-in edit: what scrubbing on save runs, and the API by default (one object: one warm scrubber)."""

_EMPTY_STORE: list[ReferenceStore] = []


def saving_reference(path: Path | None = None) -> ReferenceStore:
    """The reference store saved claims are scrubbed with: the process's, at ``path`` or the default path.

    Where no store file exists yet, an empty store in memory (made once): saving claims never creates the file.
    """
    wanted = path or default_store_path()
    if wanted.exists():
        return reference(wanted)
    if not _EMPTY_STORE:
        _EMPTY_STORE.append(ReferenceStore(Path(":memory:")))
    return _EMPTY_STORE[0]


def save_run(store: ReferenceStore | None = None, as_of: date | None = None) -> ScrubRun:
    """How claims are scrubbed on save: with ``store`` (by default `saving_reference`), every edit, as of today."""
    return ScrubRun(store if store is not None else saving_reference(), ALL_EDITS, as_of or date.today())


def scrub_saved_claims(
    unit: UnitOfWork,
    claims: Sequence[Claim],
    run: ScrubRun,
    given: Mapping[str, Sequence[Any]] | None = None,
) -> int:
    """Scrub ``claims``, just stored in ``unit``, and replace their findings there (the caller commits).

    Returns how many findings were stored. The report itself is not kept: an import of many claims holds the
    findings of one step at a time.

    Args:
        unit: the open unit of work the claims were stored in.
        claims: the claims, in the order they were saved.
        run: the reference store, configuration and day to judge on.
        given: records saved with the claims, by kind (``patients``, ``coverages``, ...); others are loaded.
    """
    history = _stored_history(unit, claims)
    scrubbed_at = datetime.now(UTC)
    by_id = {kind: {record.id: record for record in records} for kind, records in (given or {}).items()}
    stored = 0
    for start in range(0, len(claims), BATCH):
        step = claims[start : start + BATCH]
        report = scrub_records([_records(unit, step, by_id)], run, history)
        _replace(unit, step, report, run.as_of, scrubbed_at)
        stored += len(report.findings)
    return stored


def _stored_history(unit: UnitOfWork, claims: Sequence[Claim]) -> History:
    """The stored claims of the patients of ``claims`` (other than these), by first date of service."""
    batch = {claim.id for claim in claims}
    patients = sorted({claim.patient_id for claim in claims})
    ids: list[str] = []
    for start in range(0, len(patients), BATCH):
        chunk = patients[start : start + BATCH]
        statement = select(tables.claims.c.id).where(tables.claims.c.patient_id.in_(chunk))
        ids += [claim_id for claim_id in unit.connection.scalars(statement) if claim_id not in batch]
    stored = unit.claims.load(ids)
    return History(sorted(stored.values(), key=lambda claim: (claim.first_service_date, claim.id)))


def _records(unit: UnitOfWork, claims: Sequence[Claim], given: Mapping[str, Mapping[str, Any]]) -> Records:
    """The claims with the parties they name: from ``given`` when saved with them, else from the store."""
    records = Records(claims=[(claim, ()) for claim in claims], source="store")
    records.patients = _parties(unit.patients, given, "patients", (claim.patient_id for claim in claims))
    records.coverages = _parties(unit.coverages, given, "coverages", (claim.coverage_id for claim in claims))
    payer_ids = (coverage.payer_id for coverage in records.coverages.values())
    records.payers = _parties(unit.payers, given, "payers", payer_ids)
    named = (provider_id for claim in claims for provider_id in provider_ids(claim))
    records.providers = _parties(unit.providers, given, "providers", named)
    return records


def _parties(
    repository: Any, given: Mapping[str, Mapping[str, Any]], kind: str, wanted: Iterable[str]
) -> dict[str, Any]:
    ids, known = set(wanted), given.get(kind, {})
    found = {record_id: known[record_id] for record_id in ids if record_id in known}
    missing = sorted(ids - set(found))
    if missing:
        found.update(repository.load(missing))
    return found


def _replace(
    unit: UnitOfWork, claims: Sequence[Claim], report: ScrubReport, as_of: date, scrubbed_at: datetime
) -> None:
    table = tables.claim_findings
    unit.connection.execute(table.delete().where(table.c.claim_id.in_([claim.id for claim in claims])))
    rows = [
        {
            "claim_id": result.submitted.claim.id,
            "position": position,
            "code": finding.code,
            "name": finding.name,
            "category": str(finding.category),
            "severity": str(finding.severity),
            "message": finding.message,
            "line": finding.line,
            "field": finding.field,
            "source": finding.source,
            "fix": finding.fix,
            "as_of": as_of,
            "scrubbed_at": scrubbed_at,
        }
        for result in report.results
        for position, finding in enumerate(result.findings)
    ]
    insert_rows(unit.connection, table, rows)


@dataclass(frozen=True, slots=True)
class StoredFindings:
    """The findings a stored claim was saved with.

    Attributes:
        claim_id: the claim record's id.
        patient_control_number: its CLM01.
        findings: what the scrubber found, errors first; none for a clean claim (and for a claim stored before
            scrubbing on save existed, revision 0004).
        as_of: the day the claim was judged on, None when it has no findings.
        scrubbed_at: when it was scrubbed, None when it has no findings.
    """

    claim_id: str
    patient_control_number: str
    findings: tuple[Finding, ...]
    as_of: date | None = None
    scrubbed_at: datetime | None = None

    @property
    def clean(self) -> bool:
        """Whether the claim has no error finding."""
        return not any(finding.severity is Severity.ERROR for finding in self.findings)

    def as_json(self) -> dict[str, object]:
        """The JSON of ``GET /claims/{id}/findings``: the claim, when it was judged, and its findings."""
        return {
            "claim_id": self.claim_id,
            "claim": self.patient_control_number,
            "clean": self.clean,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "scrubbed_at": self.scrubbed_at.isoformat() if self.scrubbed_at else None,
            "findings": [finding.as_json() for finding in self.findings],
        }


def stored_findings(engine: Engine, claim_id: str) -> StoredFindings:
    """The findings the claim ``claim_id`` was saved with.

    Raises:
        NotFound: no such claim.
    """
    with UnitOfWork(engine) as unit:
        return findings_of(unit, [claim_id])[0]


def findings_of(unit: UnitOfWork, claim_ids: Sequence[str]) -> list[StoredFindings]:
    """The stored findings of each of ``claim_ids``, in that order.

    Raises:
        NotFound: a claim is not stored.
    """
    claims, table = tables.claims, tables.claim_findings
    numbers: dict[str, str] = {}
    rows: dict[str, list[Any]] = {claim_id: [] for claim_id in claim_ids}
    for start in range(0, len(claim_ids), BATCH):
        chunk = list(claim_ids[start : start + BATCH])
        numbers.update(
            (row.id, row.patient_control_number)
            for row in unit.connection.execute(
                select(claims.c.id, claims.c.patient_control_number).where(claims.c.id.in_(chunk))
            )
        )
        statement = select(table).where(table.c.claim_id.in_(chunk)).order_by(table.c.claim_id, table.c.position)
        for row in unit.connection.execute(statement):
            rows[row.claim_id].append(row)
    for claim_id in claim_ids:
        if claim_id not in numbers:
            raise NotFound("Claim", claim_id)
    return [_stored(claim_id, numbers[claim_id], rows[claim_id]) for claim_id in claim_ids]


def _stored(claim_id: str, number: str, rows: list[Any]) -> StoredFindings:
    findings = tuple(
        Finding(
            claim=number,
            line=row.line,
            code=row.code,
            name=row.name,
            category=Category(row.category),
            severity=Severity(row.severity),
            message=row.message,
            source=row.source,
            fix=row.fix,
            field=row.field,
            claim_id=claim_id,
        )
        for row in rows
    )
    if not rows:
        return StoredFindings(claim_id, number, findings)
    scrubbed_at = rows[0].scrubbed_at
    # SQLite keeps no time zone: the value was written in UTC.
    if scrubbed_at.tzinfo is None:
        scrubbed_at = scrubbed_at.replace(tzinfo=UTC)
    return StoredFindings(claim_id, number, findings, rows[0].as_of, scrubbed_at)
