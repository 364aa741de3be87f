"""PTP03: modifier 59 or X{EPSU} on a line that no NCCI PTP edit pairs with another line."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of
from revcycle.edits.rules.PTP02 import DISTINCT_SERVICE_MODIFIERS, ncci_applies, pair_edits, same_day_groups


class DistinctModifierWithoutEdit(Edit):
    """Modifier 59 or X{EPSU} is on a line that no NCCI PTP edit pairs with another line of the day.

    Modifier 59 and its subsets XE, XS, XP and XU exist to bypass NCCI PTP edits (and to report units above an
    MUE on a separate line of the same code). On a line with no edit against any other line of the same date and
    provider the modifier has nothing to bypass: CMS reviews such use as unsupported, an audit risk.

    Failing: 99213 with XU alone on its date. Passing: 0030U with XU beside its column-1 code 0001U.
    """

    code = "PTP03"
    name = "ncci-modifier-without-edit"
    category = Category.NCCI_PTP
    severity = Severity.WARNING
    source = (
        'CMS MLN fact sheet "Proper Use of Modifiers 59 & -X{EPSU}"; NCCI Policy Manual for Medicare Services, ch. I '
        "section E.1"
    )
    looks_at = ("lines.procedure_code", "lines.service_date", "lines.rendering_provider_id", "lines.modifiers")
    when_modifiers = DISTINCT_SERVICE_MODIFIERS

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each 59/X{EPSU} line without an edit (or a same-code line) to bypass."""
        if not ncci_applies(review):
            return
        for services in same_day_groups(review).values():
            for service in services:
                used = sorted(modifiers_of(service) & DISTINCT_SERVICE_MODIFIERS)
                if not used or _supported(review, service, services):
                    continue
                shown = "/".join(used)
                yield Problem(
                    f"{service.procedure_code} (line {service.line_number}) carries {shown}, but no NCCI PTP edit "
                    f"pairs it with another line of {service.service_date} by the same provider: the modifier "
                    "bypasses nothing and its use is unsupported",
                    line=service.line_number,
                    field=review.line_field(service, "modifiers"),
                    fix=f"remove {shown} from line {service.line_number} unless the payer requires it",
                )


def _supported(review: Review, service: ServiceLine, services: list[ServiceLine]) -> bool:
    """Whether another line of the day has a PTP edit with the line, or is the same code (units split for an MUE)."""
    code = service.procedure_code.strip().upper()
    for other in services:
        if other is service:
            continue
        if other.procedure_code.strip().upper() == code:
            return True
        if pair_edits(review, service, other):
            return True
    return False
