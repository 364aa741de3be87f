"""AOC02: an add-on code with contractor-defined primaries billed with no primary procedure at all (type 2)."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.AOC01 import add_on_lines, every_add_on_line


class AddOnContractorPrimary(Edit):
    """An add-on code whose primaries the contractor defines is billed with no other procedure on the date.

    For an add-on code of edit type 2 CMS lists no primary codes: each Medicare contractor decides which procedures
    it may be billed with. An add-on is never paid alone, so one with no other (non-add-on) procedure on the same
    date of service by the same provider is most likely denied; which primary the contractor accepts is its call.

    Failing: the add-on 0054T alone on its date. Passing: 0054T with the procedure it was added to.
    """

    code = "AOC02"
    name = "add-on-contractor-primary"
    category = Category.ADD_ON
    severity = Severity.WARNING
    source = (
        "CMS NCCI add-on code edits (edit type 2, contractor-defined primary codes); NCCI Policy Manual for "
        "Medicare Services, ch. I (Add-on Codes)"
    )
    looks_at = ("lines.procedure_code", "lines.service_date", "lines.rendering_provider_id")
    when_fact = every_add_on_line

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each type-2 add-on line with no non-add-on procedure beside it."""
        # Run only on a claim where add_on_lines finds something (`when_fact`).
        for service, _, others in add_on_lines(review, "2"):
            if any(
                review.reference.add_on(other.procedure_code.strip().upper(), other.service_date) is None
                for other in others
            ):
                continue
            yield Problem(
                f"add-on code {service.procedure_code} (line {service.line_number}) is billed with no primary "
                f"procedure on {service.service_date} by the same provider; its primaries are defined by the "
                "Medicare contractor, but an add-on code is never paid alone",
                line=service.line_number,
                field=review.line_field(service, "procedure_code"),
                fix=f"bill the primary procedure {service.procedure_code} was added to, on the same date, or remove "
                f"line {service.line_number}",
            )
