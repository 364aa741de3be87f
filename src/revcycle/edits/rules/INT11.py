"""INT11: the service is outside the coverage's effective dates."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class CoverageDates(Edit):
    """The service is outside the coverage's effective dates.

    A payer denies services before the coverage began or after it ended (CARC 26, 27); bill the coverage in
    force on the date of service.

    Failing: coverage from 2026-04-01, a line on 2026-03-02. Passing: coverage from 2026-01-01.
    """

    code = "INT11"
    name = "coverage-not-in-force"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "X12 CARC 26 (expenses incurred prior to coverage) and 27 (after coverage terminated)"
    looks_at = ("coverage.effective_from", "coverage.effective_to", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Each line's dates against the coverage period."""
        coverage = review.submitted.coverage
        if coverage is None or (coverage.effective_from is None and coverage.effective_to is None):
            return
        for index, service in enumerate(review.lines):
            first, last = service.service_date, service.last_service_date
            if coverage.effective_from and first < coverage.effective_from:
                why = f"before the coverage began ({coverage.effective_from})"
            elif coverage.effective_to and last > coverage.effective_to:
                why = f"after the coverage ended ({coverage.effective_to})"
            else:
                continue
            yield Problem(
                f"the line's date {first} is {why}",
                line=service.line_number,
                field=f"lines[{index}].service_date",
                fix="bill the coverage in force on the date of service",
            )
