"""INT01: a field the claim cannot be submitted without is missing."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import ClaimKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.inputs import provider_ids
from revcycle.edits.review import Review


class RequiredFields(Edit):
    """A field the claim cannot be submitted without is missing.

    The 837 guides require the patient, the subscriber's coverage and payer, the billing provider and every provider
    a claim names; a professional claim needs a place of service (CLM05-1), an institutional claim its type of bill
    (CLM05-1), statement period (DTP*434) and a revenue code on every line (SV201).

    Failing: a claim whose ``coverage_id`` names no coverage given with it. Passing: the same claim with its coverage.
    """

    code = "INT01"
    name = "required-fields"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 and 005010X223A2 required loops and elements (2010AA, 2010BA, 2010BB, 2300, SV2)"
    looks_at = ("patient_id", "coverage_id", "billing_provider_id", "place_of_service", "facility_type_code")

    def check(self, review: Review) -> Iterator[Problem]:
        """Parties named but not given, and the fields each kind of claim requires."""
        submitted, claim = review.submitted, review.claim
        if submitted.patient is None:
            yield Problem(f"the patient {claim.patient_id!r} is not given with the claim", field="patient_id")
        if submitted.coverage is None:
            yield Problem(f"the coverage {claim.coverage_id!r} is not given with the claim", field="coverage_id")
        elif submitted.payer is None:
            yield Problem(
                f"the payer {submitted.coverage.payer_id!r} of the coverage is not given", field="coverage_id"
            )
        for provider_id in provider_ids(claim):
            if provider_id not in submitted.providers:
                yield Problem(f"the provider {provider_id!r} the claim names is not given", field="providers")
        if claim.kind is ClaimKind.PROFESSIONAL and claim.place_of_service is None:
            yield Problem("a professional claim needs a place of service (CLM05-1)", field="place_of_service")
        if claim.kind is ClaimKind.INSTITUTIONAL:
            if claim.facility_type_code is None:
                yield Problem("an institutional claim needs its type of bill (CLM05-1)", field="facility_type_code")
            for name in ("statement_from", "statement_to"):
                if getattr(claim, name) is None:
                    yield Problem("an institutional claim needs its statement period (DTP*434)", field=name)
            for index, service in enumerate(claim.lines):
                if service.revenue_code is None:
                    yield Problem(
                        "an institutional line needs a revenue code (SV201)",
                        line=service.line_number,
                        field=f"lines[{index}].revenue_code",
                    )
