"""ICD03: a code whose "code first" note names an underlying condition that is not listed before it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference, over_answers
from revcycle.edits.review import Review
from revcycle.edits.rules.ICD01 import CodeSpan, SpanSet, by_notes, instructions
from revcycle.edits.rules.ICD02 import manifestation_source
from revcycle.refdata.icd10cm import Icd10cmCode

CONDITIONAL = ("if ", "for adverse effect")
"""Words that make a code-first instruction apply only in some cases (a poisoning is sequenced before its
manifestations; only an adverse effect follows the nature of the effect)."""


class CodeFirstMissing(Edit):
    """A code's "code first" note names an underlying condition that is not listed before it.

    A manifestation code ("in diseases classified elsewhere") is always paired with its underlying condition,
    listed first: this edit warns when none of the conditions its code-first note names precedes it. Other codes
    carry code-first notes that apply only when such a condition is present ("if known", §I.B.7): for them it
    warns only when a named condition is on the claim but listed after the code. A first-listed manifestation is
    ICD02's error.

    Failing: diagnoses ``I10`` then ``F02.80`` (no Alzheimer's or other named condition before the dementia), or
    ``I50.9`` then ``I11.0`` (hypertensive heart disease is sequenced first). Passing: ``G30.9`` then ``F02.80``.
    """

    code = "ICD03"
    name = "code-first-missing"
    category = Category.ICD_CONVENTION
    severity = Severity.WARNING
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.A.13 (etiology/manifestation: code first "
        "the underlying condition) and §I.B.7 (multiple coding for a single condition)"
    )
    looks_at = ("diagnoses", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Compare each code's code-first spans with the diagnoses listed before and after it."""
        day = review.first_service_date
        codes = review.icd10cm_codes
        rules = review.reference.derivations(_code_first)
        for index, code in enumerate(codes):
            rule = rules.on(code, day)
            if rule is None:
                continue
            listed, manifestation, spans = rule
            if manifestation and index == 0:
                continue
            if not spans.spans:  # (the attribute, not SpanSet.__bool__: a call saved for most codes)
                continue
            if any(spans.covers(other) for other in codes[:index]):
                continue
            after = [other for other in codes[index + 1 :] if spans.covers(other)]
            if after:
                yield Problem(
                    f"{listed}'s code-first note names {icd10cm_display(after[0])}, which is listed after it: "
                    "the underlying condition is sequenced first",
                    field=f"diagnoses[{index}]",
                    fix=f"list {icd10cm_display(after[0])} before {listed}",
                )
            elif manifestation:
                yield Problem(
                    f"{listed} is a manifestation code and no underlying condition its code-first note names "
                    f"({spans}) is listed before it",
                    field=f"diagnoses[{index}]",
                    fix=f"code the underlying condition first, then {listed}",
                )


@over_answers("icd10cm", "mce")
def _code_first(reference: EditReference, code: str, day: date) -> tuple[str, bool, SpanSet] | None:
    """A diagnosis's code-first rule on ``day``: its code as listed, whether it is a manifestation, the spans.

    None when the release has no such code. Worked out once per code and span of days (see `over_answers`).
    """
    found = reference.icd10cm(code, day)
    if found is None:
        return None
    manifestation = manifestation_source(reference, code, day) is not None
    key = ("code_first", code, manifestation)
    return found.code, manifestation, by_notes(found.notes, key, partial(_spans, code, found, manifestation))


def _spans(code: str, found: Icd10cmCode, manifestation: bool) -> SpanSet:
    """The spans of a code's code-first instructions that the check applies (all of them for a manifestation)."""
    spans: list[CodeSpan] = []
    for header, named, _ in instructions(found.notes, "code_first"):
        if not manifestation and any(word in header.lower() for word in CONDITIONAL):
            continue
        spans.extend(span for span in named if not span.covers(code))
    return SpanSet.of(spans)
