"""INT08: a service is dated before the patient was born."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class BeforeBirth(Edit):
    """A service is dated before the patient was born.

    Failing: a line dated 2026-03-02 for a patient born 2026-04-01. Passing: the same patient, a line on 2026-04-02.
    """

    code = "INT08"
    name = "service-before-birth"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 DMG02 (patient birth date) against DTP*472; payer front-end date edits"
    looks_at = ("lines.service_date", "patient.birth_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Line dates against the birth date."""
        patient = review.submitted.patient
        if patient is None:
            return
        for index, service in enumerate(review.lines):
            if service.service_date < patient.birth_date:
                yield Problem(
                    f"the line's date {service.service_date} is before the patient's birth ({patient.birth_date})",
                    line=service.line_number,
                    field=f"lines[{index}].service_date",
                )
