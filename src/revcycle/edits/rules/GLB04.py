"""GLB04: modifier 50 on a code whose fee schedule bilateral indicator does not allow it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from revcycle.domain import ClaimKind, ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of


def indicator_lines(
    review: Review, modifiers: frozenset[str], indicator: str, refused: Mapping[str, str]
) -> Iterator[tuple[ServiceLine, str, str, str]]:
    """The lines with one of ``modifiers`` on a code whose fee schedule ``indicator`` is in ``refused``.

    Yields each line with the modifier found, the indicator's value and what ``refused`` says it means.
    """
    for service in review.lines:
        found = sorted(modifiers_of(service) & modifiers)
        if not found:
            continue
        row = review.reference.fee_schedule(service.procedure_code.strip().upper(), service.service_date)
        value = str(row.get(indicator, "")) if row else ""
        if value in refused:
            yield service, found[0], value, refused[value]


BILATERAL_REFUSED = {
    "0": "the procedure is unilateral by anatomy or by its descriptor (a bilateral code exists)",
    "2": "its relative values already assume the procedure is done on both sides",
    "3": "each side is paid on its own at 100%, so the sides are reported on two lines with RT and LT",
    "9": "the bilateral concept does not apply to the code",
}
"""The fee schedule's bilateral surgery indicators under which modifier 50 is wrong, with their meaning."""
_BILATERAL_FIX = {
    "0": "remove modifier 50 (bill the bilateral code if there is one)",
    "2": "remove modifier 50 and bill one unit",
    "3": "bill two lines, one with RT and one with LT, instead of modifier 50",
    "9": "remove modifier 50",
}


class BilateralNotAllowed(Edit):
    """Modifier 50 is on a code whose bilateral surgery indicator does not allow it.

    The physician fee schedule's bilateral surgery indicator says how a procedure done on both sides is paid. Only
    indicator 1 (the 150% bilateral adjustment) takes modifier 50: with 0 the procedure is unilateral, with 2 the
    code already is bilateral, with 3 each side is billed on its own line (RT, LT), with 9 the concept does not
    apply.

    Failing: 69210 (bilateral indicator 2) with modifier 50. Passing: 20610 (indicator 1) with modifier 50.
    """

    code = "GLB04"
    name = "bilateral-modifier-not-allowed"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "Physician fee schedule RVU file layout, bilateral surgery indicator (modifier 50); CMS Claims Processing "
        "Manual ch. 12 section 40.7 (bilateral surgery)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"50"})
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report modifier 50 on each code whose indicator refuses it."""
        for service, _, value, meaning in indicator_lines(review, frozenset({"50"}), "bilateral", BILATERAL_REFUSED):
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) carries modifier 50, but its bilateral "
                f"surgery indicator is {value}: {meaning}",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=_BILATERAL_FIX[value],
            )
