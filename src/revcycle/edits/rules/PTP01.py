"""PTP01: a column-2 code billed with its column-1 code where no modifier may bypass the NCCI PTP edit."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.PTP02 import claim_edits


class PtpNoBypass(Edit):
    """A column-2 code is billed with its column-1 code, and no modifier may bypass the NCCI edit.

    NCCI procedure-to-procedure edits deny the column-2 code of a pair billed for the same patient on the same
    date of service by the same provider. An edit with modifier indicator 0 admits no modifier at all: the column-2
    service is part of the column-1 service (or cannot be done with it), so the column-2 line is denied whatever
    modifier it carries.

    Failing: an outpatient hospital claim with 96372 and its column-2 code 96523 (indicator 0) on one date.
    Passing: the claim without the 96523 line (or the two services on different dates).
    """

    code = "PTP01"
    name = "ncci-ptp-no-bypass"
    category = Category.NCCI_PTP
    severity = Severity.ERROR
    source = (
        "NCCI Policy Manual for Medicare Services, ch. I section E (modifier indicator 0); CMS NCCI PTP edits "
        "(practitioner and hospital tables)"
    )
    looks_at = ("lines.procedure_code", "lines.service_date", "lines.rendering_provider_id", "lines.modifiers")
    when_fact = claim_edits

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each column-2 line of an indicator-0 edit."""
        # Run only on a claim where claim_edits finds something (`when_fact`).
        for edit, column1, column2 in claim_edits(review):
            if edit.modifier_indicator != "0":
                continue
            yield Problem(
                f"{column2.procedure_code} (line {column2.line_number}) is a column-2 code of "
                f"{column1.procedure_code} (line {column1.line_number}) on {column2.service_date} for the same "
                f"provider; NCCI PTP edit {edit.column1}/{edit.column2} has modifier indicator 0, so no modifier "
                "bypasses it and the column-2 line is denied",
                line=column2.line_number,
                field=review.line_field(column2, "procedure_code"),
                fix=f"remove line {column2.line_number} ({column2.procedure_code}): it is not separately payable "
                f"with {column1.procedure_code}",
            )
