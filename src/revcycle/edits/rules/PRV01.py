"""PRV01: a provider's NPI fails its check digit."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from revcycle.domain.npi import npi_problem
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review


@lru_cache(maxsize=65536)
def _npi_problem(npi: str) -> str | None:
    # A batch names the same few providers on every claim: each NPI is checked once.
    return npi_problem(npi)


class NpiCheckDigit(Edit):
    """A provider's NPI fails its check digit.

    Every NPI is ten digits whose last is the Luhn check digit computed with the prefix 80840; a mistyped NPI is
    rejected by the clearinghouse before the payer sees the claim.

    Failing: a rendering provider with NPI 1245319590. Passing: NPI 1245319599.
    """

    code = "PRV01"
    name = "npi-check-digit"
    category = Category.PROVIDER
    severity = Severity.ERROR
    source = "45 CFR 162.406 and CMS NPI check digit standard (ISO/IEC 7812 Luhn with prefix 80840)"
    looks_at = ("providers.npi",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Every provider the claim names."""
        for provider_id, provider in review.submitted.providers.items():
            problem = _npi_problem(provider.npi)
            if problem is not None:
                yield Problem(f"provider {provider_id}: {problem}", field=f"providers.{provider_id}.npi")
