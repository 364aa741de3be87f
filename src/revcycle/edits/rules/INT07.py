"""INT07: a replacement or void claim does not name the claim it replaces."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimFrequency
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

_REPLACES = (ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID)


class FrequencyReference(Edit):
    """A replacement or void claim does not name the claim it replaces.

    Frequency 7 (replacement) and 8 (void) need the payer's claim control number of the original claim (REF*F8);
    an original claim (frequency 1) carries none.

    Failing: frequency 7 with no original claim reference. Passing: frequency 7 with the payer's claim number.
    """

    code = "INT07"
    name = "replacement-without-original"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 loop 2300 REF*F8 (required when CLM05-3 is 7 or 8); NUBC frequency codes"
    looks_at = ("frequency", "original_claim_reference")

    def check(self, review: Review) -> Iterator[Problem]:
        """Frequency and original reference together."""
        claim = review.claim
        replaces = claim.frequency in _REPLACES
        if replaces and not claim.original_claim_reference:
            yield Problem(
                f"a frequency {claim.frequency} claim needs the payer's claim number of the original (REF*F8)",
                field="original_claim_reference",
            )
        if not replaces and claim.original_claim_reference:
            yield Problem(
                f"a frequency {claim.frequency} claim replaces no claim, yet names {claim.original_claim_reference!r}",
                field="original_claim_reference",
                fix="set the frequency to 7 (replacement) or 8 (void), or drop the reference",
            )
