"""INT00: the claim breaks a rule every well-formed claim keeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from revcycle.domain.fields import as_submitted
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class RecordRules(Edit):
    """The claim breaks a rule every well-formed claim keeps.

    The rules revcycle's claim records enforce when they are made (a total that is the sum of the lines, a line's
    end date not before its start, a modifier not repeated on a line, a check digit that fits the NPI, ...) are
    reported here when no more specific edit names the same field.

    Failing: a line with modifiers ``[RT, RT]``. Passing: the same line with ``[RT]``.
    """

    code = "INT00"
    name = "record-rules"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "revcycle claim record rules (X12 005010X222A1/X223A2 situational rules, CMS-1500/UB-04 instructions)"
    looks_at = ("claim", "lines", "providers")

    def check(self, review: Review) -> Iterator[Problem]:
        """Rebuild the records of a claim that was read with broken rules, and report each rule with its place."""
        if not review.submitted.broken:
            return
        for index, service in enumerate(review.lines):
            with as_submitted() as broken:
                replace(service)
            for error in broken:
                yield Problem(error.reason, line=service.line_number, field=f"lines[{index}].{error.field}")
        with as_submitted() as broken:
            replace(review.claim)
        for error in broken:
            yield Problem(error.reason, field=error.field)
        for provider_id, provider in review.submitted.providers.items():
            with as_submitted() as broken:
                replace(provider)
            for error in broken:
                yield Problem(f"provider {provider_id}: {error.reason}", field=f"providers.{provider_id}.{error.field}")
