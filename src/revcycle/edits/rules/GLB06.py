"""GLB06: modifier 62 (co-surgeons) on a code for which co-surgeons are not permitted."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.GLB04 import indicator_lines

_REFUSED = {
    "0": "co-surgeons are not permitted for the procedure",
    "9": "the co-surgeon concept does not apply to the code",
}


class CoSurgeonNotAllowed(Edit):
    """Modifier 62 (two surgeons) is on a code for which co-surgeons are not permitted.

    The physician fee schedule's co-surgeon indicator 0 says two surgeons may not each be paid for the procedure;
    a claim with modifier 62 is denied (indicator 1 needs documentation, 2 is permitted).

    Failing: 20610 (co-surgeon indicator 0) with modifier 62. Passing: 27447 (indicator 1) with modifier 62.
    """

    code = "GLB06"
    name = "co-surgeon-not-allowed"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "Physician fee schedule RVU file layout, co-surgeons indicator (modifier 62); CMS Claims Processing Manual "
        "ch. 12 section 40.8 (co-surgeons and team surgeons)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"62"})
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report modifier 62 on each code whose indicator refuses it."""
        for service, _, value, meaning in indicator_lines(review, frozenset({"62"}), "co_surgeon", _REFUSED):
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) carries modifier 62, but its co-surgeon "
                f"indicator is {value}: {meaning}",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix="remove modifier 62: one surgeon bills the procedure (the other as assistant, if allowed)",
            )
