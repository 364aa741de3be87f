"""MCE02: a pediatric diagnosis for a patient older than 17 on the date of service."""

from __future__ import annotations

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MCE01 import MCE_AGE_SOURCE, age_conflicts, age_misfits


class PediatricAgeConflict(Edit):
    """A pediatric diagnosis is reported for a patient older than 17 on the date of service.

    Pediatric diagnoses (the MCE's pediatric list: conditions of childhood, child abuse and maltreatment codes,
    routine child health examinations, ...) only occur in patients 0 to 17 years old: either the diagnosis or the
    birth date is wrong.

    Failing: ``L12.2`` (chronic bullous disease of childhood) for a patient of 66. Passing: the same code
    for a patient of 8.
    """

    code = "MCE02"
    name = "age-conflict-pediatric"
    category = Category.AGE_SEX
    severity = Severity.ERROR
    source = f"{MCE_AGE_SOURCE}, pediatric diagnoses (ages 0-17)"
    looks_at = ("diagnoses", "patient.birth_date", "lines.service_date")
    when_fact = age_misfits

    def check(self, review: Review) -> list[Problem]:
        """Compare pediatric diagnoses with the patient's age."""
        return age_conflicts(review, "pediatric")
