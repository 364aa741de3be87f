"""PRV03: the billing provider lacks its tax id or address."""

from __future__ import annotations

from collections.abc import Iterator

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


class BillingProviderDetails(Edit):
    """The billing provider lacks its tax id or address.

    The billing provider loop (2010AA) requires a street address (N3/N4) and the tax identification number
    (REF*EI or REF*SY) under which the payer reports payments.

    Failing: a billing provider with no tax id. Passing: the same provider with EIN 123456789.
    """

    code = "PRV03"
    name = "billing-provider-details"
    category = Category.PROVIDER
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1/X223A2 loop 2010AA: N3, N4 and REF (EI/SY) required"
    looks_at = ("billing_provider_id",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Tax id and address of the billing provider."""
        provider = review.provider(review.claim.billing_provider_id)
        if provider is None:
            return
        if provider.tax_id is None:
            yield Problem(f"the billing provider {provider.name!r} has no tax id (REF*EI)", field="billing_provider_id")
        if provider.address is None:
            yield Problem(f"the billing provider {provider.name!r} has no address (N3/N4)", field="billing_provider_id")
