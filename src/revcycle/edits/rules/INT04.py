"""INT04: the claim's total charge is not the sum of its line charges."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain.money import ZERO_MONEY, format_money
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class TotalCharge(Edit):
    """The claim's total charge is not the sum of its line charges.

    CLM02 must equal the sum of the line charges (SV102 or SV203); front-end edits reject the claim otherwise.

    Failing: two lines of 125.00 and 50.00 with a total of 150.00. Passing: the same lines with a total of 175.00.
    """

    code = "INT04"
    name = "total-charge-mismatch"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1/X223A2 CLM02 note: the total of all service line charges"
    looks_at = ("total_charge", "lines.charge")

    def check(self, review: Review) -> Iterator[Problem]:
        """Compare CLM02 with the sum of the lines."""
        claim = review.claim
        total = sum((service.charge for service in claim.lines), ZERO_MONEY)
        if total != claim.total_charge:
            yield Problem(
                f"the total charge {format_money(claim.total_charge)} is not the sum of the lines "
                f"({format_money(total)})",
                field="total_charge",
                fix=f"set the total charge to {format_money(total)}",
            )
