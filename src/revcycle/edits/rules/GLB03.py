"""GLB03: an E/M visit the day before or the day of a major surgery by the same provider without modifier 57."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.GLB01 import decision_window, visits


class EmBeforeMajorWithout57(Edit):
    """An E/M visit is the day before or the day of a major surgery (90 global days) by the same provider, without 57.

    The global package of a major surgery starts the day before it: the preoperative visits of that day and of the
    day of surgery are paid with the surgery. Only the visit at which the decision for surgery was made is paid on
    its own, with modifier 57 (not 25).

    Failing: 99223 the day before 27447, no modifier. Passing: 99223 with modifier 57.
    """

    code = "GLB03"
    name = "em-before-major-without-57"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "CMS Claims Processing Manual ch. 12 sections 30.6.6.C and 40.1 (decision for surgery, modifier 57); "
        "physician fee schedule RVU file (global days 090)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers", "lines.service_date", "history")
    when_fact = visits
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each E/M line without 57 on the day before or the day of a major surgery."""
        for service, modifiers, done in visits(review):
            if "57" in modifiers:
                continue
            day = service.service_date
            procedure = next((p for p in done if decision_window(p, day)), None)
            if procedure is None:
                continue
            when = "the day of" if procedure.day == day else "the day before"
            yield Problem(
                f"E/M {service.procedure_code} (line {service.line_number}) on {day} is {when} the major surgery "
                f"{procedure.service.procedure_code} ({procedure.where(review)}, 90 global days) by the same "
                "provider, without modifier 57; preoperative visits are paid with the surgery",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=f"if this visit made the decision for {procedure.service.procedure_code}, append modifier 57 to "
                f"line {service.line_number}; otherwise remove the line",
            )
