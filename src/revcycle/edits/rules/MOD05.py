"""MOD05: modifier 59 and an X{EPSU} modifier on the same line."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of

X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})
"""The subsets of modifier 59: separate encounter, structure, practitioner, unusual non-overlapping service."""


class DistinctAndXTogether(Edit):
    """Modifier 59 and an X{EPSU} modifier are both on one line.

    XE, XS, XP and XU are the more specific forms of modifier 59; CMS asks for one of them or 59, never both on the
    same line, as they say the same thing twice.

    Failing: 0030U with 59 and XU. Passing: 0030U with XU alone.
    """

    code = "MOD05"
    name = "59-with-x-modifier"
    category = Category.MODIFIER
    severity = Severity.WARNING
    source = (
        'CMS MLN Matters MM8863 (modifiers XE, XS, XP, XU); CMS MLN fact sheet "Proper Use of Modifiers 59 & -X{EPSU}"'
    )
    looks_at = ("lines.modifiers",)
    when_modifiers = frozenset({"59"})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each line with 59 and an X modifier."""
        for service in review.lines:
            modifiers = modifiers_of(service)
            both = sorted(modifiers & X_MODIFIERS)
            if "59" not in modifiers or not both:
                continue
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) carries 59 and {'/'.join(both)}: use one",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=f"remove 59 from line {service.line_number} and keep {both[0]}",
            )
