"""DUP02: the claim duplicates a claim already billed."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.domain import Claim, ClaimFrequency
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


def _services(claim: Claim) -> frozenset[tuple[object, ...]]:
    return frozenset(
        (service.procedure_code, tuple(sorted(service.modifiers)), service.service_date, service.revenue_code)
        for service in claim.lines
    )


class DuplicateClaim(Edit):
    """The claim duplicates a claim already billed.

    An original claim (frequency 1) for the same patient, billing provider, payer coverage and services as a claim
    already billed is denied as a duplicate (CARC 18); a correction is sent as a replacement (frequency 7).

    Failing: a claim whose services equal an earlier claim's. Passing: the same claim sent as frequency 7.
    """

    code = "DUP02"
    name = "duplicate-claim"
    category = Category.DUPLICATE
    severity = Severity.ERROR
    source = "X12 CARC 18 (exact duplicate claim/service); CMS Pub. 100-04 ch. 1 section 70.8 (corrected claims)"
    looks_at = ("patient_id", "billing_provider_id", "coverage_id", "lines")

    def check(self, review: Review) -> Iterator[Problem]:
        """Earlier claims of the patient with the same provider, coverage and services."""
        claim = review.claim
        if claim.frequency is not ClaimFrequency.ORIGINAL:
            return
        earlier = review.history.of_patient(claim)
        if not earlier:
            return
        services: frozenset[tuple[object, ...]] | None = None  # gathered for the first earlier claim that may match
        # Equal services need the other claim's first line among the claim's own (code and date): one look rules
        # out most earlier claims before their services are gathered.
        code_dates = {(service.procedure_code, service.service_date) for service in claim.lines}
        for other in earlier:
            if (
                other.billing_provider_id == claim.billing_provider_id
                and other.coverage_id == claim.coverage_id
                and other.frequency is not ClaimFrequency.VOID
                and (not other.lines or (other.lines[0].procedure_code, other.lines[0].service_date) in code_dates)
                and _services(other) == (services := services or _services(claim))
            ):
                yield Problem(
                    f"the services duplicate claim {other.patient_control_number!r}",
                    field="lines",
                    fix=f"send a replacement (frequency 7) of {other.patient_control_number!r} to correct it",
                )
                return
