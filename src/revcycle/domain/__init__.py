"""The domain of the revenue cycle as immutable, validated records.

Records check themselves when made: a record that exists is valid (a good NPI, a known place of service, money as
Decimal, a claim whose total is the sum of its lines); a bad one raises `revcycle.errors.InvalidRecord` naming the
record, the field and the rule.
"""

from revcycle.domain.claim import (
    Claim,
    ClaimFrequency,
    ClaimKind,
    NdcUnit,
    ServiceLine,
    UnitBasis,
)
from revcycle.domain.encounter import ClinicalNote, Diagnosis, Encounter, NoteKind, PresentOnAdmission
from revcycle.domain.ledger import LedgerEntry, Posting
from revcycle.domain.money import format_money, money, quantity
from revcycle.domain.npi import is_valid_npi, npi_check_digit
from revcycle.domain.parties import (
    Address,
    ClaimFilingIndicator,
    Coverage,
    CoverageOrder,
    Patient,
    Payer,
    PersonName,
    Provider,
    ProviderKind,
    Relationship,
    Sex,
    Subscriber,
)
from revcycle.domain.remittance import (
    Adjustment,
    AdjustmentGroup,
    ClaimPayment,
    ClaimStatus,
    CreditDebit,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from revcycle.domain.source import Source

__all__ = [
    "Address",
    "Adjustment",
    "AdjustmentGroup",
    "Claim",
    "ClaimFilingIndicator",
    "ClaimFrequency",
    "ClaimKind",
    "ClaimPayment",
    "ClaimStatus",
    "ClinicalNote",
    "Coverage",
    "CoverageOrder",
    "CreditDebit",
    "Diagnosis",
    "Encounter",
    "LedgerEntry",
    "NdcUnit",
    "NoteKind",
    "Patient",
    "Payer",
    "PaymentMethod",
    "PersonName",
    "Posting",
    "PresentOnAdmission",
    "Provider",
    "ProviderAdjustment",
    "ProviderKind",
    "Relationship",
    "Remittance",
    "ServiceLine",
    "ServicePayment",
    "Sex",
    "Source",
    "Subscriber",
    "UnitBasis",
    "format_money",
    "is_valid_npi",
    "money",
    "npi_check_digit",
    "quantity",
]
