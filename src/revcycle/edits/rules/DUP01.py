"""DUP01: the same service is billed twice on the claim."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

REPEAT_MODIFIERS = frozenset({"76", "77", "91"})
"""Repeat procedure by the same (76) or another (77) physician, repeat lab test (91): a second line is intended."""


class DuplicateLine(Edit):
    """The same service is billed twice on the claim.

    Two lines with the same code, modifiers, date of service (and drug, NDC) are denied as duplicates (CARC 18)
    unless the second carries a repeat-service modifier (76, 77, 91) or the units are combined on one line.

    Failing: two lines of 20610 on 2026-03-02. Passing: one line of 20610 with two units, or the second with 76.
    """

    code = "DUP01"
    name = "duplicate-line"
    category = Category.DUPLICATE
    severity = Severity.ERROR
    source = "X12 CARC 18 (exact duplicate claim/service); NCCI Policy Manual ch. I (repeat services, 76/77/91)"
    looks_at = ("lines.procedure_code", "lines.modifiers", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Lines identical to an earlier line of the claim."""
        lines = review.lines
        if len({service.procedure_code for service in lines}) == len(lines):
            # Lines of different codes are never identical: most claims are ruled out before any key is made.
            return
        seen: dict[tuple[object, ...], int] = {}
        for index, service in enumerate(review.lines):
            if REPEAT_MODIFIERS.intersection(service.modifiers):
                continue
            key = (
                service.procedure_code,
                tuple(sorted(service.modifiers)),
                service.service_date,
                service.last_service_date,
                service.revenue_code,
                # One HCPCS drug code can bill different drugs: the NDCs (LIN03) tell them apart.
                service.ndc,
                review.rendering_of(service),
            )
            first = seen.setdefault(key, service.line_number)
            if first != service.line_number:
                yield Problem(
                    f"{service.procedure_code} on {service.service_date} repeats line {first}",
                    line=service.line_number,
                    field=f"lines[{index}]",
                    fix=f"bill the units on line {first}, or add 76/77/91 when the service was repeated",
                )
