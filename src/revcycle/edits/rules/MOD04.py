"""MOD04: modifier 26 or TC on a code whose PC/TC indicator does not split it into components."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of

PCTC_MEANING = {
    "0": "a physician service, which has no professional and technical components",
    "1": "a diagnostic test with professional and technical components",
    "2": "a professional-component-only code",
    "3": "a technical-component-only code",
    "4": "a global-test-only code (other codes bill its components)",
    "5": "an incident-to service",
    "6": "a laboratory physician interpretation code",
    "7": "a physical therapy service",
    "8": "a physician interpretation code",
    "9": "a code to which the PC/TC concept does not apply",
}
"""The PC/TC indicators of the fee schedule, as the RVU file layout defines them."""
ALLOWED = {"26": frozenset({"1", "6", "8"}), "TC": frozenset({"1"})}
"""The PC/TC indicators under which each component modifier may be billed."""


class ComponentModifierNotAllowed(Edit):
    """Modifier 26 or TC is on a code whose PC/TC indicator does not allow it.

    The fee schedule's PC/TC indicator says whether a code splits into a professional (26) and a technical (TC)
    component. Only diagnostic tests of indicator 1 take both; 26 is also used on the physician interpretation
    codes of indicators 6 and 8. Every other code (physician services, component-only and global-only codes,
    incident-to services) is rejected with them.

    Failing: 93010 (PC/TC indicator 2) with modifier 26. Passing: 71046 (indicator 1) with modifier 26.
    """

    code = "MOD04"
    name = "component-modifier-not-allowed"
    category = Category.MODIFIER
    severity = Severity.ERROR
    source = (
        "Physician fee schedule RVU file layout, PC/TC indicator (Attachment A); CMS Claims Processing Manual ch. 13"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"26", "TC"})
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report 26 or TC on each code whose indicator refuses it."""
        for service in review.lines:
            found = sorted(modifiers_of(service) & ALLOWED.keys())
            if not found:
                continue
            row = review.reference.fee_schedule(service.procedure_code.strip().upper(), service.service_date)
            if row is None:
                continue
            value = str(row.get("pctc", ""))
            for modifier in found:
                if value in ALLOWED[modifier] or value not in PCTC_MEANING:
                    continue
                yield Problem(
                    f"{service.procedure_code} (line {service.line_number}) carries modifier {modifier}, but its "
                    f"PC/TC indicator is {value}: {PCTC_MEANING[value]}, billed without {modifier}",
                    line=service.line_number,
                    field=review.line_field(service, "modifiers"),
                    fix=f"remove {modifier} from line {service.line_number} (bill the component code if one exists)",
                )
