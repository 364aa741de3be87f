"""INT06: a date of service is in the future."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class FutureDate(Edit):
    """A date of service is in the future.

    A claim is billed for services rendered: a date of service (or statement period end) after the day the claim
    is judged on is rejected.

    Failing: a line dated 2026-07-01 judged on 2026-06-01. Passing: the same line judged on 2026-07-02.
    """

    code = "INT06"
    name = "date-in-future"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "CMS Pub. 100-04 ch. 1 section 70 (claims are filed after the service); payer front-end edits"
    looks_at = ("lines.service_date", "lines.service_date_end", "statement_to")

    def check(self, review: Review) -> Iterator[Problem]:
        """Dates after the day of judgement."""
        claim, today = review.claim, review.as_of
        if claim.statement_to and claim.statement_to > today:
            yield Problem(f"the statement period ends on {claim.statement_to}, after {today}", field="statement_to")
        for index, service in enumerate(claim.lines):
            if service.last_service_date > today:
                yield Problem(
                    f"the line's date of service {service.last_service_date} is after {today}",
                    line=service.line_number,
                    field=f"lines[{index}].service_date",
                )
