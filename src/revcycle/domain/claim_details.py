"""The parts of a claim beyond its diagnoses and lines, and the other payers' decisions on it.

The other codes of HI, notes, references, dates and accidents, and what coordination of benefits sends along
(loops 2320, 2330 and 2430 of an 837).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from revcycle.domain import codes
from revcycle.domain.encounter import PresentOnAdmission
from revcycle.domain.fields import (
    FieldError,
    Normaliser,
    a_date,
    count,
    instance,
    line,
    one_of,
    optional,
    optional_date,
    optional_line,
)
from revcycle.domain.money import money, quantity
from revcycle.domain.parties import Address, ClaimFilingIndicator, PersonName, Relationship
from revcycle.domain.remittance import Adjustment

# ICD-10-PCS: seven characters of digits and letters, never I or O (they read as 1 and 0).
_ICD10PCS = re.compile(r"[0-9A-HJ-NP-Z]{7}")
_TWO_CHARACTERS = re.compile(r"[0-9A-Z]{2}")
_NOTE_QUALIFIER = re.compile(r"[A-Z]{3}")
_REFERENCE_QUALIFIER = re.compile(r"[0-9A-Z]{2,3}")
_DATE_QUALIFIER = re.compile(r"[0-9]{3}")
_COUNTRY = re.compile(r"[A-Z]{2,3}")
# ICD-9-CM diagnoses: three digits and up to two more, V and two digits and up to two more, or E and three digits
# and up to one more; stored without the dot, as HI carries them.
_ICD9CM = re.compile(r"[0-9]{3}[0-9]{0,2}|V[0-9]{2}[0-9]{0,2}|E[0-9]{3}[0-9]?")


def _pattern(value: object, pattern: re.Pattern[str], what: str) -> str:
    # ASCII before upper-casing, as in `codes`: "ß".upper() is "SS".
    if not isinstance(value, str) or not value.isascii():
        raise FieldError(f"{value!r} is not {what}")
    code = value.strip().upper()
    if not pattern.fullmatch(code):
        raise FieldError(f"{value!r} is not {what}")
    return code


def icd10pcs(value: object) -> str:
    """An ICD-10-PCS procedure code (HI*BBR / HI*BBQ of an 837I): seven letters or digits, no I or O."""
    return _pattern(value, _ICD10PCS, "an ICD-10-PCS code (seven letters or digits, no I or O)")


def icd9cm(value: object) -> str:
    """An ICD-9-CM diagnosis code without its dot (``"250.00"`` becomes ``"25000"``)."""
    text = value.replace(".", "", 1) if isinstance(value, str) else value
    return _pattern(text, _ICD9CM, "an ICD-9-CM diagnosis code")


def ub04_code(value: object) -> str:
    """A two-character UB-04 code: an occurrence, occurrence span, value or condition code."""
    return _pattern(value, _TWO_CHARACTERS, "a UB-04 code (two letters or digits)")


def _note_qualifier(value: object) -> str:
    return _pattern(value, _NOTE_QUALIFIER, "a note reference code (three letters, e.g. ADD)")


def _reference_qualifier(value: object) -> str:
    return _pattern(value, _REFERENCE_QUALIFIER, "a reference qualifier (two or three letters or digits)")


def _date_qualifier(value: object) -> str:
    return _pattern(value, _DATE_QUALIFIER, "a date qualifier (three digits)")


def _non_negative_quantity(value: object) -> Decimal:
    number = quantity(value)
    if number < 0:
        raise FieldError(f"{value!r} is negative")
    return number


@dataclass(frozen=True, slots=True, kw_only=True)
class IcdProcedure:
    """An inpatient procedure coded in ICD-10-PCS, with the day it was done (HI*BBR principal, HI*BBQ other).

    Attributes:
        code: HI0n-2, the ICD-10-PCS code.
        performed_on: HI0n-4 (format D8 in HI0n-3), the date of the procedure.
    """

    code: str
    performed_on: date

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("code", icd10pcs)
        check("performed_on", a_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """A UB-04 occurrence code and its date (HI*BH of an 837I), e.g. 11 onset of symptoms.

    Attributes:
        code: HI0n-2, the occurrence code.
        occurred_on: HI0n-4, the date of the occurrence.
    """

    code: str
    occurred_on: date

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("code", ub04_code)
        check("occurred_on", a_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class OccurrenceSpan:
    """A UB-04 occurrence span code and its period (HI*BI of an 837I), e.g. 74 non-covered level of care.

    Attributes:
        code: HI0n-2, the occurrence span code.
        start: HI0n-4 (format RD8), the first day of the span.
        end: HI0n-4, the last day of the span.
    """

    code: str
    start: date
    end: date

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("code", ub04_code)
        check("start", a_date)
        check("end", a_date)
        if self.end < self.start:
            raise check.fail("end", f"{self.end} is before {self.start}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueCode:
    """A UB-04 value code and its amount (HI*BE of an 837I), e.g. 80 covered days or A1 deductible payer A.

    Attributes:
        code: HI0n-2, the value code.
        amount: HI0n-5, the amount (dollars, or a count such as days, as the code says).
    """

    code: str
    amount: Decimal

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("code", ub04_code)
        check("amount", money)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimNote:
    """A free-text note to the payer (NTE of loop 2300 or 2400).

    Attributes:
        qualifier: NTE01, what the note is about (ADD additional information, CER certification narrative, DCP
            goals/rehabilitation, TPO third party organisation notes, ...).
        text: NTE02, the note, at most 80 characters.
    """

    qualifier: str
    text: str

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("qualifier", _note_qualifier)
        check("text", line, max_length=80)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimReference:
    """A reference number of a claim or line that has no field of its own (REF of loop 2300 or 2400).

    Attributes:
        qualifier: REF01, the kind of number (D9 clearinghouse trace, 4N service authorisation exception, X4 CLIA,
            LU location, ...).
        value: REF02, the number.
    """

    qualifier: str
    value: str

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("qualifier", _reference_qualifier)
        check("value", line, max_length=50)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimDate:
    """A date of a claim that has no field of its own (DTP of loop 2300), e.g. 438 last menstrual period.

    Attributes:
        qualifier: DTP01, what the date is.
        start: DTP03, the date, or the first day of a range (format RD8).
        end: the last day of a range; None for a single date.
    """

    qualifier: str
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("qualifier", _date_qualifier)
        check("start", a_date)
        check("end", optional_date)
        if self.end is not None and self.end < self.start:
            raise check.fail("end", f"{self.end} is before {self.start}")


class Icd9Role(StrEnum):
    """HI0n-1 of an ICD-9-CM code: which diagnosis of the claim it is."""

    PRINCIPAL = "BK"
    OTHER = "BF"
    ADMITTING = "BJ"
    REASON_FOR_VISIT = "PR"
    EXTERNAL_CAUSE = "BN"


@dataclass(frozen=True, slots=True, kw_only=True)
class Icd9Diagnosis:
    """A diagnosis coded in ICD-9-CM, as claims for services before 1 October 2015 carry them (HI*BK, BF, ...).

    Attributes:
        role: HI0n-1, principal (BK), other (BF), admitting (BJ), reason for visit (PR) or external cause (BN).
        code: HI0n-2, the ICD-9-CM code without its dot.
        present_on_admission: HI0n-9, the POA indicator of an inpatient diagnosis.
    """

    role: Icd9Role
    code: str
    present_on_admission: PresentOnAdmission | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("role", one_of(Icd9Role))
        check("code", icd9cm)
        check("present_on_admission", optional(one_of(PresentOnAdmission)))


class AccidentCause(StrEnum):
    """CLM11-1..3, the related causes code: why the claim may be another party's to pay."""

    AUTO_ACCIDENT = "AA"
    ABUSE = "AB"
    ANOTHER_PARTY_RESPONSIBLE = "AP"
    EMPLOYMENT = "EM"
    OTHER_ACCIDENT = "OA"


