"""INT09: a diagnosis code is listed twice on the claim."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from revcycle.domain import codes
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class RepeatedDiagnosis(Edit):
    """A diagnosis code is listed twice on the claim.

    Each code is reported once (ICD-10-CM guideline I.B.12: a code is not repeated); pointers name its one place.

    Failing: diagnoses I10 and I10. Passing: diagnoses I10 and E11.9.
    """

    code = "INT09"
    name = "diagnosis-listed-twice"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ICD-10-CM Official Guidelines FY2026 I.B.12; ASC X12 005010X222A1 HI (codes not repeated)"
    looks_at = ("diagnoses",)

    def check(self, review: Review) -> Iterable[Problem]:
        """Second and later listings of a code."""
        listed = review.diagnosis_codes
        # Nearly every claim lists each code once: no generator is made for it.
        return self._repeated(listed) if len(set(listed)) != len(listed) else ()

    @staticmethod
    def _repeated(listed: tuple[str, ...]) -> Iterator[Problem]:
        seen: set[str] = set()
        for index, code in enumerate(listed):
            if code in seen:
                yield Problem(
                    f"{codes.icd10cm_display(code)} is listed again at position {index + 1}",
                    field=f"diagnoses[{index}]",
                    fix="remove the repeated code and point the lines to its first listing",
                )
            seen.add(code)
