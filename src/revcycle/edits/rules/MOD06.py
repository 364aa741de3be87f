"""MOD06: modifier 57 on a code that is not an evaluation and management service."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MOD01 import non_em_problem


class Modifier57NotEm(Edit):
    """Modifier 57 is on a code that is not an E/M visit.

    Modifier 57 marks the E/M visit at which the decision for a major surgery (90-day global) was made, on the day
    before or the day of the surgery; it belongs on the E/M code, never on the surgery or another procedure.

    Failing: 27447 with modifier 57. Passing: 99223 with modifier 57 the day before 27447.
    """

    code = "MOD06"
    name = "modifier-57-not-em"
    category = Category.MODIFIER
    severity = Severity.ERROR
    source = (
        "CMS Claims Processing Manual ch. 12 sections 30.6.6.C and 40.2 (modifier 57 on the E/M visit of the decision)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"57"})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report 57 on each non-E/M line."""
        yield from non_em_problem(review, "57", "decision for surgery")