@dataclass(frozen=True, slots=True, kw_only=True)
class Accident:
    """What the services are related to when an accident or employment caused them (CLM11, DTP*439).

    Attributes:
        causes: CLM11-1..3, one to three related causes.
        state: CLM11-4, the state of an auto accident.
        country: CLM11-5, the country of an accident outside the United States.
        accident_date: DTP*439, the date of the accident.
    """

    causes: tuple[AccidentCause, ...]
    state: str | None = None
    country: str | None = None
    accident_date: date | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        causes = check.each("causes", one_of(AccidentCause))
        check("state", optional(codes.state))
        check("country", optional(lambda value: _pattern(value, _COUNTRY, "a country code (2 or 3 letters)")))
        check("accident_date", optional_date)
        if not 1 <= len(causes) <= 3:
            raise check.fail("causes", f"{len(causes)} causes; CLM11 carries one to three")
        if len(set(causes)) != len(causes):
            raise check.fail("causes", "a cause is repeated")


class PayerResponsibility(StrEnum):
    """SBR01, the payer responsibility sequence number code: which payer in order this one is."""

    PRIMARY = "P"
    SECONDARY = "S"
    TERTIARY = "T"
    PAYER_4 = "A"
    PAYER_5 = "B"
    PAYER_6 = "C"
    PAYER_7 = "D"
    PAYER_8 = "E"
    PAYER_9 = "F"
    PAYER_10 = "G"
    PAYER_11 = "H"
    UNKNOWN = "U"


class BenefitsAssignment(StrEnum):
    """CLM08 / OI03, whether the insured assigned benefits to the provider."""

    YES = "Y"
    NO = "N"
    NOT_APPLICABLE = "W"


