"""MOD03: the professional (26) and technical (TC) component modifiers on one line."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of


class ProfessionalAndTechnicalTogether(Edit):
    """Modifiers 26 and TC are both on one line.

    Modifier 26 bills the professional component of a diagnostic test and TC its technical component; both
    components together are the global service, billed with neither modifier. The two on one line contradict each
    other and the line is rejected.

    Failing: 71046 with 26 and TC. Passing: 71046 with 26 alone (or neither, for the global service).
    """

    code = "MOD03"
    name = "professional-and-technical-together"
    category = Category.MODIFIER
    severity = Severity.ERROR
    source = (
        "Physician fee schedule RVU file layout, PC/TC indicator 1 (modifiers 26 and TC); CMS Claims Processing "
        "Manual ch. 13 section 20 (professional and technical components)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"26", "TC"})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each line with both 26 and TC."""
        for service in review.lines:
            if {"26", "TC"} <= modifiers_of(service):
                yield Problem(
                    f"{service.procedure_code} (line {service.line_number}) carries both 26 and TC: the two "
                    "components together are the global service",
                    line=service.line_number,
                    field=review.line_field(service, "modifiers"),
                    fix=f"bill line {service.line_number} without 26 and TC when the provider did both components, "
                    "or keep only the component performed",
                )
