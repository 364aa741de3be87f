"""ICD04: a code whose "use additional code" note names specific codes, none of which is on the claim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference, over_answers
from revcycle.edits.review import Review
from revcycle.edits.rules.ICD01 import CodeSpan, SpanSet, by_notes, instructions
from revcycle.refdata.icd10cm import Icd10cmCode

OPTIONAL = ("if ", "any ", "such as", " all ", " associated ", "chapter")
"""Words that make a "use additional code" instruction depend on what is documented ("if applicable", "if
known", "any ...", "such as" examples, an "associated" condition, "(Chapter 20)" alternatives): the claim alone
cannot tell that a code is missing."""
EXTERNAL_CAUSES = CodeSpan("V00", "Y99", "V00-Y99")
"""External cause codes, reported voluntarily unless a payer or state requires them (guideline I.C.20)."""
INFECTIOUS_AGENTS = CodeSpan("B95", "B97", "B95-B97")
"""Supplementary codes of the infectious agent, reported when the organism is identified (guideline I.C.1)."""
SUPPLEMENTARY = (EXTERNAL_CAUSES, INFECTIOUS_AGENTS)


def required(code: str, found: Icd10cmCode) -> tuple[tuple[str, str, SpanSet], ...]:
    """The instructions of a code that require one of the codes they name: (header, where written, spans).

    An instruction is left out when it is written for a whole chapter or block (antimicrobial resistance, retained
    foreign bodies, weeks of gestation: general reminders), is a list ("to identify:"), is qualified (see
    `OPTIONAL`), or names only external causes or infectious agents (see `SUPPLEMENTARY`); a span that takes in
    the code itself is no second code.
    """
    kept = []
    for header, named, where in instructions(found.notes, "use_additional_code"):
        text = f" {header.lower()} "
        general = where.startswith("Chapter") or "-" in where
        if general or header.endswith(":") or any(word in text for word in OPTIONAL):
            continue
        spans = SpanSet.of(span for span in named if not span.covers(code))
        supplementary = all(
            any(kind.covers(span.low) and kind.covers(span.high) for kind in SUPPLEMENTARY) for span in spans.spans
        )
        if spans and not supplementary:
            kept.append((header, where, spans))
    return tuple(kept)


class UseAdditionalMissing(Edit):
    """A code's "use additional code" note names codes, none of which is on the claim.

    Where the tabular requires a second code to complete the picture ("use additional code to identify stage of
    chronic kidney disease (N18.1-N18.6)"), the claim should carry one of the codes it names. Only instructions
    that name explicit codes and are unconditional are checked: lists introduced by "to identify:", notes
    qualified "if applicable", "if known", "any" or "such as", and external cause codes (voluntary, I.C.20) depend
    on what the record documents, so the claim alone cannot show them missing.

    Failing: diagnosis ``E11.22`` alone (type 2 diabetes with diabetic CKD, no CKD stage). Passing: ``E11.22`` and
    ``N18.31``.
    """

    code = "ICD04"
    name = "use-additional-missing"
    category = Category.ICD_CONVENTION
    severity = Severity.WARNING
    source = (
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.B.7 (multiple coding for a single "
        "condition: 'use additional code' notes) and §I.A.13 (etiology/manifestation convention)"
    )
    looks_at = ("diagnoses", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Check each required instruction of each diagnosis against the claim's other diagnoses."""
        day = review.first_service_date
        codes = review.icd10cm_codes
        rules = review.reference.derivations(_required_of)
        for index, code in enumerate(codes):
            rule = rules.on(code, day)
            if rule is None:
                continue
            listed, instructions_kept = rule
            for header, where, spans in instructions_kept:
                if any(spans.covers(other) for other in codes):
                    continue
                written = "its note" if where == listed else f"the note at {where}"
                yield Problem(
                    f"{listed}: {written} says 'use additional {header}', and none of those codes is on the claim",
                    field=f"diagnoses[{index}]",
                    fix=f"add the code the record documents ({spans})",
                )


@over_answers("icd10cm")
def _required_of(
    reference: EditReference, code: str, day: date
) -> tuple[str, tuple[tuple[str, str, SpanSet], ...]] | None:
    """A diagnosis's code as listed on ``day`` and its required instructions (see `required`).

    None when the release has no such code. Worked out once per code and span of days (see `over_answers`).
    """
    found = reference.icd10cm(code, day)
    if found is None:
        return None
    return found.code, by_notes(found.notes, ("required", code), partial(required, code, found))
