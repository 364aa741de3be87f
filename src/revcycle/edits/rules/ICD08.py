"""ICD08: a Z code that may only be the first-listed diagnosis, listed other than first."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

FIRST_LISTED_ONLY = (
    "Z00",
    "Z01",
    "Z02",
    "Z04",
    "Z3181",
    "Z3183",
    "Z3184",
    "Z332",
    "Z34",
    "Z38",
    "Z39",
    "Z40",
    "Z42",
    "Z510",
    "Z511",
    "Z52",
    "Z761",
    "Z762",
    "Z9912",
)
"""The Z codes and categories guideline I.C.21.c.16 allows only as the principal/first-listed diagnosis."""
EXCEPTIONS = ("Z006", "Z529")
"""Codes of those categories the guideline excepts: Z00.6 (examination in a clinical research programme) and Z52.9
(donor of unspecified organ or tissue)."""


def first_listed_only(code: str) -> bool:
    """Whether guideline I.C.21.c.16 allows ``code`` (without its dot) only as the first-listed diagnosis."""
    return code.startswith(FIRST_LISTED_ONLY) and not code.startswith(EXCEPTIONS)


class ZCodeFirstOnly(Edit):
    """A Z code that may only be the principal/first-listed diagnosis is listed other than first.

    Encounters for a general or special examination, administrative examination, observation, supervision of
    pregnancy, chemotherapy or radiation therapy, organ donation, live birth and the other reasons the guideline
    lists are what the encounter is for: their Z codes are reported first (the guideline's only exception is
    several encounters on one day whose records are combined).

    Failing: diagnoses ``I10`` then ``Z00.01``. Passing: ``Z00.01`` then ``I10``.
    """

    code = "ICD08"
    name = "z-code-first-only"
    category = Category.ICD_CONVENTION
    severity = Severity.ERROR
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.C.21.c.16 (Z codes that may only be "
        "principal/first-listed diagnosis)"
    )
    looks_at = ("diagnoses",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each first-listed-only Z code in second place or later."""
        for index, diagnosis in enumerate(review.claim.diagnoses[1:], start=1):
            if not first_listed_only(diagnosis.code):
                continue
            shown = icd10cm_display(diagnosis.code)
            yield Problem(
                f"{shown} may only be the principal/first-listed diagnosis (guideline I.C.21.c.16) but is listed "
                f"{_ordinal(index + 1)} (allowed only when several encounters on one day are combined)",
                field=f"diagnoses[{index}]",
                fix=f"list {shown} first",
            )


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
