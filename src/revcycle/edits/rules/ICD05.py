"""ICD05: a code of a category that requires a 7th character, given without one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference
from revcycle.edits.review import Review
from revcycle.edits.rules.COD01 import PLACEHOLDER, SEVENTH, codes_not_billable, icd10cm_fields
from revcycle.refdata.icd10cm import Icd10cmCode


def seventh_character_forms(reference: EditReference, found: Icd10cmCode, day: date) -> list[str]:
    """The complete codes a listed code takes with each of its 7th characters, padded with X to six characters.

    Empty when the code takes no 7th character, or is a header whose codes below it take one (``S52.52``): only a
    listed code that the tabular completes with a 7th character gives complete codes.
    """
    if not found.seventh_character_options:
        return []
    base = found.code.replace(".", "").ljust(SEVENTH - 1, PLACEHOLDER)
    forms = []
    for option in found.seventh_character_options:
        completed = reference.icd10cm(base + option.character, day)
        if completed is not None and completed.billable:
            forms.append(completed.code)
    return forms


class SeventhCharacterMissing(Edit):
    """A code that requires a 7th character is given without one.

    Certain categories (injuries, poisonings, external causes, some obstetric and musculoskeletal codes) take a 7th
    character (A initial encounter, D subsequent encounter, S sequela, ...); the tabular says which. Without it
    the code is invalid; when the code has fewer than six characters the placeholder X fills the gap.

    Failing: diagnosis ``S52.521`` (torus fracture of the right radius, no encounter character).
    Passing: diagnosis ``S52.521A``.
    """

    code = "ICD05"
    name = "seventh-character-missing"
    category = Category.ICD_CONVENTION
    severity = Severity.ERROR
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.A.5 (7th characters) and §I.A.4 "
        "(placeholder character); §I.B.3 (a code is invalid without its 7th character, if applicable)"
    )
    looks_at = ("diagnoses", "admitting_diagnosis", "reasons_for_visit", "external_causes", "lines.service_date")
    when_fact = codes_not_billable

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each listed code the tabular completes with a 7th character but that was given without one."""
        day = review.first_service_date
        for field, _, found in icd10cm_fields(review):
            if found is None or found.billable:
                continue
            forms = seventh_character_forms(review.reference, found, day)
            if not forms:
                continue
            options = ", ".join(f"{option.character} {option.meaning}" for option in found.seventh_character_options)
            defined_at = found.seventh_character_options[0].defined_at
            yield Problem(
                f"{found.code} ({found.description}) requires a 7th character (defined at {defined_at}: {options})",
                field=field,
                fix=f"add the 7th character the encounter calls for: {', '.join(forms)}",
            )
