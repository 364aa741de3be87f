"""INT10: a service line has no charge."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class ZeroCharge(Edit):
    """A service line has no charge.

    Most payers reject a line with a zero charge (CARC 16); no-charge codes such as CPT Category II performance
    measures (ending in F) and G-code quality reporting are billed at a token charge or zero by payer rule.

    Failing: 99213 with a charge of 0.00. Passing: 99213 with a charge of 125.00.
    """

    code = "INT10"
    name = "zero-charge-line"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.WARNING
    source = "ASC X12 005010X222A1 SV102 (line charge amount); CMS Pub. 100-04 ch. 26 item 24F"
    looks_at = ("lines.charge",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Lines whose charge is zero, other than Category II codes."""
        for index, service in enumerate(review.lines):
            if not service.charge and not service.procedure_code.endswith("F"):
                yield Problem(
                    f"{service.procedure_code} has no charge",
                    line=service.line_number,
                    field=f"lines[{index}].charge",
                )
