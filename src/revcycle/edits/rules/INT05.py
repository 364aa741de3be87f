"""INT05: the claim's dates are out of order."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class DateOrder(Edit):
    """The claim's dates are out of order.

    A line's service period ends on or after it starts; a statement period ends on or after it starts and holds
    every line's dates; a discharge is not before the admission.

    Failing: a line from 2026-03-05 to 2026-03-02. Passing: a line from 2026-03-02 to 2026-03-05.
    """

    code = "INT05"
    name = "dates-out-of-order"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 DTP*472 RD8 and 005010X223A2 DTP*434 (statement covers period) date rules"
    looks_at = ("lines.service_date", "lines.service_date_end", "statement_from", "statement_to", "discharge_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Each period and each line against the statement period."""
        claim = review.claim
        start, end = claim.statement_from, claim.statement_to
        if start and end and end < start:
            yield Problem(f"the statement period ends ({end}) before it starts ({start})", field="statement_to")
        if claim.admission_date and claim.discharge_date and claim.discharge_date < claim.admission_date:
            yield Problem(
                f"the discharge ({claim.discharge_date}) is before the admission ({claim.admission_date})",
                field="discharge_date",
            )
        for index, service in enumerate(claim.lines):
            # The field's path is made only for a problem: nearly every line has none.
            last = service.service_date_end
            if last is not None and last < service.service_date:
                yield Problem(
                    f"the line's service ends ({last}) before it starts ({service.service_date})",
                    line=service.line_number,
                    field=f"lines[{index}].service_date_end",
                )
            elif start and end and end >= start and not start <= service.service_date <= end:
                yield Problem(
                    f"the line's date {service.service_date} is outside the statement period {start} to {end}",
                    line=service.line_number,
                    field=f"lines[{index}].service_date",
                )
