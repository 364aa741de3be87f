"""Scrubbing services: read claims from files, run the scrubber, report findings and the clean-claim rate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from revcycle.domain import Claim, Coverage, Patient, Payer, Provider
from revcycle.domain.fields import as_submitted
from revcycle.domain.interchange import record_from_json
from revcycle.edits import EditReference, History, Scrubber, ScrubConfig, ScrubReport
from revcycle.edits.inputs import Records
from revcycle.errors import InputFileError, InvalidRecord
from revcycle.refdata.store import ReferenceStore

_PARTIES: dict[str, tuple[str, type]] = {
    "patients": ("patients", Patient),
    "coverages": ("coverages", Coverage),
    "payers": ("payers", Payer),
    "providers": ("providers", Provider),
}
_IGNORED = frozenset({"encounters", "remittances", "ledger_entries"})


def records_from_json(document: object, source: str) -> Records:
    """The claims of a claims JSON document (the dataset format of docs/x12-claims-json.md), made as submitted.

    Raises:
        InputFileError: a record is malformed (not merely breaking a rule the scrubber reports), with its JSON path.
    """
    if not isinstance(document, dict):
        raise InputFileError(source, "", "a claims file is a JSON object of record lists (claims, patients, ...)")
    unknown = sorted(set(document) - set(_PARTIES) - _IGNORED - {"claims"})
    if unknown:
        raise InputFileError(source, unknown[0], "is not a kind of record")
    records = Records(source=source)
    for name, (attribute, kind) in _PARTIES.items():
        target: dict[str, Any] = getattr(records, attribute)
        for index, item in enumerate(_list(document, name, source)):
            record: Any
            record, broken = _made(kind, item, f"{name}[{index}]", source)
            target[record.id] = record
            if broken:
                records.broken[record.id] = broken
    for index, item in enumerate(_list(document, "claims", source)):
        records.claims.append(_made(Claim, item, f"claims[{index}]", source))
    return records


def _list(document: dict[str, Any], name: str, source: str) -> list[Any]:
    items = document.get(name, [])
    if not isinstance(items, list):
        raise InputFileError(source, name, "must be a list of records")
    return items


def _made[R](kind: type[R], item: object, where: str, source: str) -> tuple[R, tuple[InvalidRecord, ...]]:
    with as_submitted() as broken:
        try:
            record = record_from_json(kind, item, where)
        except InvalidRecord as error:
            raise InputFileError(source, error.field, f"{error.record}: {error.reason}") from None
    return record, tuple(broken)


@dataclass(frozen=True, slots=True)
class ScrubRun:
    """What `scrub_records` needs besides the claims: the reference tables, the configuration and the day.

    Attributes:
        store: the reference store.
        config: which edits run and how.
        as_of: the day the claims are judged on.
    """

    store: ReferenceStore
    config: ScrubConfig
    as_of: date


_SCRUBBERS: WeakKeyDictionary[ReferenceStore, dict[int, tuple[int, Scrubber]]] = WeakKeyDictionary()
"""Scrubbers by store and configuration, so a warm process keeps its memoised reference answers; each with the
store's import count when it was made."""


def scrubber_for(store: ReferenceStore, config: ScrubConfig) -> Scrubber:
    """The process's scrubber for a store and configuration (made once, then reused with its warm caches).

    A release imported through the store since makes a new one: the memoised answers came from the tables replaced.
    """
    by_config = _SCRUBBERS.setdefault(store, {})
    imports, found = by_config.get(id(config), (-1, None))
    if found is None or found.config is not config or imports != store.imports:
        found = Scrubber(EditReference(store), config)
        by_config[id(config)] = (store.imports, found)
    return found


def scrub_records(inputs: Iterable[Records], run: ScrubRun, history: History | None = None) -> ScrubReport:
    """Scrub the claims of every input, in order, each compared with the claims before it and ``history``."""
    scrubber = scrubber_for(run.store, run.config)
    claims = (submitted for records in inputs for submitted in records.submitted())
    return scrubber.scrub(claims, run.as_of, history)


def report_json(report: ScrubReport) -> dict[str, Any]:
    """The JSON of a report: the findings (as `revcycle claim scrub --json` prints them) and the batch summary."""
    return {
        "findings": [finding.as_json() for finding in report.findings],
        "summary": {
            "claims": report.claims,
            "clean_claims": report.clean_claims,
            "clean_claim_rate": str(report.clean_claim_rate),
            "errors": report.errors,
            "warnings": len(report.findings) - report.errors,
            "suppressed": report.suppressed,
        },
    }
