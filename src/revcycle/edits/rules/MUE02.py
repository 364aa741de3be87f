"""MUE02: more units of a code on one date than its policy medically unlikely edit (MAI 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from revcycle.domain import ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MUE01 import line_mues, not_payable_fix, shown, units_of
from revcycle.refdata.edit_tables import Mue


@dataclass(frozen=True, slots=True)
class OverMue:
    """The lines of a code and date (or span of dates) whose units exceed a date-of-service MUE.

    Attributes:
        mue: the medically unlikely edit.
        services: the lines, in claim order.
        total: their units.
        days: the days the lines span: a line over several days (``service_date_end``) gets the MUE of each day.
    """

    mue: Mue
    services: list[ServiceLine]
    total: Decimal
    days: int

    @property
    def limit(self) -> int:
        """The most units the MUE allows for the lines' days."""
        return self.mue.value * self.days


def over_date_mue(review: Review, indicator: int) -> list[OverMue]:
    """The codes of a date-of-service MUE (MAI 2 or 3) whose units, summed over the lines of a date, exceed it."""
    return [over for over in over_date_mues(review) if over.mue.adjudication_indicator == indicator]


def over_date_mues(review: Review) -> list[OverMue]:
    """Every code and date whose units exceed its date-of-service MUE (MAI 2 or 3), once per claim (MUE02, MUE03)."""
    return review.derived(_over_date_mues)


_NO_UNITS = Decimal(0)


def _over_date_mues(review: Review) -> list[OverMue]:
    found: list[OverMue] = []
    spans: dict[tuple[str, date, date], tuple[Mue, list[ServiceLine]]] = {}
    for service, mue in zip(review.lines, line_mues(review), strict=True):
        # The lines of one code and date share its MUE: a line without a date-of-service MUE is left out at once.
        if mue is None or mue.adjudication_indicator == 1:
            continue
        start = service.service_date
        key = (service.procedure_code.strip().upper(), start, service.service_date_end or start)
        same = spans.get(key)
        if same is None:
            spans[key] = (mue, [service])
        else:
            same[1].append(service)
    for (_, start, end), (mue, services) in spans.items():
        # A line alone on its code and dates, within the MUE of one day, is within it over any days: most lines.
        if len(services) == 1 and units_of(services[0]) <= mue.value:
            continue
        total = _NO_UNITS
        for service in services:
            total += units_of(service)
        days = 1 if end <= start else (end - start).days + 1
        # Compared before the record is made: nearly every code and date is within its MUE.
        if total > mue.value * days:
            found.append(OverMue(mue, services, total, days))
    return found


def date_problem(review: Review, over: OverMue, why: str) -> Problem:
    """The problem of a date's units over a date-of-service MUE, on its last line."""
    mue, last = over.mue, over.services[-1]
    lines = ", ".join(str(service.line_number) for service in over.services)
    where = f"line {lines}" if len(over.services) == 1 else f"lines {lines}"
    when = f"on {last.service_date}"
    if over.days > 1:
        when = f"over the {over.days} days {last.service_date} to {last.service_date_end}"
    fix = f"reduce the units of {last.procedure_code} {when} to {over.limit} in all"
    if mue.value == 0:
        why = f"{last.procedure_code} is not payable in the {mue.setting} setting. " + why
        fix = not_payable_fix(last.procedure_code, mue)
    return Problem(
        f"{last.procedure_code} is billed {shown(over.total)} {when} ({where}); its {mue.setting} MUE is "
        f"{mue.value} per date of service (MAI {mue.adjudication_indicator}, {mue.adjudication}; rationale: "
        f"{mue.rationale}). " + why,
        line=last.line_number,
        field=review.line_field(last, "units"),
        fix=fix,
    )


class MueDateUnitsPolicy(Edit):
    """More units of a code on one date than its medically unlikely edit (MAI 2, an absolute policy limit).

    With MUE adjudication indicator 2 the MUE is a date-of-service edit: the units of every line of the code on
    the date are summed (a line spanning several days is allowed the MUE of each day). The limit comes from
    regulation, policy or the code's definition (anatomy, "per day" descriptors), so it is absolute: the lines
    over it are denied and more units are not payable on appeal.

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
    when_fact = over_date_mues

    def check(self, review: Review) -> list[Problem]:
        """Report each code and date whose units exceed an MAI-2 MUE."""
        why = "The limit is absolute (policy), so the code's lines of the date are denied."
        return [date_problem(review, over, why) for over in over_date_mue(review, 2)]
