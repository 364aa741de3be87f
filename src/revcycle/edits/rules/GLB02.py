"""GLB02: an E/M visit on the day of a minor procedure by the same provider without modifier 25."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.GLB01 import MINOR, visits


class EmSameDayMinor(Edit):
    """An E/M visit is on the day of a minor procedure (0 or 10 global days) by the same provider, without 25.

    The payment for an endoscopy or minor procedure includes the evaluation that decides on it the same day. A
    separate E/M visit that day by the same provider is paid only when it was significant and separately
    identifiable from that evaluation, which modifier 25 says; modifier 57 is not used with minor procedures.

    Failing: 99213 and 20610 (000 global days) on the same date. Passing: 99213 with modifier 25.
    """

    code = "GLB02"
    name = "em-same-day-minor"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "CMS Claims Processing Manual ch. 12 sections 30.6.6.B and 40.1 (E/M on the day of a minor procedure, "
        "modifier 25); physician fee schedule RVU file (global days 000/010)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers", "lines.service_date", "history")
    when_fact = visits
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each E/M line without 25 on the day of a minor procedure."""
        for service, modifiers, done in visits(review):
            if "25" in modifiers:
                continue
            day = service.service_date
            procedure = next((p for p in done if p.day == day and p.global_days in MINOR), None)
            if procedure is None:
                continue
            yield Problem(
                f"E/M {service.procedure_code} (line {service.line_number}) is on {day}, the day of the minor "
                f"procedure {procedure.service.procedure_code} ({procedure.where(review)}, {procedure.global_days} "
                "global days) by the same provider, without modifier 25; the visit is paid with the procedure",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=f"if the visit was significant and separately identifiable from the decision for "
                f"{procedure.service.procedure_code}, append modifier 25 to line {service.line_number}; otherwise "
                "remove the line",
            )
