"""The people and organisations of a claim: patients, providers, payers and the coverage that links them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from revcycle.domain import codes
from revcycle.domain.fields import (
    Normaliser,
    a_date,
    count,
    instance,
    line,
    one_of,
    optional,
    optional_date,
    optional_line,
    record_id,
)
from revcycle.domain.npi import npi_problem


class Sex(StrEnum):
    """Administrative sex as X12 carries it (DMG03); the Medicare Code Editor checks diagnoses against it."""

    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "U"


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonName:
    """A person's name as NM1 carries it.

    Attributes:
        last: NM103, the last name.
        first: NM104, the first name.
        middle: NM105, the middle name or initial.
        suffix: NM107, e.g. Jr or III.
    """

    last: str
    first: str = ""
    middle: str = ""
    suffix: str = ""

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("last", line, max_length=60)
        check("first", line, max_length=35, required=False)
        check("middle", line, max_length=25, required=False)
        check("suffix", line, max_length=10, required=False)

    def __str__(self) -> str:
        given = " ".join(part for part in (self.first, self.middle) if part)
        full = f"{self.last}, {given}" if given else self.last
        return f"{full} {self.suffix}" if self.suffix else full


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address (N3/N4).

    Attributes:
        line1: N301, the street address.
        line2: N302, the second address line.
        city: N401.
        state: N402, the two-letter state code.
        postal_code: N403, a 5- or 9-digit ZIP code (billing provider addresses need all nine digits).
    """

    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("line1", line, max_length=55)
        check("line2", line, max_length=55, required=False)
        check("city", line, max_length=30)
        check("state", codes.state)
        check("postal_code", codes.postal_code)


