"""The claim: the bill sent to a payer, professional (837P / CMS-1500) or institutional (837I / UB-04)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from revcycle.domain import codes
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
from revcycle.domain.source import Source

MAX_MODIFIERS = 4
MAX_POINTERS = 4
# 837P carries at most 12 diagnoses (HI) and 50 service lines; 837I a principal plus 24 others and 999 lines.
MAX_PROFESSIONAL_DIAGNOSES = 12
MAX_INSTITUTIONAL_DIAGNOSES = 25
MAX_PROFESSIONAL_LINES = 50
MAX_INSTITUTIONAL_LINES = 999


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
        check("place_of_service", optional(codes.place_of_service))
        check("revenue_code", optional(codes.revenue_code))
        check("ndc", optional(codes.ndc))
        check("ndc_quantity", optional(_positive_quantity))
        check("ndc_unit", optional(one_of(NdcUnit)))
        check("rendering_provider_id", optional(record_id))
        check("line_control_number", optional_line, max_length=50)
        if len(modifiers) > MAX_MODIFIERS:
            raise check.fail("modifiers", f"{len(modifiers)} modifiers; a line carries at most {MAX_MODIFIERS}")
        if len(set(modifiers)) != len(modifiers):
            raise check.fail("modifiers", "a modifier is repeated")
        if len(pointers) > MAX_POINTERS:
            raise check.fail("diagnosis_pointers", f"{len(pointers)} pointers; a line has at most {MAX_POINTERS}")
        if len(set(pointers)) != len(pointers):
            raise check.fail("diagnosis_pointers", "a diagnosis pointer is repeated")
        if self.service_date_end is not None and self.service_date_end < self.service_date:
            raise check.fail("service_date_end", f"{self.service_date_end} is before {self.service_date}")
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
    """CLM05-3, the claim frequency type code."""

    ORIGINAL = "1"
    REPLACEMENT = "7"
    VOID = "8"


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
        diagnoses: HI, the ICD-10-CM diagnoses; the first is the principal or first-listed diagnosis.
        lines: loop 2400, the services billed.
        total_charge: CLM02, which must equal the sum of the line charges.
        frequency: CLM05-3, original (1), replacement (7) or void (8).
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
    """

    id: str
    kind: ClaimKind
    patient_control_number: str
    patient_id: str
    coverage_id: str
    billing_provider_id: str
    diagnoses: tuple[Diagnosis, ...]
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
        ):
            check(field, optional(record_id))
        check("patient_control_number", line, max_length=38)
        check("frequency", one_of(ClaimFrequency))
        check("original_claim_reference", optional_line, max_length=50)
        check("place_of_service", optional(codes.place_of_service))
        check("facility_type_code", optional(_facility_type))
        for field in ("statement_from", "statement_to", "admission_date"):
            check(field, optional_date)
        check("prior_authorization", optional_line, max_length=50)
        check("source", optional(instance(Source)))
        check.each("diagnoses", instance(Diagnosis))
        check.each("lines", instance(ServiceLine))
        check("total_charge", _non_negative_money)
        self._check_kind(check)
        self._check_frequency(check)
        self._check_diagnoses(check)
        self._check_lines(check)
        if self.statement_from and self.statement_to and self.statement_to < self.statement_from:
            raise check.fail("statement_to", "the statement period ends before it starts")

    def _check_kind(self, check: Normaliser) -> None:
        if self.kind is ClaimKind.PROFESSIONAL and self.place_of_service is None:
            raise check.fail("place_of_service", "a professional claim needs a place of service (CLM05-1)")
        if self.kind is ClaimKind.INSTITUTIONAL:
            if self.facility_type_code is None:
                raise check.fail("facility_type_code", "an institutional claim needs a facility type code")
            for field in ("statement_from", "statement_to"):
                if getattr(self, field) is None:
                    raise check.fail(field, "an institutional claim needs its statement period (DTP*434)")

    def _check_frequency(self, check: Normaliser) -> None:
        replaces = self.frequency in (ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID)
        if replaces and self.original_claim_reference is None:
            raise check.fail(
                "original_claim_reference",
                f"a {self.frequency.name.lower()} claim (frequency {self.frequency}) needs the payer's "
                "claim number of the original claim",
            )
        if not replaces and self.original_claim_reference is not None:
            raise check.fail("original_claim_reference", "an original claim (frequency 1) replaces no claim")

    def _check_diagnoses(self, check: Normaliser) -> None:
        limit = MAX_PROFESSIONAL_DIAGNOSES if self.kind is ClaimKind.PROFESSIONAL else MAX_INSTITUTIONAL_DIAGNOSES
        if not self.diagnoses:
            raise check.fail("diagnoses", "a claim needs at least one diagnosis")
        if len(self.diagnoses) > limit:
            raise check.fail("diagnoses", f"{len(self.diagnoses)} diagnoses; a {self.kind} claim holds {limit}")
        diagnosis_codes = [diagnosis.code for diagnosis in self.diagnoses]
        if len(set(diagnosis_codes)) != len(diagnosis_codes):
            raise check.fail("diagnoses", "a diagnosis code is listed twice")

    def _check_lines(self, check: Normaliser) -> None:
        limit = MAX_PROFESSIONAL_LINES if self.kind is ClaimKind.PROFESSIONAL else MAX_INSTITUTIONAL_LINES
        if not self.lines:
            raise check.fail("lines", "a claim needs at least one service line")
        if len(self.lines) > limit:
            raise check.fail("lines", f"{len(self.lines)} lines; a {self.kind} claim holds {limit}")
        numbers = [service.line_number for service in self.lines]
        if len(set(numbers)) != len(numbers):
            raise check.fail("lines", "two lines share a line number")
        for index, service in enumerate(self.lines):
            where = f"lines[{index}]"
            if self.kind is ClaimKind.PROFESSIONAL and not service.diagnosis_pointers:
                raise check.fail(f"{where}.diagnosis_pointers", "a professional line points to a diagnosis")
            if self.kind is ClaimKind.INSTITUTIONAL and service.revenue_code is None:
                raise check.fail(f"{where}.revenue_code", "an institutional line needs a revenue code")
            for pointer in service.diagnosis_pointers:
                if pointer > len(self.diagnoses):
                    raise check.fail(
                        f"{where}.diagnosis_pointers",
                        f"pointer {pointer} points past the claim's {len(self.diagnoses)} diagnoses",
                    )
        line_total = sum((service.charge for service in self.lines), ZERO_MONEY)
        if line_total != self.total_charge:
            raise check.fail(
                "total_charge",
                f"{format_money(self.total_charge)} is not the sum of the line charges ({format_money(line_total)})",
            )

    @property
    def first_service_date(self) -> date:
        """The earliest date of service on the claim (timely filing and code sets are judged from it)."""
        return min(service.service_date for service in self.lines)

    @property
    def last_service_date(self) -> date:
        """The latest date of service on the claim."""
        return max(service.last_service_date for service in self.lines)
