"""MUE03: more units of a code on one date than its clinical medically unlikely edit (MAI 3)."""

from __future__ import annotations

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MUE02 import date_problem, over_date_mue, over_date_mues


class MueDateUnitsClinical(Edit):
    """More units of a code on one date than its medically unlikely edit (MAI 3, a clinical limit).

    With MUE adjudication indicator 3 the MUE is a date-of-service edit set from clinical data: the units of every
    line of the code on the date are summed (a line spanning several days is allowed the MUE of each day), and
    the lines over it are denied. Unlike MAI 2 the limit is not absolute: when more units were really needed, the
    denial can be appealed with the medical record.

    Failing: two lines of an MAI-3 code whose units sum over its MUE. Passing: one line with the MUE's units.
    """

    code = "MUE03"
    name = "mue-date-units-clinical"
    category = Category.MUE
    severity = Severity.ERROR
    source = (
        "CMS NCCI Medically Unlikely Edits (practitioner and outpatient hospital MUE tables, MUE adjudication "
        "indicator 3); NCCI Policy Manual for Medicare Services, ch. I (Medically Unlikely Edits)"
    )
    looks_at = ("lines.procedure_code", "lines.units", "lines.service_date")
    when_fact = over_date_mues

    def check(self, review: Review) -> list[Problem]:
        """Report each code and date whose units exceed an MAI-3 MUE."""
        why = (
            "The claim lines are denied; if the units were medically necessary, the denial can be appealed with "
            "the documentation."
        )
        return [date_problem(review, over, why) for over in over_date_mue(review, 3)]
