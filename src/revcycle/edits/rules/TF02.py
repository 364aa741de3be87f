"""TF02: the payer's timely filing limit is about to pass."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

MEDICARE_LIMIT_DAYS = 365
"""42 CFR 424.44: one calendar year after the date of service."""
WARNING_DAYS = 30
_WARNING_PERIOD = timedelta(days=WARNING_DAYS)


def filing_deadline(review: Review) -> date | None:
    """The last day the claim may be filed, None when the payer's limit is not known (once per claim, TF01-TF02)."""
    return review.derived(_filing_deadline)


def _filing_deadline(review: Review) -> date | None:
    payer = review.submitted.payer
    limit = review.filing_limit_days or (payer.timely_filing_days if payer is not None else None)
    if limit is None and payer is not None and payer.is_medicare:
        limit = MEDICARE_LIMIT_DAYS
    if limit is None:
        return None
    claim = review.claim
    # The clock starts at the service; for an institutional claim spanning days, at the statement period's end.
    start = claim.statement_to if claim.kind is ClaimKind.INSTITUTIONAL and claim.statement_to else None
    start = start or max(service.last_service_date for service in claim.lines)
    return start + timedelta(days=limit)


class TimelyFilingSoon(Edit):
    """The payer's timely filing limit is about to pass.

    Warns when 30 days or fewer remain before the payer's filing deadline (see TF01), so the claim is sent first.

    Failing: a Medicare line of 2025-06-15 judged on 2026-06-01 (deadline 2026-06-15). Passing: a line of 2026-03-02.
    """

    code = "TF02"
    name = "timely-filing-soon"
    category = Category.TIMELY_FILING
    severity = Severity.WARNING
    source = "42 CFR 424.44 (Medicare: 1 calendar year after the date of service); payer contracts' filing limits"
    looks_at = ("lines.service_date", "statement_to", "payer.timely_filing_days")

    def check(self, review: Review) -> Iterator[Problem]:
        """Deadlines within 30 days of the day of judgement."""
        deadline = filing_deadline(review)
        if deadline is not None and review.as_of <= deadline <= review.as_of + _WARNING_PERIOD:
            yield Problem(
                f"the filing deadline is {deadline}, {(deadline - review.as_of).days} day(s) after {review.as_of}",
                field="lines",
                fix="submit the claim now",
            )
