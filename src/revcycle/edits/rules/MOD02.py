"""MOD02: RT and LT on the same line."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of

_FIX_BY_BILATERAL = {
    "1": "bill one line with modifier 50 instead of RT and LT",
    "3": "bill two lines, one with RT and one with LT",
}


class RightAndLeftOnOneLine(Edit):
    """RT and LT are both on one line.

    A line describes a service on one side (RT or LT) or, for a bilateral procedure, both sides with modifier 50;
    the two side modifiers together on one line are contradictory and the line is rejected. How to bill both sides
    depends on the code's bilateral surgery indicator (1: one line with 50; 3: two lines, RT and LT).

    Failing: 73030 with RT and LT. Passing: 73030 RT and 73030 LT on two lines.
    """

    code = "MOD02"
    name = "rt-and-lt-on-one-line"
    category = Category.MODIFIER
    severity = Severity.ERROR
    source = (
        "CMS Claims Processing Manual ch. 12 section 40.7 (bilateral surgeries: modifier 50 or RT and LT lines); "
        "physician fee schedule RVU file layout, bilateral surgery indicator"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"RT", "LT"})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each line with both RT and LT."""
        for service in review.lines:
            if not {"RT", "LT"} <= modifiers_of(service):
                continue
            fix = "bill one line with modifier 50 or two lines (RT, LT), as the code's bilateral indicator says"
            if review.professional:
                row = review.reference.fee_schedule(service.procedure_code.strip().upper(), service.service_date)
                fix = _FIX_BY_BILATERAL.get(str(row.get("bilateral", "")) if row else "", fix)
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) carries both RT and LT: a line is on one "
                "side, or bilateral with modifier 50",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=fix,
            )
