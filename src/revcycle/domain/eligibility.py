"""Eligibility and claim status requests and the payer's eligibility answer (270, 271 and 276).

Before the visit a practice asks the payer whether the patient is covered and for what (a 270 eligibility inquiry);
the payer answers with a 271: per subscriber and dependent, benefits (EB segments) saying active or inactive
coverage, deductibles, co-payments, co-insurance and out-of-pocket amounts, or AAA rejections when it cannot answer.
After the claim is sent, a 276 asks where it stands; the answer is a 277 (`revcycle.domain.acknowledgment`).

The requests here are built from the records the practice already holds (payer, provider, patient, coverage), so
a request can only name what a claim could name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from revcycle.domain.claim import ServiceLine
from revcycle.domain.fields import (
    FieldError,
    Normaliser,
    a_date,
    instance,
    line,
    one_of,
    optional,
    optional_date,
    optional_line,
)
from revcycle.domain.money import money, quantity
from revcycle.domain.parties import Coverage, Patient, Payer, Provider, Relationship, Sex
from revcycle.domain.source import Source

_SERVICE_TYPE = re.compile(r"[0-9A-Z]{1,2}")
_CODE = re.compile(r"[0-9A-Z]{1,3}")
# Percentages in EB08 are fractions (0.2 is 20 %); a few senders write 20. Either way at most 100.
MAX_PERCENT = Decimal(100)


def _code_check(expression: re.Pattern[str], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = line(value, max_length=30).upper()
        if not expression.fullmatch(text):
            raise FieldError(f"{value!r} is not {what}")
        return text

    return check


service_type = _code_check(_SERVICE_TYPE, "a service type code (1 or 2 letters or digits, e.g. 30, 98, MH)")
_short_code = _code_check(_CODE, "a code of 1 to 3 letters or digits")


def percent(value: object) -> Decimal:
    """A percentage as X12 carries it (EB08, a fraction such as ``.20``), as a Decimal from 0 to 100.

    Raises:
        FieldError: for floats, non-numbers and values outside 0..100.
    """
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise FieldError(f"{value!r} is not a decimal percentage")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise FieldError(f"{value!r} is not a decimal percentage") from None
    if not number.is_finite() or not 0 <= number <= MAX_PERCENT:
        raise FieldError(f"{value!r} is not a percentage from 0 to 100")
    return number


class BenefitInformation(StrEnum):
    """EB01, the eligibility or benefit information code: what an EB segment says."""

    ACTIVE_COVERAGE = "1"
    ACTIVE_FULL_RISK_CAPITATION = "2"
    ACTIVE_SERVICES_CAPITATED = "3"
    ACTIVE_SERVICES_CAPITATED_TO_PRIMARY_CARE_PHYSICIAN = "4"
    ACTIVE_PENDING_INVESTIGATION = "5"
    INACTIVE = "6"
    INACTIVE_PENDING_ELIGIBILITY_UPDATE = "7"
    INACTIVE_PENDING_INVESTIGATION = "8"
    CO_INSURANCE = "A"
    CO_PAYMENT = "B"
    DEDUCTIBLE = "C"
    COVERAGE_BASIS = "CB"
    BENEFIT_DESCRIPTION = "D"
    EXCLUSIONS = "E"
    LIMITATIONS = "F"
    OUT_OF_POCKET = "G"
    UNLIMITED = "H"
    NON_COVERED = "I"
    COST_CONTAINMENT = "J"
    RESERVE = "K"
    PRIMARY_CARE_PROVIDER = "L"
    PRE_EXISTING_CONDITION = "M"
    MANAGED_CARE_COORDINATOR = "MC"
    SERVICES_RESTRICTED_TO_PROVIDER = "N"
    NOT_DEEMED_A_MEDICAL_NECESSITY = "O"
    BENEFIT_DISCLAIMER = "P"
    SECOND_SURGICAL_OPINION_REQUIRED = "Q"
    OTHER_OR_ADDITIONAL_PAYER = "R"
    PRIOR_YEAR_HISTORY = "S"
    CARD_REPORTED_LOST_STOLEN = "T"
    CONTACT_FOLLOWING_ENTITY = "U"
    CANNOT_PROCESS = "V"
    OTHER_SOURCE_OF_DATA = "W"
    HEALTH_CARE_FACILITY = "X"
    SPEND_DOWN = "Y"

    @property
    def active(self) -> bool:
        """Whether the code says the coverage is active (1 to 5)."""
        return self.value in {"1", "2", "3", "4", "5"}

    @property
    def inactive(self) -> bool:
        """Whether the code says the coverage is not active (6 to 8)."""
        return self.value in {"6", "7", "8"}


class TimePeriod(StrEnum):
    """EB06, the period a benefit amount applies to (a calendar-year deductible, what remains of it, ...)."""

    HOUR = "6"
    DAY = "7"
    TWENTY_FOUR_HOURS = "13"
    YEARS = "21"
    SERVICE_YEAR = "22"
    CALENDAR_YEAR = "23"
    YEAR_TO_DATE = "24"
    CONTRACT = "25"
    EPISODE = "26"
    VISIT = "27"
    OUTLIER = "28"
    REMAINING = "29"
    EXCEEDED = "30"
    NOT_EXCEEDED = "31"
    LIFETIME = "32"
    LIFETIME_REMAINING = "33"
    MONTH = "34"
    WEEK = "35"
    ADMISSION = "36"


class YesNo(StrEnum):
    """EB11 / EB12: yes, no, unknown, or (EB12 only) W, not applicable (the benefit is the same in and out)."""

    YES = "Y"
    NO = "N"
    UNKNOWN = "U"
    NOT_APPLICABLE = "W"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """An AAA segment: the payer cannot answer, and why (invalid member id, subscriber not found, ...).

    Attributes:
        valid_request: AAA01, Y when the request was valid but could not be answered, N when it was invalid.
        reason_code: AAA03, the reject reason (e.g. 72 invalid member id, 75 subscriber not found, 42 unable to
            respond now, 79 invalid participant identification).
        follow_up: AAA04, what to do (C correct and resubmit, N resubmission not allowed, R resubmit, W wait).
    """

    valid_request: bool
    reason_code: str
    follow_up: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        if not isinstance(self.valid_request, bool):
            raise check.fail("valid_request", f"{self.valid_request!r} is not true or false")
        check("reason_code", _short_code)
        check("follow_up", optional(_short_code))


@dataclass(frozen=True, slots=True, kw_only=True)
class EligibilityDate:
    """A DTP segment of a 271: a date or span with its meaning.

    Attributes:
        qualifier: DTP01, what the date is (346 plan begin, 347 plan end, 291 plan, 307 eligibility, 356 eligibility
            begin, 357 eligibility end, 292 benefit, 348 benefit begin, 349 benefit end, 472 service, ...).
        start: DTP03, the date, or the first day of an RD8 span.
        end: the last day of an RD8 span; None for a single date.
    """

    qualifier: str
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("qualifier", _short_code)
        check("start", a_date)
        check("end", optional_date)
        if self.end is not None and self.end < self.start:
            raise check.fail("end", f"the span ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True, kw_only=True)
class RelatedEntity:
    """A party named by a benefit (loop 2120C/D between LS and LE): a primary care provider, another payer, ...

    Attributes:
        entity_code: NM101, who it is (P3 primary care provider, PR payer, 1P provider, VN vendor, ...).
        name: NM103 (and NM104 for a person).
        identifier: NM109.
        identifier_qualifier: NM108 (XX NPI, PI payer id, SV service provider number, ...).
    """

    entity_code: str
    name: str | None = None
    identifier: str | None = None
    identifier_qualifier: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("entity_code", _short_code)
        check("name", optional_line, max_length=100)
        check("identifier", optional_line, max_length=80)
        check("identifier_qualifier", optional_line, max_length=2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Benefit:
    """One EB segment and its loop 2110C/D: one fact about the coverage (active, a deductible, a co-payment, ...).

    Attributes:
        information: EB01, what the benefit says (1 active coverage, 6 inactive, C deductible, B co-payment,
            A co-insurance, G out-of-pocket, L primary care provider, ...).
        coverage_level: EB02, whom it covers (IND individual, FAM family, EMP employee only, ESP employee and
            spouse, CHD children, ...).
        service_types: EB03, the service type codes it applies to (30 health benefit plan coverage, 1 medical
            care, 33 chiropractic, 98 office visit, MH mental health, ...).
        insurance_type: EB04, the kind of plan (HM HMO, PR PPO, MA Medicare Part A, MB Part B, C1 commercial, ...).
        plan_description: EB05, the plan's name as the payer gives it.
        time_period: EB06, the period an amount applies to (23 calendar year, 29 remaining, 27 visit, ...).
        amount: EB07, the dollar amount (a deductible, a co-payment, what remains).
        percent: EB08, the co-insurance as a fraction (0.2 is 20 %).
        quantity_qualifier: EB09, what EB10 counts (VS visits, DY days, ...).
        quantity: EB10, the number of visits, days, ...
        authorization_required: EB11, whether prior authorization is needed.
        in_network: EB12, whether the benefit is for in-network (Y) or out-of-network (N) care; W when both.
        procedure_code: EB13-2, the procedure the benefit is about, when it is about one.
        dates: DTP of the benefit (eligibility, plan, benefit begin and end, ...).
        messages: MSG01, free-form text from the payer.
        related_entities: loop 2120, parties the benefit names.
        rejections: AAA of loop 2110, when the payer cannot answer for this service type.
    """

    information: BenefitInformation
    coverage_level: str | None = None
    service_types: tuple[str, ...] = ()
    insurance_type: str | None = None
    plan_description: str | None = None
    time_period: TimePeriod | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    quantity_qualifier: str | None = None
    quantity: Decimal | None = None
    authorization_required: YesNo | None = None
    in_network: YesNo | None = None
    procedure_code: str | None = None
    dates: tuple[EligibilityDate, ...] = ()
    messages: tuple[str, ...] = ()
    related_entities: tuple[RelatedEntity, ...] = ()
    rejections: tuple[Rejection, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("information", one_of(BenefitInformation))
        check("coverage_level", optional(_short_code))
        check.each("service_types", service_type)
        check("insurance_type", optional(_short_code))
        check("plan_description", optional_line, max_length=50)
        check("time_period", optional(one_of(TimePeriod)))
        check("amount", optional(money))
        check("percent", optional(percent))
        check("quantity_qualifier", optional(_short_code))
        check("quantity", optional(quantity))
        check("authorization_required", optional(one_of(YesNo)))
        check("in_network", optional(one_of(YesNo)))
        check("procedure_code", optional_line, max_length=48)
        check.each("dates", instance(EligibilityDate))
        check.each("messages", lambda value: line(value, max_length=264))
        check.each("related_entities", instance(RelatedEntity))
        check.each("rejections", instance(Rejection))

    def applies_to(self, service_type_code: str) -> bool:
        """Whether the benefit is about ``service_type_code`` (a benefit without EB03 is about the whole plan)."""
        return not self.service_types or service_type_code in self.service_types


class MemberLevel(StrEnum):
    """HL03 of a 270/271 member: the subscriber (22) or a dependent (23)."""

    SUBSCRIBER = "22"
    DEPENDENT = "23"


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberEligibility:
    """What a 271 says about one subscriber (loop 2000C) or dependent (loop 2000D).

    Attributes:
        level: HL03, subscriber (22) or dependent (23).
        last_name: NM103 (NM1*IL subscriber, NM1*03 dependent).
        first_name: NM104.
        member_id: NM109 with qualifier MI, the id on the insurance card (a dependent's is usually its
            subscriber's).
        trace_numbers: TRN02 of each TRN, the inquirer's trace number echoed (and the payer's own).
        birth_date: DMG02.
        sex: DMG03.
        relationship: INS02, the dependent's relationship to the subscriber (01 spouse, 19 child, ...).
        group_number: REF*6P, the group number; REF*18 plan number when no group number is given.
        dates: DTP of loop 2100 (346 plan begin, 307 eligibility, ...).
        rejections: AAA of loop 2100, why the payer cannot answer for this member (72 invalid member id, 75 not
            found, 58 invalid birth date, ...).
        benefits: loop 2110, the EB segments in order.
        source: the file and segment (the member's HL) it was read from.
    """

    level: MemberLevel
    last_name: str | None = None
    first_name: str | None = None
    member_id: str | None = None
    trace_numbers: tuple[str, ...] = ()
    birth_date: date | None = None
    sex: Sex | None = None
    relationship: str | None = None
    group_number: str | None = None
    dates: tuple[EligibilityDate, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    benefits: tuple[Benefit, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("level", one_of(MemberLevel))
        check("last_name", optional_line, max_length=60)
        check("first_name", optional_line, max_length=35)
        check("member_id", optional_line, max_length=80)
        check.each("trace_numbers", lambda value: line(value, max_length=50))
        check("birth_date", optional_date)
        check("sex", optional(one_of(Sex)))
        check("relationship", optional(_short_code))
        check("group_number", optional_line, max_length=50)
        check.each("dates", instance(EligibilityDate))
        check.each("rejections", instance(Rejection))
        check.each("benefits", instance(Benefit))
        check("source", optional(instance(Source)))

    @property
    def active(self) -> bool | None:
        """Whether the payer says the coverage is active: the first active or inactive EB decides; None if none."""
        for benefit in self.benefits:
            if benefit.information.active:
                return True
            if benefit.information.inactive:
                return False
        return None

    def benefits_of(self, information: BenefitInformation, service_type_code: str | None = None) -> list[Benefit]:
        """The benefits of one kind (e.g. deductibles), optionally only those that apply to a service type."""
        return [
            benefit
            for benefit in self.benefits
            if benefit.information is information
            and (service_type_code is None or benefit.applies_to(service_type_code))
        ]


@dataclass(frozen=True, slots=True, kw_only=True)
class EligibilityResponse:
    """One 271 transaction set: the payer's answer to an eligibility inquiry.

    Attributes:
        control_number: ST02.
        implementation: ST03, ``005010X279A1``.
        reference: BHT03, the inquirer's reference echoed.
        created: BHT04, the date of the response.
        payer_name: NM103 of loop 2100A, the payer (information source).
        payer_identifier: NM109 of loop 2100A.
        receiver_name: NM103 of loop 2100B, the provider who asked (information receiver).
        receiver_identifier: NM109 of loop 2100B, its NPI or other id.
        rejections: AAA of loops 2000A, 2100A and 2100B: the payer or the receiver's request as a whole is refused.
        members: loops 2000C and 2000D, the subscribers and dependents answered for, in file order.
        source: the file and segment (the ST) it was read from.
    """

    control_number: str
    implementation: str
    reference: str | None = None
    created: date | None = None
    payer_name: str | None = None
    payer_identifier: str | None = None
    receiver_name: str | None = None
    receiver_identifier: str | None = None
    rejections: tuple[Rejection, ...] = ()
    members: tuple[MemberEligibility, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("control_number", line, max_length=9)
        check("implementation", line, max_length=35)
        check("reference", optional_line, max_length=50)
        check("created", optional_date)
        check("payer_name", optional_line, max_length=100)
        check("payer_identifier", optional_line, max_length=80)
        check("receiver_name", optional_line, max_length=100)
        check("receiver_identifier", optional_line, max_length=80)
        check.each("rejections", instance(Rejection))
        check.each("members", instance(MemberEligibility))
        check("source", optional(instance(Source)))


# Requests


def _trace(value: object) -> str:
    return line(value, max_length=50)


@dataclass(frozen=True, slots=True, kw_only=True)
class EligibilityRequest:
    """One eligibility inquiry (a 270 subscriber or dependent loop): is this patient covered, and for what?

    The patient is the subscriber when the coverage's relationship is self (18); otherwise the coverage's subscriber
    is asked about in loop 2000C and the patient as a dependent in loop 2000D.

    Attributes:
        payer: the payer asked (loop 2100A, NM1*PR with its payer id).
        provider: the provider asking (loop 2100B, NM1*1P with its NPI).
        patient: the person whose eligibility is asked.
        coverage: the patient's coverage with that payer: the member id (NM109 of NM1*IL) and who the subscriber is.
        trace_number: TRN02, the inquirer's number for the inquiry, echoed in the 271.
        service_types: EQ01, the service type codes asked about (30 health benefit plan coverage by default).
        service_date: DTP*291, the date the eligibility is asked for; None for today.
        originator_id: TRN03, the inquirer's id: ``1`` followed by its EIN, or ``9`` and a DUNS (10 characters).
    """

    payer: Payer
    provider: Provider
    patient: Patient
    coverage: Coverage
    trace_number: str
    service_types: tuple[str, ...] = ("30",)
    service_date: date | None = None
    originator_id: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("payer", instance(Payer))
        check("provider", instance(Provider))
        check("patient", instance(Patient))
        check("coverage", instance(Coverage))
        check("trace_number", _trace)
        types = check.each("service_types", service_type)
        check("service_date", optional_date)
        check("originator_id", optional_line, max_length=10)
        if not types:
            raise check.fail("service_types", "ask about at least one service type (30 for the plan as a whole)")
        if len(types) > 99:
            raise check.fail("service_types", f"{len(types)} service types; EQ01 repeats at most 99 times")
        if self.coverage.payer_id != self.payer.id:
            raise check.fail("coverage", f"the coverage is with payer {self.coverage.payer_id}, not {self.payer.id}")
        if self.coverage.patient_id != self.patient.id:
            raise check.fail(
                "coverage", f"the coverage is of patient {self.coverage.patient_id}, not {self.patient.id}"
            )

    @property
    def patient_is_subscriber(self) -> bool:
        """Whether the patient is the subscriber (relationship 18), so no dependent loop is needed."""
        return self.coverage.relationship is Relationship.SELF


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimStatusRequest:
    """One claim status inquiry (a 276 claim loop 2200D/E): where does this claim stand?

    Attributes:
        payer: the payer asked (loop 2100A).
        receiver_name: NM103 of loop 2100B, the information receiver (the submitter asking).
        receiver_id: NM109 of loop 2100B, its electronic transmitter id (ETIN, qualifier 46).
        provider: the billing provider of the claim (loop 2100C, NM1*1P with its NPI).
        patient: the patient of the claim.
        coverage: the coverage billed: the member id and who the subscriber is.
        trace_number: TRN02, the inquirer's number for this claim's inquiry, echoed in the 277.
        patient_control_number: REF*EJ, the claim's CLM01.
        total_charge: AMT*T3, the claim's total charge (CLM02).
        service_date: DTP*472, the first day of service.
        service_date_end: the last day of service; None or equal for a single day.
        payer_claim_control_number: REF*1K, the payer's number for the claim, when known (from a 277CA or 835).
        bill_type: REF*BLT, the institutional type of bill (facility type and frequency, e.g. 131).
        lines: loop 2210, the service lines asked about (none for the claim as a whole).
    """

    payer: Payer
    receiver_name: str
    receiver_id: str
    provider: Provider
    patient: Patient
    coverage: Coverage
    trace_number: str
    patient_control_number: str
    total_charge: Decimal
    service_date: date
    service_date_end: date | None = None
    payer_claim_control_number: str | None = None
    bill_type: str | None = None
    lines: tuple[ServiceLine, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("payer", instance(Payer))
        check("receiver_name", line, max_length=60)
        check("receiver_id", line, max_length=80)
        check("provider", instance(Provider))
        check("patient", instance(Patient))
        check("coverage", instance(Coverage))
        check("trace_number", _trace)
        check("patient_control_number", line, max_length=38)
        check("total_charge", money)
        check("service_date", a_date)
        check("service_date_end", optional_date)
        check("payer_claim_control_number", optional_line, max_length=50)
        check("bill_type", optional_line, max_length=3)
        check.each("lines", instance(ServiceLine))
        if self.service_date_end is not None and self.service_date_end < self.service_date:
            raise check.fail("service_date_end", f"{self.service_date_end} is before {self.service_date}")
        if self.coverage.payer_id != self.payer.id:
            raise check.fail("coverage", f"the coverage is with payer {self.coverage.payer_id}, not {self.payer.id}")
        if self.coverage.patient_id != self.patient.id:
            raise check.fail(
                "coverage", f"the coverage is of patient {self.coverage.patient_id}, not {self.patient.id}"
            )

    @property
    def patient_is_subscriber(self) -> bool:
        """Whether the patient is the subscriber (relationship 18), so no dependent loop is needed."""
        return self.coverage.relationship is Relationship.SELF
