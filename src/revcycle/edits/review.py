"""A claim under review: the claim as submitted, the parties it names, and what the engine knows around it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any, Literal

from revcycle.domain import Claim, ClaimKind, Coverage, Patient, Payer, Provider, ServiceLine
from revcycle.edits.reference import EditReference
from revcycle.errors import InvalidRecord

_MISSING: Any = object()
_code_of = attrgetter("code")


@dataclass(frozen=True, slots=True)
class Submitted:
    """One claim as read from a file, with every record it refers to.

    Attributes:
        claim: the claim, made as submitted (`revcycle.domain.fields.as_submitted`): rules of a well-formed claim
            it breaks are in ``broken`` rather than refused.
        patient: the patient treated, None when the input does not give it.
        coverage: the coverage billed.
        payer: the payer billed.
        providers: the providers the input gives, by record id.
        broken: the domain rules the claim (or a record it names) breaks, each naming its field.
        notes: what the reader could not keep from the input (an 837 element no record holds), for the record.
        source: the file the claim came from, for messages.
    """

    claim: Claim
    patient: Patient | None = None
    coverage: Coverage | None = None
    payer: Payer | None = None
    providers: Mapping[str, Provider] = field(default_factory=dict)
    broken: tuple[InvalidRecord, ...] = ()
    notes: tuple[str, ...] = ()
    source: str = "<claims>"


class History:
    """The other claims the engine can compare a claim with: earlier claims of the same patient.

    Holds claims from the store and from the batch under review, by patient; a claim is never compared with itself.
    """

    def __init__(self, claims: Iterable[Claim] = ()) -> None:
        self._by_patient: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            self.add(claim)

    def add(self, claim: Claim) -> None:
        """Remember ``claim`` for the claims reviewed after it."""
        self._by_patient[claim.patient_id].append(claim)

    def of_patient(self, claim: Claim) -> Sequence[Claim]:
        """The other claims of ``claim``'s patient, oldest first as added."""
        return [other for other in self._by_patient.get(claim.patient_id, ()) if other is not claim]


@dataclass(slots=True)
class Review:
    """What an edit looks at: the claim, its parties, the reference tables, the day of judgement and the history.

    Attributes:
        submitted: the claim and its parties as read.
        reference: the reference tables, answered per date of service.
        as_of: the day the claim is judged on (timely filing, dates in the future).
        history: the patient's other claims (for duplicates and global periods).
        filing_limit_days: the payer's timely filing limit from the configuration, over the payer record's.
        claim: the claim under review (``submitted.claim``).
        lines: the claim's service lines.
        professional: whether the claim is professional (837P, CMS-1500), judged by the practitioner tables.
        setting: the NCCI setting whose tables govern the claim: practitioner for professional, hospital otherwise.
        icd10cm_codes: the codes of the claim's ICD-10-CM diagnoses (``claim.diagnoses``), in order.
        diagnosis_codes: the codes line pointers count (`Claim.diagnosis_codes`).
    """

    submitted: Submitted
    reference: EditReference
    as_of: date
    history: History
    filing_limit_days: int | None = None
    # Facts every edit asks about are worked out once, as the review is made: dozens of edits read them per claim
    # (plain attributes, not properties: a property is a call each time).
    claim: Claim = field(init=False)
    lines: tuple[ServiceLine, ...] = field(init=False)
    professional: bool = field(init=False)
    setting: Literal["practitioner", "hospital"] = field(init=False)
    icd10cm_codes: tuple[str, ...] = field(init=False)
    diagnosis_codes: tuple[str, ...] = field(init=False)
    _first_service_date: date | None = field(default=None, init=False, repr=False)
    _derived: dict[Callable[[Review], Any], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.claim = self.submitted.claim
        self.lines = self.claim.lines
        self.professional = self.claim.kind is ClaimKind.PROFESSIONAL
        self.setting = "practitioner" if self.professional else "hospital"
        diagnoses = self.claim.diagnoses
        self.icd10cm_codes = tuple(map(_code_of, diagnoses))
        # The claim's property makes a new tuple each time it is read; with diagnoses, it is this one.
        self.diagnosis_codes = self.icd10cm_codes if diagnoses else self.claim.diagnosis_codes

    def derived[T](self, make: Callable[[Review], T]) -> T:
        """``make(self)`` worked out once per claim: what several edits read (the PTP edits between its lines, say).

        Keyed by ``make`` itself, a module-level function: the callers build nothing (no closure) to ask, and
        several edits ask each claim.
        """
        # A first ask per claim is as common as a repeated one: a missing key is not left to raise KeyError.
        found: T = self._derived.get(make, _MISSING)
        if found is _MISSING:
            found = self._derived[make] = make(self)
        return found

    @property
    def first_service_date(self) -> date:
        """The claim's earliest date of service (the day code sets and age are judged on), worked out once."""
        # Asked for lazily: a claim without lines has none, and only the edits that need it should fail.
        day = self._first_service_date
        if day is None:
            day = self._first_service_date = self.submitted.claim.first_service_date
        return day

    def provider(self, provider_id: str | None) -> Provider | None:
        """The provider record of ``provider_id``, None when not given."""
        return None if provider_id is None else self.submitted.providers.get(provider_id)

    def rendering_of(self, service: ServiceLine) -> str:
        """Who performed a line, as NCCI and global-period edits compare providers: its rendering or billing NPI."""
        provider_id = (
            service.rendering_provider_id or self.claim.rendering_provider_id or self.claim.billing_provider_id
        )
        provider = self.provider(provider_id)
        return provider.npi if provider is not None else provider_id

    def diagnosis_of(self, pointer: int) -> str | None:
        """The diagnosis code a line's pointer (1-based) names, None when it points past the list."""
        codes = self.diagnosis_codes
        return codes[pointer - 1] if 0 < pointer <= len(codes) else None

    def line_field(self, service: ServiceLine, name: str) -> str:
        """The path of a line's field, as findings name it (``lines[0].modifiers``)."""
        return f"lines[{self.lines.index(service)}].{name}"


def modifiers_of(service: ServiceLine) -> frozenset[str]:
    """A line's modifiers as the tables spell them (an as-submitted claim may keep them in lower case)."""
    return _modifier_set(service.modifiers) if service.modifiers else frozenset()


@lru_cache(maxsize=4096)
def _modifier_set(modifiers: tuple[str, ...]) -> frozenset[str]:
    # Claims repeat a handful of modifier combinations: each is normalised once.
    return frozenset(modifier.strip().upper() for modifier in modifiers)
