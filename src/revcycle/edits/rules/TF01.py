"""TF01: the payer's timely filing limit has passed."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.TF02 import filing_deadline


class TimelyFilingExpired(Edit):
    """The payer's timely filing limit has passed.

    Medicare requires claims within one calendar year of the date of service (12 months; for an institutional
    claim spanning dates, of the statement period's end); other payers set their own limit, read from the payer
    record (``timely_filing_days``) or the configuration. A late claim is denied (CARC 29).

    Failing: a Medicare line of 2025-03-02 judged on 2026-06-01. Passing: a line of 2026-03-02.
    """

    code = "TF01"
    name = "timely-filing-expired"
    category = Category.TIMELY_FILING
    severity = Severity.ERROR
    source = "42 CFR 424.44 (Medicare: 1 calendar year after the date of service); X12 CARC 29"
    looks_at = ("lines.service_date", "statement_to", "payer.timely_filing_days")

    def check(self, review: Review) -> Iterator[Problem]:
        """The deadline against the day of judgement."""
        deadline = filing_deadline(review)
        if deadline is not None and review.as_of > deadline:
            late = (review.as_of - deadline).days
            yield Problem(
                f"the filing deadline was {deadline}, {late} day(s) before {review.as_of}",
                field="lines",
                fix="file only with proof of a timely filing exception (42 CFR 424.44(b))",
            )
