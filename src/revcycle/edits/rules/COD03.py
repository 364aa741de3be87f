"""COD03: a procedure code that is not a CPT or HCPCS code valid on the line's date of service."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class ProcedureCodeInvalid(Edit):
    """A procedure code is not a CPT or HCPCS code valid on the line's date of service.

    Each line's code must be in the CPT (HCPCS Level I) or HCPCS Level II release in force on its date of
    service, added on or before that day and not terminated before it. A modifier written as a procedure code, a
    deleted code or an invented one is rejected.

    Failing: a line with ``99999`` (not a code), or HCPCS ``G0108`` after its termination. Passing: a line with the
    E/M visit ``99213``.
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
            found = review.reference.procedure(code, day)
            field = review.line_field(service, "procedure_code")
            if found is None:
                yield Problem(
                    f"{code} is not a CPT or HCPCS code in the release in force on {day}",
                    line=service.line_number,
                    field=field,
                )
            elif found.kind != "procedure":
                yield Problem(
                    f"{code} is a HCPCS {found.kind}, not a procedure code", line=service.line_number, field=field
                )
            elif not found.valid:
                if found.terminated is not None and found.terminated < day:
                    when = f"terminated on {found.terminated}"
                else:
                    when = f"added on {found.added}, after the date of service"
                yield Problem(
                    f"{found.system} {code} is not valid on {day}: {when} ({found.system} {found.release_version})",
                    line=service.line_number,
                    field=field,
                )