class ReleaseOfInformation(StrEnum):
    """CLM09 / OI06, whether the patient allowed the provider to release information to the payer."""

    INFORMED_CONSENT = "I"
    SIGNED = "Y"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineAdjudication:
    """What another payer decided on one service line (loop 2430: SVD, CAS, DTP*573, AMT*EAF).

    Attributes:
        payer_identifier: SVD01, the other payer's id, as NM109 of its loop 2330B.
        paid: SVD02, the amount that payer paid for the line.
        units: SVD05, the units it paid.
        procedure_code: SVD03-2, the CPT or HCPCS code it adjudicated (qualifier HC); None for other code sets.
        modifiers: SVD03-3..6, the modifiers it adjudicated.
        revenue_code: SVD04, the revenue code of an institutional line.
        bundled_line_number: SVD06, the line this one was bundled into.
        adjustments: CAS, the line's adjustments by that payer.
        adjudication_date: DTP*573, the date that payer adjudicated the line.
        remaining_patient_liability: AMT*EAF, what the patient still owes on the line after that payer.
    """

    payer_identifier: str
    paid: Decimal
    units: Decimal
    procedure_code: str | None = None
    modifiers: tuple[str, ...] = ()
    revenue_code: str | None = None
    bundled_line_number: int | None = None
    adjustments: tuple[Adjustment, ...] = ()
    adjudication_date: date | None = None
    remaining_patient_liability: Decimal | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("payer_identifier", line, max_length=80)
        check("paid", money)
        check("units", _non_negative_quantity)
        check("procedure_code", optional(codes.procedure_code))
        modifiers = check.each("modifiers", codes.modifier)
        check("revenue_code", optional(codes.revenue_code))
        check("bundled_line_number", optional(lambda value: count(value, minimum=1, maximum=999_999)))
        check.each("adjustments", instance(Adjustment))
        check("adjudication_date", optional_date)
        check("remaining_patient_liability", optional(money))
        if len(modifiers) > 4:
            raise check.fail("modifiers", f"{len(modifiers)} modifiers; SVD03 carries at most 4")


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherPayer:
    """Another payer of the patient and what it decided on the claim (loops 2320, 2330A, 2330B).

    Attributes:
        responsibility: SBR01 of loop 2320, that payer's place in the order of payers.
        payer_name: NM103 of loop 2330B, the other payer's name.
        payer_identifier: NM109 of loop 2330B, its payer id (SVD01 of loop 2430 points to it).
        subscriber_name: NM1*IL of loop 2330A, the insured person of that coverage.
        member_id: NM109 of loop 2330A, the insured's id with that payer.
        relationship: SBR02 of loop 2320, the patient's relationship to that subscriber.
        group_number: SBR03, the group or policy number.
        group_name: SBR04, the group or plan name.
        insurance_type: SBR05, the insurance type code (Medicare secondary payer reasons such as 12, 43, 47).
        claim_filing_indicator: SBR09, the kind of plan.
        paid_amount: AMT*D, what that payer paid on the claim.
        remaining_patient_liability: AMT*EAF, what the patient owes after that payer.
        non_covered_amount: AMT*A8, the charges that payer does not cover.
        adjustments: CAS of loop 2320, that payer's claim-level adjustments.
        benefits_assignment: OI03, whether benefits were assigned to the provider for that coverage.
        release_of_information: OI06, the patient's consent to release information to that payer.
        subscriber_address: N3/N4 of loop 2330A.
        payer_address: N3/N4 of loop 2330B.
        adjudication_date: DTP*573 of loop 2330B, when that payer adjudicated the claim.
        payer_claim_control_number: REF*F8 of loop 2330B, that payer's number for the claim.
    """

    responsibility: PayerResponsibility
    payer_name: str
    payer_identifier: str
    subscriber_name: PersonName
    member_id: str
    relationship: Relationship = Relationship.SELF
    group_number: str | None = None
    group_name: str | None = None
    insurance_type: str | None = None
    claim_filing_indicator: ClaimFilingIndicator | None = None
    paid_amount: Decimal | None = None
    remaining_patient_liability: Decimal | None = None
    non_covered_amount: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    benefits_assignment: BenefitsAssignment = BenefitsAssignment.YES
    release_of_information: ReleaseOfInformation = ReleaseOfInformation.SIGNED
    subscriber_address: Address | None = None
    payer_address: Address | None = None
    adjudication_date: date | None = None
    payer_claim_control_number: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("responsibility", one_of(PayerResponsibility))
        check("payer_name", line, max_length=60)
        check("payer_identifier", line, max_length=80)
        check("subscriber_name", instance(PersonName))
        check("member_id", line, max_length=80)
        check("relationship", one_of(Relationship))
        check("group_number", optional_line, max_length=50)
        check("group_name", optional_line, max_length=60)
        check("insurance_type", optional(lambda value: _pattern(value, _TWO_CHARACTERS, "an insurance type code")))
        check("claim_filing_indicator", optional(one_of(ClaimFilingIndicator)))
        for field in ("paid_amount", "remaining_patient_liability", "non_covered_amount"):
            check(field, optional(money))
        check.each("adjustments", instance(Adjustment))
        check("benefits_assignment", one_of(BenefitsAssignment))
        check("release_of_information", one_of(ReleaseOfInformation))
        check("subscriber_address", optional(instance(Address)))
        check("payer_address", optional(instance(Address)))
        check("adjudication_date", optional_date)
        check("payer_claim_control_number", optional_line, max_length=50)
