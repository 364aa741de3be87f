"""The claim: the bill sent to a payer, professional (837P / CMS-1500) or institutional (837I / UB-04)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from revcycle.domain import codes
from revcycle.domain.claim_details import (
    Accident,
    BenefitsAssignment,
    ClaimDate,
    ClaimNote,
    ClaimReference,
    Icd9Diagnosis,
    Icd9Role,
    IcdProcedure,
    LineAdjudication,
    Occurrence,
    OccurrenceSpan,
    OtherPayer,
    PayerResponsibility,
    ReleaseOfInformation,
    ValueCode,
    ub04_code,
)
from revcycle.domain.encounter import Diagnosis
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
    record_id,
)
from revcycle.domain.money import ZERO_MONEY, format_money, money, quantity
from revcycle.domain.parties import Address
from revcycle.domain.place_of_service import PLACES_OF_SERVICE
from revcycle.domain.source import Source

MAX_MODIFIERS = 4
MAX_POINTERS = 4
# 837P carries at most 12 diagnoses (HI) and 50 service lines; 837I a principal plus 24 others and 999 lines.
MAX_PROFESSIONAL_DIAGNOSES = 12
MAX_INSTITUTIONAL_DIAGNOSES = 25
MAX_PROFESSIONAL_LINES = 50
MAX_INSTITUTIONAL_LINES = 999
# How many of each code an 837I's HI segments hold: two HI segments of 12 for occurrences, spans, values,
# conditions and other procedures; one of 12 for external causes; three reasons for visit.
MAX_REASONS_FOR_VISIT = 3
MAX_EXTERNAL_CAUSES = 12
MAX_UB04_CODES = 24


class UnitBasis(StrEnum):
    """SV103 / SV204, what the service units count."""

    UNIT = "UN"
    MINUTES = "MJ"
    DAYS = "DA"


class NdcUnit(StrEnum):
    """CTP05-1, the unit of the NDC quantity of a drug line."""

    INTERNATIONAL_UNIT = "F2"
    GRAM = "GR"
    MILLIGRAM = "ME"
    MILLILITER = "ML"
    UNIT = "UN"


def _positive_quantity(value: object) -> Decimal:
    number = quantity(value)
    if number <= 0:
        raise FieldError(f"{value!r} is not more than zero")
    return number


def _non_negative_money(value: object) -> Decimal:
    amount = money(value)
    if amount < 0:
        raise FieldError(f"{value!r} is negative")
    return amount


def _pointer(value: object) -> int:
    return count(value, minimum=1, maximum=MAX_INSTITUTIONAL_DIAGNOSES)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceLine:
    """One billed service (loop 2400): a procedure, its units and charge, and the diagnoses that justify it.

    Attributes:
        line_number: LX01, the line's position on the claim, from 1.
        procedure_code: SV101-2 / SV202-2, the CPT or HCPCS code.
        modifiers: SV101-3..6, up to four procedure modifiers in billing order.
        units: SV104 / SV205, the number of units billed.
        charge: SV102 / SV203, the line's billed amount.
        service_date: DTP*472, the date of service (the first day of a span).
        diagnosis_pointers: SV107, up to four 1-based positions in the claim's diagnoses, the first primary.
        unit_basis: SV103 / SV204, what units count (units, anesthesia minutes, days).
        service_date_end: the last day of a span of service; None for one day.
        place_of_service: SV105, only when it differs from the claim's.
        revenue_code: SV201, the UB-04 revenue code of an institutional line.
        ndc: LIN03, the 11-digit National Drug Code of a drug line.
        ndc_quantity: CTP04, the quantity of drug given.
        ndc_unit: CTP05-1, the unit of that quantity.
        rendering_provider_id: loop 2420A, only when it differs from the claim's rendering provider.
        line_control_number: REF*6R, the provider's id of the line that the 835 echoes back.
        referring_provider_id: loop 2420F, only when it differs from the claim's referring provider.
        notes: NTE of loop 2400, notes to the payer about the line.
        references: REF of loop 2400 other than 6R (prior authorisation G1, referral 9F, CLIA X4, ...).
        adjudications: loop 2430, what each earlier payer decided on the line (coordination of benefits).
    """

    line_number: int
    procedure_code: str
    units: Decimal
    charge: Decimal
    service_date: date
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = ()
    unit_basis: UnitBasis = UnitBasis.UNIT
    service_date_end: date | None = None
    place_of_service: str | None = None
    revenue_code: str | None = None
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: NdcUnit | None = None
    rendering_provider_id: str | None = None
    line_control_number: str | None = None
    referring_provider_id: str | None = None
    notes: tuple[ClaimNote, ...] = ()
    references: tuple[ClaimReference, ...] = ()
    adjudications: tuple[LineAdjudication, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("line_number", count, minimum=1, maximum=MAX_INSTITUTIONAL_LINES)
        check("procedure_code", codes.procedure_code)
        check("units", _positive_quantity)
        check("charge", _non_negative_money)
        check("service_date", a_date)
        modifiers = check.each("modifiers", codes.modifier)
        pointers = check.each("diagnosis_pointers", _pointer)
        check("unit_basis", one_of(UnitBasis))
        check("service_date_end", optional_date)
        place = check("place_of_service", optional(codes.place_of_service_shape))
        if place is not None and place not in PLACES_OF_SERVICE:
            check.rule("place_of_service", codes.place_of_service_problem(place))
        check("revenue_code", optional(codes.revenue_code))
        check("ndc", optional(codes.ndc))
        check("ndc_quantity", optional(_positive_quantity))
        check("ndc_unit", optional(one_of(NdcUnit)))
        check("rendering_provider_id", optional(record_id))
        check("line_control_number", optional_line, max_length=50)
        check("referring_provider_id", optional(record_id))
        check.each("notes", instance(ClaimNote))
        check.each("references", instance(ClaimReference))
        check.each("adjudications", instance(LineAdjudication))
        if len(modifiers) > MAX_MODIFIERS:
            check.rule("modifiers", f"{len(modifiers)} modifiers; a line carries at most {MAX_MODIFIERS}")
        if len(set(modifiers)) != len(modifiers):
            check.rule("modifiers", "a modifier is repeated")
        if len(pointers) > MAX_POINTERS:
            check.rule("diagnosis_pointers", f"{len(pointers)} pointers; a line has at most {MAX_POINTERS}")
        if len(set(pointers)) != len(pointers):
            check.rule("diagnosis_pointers", "a diagnosis pointer is repeated")
        if self.service_date_end is not None and self.service_date_end < self.service_date:
            check.rule("service_date_end", f"{self.service_date_end} is before {self.service_date}")
        drug_fields = (self.ndc, self.ndc_quantity, self.ndc_unit)
        if any(field is not None for field in drug_fields) and None in drug_fields:
            raise check.fail("ndc", "a drug line needs all of ndc, ndc_quantity and ndc_unit")

    @property
    def last_service_date(self) -> date:
        """The last day of service of the line."""
        return self.service_date_end or self.service_date


class ClaimKind(StrEnum):
    """Professional claims bill a practitioner's services; institutional claims a facility's."""

    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


class ClaimFrequency(StrEnum):
    """CLM05-3, the claim frequency type code (the third digit of an institutional type of bill).

    Only a replacement (7) or void (8) names the claim it corrects; the interim bills (2, 3, 4), late charges (5),
    non-payment (0) and the final home health claim (9) are institutional billing cycles.
    """

    ORIGINAL = "1"
    REPLACEMENT = "7"
    VOID = "8"
    NON_PAYMENT = "0"
    INTERIM_FIRST = "2"
    INTERIM_CONTINUING = "3"
    INTERIM_LAST = "4"
    LATE_CHARGE = "5"
    FINAL_HOME_HEALTH = "9"


# The ICD-9-CM diagnoses that are the claim's principal and other diagnoses, which line pointers count.
_ICD9_POINTED = (Icd9Role.PRINCIPAL, Icd9Role.OTHER)


class Assignment(StrEnum):
    """CLM07, whether the provider accepts the payer's assignment (Medicare's participation choice)."""

    ASSIGNED = "A"
    LAB_SERVICES_ONLY = "B"
    NOT_ASSIGNED = "C"


def _delay_reason(value: object) -> str:
    text = line(value, max_length=2)
    if not (text.isascii() and text.isdigit()):
        raise FieldError(f"{value!r} is not a delay reason code (1-11 or 15)")
    return text


def _drg(value: object) -> str:
    text = line(value, max_length=4).upper()
    if not (text.isascii() and text.isalnum()):
        raise FieldError(f"{value!r} is not a diagnosis related group (up to four letters or digits)")
    return text


def _patient_status(value: object) -> str:
    # Two digits in the UB-04 code list (01 home); CL103 is one or two characters, and senders drop the zero.
    text = line(value, max_length=2)
    if not (text.isascii() and text.isdigit()):
        raise FieldError(f"{value!r} is not a patient status code (two digits)")
    return text


def _code_of(length: int, what: str, *, digits: bool = False) -> Callable[[object], str]:
    def check_code(value: object) -> str:
        text = line(value, max_length=length).upper()
        valid = text.isdigit() if digits else text.isalnum()
        if len(text) != length or not text.isascii() or not valid:
            raise FieldError(f"{value!r} is not {what}")
        return text

    return check_code


def _facility_type(value: object) -> str:
    text = line(value, max_length=2)
    if len(text) != 2 or not (text.isascii() and text.isdigit()):
        raise FieldError(f"{value!r} is not a facility type code (the first two digits of the type of bill)")
    return text


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """A bill to one payer for the services of one encounter.

    Attributes:
        id: revcycle's identifier of the claim.
        kind: professional (837P) or institutional (837I).
        patient_control_number: CLM01, the provider's claim number, echoed back in CLP01 of the 835.
        patient_id: the patient treated.
        coverage_id: the coverage billed, which names the payer and its order (primary, secondary, ...).
        billing_provider_id: loop 2010AA, the practice or facility that bills and is paid.
        diagnoses: HI*ABK/ABF, the ICD-10-CM diagnoses; the first is the principal or first-listed diagnosis.
        lines: loop 2400, the services billed.
        total_charge: CLM02, which must equal the sum of the line charges.
        frequency: CLM05-3, original (1), replacement (7), void (8) or an institutional billing cycle code.
        original_claim_reference: REF*F8, the payer's claim control number of the claim a 7 or 8 replaces.
        place_of_service: CLM05-1 of an 837P, where the services were given.
        facility_type_code: CLM05-1 of an 837I, the first two digits of the type of bill (e.g. 13).
        encounter_id: the encounter the claim bills, when known.
        rendering_provider_id: loop 2310B, the clinician who gave the care.
        referring_provider_id: loop 2310A, the clinician who referred the patient.
        facility_provider_id: loop 2310C / 2310E, the service facility.
        statement_from: DTP*434, first day of an institutional claim's statement period.
        statement_to: DTP*434, last day of that period.
        admission_date: DTP*435, the inpatient admission date.
        prior_authorization: REF*G1, the payer's prior authorization number.
        source: the file and place the claim was read from, when it was imported.
        provider_signature: CLM06, whether the provider's signature is on file.
        assignment: CLM07, whether the provider accepts assignment (A assigned, B lab services only, C not).
        benefits_assignment: CLM08, whether the insured assigned benefits to the provider.
        release_of_information: CLM09, the patient's consent to release information to the payer.
        delay_reason_code: CLM20, why a claim is filed late (1-11, 15).
        accident: CLM11 and DTP*439, the accident or employment the services relate to.
        admitting_diagnosis: HI*ABJ of an 837I, the ICD-10-CM diagnosis at admission.
        reasons_for_visit: HI*APR of an 837I, up to three ICD-10-CM reasons for an unscheduled outpatient visit.
        external_causes: HI*ABN, ICD-10-CM external causes of injury (V00-Y99), with their POA indicator.
        principal_procedure: HI*BBR of an 837I, the principal ICD-10-PCS procedure and its date.
        other_procedures: HI*BBQ of an 837I, the other ICD-10-PCS procedures and their dates.
        occurrences: HI*BH of an 837I, UB-04 occurrence codes with their dates.
        occurrence_spans: HI*BI of an 837I, UB-04 occurrence span codes with their periods.
        value_codes: HI*BE of an 837I, UB-04 value codes with their amounts.
        condition_codes: HI*BG, UB-04 condition codes (also a few on an 837P, e.g. EPSDT).
        drg: HI*DR of an 837I, the diagnosis related group the provider assigned.
        admission_type: CL101 of an 837I, the priority of the admission (1 emergency, 2 urgent, 3 elective, ...).
        admission_source: CL102 of an 837I, the point of origin of the admission.
        patient_status: CL103 of an 837I, the patient's discharge status (01 home, 20 expired, ...).
        discharge_date: DTP*096 of an 837P, the hospital discharge date of related inpatient care.
        onset_date: DTP*431, the onset of the current illness or symptom.
        initial_treatment_date: DTP*454, the first treatment of the condition.
        last_seen_date: DTP*304, when the attending physician last saw the patient.
        other_dates: the other DTP of loop 2300 (last menstrual period, last X-ray, ...).
        medical_record_number: REF*EA, the provider's medical record number for the claim.
        referral_number: REF*9F, the payer's referral number.
        other_references: the other REF of loop 2300 (D9 clearinghouse trace, 4N, LX, ...).
        notes: NTE of loop 2300, notes to the payer about the claim.
        file_information: K3 of loop 2300, fixed-format lines a payer asks for when no segment carries the data.
        attending_provider_id: loop 2310A of an 837I, the attending physician.
        operating_provider_id: loop 2310B of an 837I, the operating physician.
        other_operating_provider_id: loop 2310C of an 837I, another operating physician.
        supervising_provider_id: loop 2310D of an 837P, the supervising provider.
        pay_to_address: loop 2010AB, where payment goes when not to the billing provider's address.
        other_payers: loops 2320/2330, the patient's other payers and what they decided (coordination of
            benefits); a claim to a secondary payer carries the primary's payment here.
        icd9_diagnoses: HI*BK, BF, BJ, PR, BN, the diagnoses of a claim coded in ICD-9-CM (services before
            2015-10-01), instead of ``diagnoses`` and the ICD-10-CM fields; the principal (BK) and other (BF) ones,
            in order, are what line diagnosis pointers count.
    """

    id: str
    kind: ClaimKind
    patient_control_number: str
    patient_id: str
    coverage_id: str
    billing_provider_id: str
    # Empty only on a claim coded in ICD-9-CM (icd9_diagnoses); JSON leaves an empty list out, so it has a default.
    diagnoses: tuple[Diagnosis, ...] = ()
    lines: tuple[ServiceLine, ...]
    total_charge: Decimal
    frequency: ClaimFrequency = ClaimFrequency.ORIGINAL
    original_claim_reference: str | None = None
    place_of_service: str | None = None
    facility_type_code: str | None = None
    encounter_id: str | None = None
    rendering_provider_id: str | None = None
    referring_provider_id: str | None = None
    facility_provider_id: str | None = None
    statement_from: date | None = None
    statement_to: date | None = None
    admission_date: date | None = None
    prior_authorization: str | None = None
    source: Source | None = None
    provider_signature: bool = True
    assignment: Assignment = Assignment.ASSIGNED
    benefits_assignment: BenefitsAssignment = BenefitsAssignment.YES
    release_of_information: ReleaseOfInformation = ReleaseOfInformation.SIGNED
    delay_reason_code: str | None = None
    accident: Accident | None = None
    admitting_diagnosis: str | None = None
    reasons_for_visit: tuple[str, ...] = ()
    external_causes: tuple[Diagnosis, ...] = ()
    principal_procedure: IcdProcedure | None = None
    other_procedures: tuple[IcdProcedure, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()
    occurrence_spans: tuple[OccurrenceSpan, ...] = ()
    value_codes: tuple[ValueCode, ...] = ()
    condition_codes: tuple[str, ...] = ()
    drg: str | None = None
    admission_type: str | None = None
    admission_source: str | None = None
    patient_status: str | None = None
    discharge_date: date | None = None
    onset_date: date | None = None
    initial_treatment_date: date | None = None
    last_seen_date: date | None = None
    other_dates: tuple[ClaimDate, ...] = ()
    medical_record_number: str | None = None
    referral_number: str | None = None
    other_references: tuple[ClaimReference, ...] = ()
    notes: tuple[ClaimNote, ...] = ()
    file_information: tuple[str, ...] = ()
    attending_provider_id: str | None = None
    operating_provider_id: str | None = None
    other_operating_provider_id: str | None = None
    supervising_provider_id: str | None = None
    pay_to_address: Address | None = None
    other_payers: tuple[OtherPayer, ...] = ()
    icd9_diagnoses: tuple[Icd9Diagnosis, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("kind", one_of(ClaimKind))
        for field in ("id", "patient_id", "coverage_id", "billing_provider_id"):
            check(field, record_id)
        for field in (
            "encounter_id",
            "rendering_provider_id",
            "referring_provider_id",
            "facility_provider_id",
            "attending_provider_id",
            "operating_provider_id",
            "other_operating_provider_id",
            "supervising_provider_id",
        ):
            check(field, optional(record_id))
        check("patient_control_number", line, max_length=38)
        check("frequency", one_of(ClaimFrequency))
        check("original_claim_reference", optional_line, max_length=50)
        place = check("place_of_service", optional(codes.place_of_service_shape))
        if place is not None and place not in PLACES_OF_SERVICE:
            check.rule("place_of_service", codes.place_of_service_problem(place))
        check("facility_type_code", optional(_facility_type))
        for field in ("statement_from", "statement_to", "admission_date"):
            check(field, optional_date)
        check("prior_authorization", optional_line, max_length=50)
        check("source", optional(instance(Source)))
        check.each("diagnoses", instance(Diagnosis))
        check.each("lines", instance(ServiceLine))
        check("total_charge", _non_negative_money)
        self._check_details(check)
        self._check_kind(check)
        self._check_frequency(check)
        self._check_diagnoses(check)
        self._check_lines(check)
        if self.statement_from and self.statement_to and self.statement_to < self.statement_from:
            check.rule("statement_to", "the statement period ends before it starts")

    def _check_details(self, check: Normaliser) -> None:
        if not isinstance(self.provider_signature, bool):
            raise check.fail("provider_signature", f"{self.provider_signature!r} is not true or false")
        check("assignment", one_of(Assignment))
        check("benefits_assignment", one_of(BenefitsAssignment))
        check("release_of_information", one_of(ReleaseOfInformation))
        check("delay_reason_code", optional(_delay_reason))
        check("accident", optional(instance(Accident)))
        check("admitting_diagnosis", optional(codes.icd10cm))
        check.each("reasons_for_visit", codes.icd10cm)
        check.each("external_causes", instance(Diagnosis))
        check("principal_procedure", optional(instance(IcdProcedure)))
        check.each("other_procedures", instance(IcdProcedure))
        check.each("occurrences", instance(Occurrence))
        check.each("occurrence_spans", instance(OccurrenceSpan))
        check.each("value_codes", instance(ValueCode))
        check.each("condition_codes", ub04_code)
        check("drg", optional(_drg))
        check("admission_type", optional(_code_of(1, "an admission type code (one digit)", digits=True)))
        check("admission_source", optional(_code_of(1, "an admission source code (one letter or digit)")))
        check("patient_status", optional(_patient_status))
        for field in ("discharge_date", "onset_date", "initial_treatment_date", "last_seen_date"):
            check(field, optional_date)
        check.each("other_dates", instance(ClaimDate))
        check("medical_record_number", optional_line, max_length=50)
        check("referral_number", optional_line, max_length=50)
        check.each("other_references", instance(ClaimReference))
        check.each("notes", instance(ClaimNote))
        check.each("file_information", lambda value: line(value, max_length=80))
        check("pay_to_address", optional(instance(Address)))
        check.each("other_payers", instance(OtherPayer))
        check.each("icd9_diagnoses", instance(Icd9Diagnosis))
        limits = {
            "reasons_for_visit": MAX_REASONS_FOR_VISIT,
            "external_causes": MAX_EXTERNAL_CAUSES,
            "other_procedures": MAX_UB04_CODES,
            "occurrences": MAX_UB04_CODES,
            "occurrence_spans": MAX_UB04_CODES,
            "value_codes": MAX_UB04_CODES,
            "condition_codes": MAX_UB04_CODES,
        }
        for field, limit in limits.items():
            if len(getattr(self, field)) > limit:
                raise check.fail(field, f"{len(getattr(self, field))} codes; a claim carries at most {limit}")
        # A payer in the order of payers appears once: two 2320 loops with the same SBR01 are ambiguous.
        unknown = PayerResponsibility.UNKNOWN
        orders = [payer.responsibility for payer in self.other_payers if payer.responsibility is not unknown]
        if len(set(orders)) != len(orders):
            raise check.fail("other_payers", "two other payers share one place in the order of payers (SBR01)")

    def _check_kind(self, check: Normaliser) -> None:
        if self.kind is ClaimKind.PROFESSIONAL and self.place_of_service is None:
            check.rule("place_of_service", "a professional claim needs a place of service (CLM05-1)")
        if self.kind is ClaimKind.INSTITUTIONAL:
            if self.facility_type_code is None:
                check.rule("facility_type_code", "an institutional claim needs a facility type code")
            for field in ("statement_from", "statement_to"):
                if getattr(self, field) is None:
                    check.rule(field, "an institutional claim needs its statement period (DTP*434)")

    def _check_frequency(self, check: Normaliser) -> None:
        replaces = self.frequency in (ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID)
        if replaces and self.original_claim_reference is None:
            check.rule(
                "original_claim_reference",
                f"a {self.frequency.name.lower()} claim (frequency {self.frequency}) needs the payer's "
                "claim number of the original claim",
            )
        if not replaces and self.original_claim_reference is not None:
            name = self.frequency.name.lower().replace("_", " ")
            article = "an" if name[0] in "aeiou" else "a"
            check.rule(
                "original_claim_reference", f"{article} {name} claim (frequency {self.frequency}) replaces no claim"
            )

    def _check_diagnoses(self, check: Normaliser) -> None:
        limit = MAX_PROFESSIONAL_DIAGNOSES if self.kind is ClaimKind.PROFESSIONAL else MAX_INSTITUTIONAL_DIAGNOSES
        icd9 = [diagnosis for diagnosis in self.icd9_diagnoses if diagnosis.role in _ICD9_POINTED]
        if self.diagnoses and self.icd9_diagnoses:
            raise check.fail("icd9_diagnoses", "a claim codes its diagnoses in ICD-10-CM or in ICD-9-CM, not both")
        if icd9 and icd9[0].role is not Icd9Role.PRINCIPAL:
            raise check.fail("icd9_diagnoses", "the first ICD-9-CM diagnosis is the principal one (BK)")
        if sum(1 for diagnosis in icd9 if diagnosis.role is Icd9Role.PRINCIPAL) > 1:
            raise check.fail("icd9_diagnoses", "a claim has one principal diagnosis (BK)")
        if not self.diagnoses and not icd9:
            check.rule("diagnoses", "a claim needs at least one diagnosis")
        field = "diagnoses" if self.diagnoses else "icd9_diagnoses"
        diagnosis_codes = self.diagnosis_codes
        if len(diagnosis_codes) > limit:
            check.rule(field, f"{len(diagnosis_codes)} diagnoses; a {self.kind} claim holds {limit}")
        if len(set(diagnosis_codes)) != len(diagnosis_codes):
            check.rule(field, "a diagnosis code is listed twice")

    def _check_lines(self, check: Normaliser) -> None:
        limit = MAX_PROFESSIONAL_LINES if self.kind is ClaimKind.PROFESSIONAL else MAX_INSTITUTIONAL_LINES
        if not self.lines:
            raise check.fail("lines", "a claim needs at least one service line")
        if len(self.lines) > limit:
            check.rule("lines", f"{len(self.lines)} lines; a {self.kind} claim holds {limit}")
        numbers = [service.line_number for service in self.lines]
        if len(set(numbers)) != len(numbers):
            check.rule("lines", "two lines share a line number")
        for index, service in enumerate(self.lines):
            where = f"lines[{index}]"
            if self.kind is ClaimKind.PROFESSIONAL and not service.diagnosis_pointers:
                check.rule(f"{where}.diagnosis_pointers", "a professional line points to a diagnosis")
            if self.kind is ClaimKind.INSTITUTIONAL and service.revenue_code is None:
                raise check.fail(f"{where}.revenue_code", "an institutional line needs a revenue code")
            for pointer in service.diagnosis_pointers:
                if pointer > len(self.diagnosis_codes):
                    check.rule(
                        f"{where}.diagnosis_pointers",
                        f"pointer {pointer} points past the claim's {len(self.diagnosis_codes)} diagnoses",
                    )
        line_total = sum((service.charge for service in self.lines), ZERO_MONEY)
        if line_total != self.total_charge:
            check.rule(
                "total_charge",
                f"{format_money(self.total_charge)} is not the sum of the line charges ({format_money(line_total)})",
            )

    @property
    def diagnosis_codes(self) -> tuple[str, ...]:
        """The codes line diagnosis pointers count, in order: ICD-10-CM ``diagnoses``, or the ICD-9-CM BK and BFs."""
        if self.diagnoses:
            return tuple(diagnosis.code for diagnosis in self.diagnoses)
        return tuple(diagnosis.code for diagnosis in self.icd9_diagnoses if diagnosis.role in _ICD9_POINTED)

    @property
    def first_service_date(self) -> date:
        """The earliest date of service on the claim (timely filing and code sets are judged from it)."""
        return min(service.service_date for service in self.lines)

    @property
    def last_service_date(self) -> date:
        """The latest date of service on the claim."""
        return max(service.last_service_date for service in self.lines)
