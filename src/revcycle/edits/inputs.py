"""Claims and the records they name, paired into `Submitted` claims for the scrubber.

Readers (claims JSON, 837, FHIR) make records inside `revcycle.domain.fields.as_submitted` and pass each record's
broken rules along; this module joins each claim with its patient, coverage, payer and providers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from revcycle.domain import Claim, Coverage, Patient, Payer, Provider
from revcycle.edits.review import Submitted
from revcycle.errors import InvalidRecord

_CLAIM_PROVIDERS = (
    "billing_provider_id",
    "rendering_provider_id",
    "referring_provider_id",
    "facility_provider_id",
    "attending_provider_id",
    "operating_provider_id",
    "other_operating_provider_id",
    "supervising_provider_id",
)


_claim_provider_ids = attrgetter(*_CLAIM_PROVIDERS)
_line_provider_ids = attrgetter("rendering_provider_id", "referring_provider_id")


def provider_ids(claim: Claim) -> list[str]:
    """Every provider id the claim and its lines name, each once, billing provider first."""
    # Asked for every claim read: the ids are gathered and made unique in C calls, then the unnamed ones dropped.
    named = chain(_claim_provider_ids(claim), chain.from_iterable(map(_line_provider_ids, claim.lines)))
    return [provider_id for provider_id in dict.fromkeys(named) if provider_id]


@dataclass(slots=True)
class Records:
    """Records read from one input, with the rules each broke as submitted (by kind and id).

    Attributes:
        claims: the claims, in the input's order, each with its broken rules.
        patients: by id.
        coverages: by id.
        payers: by id.
        providers: by id.
        broken: broken rules of the parties, by record id.
        source: the input's name.
    """

    claims: list[tuple[Claim, tuple[InvalidRecord, ...]]] = field(default_factory=list)
    patients: dict[str, Patient] = field(default_factory=dict)
    coverages: dict[str, Coverage] = field(default_factory=dict)
    payers: dict[str, Payer] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    broken: dict[str, tuple[InvalidRecord, ...]] = field(default_factory=dict)
    source: str = "<claims>"

    def submitted(self) -> Iterator[Submitted]:
        """Each claim joined with the records it names (those absent are None, for the edits to report)."""
        for claim, broken in self.claims:
            yield join(
                claim, broken, self.patients, self.coverages, self.payers, self.providers, self.broken, self.source
            )


def join(
    claim: Claim,
    broken: Iterable[InvalidRecord],
    patients: Mapping[str, Patient],
    coverages: Mapping[str, Coverage],
    payers: Mapping[str, Payer],
    providers: Mapping[str, Provider],
    party_broken: Mapping[str, tuple[InvalidRecord, ...]],
    source: str,
) -> Submitted:
    """A claim with its parties looked up by id."""
    coverage = coverages.get(claim.coverage_id)
    named = provider_ids(claim)
    own = {provider_id: providers[provider_id] for provider_id in named if provider_id in providers}
    every_broken = list(broken)
    for provider_id in own:
        every_broken += party_broken.get(provider_id, ())
    return Submitted(
        claim=claim,
        patient=patients.get(claim.patient_id),
        coverage=coverage,
        payer=payers.get(coverage.payer_id) if coverage is not None else None,
        providers=own,
        broken=tuple(every_broken),
        source=source,
    )
