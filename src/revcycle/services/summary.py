"""A summary of what the database holds: the numbers a practice manager looks at first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine, func, select

from revcycle.domain import ProviderKind
from revcycle.store import UnitOfWork, tables


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts and money totals of the operational database.

    Attributes:
        counts: records stored, by kind (``practices`` counts organisation providers).
        total_charge: Σ of the claims' total charges.
        total_paid: Σ paid on claims by remittances (CLP04).
        total_payment: Σ of the remittances' payments (BPR02).
    """

    counts: dict[str, int]
    total_charge: Decimal
    total_paid: Decimal
    total_payment: Decimal


def summarize(engine: Engine) -> Summary:
    """The summary of the database."""
    with UnitOfWork(engine) as unit:
        organizations = unit.connection.scalar(
            select(func.count())
            .select_from(tables.providers)
            .where(tables.providers.c.kind == ProviderKind.ORGANIZATION.value)
        )
        counts = {
            "practices": int(organizations or 0),
            "providers": unit.providers.count(),
            "patients": unit.patients.count(),
            "payers": unit.payers.count(),
            "coverages": unit.coverages.count(),
            "encounters": unit.encounters.count(),
            "claims": unit.claims.count(),
            "remittances": unit.remittances.count(),
            "ledger_entries": unit.ledger.count(),
        }
        return Summary(
            counts=counts,
            total_charge=unit.claims.total_charge(),
            total_paid=unit.remittances.total_paid_on_claims(),
            total_payment=unit.remittances.total_payment(),
        )
