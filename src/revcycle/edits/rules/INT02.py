"""INT02: a line's diagnosis pointer names no diagnosis of the claim."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class DiagnosisPointers(Edit):
    """A line's diagnosis pointer names no diagnosis of the claim.

    Each professional service line points (SV107, box 24E) to one to four of the claim's diagnoses by position;
    a pointer past the end of the list, or no pointer at all, gets the line rejected.

    Failing: a claim with one diagnosis whose line points to diagnosis 2. Passing: the line points to diagnosis 1.
    """

    code = "INT02"
    name = "diagnosis-pointer-missing"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 loop 2400 SV107; CMS-1500 instructions item 24E (CMS Pub. 100-04 ch. 26)"
    looks_at = ("lines.diagnosis_pointers", "diagnoses")
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Lines with no pointer or a pointer past the diagnoses."""
        count = len(review.diagnosis_codes)
        for index, service in enumerate(review.lines):
            # The field's path is made only for a problem: nearly every line has none.
            if not service.diagnosis_pointers:
                field = f"lines[{index}].diagnosis_pointers"
                yield Problem("the line points to no diagnosis", line=service.line_number, field=field)
            for pointer in service.diagnosis_pointers:
                if pointer > count:
                    field = f"lines[{index}].diagnosis_pointers"
                    yield Problem(
                        f"pointer {pointer} points past the claim's {count} diagnoses",
                        line=service.line_number,
                        field=field,
                        fix=f"point to a diagnosis 1..{count}",
                    )
