"""MUE02: more units of a code on one date than its policy medically unlikely edit (MAI 2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from revcycle.domain import ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MUE01 import mue_of, shown, units_of
from revcycle.refdata.edit_tables import Mue


def over_date_mue(review: Review, indicator: int) -> Iterator[tuple[Mue, list[ServiceLine], Decimal]]:
    """The codes of a date-of-service MUE (MAI 2 or 3) whose units, summed over the lines of a date, exceed it."""
    days: dict[tuple[str, date], list[ServiceLine]] = defaultdict(list)
    for service in review.lines:
        days[(service.procedure_code.strip().upper(), service.service_date)].append(service)
    for services in days.values():
        mue = mue_of(review, services[0])
        if mue is None or mue.adjudication_indicator != indicator:
            continue
        total = sum((units_of(service) for service in services), Decimal(0))
        if total > mue.value:
            yield mue, services, total


def date_problem(review: Review, mue: Mue, services: list[ServiceLine], total: Decimal, why: str) -> Problem:
    """The problem of a date's units over a date-of-service MUE, on its last line."""
    last = services[-1]
    lines = ", ".join(str(service.line_number) for service in services)
    where = f"line {lines}" if len(services) == 1 else f"lines {lines}"
    return Problem(
        f"{last.procedure_code} is billed {shown(total)} units on {last.service_date} ({where}); its MUE is "
        f"{mue.value} per date of service (MAI {mue.adjudication_indicator}, {mue.adjudication}; rationale: "
        f"{mue.rationale}). " + why,
        line=last.line_number,
        field=review.line_field(last, "units"),
        fix=f"reduce the units of {last.procedure_code} on {last.service_date} to {mue.value} in all",
    )


class MueDateUnitsPolicy(Edit):
    """More units of a code on one date than its medically unlikely edit (MAI 2, an absolute policy limit).

    With MUE adjudication indicator 2 the MUE is a date-of-service edit: the units of every line of the code on
    the date are summed. The limit comes from regulation, policy or the code's definition (anatomy, "per day"
    descriptors), so it is absolute: the lines over it are denied and more units are not payable on appeal.

    Failing: two lines of an MAI-2 code whose units sum over its MUE. Passing: one line with the MUE's units.
    """

    code = "MUE02"
    name = "mue-date-units-policy"
    category = Category.MUE
    severity = Severity.ERROR
    source = (
        "CMS NCCI Medically Unlikely Edits (practitioner and outpatient hospital MUE tables, MUE adjudication "
        "indicator 2); NCCI Policy Manual for Medicare Services, ch. I (Medically Unlikely Edits)"
    )
    looks_at = ("lines.procedure_code", "lines.units", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each code and date whose units exceed an MAI-2 MUE."""
        for mue, services, total in over_date_mue(review, 2):
            why = "The limit is absolute (policy), so the code's lines of the date are denied."
            yield date_problem(review, mue, services, total, why)
