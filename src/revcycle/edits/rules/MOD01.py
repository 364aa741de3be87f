"""MOD01: modifier 25 on a code that is not an evaluation and management service."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of

_HOSPITAL_VISITS = frozenset({"G0463", "G0380", "G0381", "G0382", "G0383", "G0384"})
"""The HCPCS visit codes hospitals bill for clinic and type B emergency visits in place of E/M codes (OPPS)."""


@lru_cache(maxsize=8192)
def is_em(code: str) -> bool:
    """Whether a code is an evaluation and management visit, as the E/M modifiers and global surgery rules mean it.

    The CPT E/M section (99202-99499), the ophthalmological visit codes 92002-92014 that CMS lets stand in for
    E/M visits, and the HCPCS visit codes of hospital outpatient departments.
    """
    code = code.strip().upper()
    if code in _HOSPITAL_VISITS:
        return True
    if not code.isdigit():
        return False
    number = int(code)
    return 99202 <= number <= 99499 or 92002 <= number <= 92014


def non_em_problem(review: Review, modifier: str, meaning: str) -> Iterator[Problem]:
    """A problem for each line that carries an E/M-only ``modifier`` on a code that is not an E/M visit."""
    for service in review.lines:
        if modifier in modifiers_of(service) and not is_em(service.procedure_code):
            yield Problem(
                f"modifier {modifier} ({meaning}) is on {service.procedure_code} (line {service.line_number}), "
                "which is not an E/M visit; the modifier belongs on the E/M line",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=f"remove {modifier} from line {service.line_number} and append it to the E/M visit it describes",
            )


class Modifier25NotEm(Edit):
    """Modifier 25 is on a code that is not an E/M visit.

    Modifier 25 says that an evaluation and management service is significant and separately identifiable from a
    procedure done the same day; it belongs on the E/M code, never on the procedure. On a procedure code it is an
    invalid modifier combination and does not bypass the NCCI edits or the global surgery rules.

    Failing: 20610 with modifier 25 beside 99213. Passing: 99213 with modifier 25 beside 20610.
    """

    code = "MOD01"
    name = "modifier-25-not-em"
    category = Category.MODIFIER
    severity = Severity.ERROR
    source = (
        "CMS Claims Processing Manual ch. 12 section 30.6.6.B (modifier 25 on the E/M visit); NCCI Policy Manual "
        "for Medicare Services, ch. I section E"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers")
    when_modifiers = frozenset({"25"})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report 25 on each non-E/M line."""
        yield from non_em_problem(review, "25", "significant, separately identifiable E/M service")
