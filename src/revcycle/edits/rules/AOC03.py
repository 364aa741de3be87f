"""AOC03: an add-on code billed without any of the primary codes its NCCI edit lists (edit type 3)."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.AOC01 import add_on_lines, every_add_on_line, has_listed_primary, primaries_shown


class AddOnUnlistedPrimary(Edit):
    """An add-on code is billed without any of the primary codes CMS lists for it (edit type 3).

    For an add-on code of edit type 3 CMS lists some primary codes, and the Medicare contractor may accept others.
    With none of the listed primaries on the same date of service by the same provider the add-on is paid only if
    the contractor allows the primary billed: a risk to check against the contractor's policy.

    Failing: the add-on 88311 alone on its date. Passing: 88311 with its listed primary 88305.
    """

    code = "AOC03"
    name = "add-on-unlisted-primary"
    category = Category.ADD_ON
    severity = Severity.WARNING
    source = (
        "CMS NCCI add-on code edits (edit type 3, listed and contractor-allowed primary codes); NCCI Policy Manual "
        "for Medicare Services, ch. I (Add-on Codes)"
    )
    looks_at = ("lines.procedure_code", "lines.service_date", "lines.rendering_provider_id")
    when_fact = every_add_on_line

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each type-3 add-on line without a listed primary."""
        # Run only on a claim where add_on_lines finds something (`when_fact`).
        for service, add_on, others in add_on_lines(review, "3"):
            if has_listed_primary(add_on, others):
                continue
            yield Problem(
                f"add-on code {service.procedure_code} (line {service.line_number}) is billed without any of its "
                f"listed primary codes ({primaries_shown(add_on)}) on {service.service_date} by the same "
                "provider; it is paid only if the Medicare contractor accepts the primary billed",
                line=service.line_number,
                field=review.line_field(service, "procedure_code"),
                fix=f"check the contractor's list of primaries for {service.procedure_code}, or bill a listed "
                "primary when that is what was done",
            )
