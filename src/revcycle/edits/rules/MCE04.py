"""MCE04: an adult diagnosis for a patient younger than 15 on the date of service."""

from __future__ import annotations

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MCE01 import MCE_AGE_SOURCE, age_conflicts, age_misfits


class AdultAgeConflict(Edit):
    """An adult diagnosis is reported for a patient younger than 15 on the date of service.

    Adult diagnoses (the MCE's adult list: age-related cataract and macular degeneration, senile conditions,
    prostate disorders, ...) only occur from 15 years old: either the diagnosis or the birth date is wrong.

    Failing: ``H25.013`` (cortical age-related cataract, bilateral) for a patient of 10. Passing: the same
    code for a patient of 66.
    """

    code = "MCE04"
    name = "age-conflict-adult"
    category = Category.AGE_SEX
    severity = Severity.ERROR
    source = f"{MCE_AGE_SOURCE}, adult diagnoses (ages 15-124)"
    looks_at = ("diagnoses", "patient.birth_date", "lines.service_date")
    when_fact = age_misfits

    def check(self, review: Review) -> list[Problem]:
        """Compare adult diagnoses with the patient's age."""
        return age_conflicts(review, "adult")
