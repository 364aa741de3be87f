"""COD06: ICD-9-CM diagnoses on a claim for services on or after 1 October 2015."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

ICD10_EFFECTIVE = date(2015, 10, 1)
"""The first date of service coded in ICD-10-CM (45 CFR 162.1002(c))."""


class Icd9CodeAfterIcd10(Edit):
    """ICD-9-CM diagnoses on a claim with a date of service on or after 2015-10-01.

    Services from 1 October 2015 are coded in ICD-10-CM; a claim that carries ICD-9-CM diagnoses (HI*BK, BF, ...)
    for such a date is rejected. A claim whose services span the change is split at it.

    Failing: ICD-9-CM ``4019`` on a line of 2026-07-15. Passing: ICD-10-CM ``I10`` on the same line.
    """

    code = "COD06"
    name = "icd9-code-after-icd10"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = (
        "45 CFR 162.1002(b)-(c) (ICD-9-CM through 2015-09-30, ICD-10-CM for services on or after 2015-10-01); "
        "CMS MLN Matters SE1408 (claims that span the ICD-10 implementation date)"
    )
    looks_at = ("icd9_diagnoses", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Report ICD-9-CM codes when any line is on or after the ICD-10 implementation date."""
        claim = review.claim
        if not claim.icd9_diagnoses:
            return
        late = [service for service in review.lines if service.last_service_date >= ICD10_EFFECTIVE]
        if not late:
            return
        codes = ", ".join(diagnosis.code for diagnosis in claim.icd9_diagnoses)
        yield Problem(
            f"ICD-9-CM diagnoses ({codes}) on a claim with services on or after {ICD10_EFFECTIVE} (line "
            f"{late[0].line_number}, {late[0].service_date}): those services are coded in ICD-10-CM",
            field="icd9_diagnoses",
            fix="code the diagnoses in ICD-10-CM (split the claim if it also has services before 2015-10-01)",
        )
