"""ICD09: the first-listed diagnosis is on the MCE list of unacceptable principal diagnoses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.ICD08 import first_listed_only

INPATIENT = "1"
"""The second digit of an inpatient (Part A) type of bill: 11 hospital, 21 skilled nursing, ..."""
ENCOUNTER_REASON = re.compile(
    r"^encounter (?:for|of)|encountering health services|^supervision of|counsel|consult|"
    r"contact with and \(suspected\) exposure|screening",
    re.IGNORECASE,
)
"""ICD-10-CM titles of codes that state the reason for an outpatient encounter, which the guidelines list first
even though the (inpatient) MCE finds them unacceptable as principal diagnosis: examinations, screening
(I.C.21.c.5), contact and exposure for testing (c.1), aftercare, follow-up, counseling (c.10), supervision of a
high-risk pregnancy (I.C.15.b.2)."""


class UnacceptableFirstListed(Edit):
    """The first-listed diagnosis is unacceptable as principal diagnosis (MCE list): a circumstance, not a condition.

    The Medicare Code Editor lists codes that describe a circumstance influencing health status (personal and
    family history, status, social problems), a supplementary cause organism or an underdosing, which are
    unacceptable as the principal diagnosis of an inpatient claim. The MCE is an inpatient editor: on other claims
    the codes that state the reason for an outpatient encounter (examination, screening, immunization, aftercare,
    counseling, supervision of pregnancy, and the Z codes guideline I.C.21.c.16 requires first) are first-listed
    by the guidelines and not flagged; the history and status codes are.

    Failing: first-listed ``Z85.3`` (personal history of breast cancer). Passing: ``I10`` followed by ``Z85.3``, or
    ``Z23`` (immunization) first on a professional claim. An error on an inpatient bill (type of bill 11x, 21x, ...),
    where the MCE returns the claim; a warning elsewhere.
    """

    code = "ICD09"
    name = "unacceptable-first-listed"
    category = Category.ICD_CONVENTION
    severity = Severity.WARNING
    source = "Definitions of Medicare Code Edits v43.1 edit 9 (unacceptable principal diagnosis)"
    looks_at = ("diagnoses", "facility_type_code", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Look the first-listed diagnosis up in the MCE release in force."""
        claim = review.claim
        if not claim.diagnoses:
            return
        code = claim.diagnoses[0].code
        flags = review.reference.mce(code, review.first_service_date)
        if flags is None or not flags.unacceptable_principal:
            return
        inpatient = claim.kind is ClaimKind.INSTITUTIONAL and (claim.facility_type_code or "")[1:] == INPATIENT
        if not inpatient:
            # The tabular's full title, not the MCE's abbreviation ("Encntr screen mammogram ...").
            found = review.reference.icd10cm(code, review.first_service_date)
            title = found.description if found is not None else flags.description
            if first_listed_only(code) or ENCOUNTER_REASON.search(title):
                return
        yield Problem(
            f"{icd10cm_display(code)} ({flags.description}) is on the MCE {flags.release} list of unacceptable "
            "principal diagnoses: it describes a circumstance, not the condition chiefly responsible for the "
            "encounter",
            field="diagnoses[0]",
            fix="list first the condition, injury or reason for the encounter; report the code after it",
            # The MCE is the inpatient editor: there the claim is returned; elsewhere the code is only a risk.
            severity=Severity.ERROR if inpatient else None,
        )
