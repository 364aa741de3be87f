"""AOC01: an add-on code billed without one of the primary codes its NCCI edit lists (edit type 1)."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.PTP02 import ncci_applies, same_day_groups
from revcycle.refdata.edit_tables import AddOnCode

SHOWN_PRIMARIES = 6
"""How many primary codes a message names before it says how many more there are."""


AddOnLine = tuple[ServiceLine, AddOnCode, list[ServiceLine]]
"""An add-on line, its add-on code edits in force and the other lines of its date and provider."""


def add_on_lines(review: Review, edit_type: str) -> list[AddOnLine]:
    """The add-on lines whose strictest edit type in force is ``edit_type``, each with the day's other lines.

    An add-on code may have rows of several types; type 1 (only the listed primaries) is the strictest, then
    type 3 (the listed primaries and others the contractor allows), then type 2 (contractor-defined primaries).
    The other lines are those of the same date of service and provider, where the primary must be.
    """
    return [
        (service, add_on, others)
        for strictest, service, add_on, others in every_add_on_line(review)
        if strictest == edit_type
    ]


def every_add_on_line(review: Review) -> list[tuple[str, ServiceLine, AddOnCode, list[ServiceLine]]]:
    """Every add-on line with its strictest edit type in force and the day's other lines, once per claim.

    AOC01-AOC03 report from these alone: a claim without an add-on line has nothing for them.
    """
    return review.derived(_add_on_lines)


def _add_on_lines(review: Review) -> list[tuple[str, ServiceLine, AddOnCode, list[ServiceLine]]]:
    if not ncci_applies(review):
        return []
    found = []
    for services in same_day_groups(review).values():
        for service in services:
            add_on = review.reference.add_on(service.procedure_code.strip().upper(), service.service_date)
            if add_on is not None:
                found.append(
                    (_strictest(add_on), service, add_on, [other for other in services if other is not service])
                )
    return found


def _strictest(add_on: AddOnCode) -> str:
    types = add_on.edit_types
    return next(edit_type for edit_type in ("1", "3", "2") if edit_type in types)


def has_listed_primary(add_on: AddOnCode, others: list[ServiceLine]) -> bool:
    """Whether one of the other lines is a primary code the add-on's edits list."""
    return any(other.procedure_code.strip().upper() in add_on.primary_codes for other in others)


def primaries_shown(add_on: AddOnCode) -> str:
    """The listed primary codes, the first few of them."""
    codes = sorted(add_on.primary_codes)
    if len(codes) <= SHOWN_PRIMARIES:
        return ", ".join(codes)
    more = len(codes) - SHOWN_PRIMARIES
    return f"{', '.join(codes[:SHOWN_PRIMARIES])} and {more} more"


class AddOnWithoutPrimary(Edit):
    """An add-on code is billed without one of its primary codes (NCCI add-on code edit type 1).

    An add-on code describes work done in addition to a primary procedure and is never paid alone. For an add-on
    code of edit type 1 CMS lists every primary code it may be paid with: with none of them on the same date of
    service by the same provider, the add-on line is denied.

    Failing: the add-on 11045 alone on its date. Passing: 11045 with its primary 11042.
    """

    code = "AOC01"
    name = "add-on-without-primary"
    category = Category.ADD_ON
    severity = Severity.ERROR
    source = (
        "CMS NCCI add-on code edits (edit type 1, listed primary codes only); NCCI Policy Manual for Medicare "
        "Services, ch. I (Add-on Codes)"
    )
    looks_at = ("lines.procedure_code", "lines.service_date", "lines.rendering_provider_id")
    when_fact = every_add_on_line

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each type-1 add-on line without a listed primary."""
        # Run only on a claim where add_on_lines finds something (`when_fact`).
        for service, add_on, others in add_on_lines(review, "1"):
            if has_listed_primary(add_on, others):
                continue
            yield Problem(
                f"add-on code {service.procedure_code} (line {service.line_number}) is billed without one of its "
                f"primary codes ({primaries_shown(add_on)}) on {service.service_date} by the same provider; an "
                "add-on code of edit type 1 is paid only with a listed primary",
                line=service.line_number,
                field=review.line_field(service, "procedure_code"),
                fix=f"bill the primary procedure {service.procedure_code} was added to, on the same date, or remove "
                f"line {service.line_number}",
            )
