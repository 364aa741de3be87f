"""Data access for coding decisions and the synonyms an organisation's coders teach the coder.

Reads and writes inside the unit of work's connection and never commits: `revcycle.services.coding_decisions`
records a batch of decisions and the synonyms they change as one unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, select

from revcycle.store import tables
from revcycle.store.repository import BATCH, insert_rows


@dataclass(frozen=True, slots=True)
class CodingDecision:
    """A coder's decision on one code for a stored encounter.

    Attributes:
        id: the decision's key: the client's own, else derived from its content (so a batch recorded twice is
            stored once).
        organisation: the organisation whose coder decided, and whose synonyms the decision feeds.
        encounter_id: the stored encounter the code is for.
        code_system: ``icd10cm``, ``cpt`` or ``hcpcs``.
        suggested_code: the code the coding engine suggested; None when the coder added a code of their own.
        decision: ``accept``, ``reject``, ``edit`` (the coder chose another code) or ``add``.
        final_code: the code that goes on the claim; None for a reject.
        evidence_text: the text of the note the decision is about (the suggestion's evidence span).
        decided_by: who decided (a user name or id).
        decided_at: when, timezone-aware.
    """

    id: str
    organisation: str
    encounter_id: str
    code_system: str
    suggested_code: str | None
    decision: str
    final_code: str | None
    evidence_text: str
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class CodingSynonym:
    """A phrase of the notes an organisation's coders coded, and how often their decisions confirm it.

    Attributes:
        organisation: whose coders taught it.
        phrase: lower case, spaces collapsed.
        code: the code chosen for it.
        code_system: ``icd10cm``, ``cpt`` or ``hcpcs``.
        times_confirmed: accepts, edits and adds of the pair, less its rejects (a pair at zero is removed).
        first_decision_id: the decision that first taught it.
        last_decision_id: the last decision that changed its count.
    """

    organisation: str
    phrase: str
    code: str
    code_system: str
    times_confirmed: int
    first_decision_id: str
    last_decision_id: str


def _aware(moment: datetime) -> datetime:
    # SQLite returns the stored moment without its zone; it was stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _decision(row: Mapping[Any, Any]) -> CodingDecision:
    values = dict(row)
    values["decided_at"] = _aware(values["decided_at"])
    return CodingDecision(**values)


class CodingDecisions:
    """The coding decisions and synonyms, in the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def load(self, ids: Sequence[str]) -> dict[str, CodingDecision]:
        """The stored decisions with these ids, by id."""
        table = tables.coding_decisions
        found: dict[str, CodingDecision] = {}
        for start in range(0, len(ids), BATCH):
            chunk = list(ids[start : start + BATCH])
            for row in self.connection.execute(select(table).where(table.c.id.in_(chunk))):
                found[row.id] = _decision(row._mapping)
        return found

    def add(self, decisions: Sequence[CodingDecision]) -> None:
        """Insert new decisions (the caller has checked they are new)."""
        insert_rows(self.connection, tables.coding_decisions, [asdict(decision) for decision in decisions])

    def for_encounter(self, encounter_id: str) -> list[CodingDecision]:
        """The decisions on an encounter, oldest first."""
        table = tables.coding_decisions
        statement = select(table).where(table.c.encounter_id == encounter_id).order_by(table.c.decided_at, table.c.id)
        return [_decision(row._mapping) for row in self.connection.execute(statement)]

    def encounter_exists(self, encounter_id: str) -> bool:
        """Whether the encounter is stored."""
        table = tables.encounters
        return self.connection.scalar(select(table.c.id).where(table.c.id == encounter_id)) is not None

    def synonym(self, organisation: str, phrase: str, code: str) -> CodingSynonym | None:
        """The organisation's synonym ``phrase`` -> ``code``, or None."""
        table = tables.coding_synonyms
        row = self.connection.execute(
            select(table).where(
                and_(table.c.organisation == organisation, table.c.phrase == phrase, table.c.code == code)
            )
        ).first()
        return CodingSynonym(**row._mapping) if row is not None else None

    def save_synonym(self, synonym: CodingSynonym) -> None:
        """Store ``synonym``, replacing the organisation's row for the same phrase and code; remove it at zero."""
        table = tables.coding_synonyms
        self.connection.execute(
            table.delete().where(
                and_(
                    table.c.organisation == synonym.organisation,
                    table.c.phrase == synonym.phrase,
                    table.c.code == synonym.code,
                )
            )
        )
        if synonym.times_confirmed > 0:
            insert_rows(self.connection, table, [asdict(synonym)])

    def synonyms(self, organisation: str, code_system: str | None = None) -> list[CodingSynonym]:
        """The organisation's synonyms (of one code system), by phrase then code."""
        table = tables.coding_synonyms
        statement = select(table).where(table.c.organisation == organisation)
        if code_system is not None:
            statement = statement.where(table.c.code_system == code_system)
        rows = self.connection.execute(statement.order_by(table.c.phrase, table.c.code))
        return [CodingSynonym(**row._mapping) for row in rows]
