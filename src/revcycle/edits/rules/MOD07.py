"""MOD07: modifier 24 on a code that is not an evaluation and management service."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MOD01 import non_em_problem


class Modifier24NotEm(Edit):
    """Modifier 24 is on a code that is not an E/M visit.

    Modifier 24 marks an E/M visit during a postoperative period that is unrelated to the surgery; it belongs on
    the E/M code. A procedure in the global period takes 78 or 79, not 24.

    Failing: 20610 with modifier 24. Passing: 99213 with modifier 24 during another procedure's global period.
    """

    code = "MOD07"
    name = "modifier-24-not-em"
    category = Category.MODIFIER
    severity = Severity.ERROR
    source = "CMS Claims Processing Manual ch. 12 sections 40.1.B and 40.2 (modifier 24, unrelated E/M after surgery)"
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"24"})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report 24 on each non-E/M line."""
        yield from non_em_problem(review, "24", "unrelated E/M during a postoperative period")