@dataclass(frozen=True, slots=True, kw_only=True)
class Patient:
    """The person who received the care.

    Attributes:
        id: revcycle's identifier of the patient.
        name: the patient's name (loop 2010BA or 2010CA, NM1*IL / NM1*QC).
        birth_date: DMG02; with the date of service it gives the age that age edits judge.
        sex: DMG03; the sex that sex edits judge.
        address: N3/N4 of the patient.
        medical_record_number: the practice's chart number (REF*EA), used on statements and worklists.
    """

    id: str
    name: PersonName
    birth_date: date
    sex: Sex
    address: Address | None = None
    medical_record_number: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("id", record_id)
        check("name", instance(PersonName))
        check("birth_date", a_date)
        check("sex", one_of(Sex))
        check("address", optional(instance(Address)))
        check("medical_record_number", optional_line, max_length=50)

    def age_on(self, day: date) -> int:
        """The patient's age in whole years on ``day`` (the date of service, for age edits)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


class ProviderKind(StrEnum):
    """NM102, the entity type qualifier: a person or an organisation."""

    INDIVIDUAL = "1"
    ORGANIZATION = "2"


@dataclass(frozen=True, slots=True, kw_only=True)
class Provider:
    """A provider of care: a physician or other practitioner, or an organisation such as a practice or hospital.

    Attributes:
        id: revcycle's identifier of the provider.
        kind: individual (rendering, referring) or organisation (billing provider, facility).
        npi: NM109 with qualifier XX, validated by its check digit.
        name: NM103, the last name of a person or the name of an organisation.
        first_name: NM104, a person's first name; empty for an organisation.
        taxonomy: PRV03, the NUCC taxonomy code of the specialty billed under.
        tax_id: REF*EI, the federal tax id of a billing provider (nine digits).
        address: N3/N4; a billing provider's must be a street address with a 9-digit ZIP.
    """

    id: str
    kind: ProviderKind
    npi: str
    name: str
    first_name: str = ""
    taxonomy: str | None = None
    tax_id: str | None = None
    address: Address | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("id", record_id)
        check("kind", one_of(ProviderKind))
        npi = check("npi", codes.npi_digits)
        problem = npi_problem(npi)
        if problem is not None:
            check.rule("npi", problem)
        check("name", line, max_length=60)
        check("first_name", line, max_length=35, required=False)
        check("taxonomy", optional(codes.taxonomy))
        check("tax_id", optional(codes.tax_id))
        check("address", optional(instance(Address)))
        if self.kind is ProviderKind.ORGANIZATION and self.first_name:
            raise check.fail("first_name", "an organisation has no first name")

    @property
    def display_name(self) -> str:
        """The name as a biller reads it: "Last, First" for a person, the name for an organisation."""
        return f"{self.name}, {self.first_name}" if self.first_name else self.name


class ClaimFilingIndicator(StrEnum):
    """SBR09 / CLP06: the kind of insurance plan, which decides many payer rules."""

    MEDICARE_PART_A = "MA"
    MEDICARE_PART_B = "MB"
    MEDICAID = "MC"
    COMMERCIAL = "CI"
    BLUE_CROSS_BLUE_SHIELD = "BL"
    HMO = "HM"
    PPO = "12"
    POS = "13"
    EPO = "14"
    INDEMNITY = "15"
    HMO_MEDICARE_RISK = "16"
    AUTOMOBILE_MEDICAL = "AM"
    CHAMPUS = "CH"
    DISABILITY = "DS"
    FEDERAL_EMPLOYEES = "FI"
    LIABILITY_MEDICAL = "LM"
    OTHER_FEDERAL = "OF"
    TITLE_V = "TV"
    VETERANS_AFFAIRS = "VA"
    WORKERS_COMPENSATION = "WC"
    MUTUALLY_DEFINED = "ZZ"
    SELF_PAY = "09"
    OTHER_NON_FEDERAL = "11"


@dataclass(frozen=True, slots=True, kw_only=True)
class Payer:
    """A health plan that pays claims.

    Attributes:
        id: revcycle's identifier of the payer.
        name: NM103 of loop 2010BB, the payer's name.
        payer_identifier: NM109 of loop 2010BB, the payer id the clearinghouse routes on.
        claim_filing_indicator: SBR09, the kind of plan (Medicare Part B, commercial, ...).
        address: the payer's claims address (N3/N4 of loop 2010BB).
        timely_filing_days: days after the date of service within which the payer accepts a claim.
    """

    id: str
    name: str
    payer_identifier: str
    claim_filing_indicator: ClaimFilingIndicator
    address: Address | None = None
    timely_filing_days: int | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("id", record_id)
        check("name", line, max_length=60)
        check("payer_identifier", line, max_length=80)
        check("claim_filing_indicator", one_of(ClaimFilingIndicator))
        check("address", optional(instance(Address)))
        check("timely_filing_days", optional(lambda value: count(value, minimum=1, maximum=3650)))

    @property
    def is_medicare(self) -> bool:
        """Whether the plan is original Medicare, Part A or B (SBR09 MA or MB), whose rules CMS publishes."""
        return self.claim_filing_indicator in _ORIGINAL_MEDICARE


_ORIGINAL_MEDICARE = frozenset({ClaimFilingIndicator.MEDICARE_PART_A, ClaimFilingIndicator.MEDICARE_PART_B})


class CoverageOrder(StrEnum):
    """SBR01, the payer responsibility sequence: who is billed first."""

    PRIMARY = "P"
    SECONDARY = "S"
    TERTIARY = "T"


class Relationship(StrEnum):
    """SBR02 / PAT01, the patient's relationship to the subscriber (individual relationship codes)."""

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    EMPLOYEE = "20"
    UNKNOWN = "21"
    ORGAN_DONOR = "39"
    CADAVER_DONOR = "40"
    LIFE_PARTNER = "53"
    OTHER = "G8"


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscriber:
    """The insured person when it is not the patient (loop 2010BA).

    Attributes:
        name: NM1*IL, the subscriber's name.
        birth_date: DMG02 of the subscriber.
        sex: DMG03 of the subscriber.
        address: N3/N4 of the subscriber.
    """

    name: PersonName
    birth_date: date | None = None
    sex: Sex = Sex.UNKNOWN
    address: Address | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("name", instance(PersonName))
        check("birth_date", optional_date)
        check("sex", one_of(Sex))
        check("address", optional(instance(Address)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """A patient's insurance with one payer, in its place in the order of payers.

    Attributes:
        id: revcycle's identifier of the coverage.
        patient_id: the patient covered.
        payer_id: the payer that insures.
        order: SBR01, primary, secondary or tertiary.
        member_id: NM109 of the subscriber (loop 2010BA), the id on the insurance card.
        group_number: SBR03, the group or policy number.
        relationship: SBR02 / PAT01, the patient's relationship to the subscriber.
        subscriber: the insured person when not the patient; None when the patient is the subscriber.
        plan_name: SBR04, the group or plan name.
        effective_from: first day of coverage.
        effective_to: last day of coverage, None while it lasts.
    """

    id: str
    patient_id: str
    payer_id: str
    order: CoverageOrder
    member_id: str
    relationship: Relationship = Relationship.SELF
    group_number: str | None = None
    subscriber: Subscriber | None = None
    plan_name: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        for field in ("id", "patient_id", "payer_id"):
            check(field, record_id)
        check("order", one_of(CoverageOrder))
        check("member_id", line, max_length=80)
        check("relationship", one_of(Relationship))
        check("group_number", optional_line, max_length=50)
        check("subscriber", optional(instance(Subscriber)))
        check("plan_name", optional_line, max_length=60)
        check("effective_from", optional_date)
        check("effective_to", optional_date)
        if self.relationship is Relationship.SELF and self.subscriber is not None:
            raise check.fail("subscriber", "the patient is the subscriber (relationship 18); give no other subscriber")
        if self.relationship is not Relationship.SELF and self.subscriber is None:
            raise check.fail("subscriber", "the patient is not the subscriber; the subscriber is required")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise check.fail("effective_to", "coverage ends before it starts")

    def is_active_on(self, day: date) -> bool:
        """Whether the coverage is in force on ``day``."""
        starts = self.effective_from is None or self.effective_from <= day
        lasts = self.effective_to is None or day <= self.effective_to
        return starts and lasts
