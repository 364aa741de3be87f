"""INT03: more diagnoses or pointers than the claim form holds."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

MAX_POINTERS = 4
MAX_DIAGNOSES = 12


class TooManyDiagnoses(Edit):
    """More diagnoses or pointers than the claim form holds.

    A professional claim carries at most 12 diagnoses (HI, box 21 A-L) and each line at most 4 pointers (SV107,
    box 24E); the rest must go on another claim.

    Failing: a line with five pointers. Passing: a line with four.
    """

    code = "INT03"
    name = "too-many-diagnoses-or-pointers"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 HI (12 codes) and SV107 (4 pointers); CMS-1500 items 21 and 24E"
    looks_at = ("diagnoses", "lines.diagnosis_pointers")
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Claims over 12 diagnoses and lines over 4 pointers."""
        count = len(review.diagnosis_codes)
        if count > MAX_DIAGNOSES:
            yield Problem(
                f"{count} diagnoses; a professional claim holds {MAX_DIAGNOSES}",
                field="diagnoses",
                fix="split the services over two claims, each with the diagnoses its lines point to",
            )
        for index, service in enumerate(review.lines):
            if len(service.diagnosis_pointers) > MAX_POINTERS:
                yield Problem(
                    f"{len(service.diagnosis_pointers)} pointers; a line holds {MAX_POINTERS}",
                    line=service.line_number,
                    field=f"lines[{index}].diagnosis_pointers",
                    fix="keep the four diagnoses most relevant to the service",
                )
