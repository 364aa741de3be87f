"""ICD07: an external cause code (V00-Y99) listed first."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.ICD04 import EXTERNAL_CAUSES


class ExternalCauseFirst(Edit):
    """An external cause code (V00-Y99) is the first-listed diagnosis.

    External cause codes say how an injury or condition happened (cause, intent, place, activity, status), not
    what it is: they are never the principal or first-listed diagnosis, and follow the code of the injury or
    condition.

    Failing: diagnoses ``W19.XXXA`` then ``S52.521A``. Passing: ``S52.521A`` then ``W19.XXXA``.
    """

    code = "ICD07"
    name = "external-cause-first"
    category = Category.ICD_CONVENTION
    severity = Severity.ERROR
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.C.20 (external cause codes are never "
        "sequenced first); Definitions of Medicare Code Edits v43.1 edit 2 (external causes of morbidity codes as "
        "principal diagnosis)"
    )
    looks_at = ("diagnoses",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Report the first-listed diagnosis when it is in V00-Y99."""
        if not review.claim.diagnoses:
            return
        code = review.claim.diagnoses[0].code
        if not EXTERNAL_CAUSES.covers(code):
            return
        following = [diagnosis.code for diagnosis in review.claim.diagnoses[1:]]
        others = [other for other in following if not EXTERNAL_CAUSES.covers(other)]
        yield Problem(
            f"{icd10cm_display(code)} is an external cause code (V00-Y99) and cannot be the first-listed diagnosis",
            field="diagnoses[0]",
            fix=(
                f"list the injury or condition first ({icd10cm_display(others[0])}), then {icd10cm_display(code)}"
                if others
                else "list the code of the injury or condition first"
            ),
        )
