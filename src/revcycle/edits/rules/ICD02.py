"""ICD02: the first-listed diagnosis is a manifestation code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference
from revcycle.edits.review import Review
from revcycle.edits.rules.ICD01 import instructions

MANIFESTATION_TITLE = re.compile(r"\bin (?:\w+ ){0,2}(?:diseases|conditions) classified elsewhere", re.IGNORECASE)
"""The tabular's title of a manifestation code: "... in (other) diseases classified elsewhere" (an infectious
agent "as the cause of diseases classified elsewhere" is a supplementary code, not a manifestation)."""


def manifestation_source(reference: EditReference, code: str, day: date) -> str | None:
    """Why ``code`` is a manifestation code (the MCE list, or its tabular title and code-first note), else None."""
    flags = reference.mce(code, day)
    if flags is not None and flags.manifestation:
        return f"MCE {flags.release} manifestation list"
    found = reference.icd10cm(code, day)
    if found is None:
        return None
    if MANIFESTATION_TITLE.search(found.description) and any(note.kind == "code_first" for note in found.notes):
        return f"ICD-10-CM {found.version}: 'in diseases classified elsewhere' with a code-first note"
    return None


class ManifestationFirst(Edit):
    """The first-listed diagnosis is a manifestation code: the underlying condition is sequenced first.

    Manifestation codes ("in diseases classified elsewhere", the MCE's manifestation list) describe a
    manifestation of an underlying disease, not the disease: they are never the principal or first-listed
    diagnosis, and follow the code of the underlying condition.

    Failing: diagnoses ``F02.80`` then ``G30.9``. Passing: ``G30.9`` then ``F02.80``.
    """

    code = "ICD02"
    name = "manifestation-first"
    category = Category.ICD_CONVENTION
    severity = Severity.ERROR
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.A.13 (etiology/manifestation convention); "
        "Definitions of Medicare Code Edits v43.1 edit 6 (manifestation code as principal diagnosis)"
    )
    looks_at = ("diagnoses", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Report the first-listed diagnosis when it is a manifestation code."""
        if not review.claim.diagnoses:
            return
        day = review.first_service_date
        code = review.claim.diagnoses[0].code
        why = manifestation_source(review.reference, code, day)
        if why is None:
            return
        found = review.reference.icd10cm(code, day)
        named = [
            span.text for _, spans, _ in instructions(found.notes if found else (), "code_first") for span in spans
        ]
        underlying = f" (its code-first note names {', '.join(named[:6])}{', ...' if len(named) > 6 else ''})"
        yield Problem(
            f"{icd10cm_display(code)} is a manifestation code ({why}) and cannot be first-listed",
            field="diagnoses[0]",
            fix=f"list the underlying condition first{underlying if named else ''}, then {icd10cm_display(code)}",
        )
