"""PRV02: a provider who must be a person is an organisation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter

from revcycle.domain import Provider, ProviderKind
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

_PEOPLE = (
    "rendering_provider_id",
    "referring_provider_id",
    "attending_provider_id",
    "operating_provider_id",
    "other_operating_provider_id",
    "supervising_provider_id",
)
_LINE_PEOPLE = ("rendering_provider_id", "referring_provider_id")
_people_of = attrgetter(*_PEOPLE)
_line_people_of = attrgetter(*_LINE_PEOPLE)
_ORGANISATION = ProviderKind.ORGANIZATION


class ProviderMustBePerson(Edit):
    """A provider who must be a person is an organisation.

    Rendering, referring, attending, operating and supervising providers are individuals (NM102 = 1) with a
    type 1 NPI; a group's NPI in their place is rejected.

    Failing: the group practice as rendering provider. Passing: the physician as rendering provider.
    """

    code = "PRV02"
    name = "provider-must-be-person"
    category = Category.PROVIDER
    severity = Severity.ERROR
    source = "ASC X12 005010X222A1 loops 2310A/B/D, 2420A/F and 005010X223A2 loops 2310A/B/C: NM102 = 1"
    looks_at = ("rendering_provider_id", "referring_provider_id", "lines.rendering_provider_id")

    def check(self, review: Review) -> Iterable[Problem]:
        """The person roles of the claim and its lines."""
        providers = review.submitted.providers
        organisations = {provider_id for provider_id, provider in providers.items() if provider.kind is _ORGANISATION}
        # Nearly every claim names its organisations (the billing provider) in no person's role: that is seen from
        # the ids alone, each record of a role is looked at only when one of them is named there.
        if organisations and not organisations.isdisjoint(_people_of(review.claim)):
            return self._problems(review)
        for service in review.lines if organisations else ():
            if not organisations.isdisjoint(_line_people_of(service)):
                return self._problems(review)
        return ()

    @staticmethod
    def _problems(review: Review) -> Iterator[Problem]:
        claim = review.claim
        # The records looked up in place (an id not given is None, which names no record): a dozen roles a claim.
        providers = review.submitted.providers
        organisation = ProviderKind.ORGANIZATION
        for field in _PEOPLE:
            provider = providers.get(getattr(claim, field))
            if provider is not None and provider.kind is organisation:
                yield _problem(provider, field, None)
        for index, service in enumerate(claim.lines):
            for name in _LINE_PEOPLE:
                provider = providers.get(getattr(service, name))
                if provider is not None and provider.kind is organisation:
                    # The field's path is written only for a finding: most lines name no organisation.
                    yield _problem(provider, f"lines[{index}].{name}", service.line_number)


def _problem(provider: Provider, field: str, line: int | None) -> Problem:
    """The problem of an organisation named in a person's role (``field``)."""
    role = field.rsplit(".", 1)[-1].removesuffix("_provider_id").replace("_", " ")
    return Problem(f"the {role} provider {provider.name!r} is an organisation", line=line, field=field)
