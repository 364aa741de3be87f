"""ICD06: a code completed by a 7th character but written without the placeholder X it needs."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.COD01 import codes_not_billable, icd10cm_fields, with_placeholders


class PlaceholderMissing(Edit):
    """A 7th-character code lacks its placeholder X.

    The 7th character is always the 7th character of the code: where the listed code is shorter than six
    characters, or the tabular lists it with an X in it (``T36.0X1``), the X's must be written. A code written
    without them (``T36.01A`` for ``T36.0X1A``) is not a code; this edit names the code it was meant to be.

    Failing: diagnosis ``T3601A``. Passing: diagnosis ``T360X1A`` (poisoning by penicillins, accidental, initial
    encounter).
    """

    code = "ICD06"
    name = "placeholder-x-missing"
    category = Category.ICD_CONVENTION
    severity = Severity.ERROR
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.A.4 (placeholder character) and §I.A.5 "
        "(7th characters: a code shorter than six characters that takes one is filled with X)"
    )
    looks_at = ("diagnoses", "admitting_diagnosis", "reasons_for_visit", "external_causes", "lines.service_date")
    when_fact = codes_not_billable

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each unknown code that becomes a complete code once its missing X's are put back."""
        day = review.first_service_date
        for field, code, found in icd10cm_fields(review):
            if found is not None:
                continue
            meant = with_placeholders(review.reference, code, day)
            if not meant:
                continue
            shown = " or ".join(icd10cm_display(candidate) for candidate in meant)
            yield Problem(
                f"{icd10cm_display(code)} lacks its placeholder X: the 7th character must be the 7th character of "
                f"the code ({shown})",
                field=field,
                fix=f"write {shown}" if len(meant) == 1 else None,
            )
