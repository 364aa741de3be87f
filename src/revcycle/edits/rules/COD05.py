"""COD05: a place of service code not in the CMS place of service code set on the date of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from revcycle.domain.place_of_service import PLACES_OF_SERVICE
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class PlaceOfServiceInvalid(Edit):
    """A place of service is not a code of the CMS place of service code set valid on the date of service.

    The claim's place of service (CLM05-1) and any line's own (SV105) must be a code of the CMS set in use on the
    date of service: unassigned codes (``28``, ``35``) and codes past their stop date are rejected.

    Failing: place of service ``28``. Passing: place of service ``11`` (office).
    """

    code = "COD05"
    name = "place-of-service-invalid"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = (
        "CMS Place of Service Code Set (X12 code source 237); Medicare Claims Processing Manual (Pub. 100-04) ch. 26 "
        "§10.5 (place of service codes, item 24B)"
    )
    looks_at = ("place_of_service", "lines.place_of_service", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Look the claim's and each line's place of service up in the code set as of the date of service."""
        claim = review.claim
        if claim.place_of_service is not None:
            problem = self._problem(review, claim.place_of_service, review.first_service_date)
            if problem is not None:
                yield Problem(problem, field="place_of_service")
        for service in review.lines:
            if service.place_of_service is None:
                continue
            problem = self._problem(review, service.place_of_service, service.service_date)
            if problem is not None:
                yield Problem(problem, line=service.line_number, field=review.line_field(service, "place_of_service"))

    @staticmethod
    def _problem(review: Review, code: str, day: date) -> str | None:
        found = review.reference.place_of_service(code, day)
        if found is None:
            # A code newer than the list loaded (the 2021 list predates POS 10 and 27) is still a CMS code: the
            # current set revcycle's records are checked against says so.
            if code in PLACES_OF_SERVICE:
                return None
            return f"{code} is not a code of the CMS place of service code set"
        if found.valid is False:
            title = found.attributes.get("title") or found.description
            return f"place of service {code} ({title}) is not valid on {day}"
        return None
