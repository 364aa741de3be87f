"""GLB07: modifier 66 (team surgery) on a code for which team surgeons are not permitted."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.GLB04 import indicator_lines

_REFUSED = {
    "0": "team surgeons are not permitted for the procedure",
    "9": "the team surgery concept does not apply to the code",
}


class TeamSurgeryNotAllowed(Edit):
    """Modifier 66 (surgical team) is on a code for which team surgeons are not permitted.

    The physician fee schedule's team surgery indicator 0 says the procedure is not paid as team surgery; a claim
    with modifier 66 is denied (indicator 1 needs documentation, 2 is permitted, both paid by report).

    Failing: 27447 (team indicator 0) with modifier 66. Passing: 22836 (team indicator 1) with modifier 66.
    """

    code = "GLB07"
    name = "team-surgery-not-allowed"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "Physician fee schedule RVU file layout, team surgery indicator (modifier 66); CMS Claims Processing Manual "
        "ch. 12 section 40.8 (co-surgeons and team surgeons)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"66"})
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report modifier 66 on each code whose indicator refuses it."""
        for service, _, value, meaning in indicator_lines(review, frozenset({"66"}), "team", _REFUSED):
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) carries modifier 66, but its team surgery "
                f"indicator is {value}: {meaning}",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix="remove modifier 66: bill the procedure as the surgeon (with 62 or an assistant if allowed)",
            )
