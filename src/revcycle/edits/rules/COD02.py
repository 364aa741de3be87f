"""COD02: a diagnosis code that is a category or subcategory header, not a billable code."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.COD01 import codes_not_billable, icd10cm_fields
from revcycle.edits.rules.ICD05 import seventh_character_forms
from revcycle.refdata.icd10cm import Icd10cmCode
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import ICD10CM


class Icd10cmCodeNotBillable(Edit):
    """A diagnosis code is a header of the tabular list, not a billable code: code to the highest specificity.

    ICD-10-CM codes are reported to the full number of characters available: a category (``I50``) or subcategory
    (``E11.2``) that has codes below it is invalid on a claim. A listed code that only lacks its 7th character is
    reported by ICD05 instead.

    Failing: diagnosis ``E11.2`` (its codes are E11.21, E11.22, E11.29). Passing: diagnosis ``E11.22``.
    """

    code = "COD02"
    name = "icd10cm-code-not-billable"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.B.3 (level of detail in coding: a code is "
        "invalid if it is not coded to the full number of characters required); 45 CFR 162.1002(c)(2)"
    )
    looks_at = ("diagnoses", "admitting_diagnosis", "reasons_for_visit", "external_causes", "lines.service_date")
    when_fact = codes_not_billable

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each code the release in force lists as a header rather than a billable code."""
        day = review.first_service_date
        for field, code, found in icd10cm_fields(review):
            if found is None or found.billable or seventh_character_forms(review.reference, found, day):
                continue
            below = self._codes_below(review, found, code)
            shown = ", ".join(below[:4]) + (", ..." if len(below) > 4 else "")
            completed = ", each completed by a 7th character" if found.seventh_character_options else ""
            yield Problem(
                f"{found.code} ({found.description}) is a {found.kind} header of ICD-10-CM {found.version}, not a "
                f"billable code: {len(below)} codes are listed below it ({shown}){completed}",
                field=field,
                fix=f"code to the highest specificity: one of the {len(below)} codes under {found.code}",
            )

    @staticmethod
    def _codes_below(review: Review, found: Icd10cmCode, code: str) -> list[str]:
        """The listed leaf codes under a header (read only when reporting one, so the store is asked directly)."""
        release = in_force(review.reference.store, ICD10CM, review.first_service_date).release
        return [
            icd10cm_display(key)
            for key, data in review.reference.store.entries(release, code)
            if key != code and data.get("leaf") and data.get("kind") not in {"chapter", "section"}
        ]
