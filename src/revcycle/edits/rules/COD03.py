"""COD03: a procedure code that is not a CPT or HCPCS code valid on the line's date of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from revcycle.domain.codes import is_cpt_code
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference
from revcycle.edits.review import Review
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import CPT, HCPCS

DENTAL = "D"
"""The first letter of CDT codes: HCPCS Level II in law, but the ADA's text, which the CMS HCPCS file leaves out."""


class ProcedureCodeInvalid(Edit):
    """A procedure code is not a CPT or HCPCS code valid on the line's date of service.

    Each line's code must be in the CPT (HCPCS Level I) or HCPCS Level II release in force on its date of
    service, added on or before that day and not terminated before it: a deleted, not yet effective or invented
    code is rejected. CDT (dental) codes are not in the CMS HCPCS file and are not judged here. When the date is
    past the newest release loaded, the message says that a code added since may be missing from it.

    Failing: a line with ``99999`` (not a code), or HCPCS ``A9155`` after its termination on 2025-03-31.
    Passing: a line with the E/M visit ``99213``.
    """

    code = "COD03"
    name = "procedure-code-invalid"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = (
        "45 CFR 162.1002(a)(5) (HCPCS Level I and II are the HIPAA code sets for physician and other services); "
        "Medicare Claims Processing Manual (Pub. 100-04) ch. 23 §20.3 (use and acceptance of HCPCS codes and "
        "modifiers); CMS HCPCS quarterly update (added and termination dates)"
    )
    looks_at = ("lines.procedure_code", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Look each line's code up in the release in force on its date of service."""
        for service in review.lines:
            code, day = service.procedure_code, service.service_date
            found = review.reference.procedure_of_release(code, day)
            if found is None:
                if not code.startswith(DENTAL):
                    field = review.line_field(service, "procedure_code")
                    yield Problem(_unknown(review.reference, code, day), line=service.line_number, field=field)
            elif not found.valid:
                if found.terminated is not None and found.terminated < day:
                    when = f"terminated on {found.terminated}"
                else:
                    when = f"added on {found.added}, after the date of service"
                yield Problem(
                    f"{found.system} {code} is not valid on {day}: {when} ({found.system} {found.release_version})",
                    line=service.line_number,
                    field=review.line_field(service, "procedure_code"),
                )


def _unknown(reference: EditReference, code: str, day: date) -> str:
    """Why ``code`` is not known: the release asked, and whether a code added since it may be missing."""
    system = "CPT" if is_cpt_code(code) else "HCPCS"
    governing = in_force(reference.store, CPT if system == "CPT" else HCPCS, day)
    message = f"{code} is not a {system} code of release {governing.release.version}"
    if governing.warning is None:
        return f"{message}, the release in force on {day}"
    end = governing.release.effective_to
    return f"{message} (the newest loaded; it ends {end}, so a code added since would be missing from it)"
