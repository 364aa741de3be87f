"""Valid domain records for the tests, each changed by the keyword arguments a test passes.

Every builder takes the record's fields as overrides, so a test names only the field it is about; the overrides are
``Any`` on purpose, so that a test may pass a value of the wrong type and see it refused.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from revcycle.domain import (
    Address,
    Adjustment,
    AdjustmentGroup,
    Claim,
    ClaimFilingIndicator,
    ClaimKind,
    ClaimPayment,
    ClaimStatus,
    ClinicalNote,
    Coverage,
    CoverageOrder,
    Diagnosis,
    Encounter,
    LedgerEntry,
    NoteKind,
    Patient,
    Payer,
    PaymentMethod,
    PersonName,
    Posting,
    PresentOnAdmission,
    Provider,
    ProviderAdjustment,
    ProviderKind,
    Remittance,
    ServiceLine,
    ServicePayment,
    Sex,
)

# The example NPI of the CMS NPI standard: 123456789 with its check digit 3.
CMS_EXAMPLE_NPI = "1234567893"


# Parties


def make_address(**overrides: Any) -> Address:
    """An address in Springfield, IL 62701."""
    fields: dict[str, Any] = {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701"}
    fields.update(overrides)
    return Address(**fields)


def make_patient(**overrides: Any) -> Patient:
    """Jane Doe, female, born 1980-06-15."""
    fields: dict[str, Any] = {
        "id": "pat-1",
        "name": PersonName(last="Doe", first="Jane"),
        "birth_date": date(1980, 6, 15),
        "sex": Sex.FEMALE,
    }
    fields.update(overrides)
    return Patient(**fields)


def make_provider(**overrides: Any) -> Provider:
    """Marcus Welby, an individual provider with the CMS example NPI."""
    fields: dict[str, Any] = {
        "id": "prov-1",
        "kind": ProviderKind.INDIVIDUAL,
        "npi": CMS_EXAMPLE_NPI,
        "name": "Welby",
        "first_name": "Marcus",
    }
    fields.update(overrides)
    return Provider(**fields)


def make_payer(**overrides: Any) -> Payer:
    """Acme Health, a commercial payer."""
    fields: dict[str, Any] = {
        "id": "payer-1",
        "name": "Acme Health",
        "payer_identifier": "60054",
        "claim_filing_indicator": ClaimFilingIndicator.COMMERCIAL,
    }
    fields.update(overrides)
    return Payer(**fields)


def make_coverage(**overrides: Any) -> Coverage:
    """The primary coverage of pat-1 by payer-1, the patient being the subscriber."""
    fields: dict[str, Any] = {
        "id": "cov-1",
        "patient_id": "pat-1",
        "payer_id": "payer-1",
        "order": CoverageOrder.PRIMARY,
        "member_id": "W123456789",
    }
    fields.update(overrides)
    return Coverage(**fields)


# Encounters


def make_note(**overrides: Any) -> ClinicalNote:
    """A short progress note of 2024-03-01."""
    fields: dict[str, Any] = {
        "id": "note-1",
        "kind": NoteKind.PROGRESS,
        "authored_on": date(2024, 3, 1),
        "text": "S: cough for 3 days.\nA: acute URI.\nP: rest, fluids.",
    }
    fields.update(overrides)
    return ClinicalNote(**fields)


def make_encounter(**overrides: Any) -> Encounter:
    """An office visit (place of service 11) of pat-1 on 2024-03-01, without diagnoses or notes."""
    fields: dict[str, Any] = {
        "id": "enc-1",
        "patient_id": "pat-1",
        "start_date": date(2024, 3, 1),
        "place_of_service": "11",
        "billing_provider_id": "prov-bill",
    }
    fields.update(overrides)
    return Encounter(**fields)


# Claims


def make_line(**overrides: Any) -> ServiceLine:
    """Line 1: one 99213 on 2024-03-01 for 125.00, pointing to the first diagnosis."""
    fields: dict[str, Any] = {
        "line_number": 1,
        "procedure_code": "99213",
        "units": Decimal(1),
        "charge": Decimal("125.00"),
        "service_date": date(2024, 3, 1),
        "diagnosis_pointers": (1,),
    }
    fields.update(overrides)
    return ServiceLine(**fields)


def make_claim(**overrides: Any) -> Claim:
    """A professional claim of two lines, 125.00 + 100.00."""
    fields: dict[str, Any] = {
        "id": "clm-1",
        "kind": ClaimKind.PROFESSIONAL,
        "patient_control_number": "PCN-0001",
        "patient_id": "pat-1",
        "coverage_id": "cov-1",
        "billing_provider_id": "prov-bill",
        "diagnoses": (Diagnosis(code="E11.22"), Diagnosis(code="I10")),
        "lines": (
            make_line(),
            make_line(line_number=2, procedure_code="82947", charge=Decimal("100.00"), diagnosis_pointers=(1, 2)),
        ),
        "total_charge": Decimal("225.00"),
        "place_of_service": "11",
    }
    fields.update(overrides)
    return Claim(**fields)


def make_institutional_claim(**overrides: Any) -> Claim:
    """An outpatient hospital claim (type of bill 13x) of two lines."""
    fields: dict[str, Any] = {
        "kind": ClaimKind.INSTITUTIONAL,
        "place_of_service": None,
        "facility_type_code": "13",
        "statement_from": date(2024, 3, 1),
        "statement_to": date(2024, 3, 2),
        "diagnoses": (Diagnosis(code="R07.9", present_on_admission=PresentOnAdmission.UNKNOWN),),
        "lines": (
            make_line(revenue_code="0450", procedure_code="99284", diagnosis_pointers=()),
            make_line(line_number=2, revenue_code="0300", procedure_code="80053", charge=Decimal("100.00")),
        ),
    }
    fields.update(overrides)
    return make_claim(**fields)


# Remittances


def co(amount: str, reason: str = "45") -> Adjustment:
    """A contractual obligation (CO) of the amount, reason 45 unless another is given."""
    return Adjustment(group=AdjustmentGroup.CONTRACTUAL_OBLIGATION, reason_code=reason, amount=Decimal(amount))


def pr(amount: str, reason: str = "1") -> Adjustment:
    """A patient responsibility (PR) of the amount, reason 1 (deductible) unless another is given."""
    return Adjustment(group=AdjustmentGroup.PATIENT_RESPONSIBILITY, reason_code=reason, amount=Decimal(amount))


def make_service(**overrides: Any) -> ServicePayment:
    """A line billed 100.00, allowed 80.00: 20.00 contractual, 10.00 deductible, 70.00 paid."""
    fields: dict[str, Any] = {
        "procedure_code": "99213",
        "charge": Decimal("100.00"),
        "paid": Decimal("70.00"),
        "adjustments": (co("20.00"), pr("10.00")),
    }
    fields.update(overrides)
    return ServicePayment(**fields)


def make_claim_payment(**overrides: Any) -> ClaimPayment:
    """A claim of two such lines: 200.00 billed, 140.00 paid, 20.00 owed by the patient."""
    fields: dict[str, Any] = {
        "patient_control_number": "PCN-0001",
        "status": ClaimStatus.PROCESSED_AS_PRIMARY,
        "total_charge": Decimal("200.00"),
        "paid": Decimal("140.00"),
        "patient_responsibility": Decimal("20.00"),
        "service_payments": (make_service(), make_service(procedure_code="82947", line_control_number="L2")),
    }
    fields.update(overrides)
    return ClaimPayment(**fields)


def make_provider_adjustment(**overrides: Any) -> ProviderAdjustment:
    """A 25.00 withholding (PLB reason WO) from the provider of the CMS example NPI for 2024."""
    fields: dict[str, Any] = {
        "provider_identifier": CMS_EXAMPLE_NPI,
        "fiscal_period_end": date(2024, 12, 31),
        "reason_code": "WO",
        "amount": Decimal("25.00"),
    }
    fields.update(overrides)
    return ProviderAdjustment(**fields)


def make_remittance(**overrides: Any) -> Remittance:
    """An ACH payment of 140.00 for one such claim, balanced."""
    fields: dict[str, Any] = {
        "id": "era-1",
        "payer_name": "Acme Health",
        "payer_identifier": "60054",
        "payment_amount": Decimal("140.00"),
        "payment_method": PaymentMethod.ACH,
        "payment_date": date(2024, 4, 2),
        "trace_number": "EFT-0001",
        "claims": (make_claim_payment(),),
    }
    fields.update(overrides)
    return Remittance(**fields)


# Ledger


def make_entry(**overrides: Any) -> LedgerEntry:
    """A charge of 125.00 to the insurance receivable."""
    fields: dict[str, Any] = {
        "id": "entry-1",
        "posted_on": date(2024, 3, 1),
        "description": "Charge for claim clm-1",
        "postings": (
            Posting(account="Assets:Receivable:Insurance:MEDICARE", amount=Decimal("125.00")),
            Posting(account="Income:Charges", amount=Decimal("-125.00")),
        ),
    }
    fields.update(overrides)
    return LedgerEntry(**fields)
