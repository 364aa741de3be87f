"""MCE03: a maternity diagnosis for a patient outside the childbearing ages on the date of service."""

from __future__ import annotations

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MCE01 import MCE_AGE_SOURCE, age_conflicts, age_misfits


class MaternityAgeConflict(Edit):
    """A maternity diagnosis is reported for a patient outside the childbearing ages on the date of service.

    Pregnancy, childbirth and puerperium diagnoses (the MCE's maternity list) fit only the ages the MCE release
    gives for maternity: either the diagnosis or the birth date is wrong.

    Failing: ``O26.823`` (pregnancy related peripheral neuritis) for a patient of 66. Passing: the same code
    for a patient of 30.
    """

    code = "MCE03"
    name = "age-conflict-maternity"
    category = Category.AGE_SEX
    severity = Severity.ERROR
    source = f"{MCE_AGE_SOURCE}, maternity diagnoses (ages 12-55 in MCE v37, 9-64 in v43.1)"
    looks_at = ("diagnoses", "patient.birth_date", "lines.service_date")
    when_fact = age_misfits

    def check(self, review: Review) -> list[Problem]:
        """Compare maternity diagnoses with the patient's age."""
        return age_conflicts(review, "maternity")
