"""Repository of ledger entries and their postings, with account balances computed in the database."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, select

from revcycle.domain import LedgerEntry, Posting
from revcycle.domain.money import ZERO_MONEY
from revcycle.store import tables
from revcycle.store.repository import Repository, group_by, rows_where


class LedgerEntries(Repository[LedgerEntry]):
    """The journal of the accounts-receivable ledger."""

    record_name = "LedgerEntry"
    table = tables.ledger_entries

    def _rows(self, record: LedgerEntry) -> list[tuple[Table, list[dict[str, Any]]]]:
        main = {
            "id": record.id,
            "posted_on": record.posted_on,
            "description": record.description,
            "claim_id": record.claim_id,
            "remittance_id": record.remittance_id,
            "patient_id": record.patient_id,
        }
        return [
            (self.table, [main]),
            (
                tables.ledger_postings,
                [
                    {"entry_id": record.id, "position": position, "account": posting.account, "amount": posting.amount}
                    for position, posting in enumerate(record.postings)
                ],
            ),
        ]

    def _load(self, ids: Sequence[str]) -> dict[str, LedgerEntry]:
        rows = list(self.connection.execute(select(self.table).where(self.table.c.id.in_(ids))))
        postings = group_by(rows_where(self.connection, tables.ledger_postings, "entry_id", ids), "entry_id")
        return {
            row.id: LedgerEntry(
                id=row.id,
                posted_on=row.posted_on,
                description=row.description,
                postings=tuple(
                    Posting(account=posting["account"], amount=posting["amount"])
                    for posting in postings.get(row.id, [])
                ),
                claim_id=row.claim_id,
                remittance_id=row.remittance_id,
                patient_id=row.patient_id,
            )
            for row in rows
        }

    def balances(self) -> dict[str, Decimal]:
        """The balance of every account that has postings, summed exactly in the database."""
        postings = tables.ledger_postings
        statement = select(postings.c.account, func.sum(postings.c.amount)).group_by(postings.c.account)
        return {
            account: total if total is not None else ZERO_MONEY for account, total in self.connection.execute(statement)
        }
