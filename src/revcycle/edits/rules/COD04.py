"""COD04: a modifier that is neither a CPT modifier nor a HCPCS Level II modifier valid on the date of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import HCPCS

CPT_MODIFIERS = frozenset(
    (
        # CPT Appendix A: the two-digit modifiers of CPT (professional, and those approved for hospital outpatient
        # use, 27, 73 and 74), and the Category II performance measurement modifiers. The AMA publishes them; the
        # HCPCS Level II file does not carry them, so they are listed here by code only.
        *("22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55", "56", "57"),
        *("58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81", "82", "90", "91", "92"),
        *("93", "95", "96", "97", "99", "1P", "2P", "3P", "8P"),
    )
)
"""The CPT modifiers (HCPCS Level I); Level II modifiers come from the HCPCS release in force."""


class ModifierInvalid(Edit):
    """A modifier is neither a CPT modifier nor a HCPCS Level II modifier valid on the date of service.

    Modifiers are CPT's two-digit (and Category II) modifiers or the HCPCS Level II modifiers of the release in
    force, each usable from its added date until its termination: a retired modifier (``JG`` ended 2024-12-31) or
    an invented one is rejected.

    Failing: ``99213`` with modifier ``ZZ``, or ``J1885`` with ``JG`` in 2026. Passing: ``20610`` with ``RT``.
    """

    code = "COD04"
    name = "modifier-invalid"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = (
        "Medicare Claims Processing Manual (Pub. 100-04) ch. 23 §20.3 (use and acceptance of HCPCS codes and "
        "modifiers); CMS HCPCS Level II modifier file (added and termination dates); AMA CPT Appendix A (modifiers); "
        "Pub. 100-04 ch. 15 §30 (ambulance origin and destination modifiers)"
    )
    looks_at = ("lines.modifiers", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Check each modifier against the CPT list and the HCPCS release in force on the line's date."""
        for service in review.lines:
            day = service.service_date
            for modifier in service.modifiers:
                if modifier in CPT_MODIFIERS or _ambulance_trip(service.procedure_code, modifier):
                    continue
                found = review.reference.procedure_of_release(modifier, day)
                field = review.line_field(service, "modifiers")
                if found is None or found.kind != "modifier":
                    release = _release(review, day)
                    message = f"{modifier} is neither a CPT modifier nor a HCPCS Level II modifier of release {release}"
                elif not found.valid:
                    if found.terminated is not None and found.terminated < day:
                        when = f"was terminated on {found.terminated}"
                    else:
                        when = f"is effective only from {found.added}"
                    message = f"HCPCS modifier {modifier} ({found.short_description}) {when}, so not valid on {day}"
                else:
                    continue
                yield Problem(message, line=service.line_number, field=field)


AMBULANCE_ENDS = frozenset("DEGHIJNPRSX")
"""The letters of an ambulance trip's origin and destination (D diagnostic site, E residential facility, G hospital
dialysis, H hospital, I transfer site, J free-standing dialysis, N skilled nursing facility, P physician's office,
R residence, S scene of accident, X intermediate stop), which form its modifier two at a time (RH: residence to
hospital): the HCPCS file lists no such pairs."""


def _ambulance_trip(code: str, modifier: str) -> bool:
    """Whether ``modifier`` is an origin and destination pair on an ambulance transport line (HCPCS A0xxx)."""
    # X (an intermediate stop) is a destination only; the pairs mean nothing on other services.
    if not code.startswith("A0") or len(modifier) != 2:
        return False
    return modifier[0] in AMBULANCE_ENDS - {"X"} and modifier[1] in AMBULANCE_ENDS


def _release(review: Review, day: date) -> str:
    """The HCPCS release asked, for the message, and whether a modifier added since may be missing from it."""
    governing = in_force(review.reference.store, HCPCS, day)
    if governing.warning is None:
        return governing.release.version
    end = governing.release.effective_to
    return f"{governing.release.version} (the newest loaded; it ends {end}, so one added since would be missing)"
