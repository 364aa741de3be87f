"""MCE01: a newborn (perinatal) diagnosis for a patient older than 0 on the date of service."""

from __future__ import annotations

from datetime import date

from revcycle.domain.codes import icd10cm_display
from revcycle.domain.encounter import Diagnosis
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.refdata.edit_tables import MceFlags

MCE_AGE_SOURCE = "Definitions of Medicare Code Edits v43.1 edit 4 (age conflict)"
ARTICLES = {"adult": "an"}


def age_conflicts(review: Review, age_category: str) -> list[Problem]:
    """The diagnoses of one MCE age category that the patient's age on the first date of service does not fit.

    The age is in whole years on the claim's first date of service, as the MCE computes it. A list, not a
    generator: nearly every claim has no misfit, and four edits ask.
    """
    misfits = age_misfits(review)
    return [_age_problem(age_category, *misfit) for misfit in misfits if misfit[2].age_category == age_category]


def _age_problem(age_category: str, index: int, diagnosis: Diagnosis, flags: MceFlags, age: int, day: date) -> Problem:
    ages = f"age {flags.age_low}" if flags.age_low == flags.age_high else f"ages {flags.age_low}-{flags.age_high}"
    return Problem(
        f"{icd10cm_display(diagnosis.code)} ({flags.description}) is {ARTICLES.get(age_category, 'a')} "
        f"{age_category} diagnosis ({ages}, MCE {flags.release}) but the patient is {age} on {day}",
        field=f"diagnoses[{index}]",
        fix="check the patient's birth date and the diagnosis code",
    )


def diagnosis_flags(review: Review) -> list[MceFlags | None]:
    """The MCE lists each diagnosis is on as of the claim's first date of service, once per claim (MCE01-MCE05)."""
    return review.derived(_diagnosis_flags)


def _diagnosis_flags(review: Review) -> list[MceFlags | None]:
    day = review.first_service_date
    mce = review.reference.mce
    return [mce(diagnosis.code, day) for diagnosis in review.claim.diagnoses]


def age_misfits(review: Review) -> list[tuple[int, Diagnosis, MceFlags, int, date]]:
    """The diagnoses whose MCE age category the patient's age does not fit, once per claim (MCE01-MCE04)."""
    return review.derived(_age_misfits)


def _age_misfits(review: Review) -> list[tuple[int, Diagnosis, MceFlags, int, date]]:
    """Every diagnosis of an MCE age category the patient's age does not fit, for MCE01-MCE04 to share."""
    patient = review.submitted.patient
    if patient is None:
        return []
    day = review.first_service_date
    age = patient.age_on(day)
    found = []
    for index, (diagnosis, flags) in enumerate(zip(review.claim.diagnoses, diagnosis_flags(review), strict=True)):
        if flags is not None and flags.age_category is not None and not flags.fits_age(age):
            found.append((index, diagnosis, flags, age, day))
    return found


class NewbornAgeConflict(Edit):
    """A newborn diagnosis is reported for a patient older than 0 on the date of service.

    Perinatal and newborn diagnoses (the MCE's newborn list: tetanus neonatorum, newborn examinations, liveborn
    infant codes, ...) only occur at age 0: either the diagnosis or the birth date is wrong.

    Failing: ``H04.532`` (neonatal obstruction of the nasolacrimal duct) for a patient of 66. Passing: the same
    code for a patient born three weeks before the visit.
    """

    code = "MCE01"
    name = "age-conflict-newborn"
    category = Category.AGE_SEX
    severity = Severity.ERROR
    source = f"{MCE_AGE_SOURCE}, perinatal/newborn diagnoses (age 0)"
    looks_at = ("diagnoses", "patient.birth_date", "lines.service_date")
    when_fact = age_misfits

    def check(self, review: Review) -> list[Problem]:
        """Compare newborn diagnoses with the patient's age."""
        return age_conflicts(review, "newborn")
