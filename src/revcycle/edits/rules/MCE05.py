"""MCE05: a diagnosis for one sex only, reported for a patient of the other sex."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain.codes import icd10cm_display
from revcycle.domain.parties import Sex
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.MCE01 import diagnosis_flags

SEXES = {"female": Sex.FEMALE, "male": Sex.MALE}
"""The MCE's sex of a code, as the patient's administrative sex (DMG03) writes it."""


class SexConflict(Edit):
    """A diagnosis for one sex only is reported for a patient of the other sex.

    The MCE lists diagnoses that fit one sex only (cervical cancer, prostate disorders, pregnancy); reported for a
    patient of the other sex, the diagnosis or the patient's sex is presumed wrong. A patient of unknown sex is
    not judged. CMS deactivated this MCE edit from 2024-10-01 (MCE v42): the MCE release in force decides, and a
    release without sex lists finds nothing.

    Failing: ``N42.0`` (calculus of prostate) for a female patient. Passing: the same code for a male patient.
    """

    code = "MCE05"
    name = "sex-conflict"
    category = Category.AGE_SEX
    severity = Severity.ERROR
    source = "Definitions of Medicare Code Edits v43.1 edit 5 (sex conflict; deactivated as of 10/01/2024)"
    looks_at = ("diagnoses", "patient.sex", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Compare one-sex diagnoses with the patient's sex."""
        patient = review.submitted.patient
        if patient is None or patient.sex is Sex.UNKNOWN:
            return
        for index, (diagnosis, flags) in enumerate(zip(review.claim.diagnoses, diagnosis_flags(review), strict=True)):
            if flags is None or flags.sex is None or SEXES.get(flags.sex) in (None, patient.sex):
                continue
            yield Problem(
                f"{icd10cm_display(diagnosis.code)} ({flags.description}) is a {flags.sex}-only diagnosis (MCE "
                f"{flags.release}) but the patient's sex is {patient.sex}",
                field=f"diagnoses[{index}]",
                fix="check the patient's sex and the diagnosis code",
            )
