"""``GET /summary``: what the database holds, in counts and money totals."""

from __future__ import annotations

from fastapi import APIRouter

from revcycle.api.deps import EngineDep
from revcycle.api.schemas import Message, SummaryOut
from revcycle.domain import format_money
from revcycle.services.summary import summarize

router = APIRouter(tags=["summary"])


@router.get(
    "/summary",
    response_model=SummaryOut,
    responses={503: {"model": Message, "description": "The database is unreachable or not migrated."}},
)
def summary(engine: EngineDep) -> SummaryOut:
    """Count the records by kind and total the charges and payments (money as decimal strings)."""
    result = summarize(engine)
    return SummaryOut(
        counts=result.counts,
        total_charge=format_money(result.total_charge),
        total_paid=format_money(result.total_paid),
        total_payment=format_money(result.total_payment),
    )
