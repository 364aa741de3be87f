"""GLB05: an assistant-at-surgery modifier on a code for which an assistant is never paid."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.GLB04 import indicator_lines

ASSISTANT_MODIFIERS = frozenset({"80", "81", "82", "AS"})
"""Assistant at surgery (80), minimum assistant (81), assistant when no resident is available (82), non-physician
assistant (AS)."""
_REFUSED = {
    "1": "the statutory payment restriction applies: an assistant at surgery is never paid for it",
    "9": "the assistant-at-surgery concept does not apply to the code",
}


class AssistantNotAllowed(Edit):
    """An assistant-at-surgery modifier (80, 81, 82, AS) is on a code for which an assistant is never paid.

    The physician fee schedule's assistant-at-surgery indicator 1 marks procedures under the statutory restriction:
    an assistant's claim is denied whatever the documentation (indicator 0 needs documentation of medical
    necessity and is not flagged; 2 is payable).

    Failing: 20610 (assistant indicator 1) with modifier 80. Passing: 27447 (indicator 2) with modifier 80.
    """

    code = "GLB05"
    name = "assistant-not-allowed"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "Physician fee schedule RVU file layout, assistant at surgery indicator; CMS Claims Processing Manual ch. 12 "
        "section 20.4.3 (assistant at surgery services)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = ASSISTANT_MODIFIERS
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report an assistant modifier on each code whose indicator refuses it."""
        for service, modifier, value, meaning in indicator_lines(review, ASSISTANT_MODIFIERS, "assistant", _REFUSED):
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) carries assistant-at-surgery modifier "
                f"{modifier}, but its assistant at surgery indicator is {value}: {meaning}",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=f"do not bill an assistant at surgery for {service.procedure_code}",
            )
