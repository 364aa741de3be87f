"""The remittance: what a payer paid, adjusted and said about each claim and line (the 835)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from revcycle.domain import codes
from revcycle.domain.fields import (
    Normaliser,
    a_date,
    instance,
    line,
    one_of,
    optional,
    optional_date,
    optional_line,
    record_id,
)
from revcycle.domain.money import ZERO_MONEY, money, quantity
from revcycle.domain.parties import ClaimFilingIndicator
from revcycle.domain.source import Source


class AdjustmentGroup(StrEnum):
    """CAS01, the claim adjustment group: who bears the adjusted amount."""

    CONTRACTUAL_OBLIGATION = "CO"
    PATIENT_RESPONSIBILITY = "PR"
    OTHER_ADJUSTMENT = "OA"
    PAYER_INITIATED_REDUCTION = "PI"
    CORRECTION_AND_REVERSAL = "CR"


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustment:
    """One adjustment of a claim or line: a CAS group, a reason and an amount (one triplet of a CAS segment).

    Attributes:
        group: CAS01, who bears it (CO contractual, PR patient, OA other, PI payer, CR correction).
        reason_code: CAS02 (or 05, 08, ...), the Claim Adjustment Reason Code (CARC).
        amount: CAS03, the amount adjusted; negative when the adjustment adds to the payment.
        quantity: CAS04, the units adjusted, when the payer gives them.
    """

    group: AdjustmentGroup
    reason_code: str
    amount: Decimal
    quantity: Decimal | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("group", one_of(AdjustmentGroup))
        check("reason_code", codes.carc)
        check("amount", money)
        check("quantity", optional(quantity))


def _adjusted(adjustments: tuple[Adjustment, ...]) -> Decimal:
    return sum((adjustment.amount for adjustment in adjustments), ZERO_MONEY)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicePayment:
    """The payer's decision on one service line (loop 2110).

    Attributes:
        procedure_code: SVC01-2, the procedure as adjudicated.
        modifiers: SVC01-3..6, its modifiers.
        charge: SVC02, the line charge as submitted.
        paid: SVC03, the amount paid for the line.
        units_paid: SVC05, the units paid (1 when absent).
        units_billed: SVC07, the units submitted when they differ from those paid.
        billed_procedure_code: SVC06-2, the submitted procedure when the payer changed it.
        service_date: DTM*472, the date of service.
        line_control_number: REF*6R, the provider's line id from the 837.
        allowed_amount: AMT*B6, the amount the payer allows for the line.
        adjustments: CAS, the line's adjustments.
        remark_codes: LQ*HE, the RARCs for the line.
    """

    procedure_code: str
    charge: Decimal
    paid: Decimal
    modifiers: tuple[str, ...] = ()
    units_paid: Decimal | None = None
    units_billed: Decimal | None = None
    billed_procedure_code: str | None = None
    service_date: date | None = None
    line_control_number: str | None = None
    allowed_amount: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remark_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("procedure_code", codes.procedure_code)
        check("charge", money)
        check("paid", money)
        check.each("modifiers", codes.modifier)
        check("units_paid", optional(quantity))
        check("units_billed", optional(quantity))
        check("billed_procedure_code", optional(codes.procedure_code))
        check("service_date", optional_date)
        check("line_control_number", optional_line, max_length=50)
        check("allowed_amount", optional(money))
        check.each("adjustments", instance(Adjustment))
        check.each("remark_codes", codes.rarc)

    @property
    def imbalance(self) -> Decimal:
        """Charge - adjustments - paid: zero for a balanced line (the 835 balancing rule)."""
        return self.charge - _adjusted(self.adjustments) - self.paid


class ClaimStatus(StrEnum):
    """CLP02, how the payer processed the claim."""

    PROCESSED_AS_PRIMARY = "1"
    PROCESSED_AS_SECONDARY = "2"
    PROCESSED_AS_TERTIARY = "3"
    DENIED = "4"
    PROCESSED_AS_PRIMARY_FORWARDED = "19"
    PROCESSED_AS_SECONDARY_FORWARDED = "20"
    PROCESSED_AS_TERTIARY_FORWARDED = "21"
    REVERSAL_OF_PREVIOUS_PAYMENT = "22"
    NOT_OUR_CLAIM_FORWARDED = "23"
    PREDETERMINATION_ONLY = "25"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimPayment:
    """The payer's decision on one claim (loop 2100, the CLP segment and what follows it).

    Attributes:
        patient_control_number: CLP01, the CLM01 of the claim paid.
        status: CLP02, processed as primary, denied, reversed, ...
        total_charge: CLP03, the claim charge as submitted.
        paid: CLP04, the amount paid on the claim.
        patient_responsibility: CLP05, what the patient owes.
        claim_filing_indicator: CLP06, the kind of plan that paid.
        payer_claim_control_number: CLP07, the payer's number for the claim, needed to correct or void it.
        facility_type_code: CLP08, the facility type (place of service) as adjudicated.
        frequency: CLP09, the claim frequency code.
        patient_name: NM1*QC, the patient as the payer knows them.
        statement_from: DTM*232, the first day of the claim's service period.
        statement_to: DTM*233, the last day.
        adjustments: claim-level CAS.
        remark_codes: MOA / MIA remark codes (RARC) for the claim.
        service_payments: loop 2110, the decision on each line.
    """

    patient_control_number: str
    status: ClaimStatus
    total_charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None = None
    claim_filing_indicator: ClaimFilingIndicator | None = None
    payer_claim_control_number: str | None = None
    facility_type_code: str | None = None
    frequency: str | None = None
    patient_name: str | None = None
    statement_from: date | None = None
    statement_to: date | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remark_codes: tuple[str, ...] = ()
    service_payments: tuple[ServicePayment, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("patient_control_number", line, max_length=38)
        check("status", one_of(ClaimStatus))
        check("total_charge", money)
        check("paid", money)
        check("patient_responsibility", optional(money))
        check("claim_filing_indicator", optional(one_of(ClaimFilingIndicator)))
        check("payer_claim_control_number", optional_line, max_length=50)
        check("facility_type_code", optional_line, max_length=2)
        check("frequency", optional_line, max_length=1)
        check("patient_name", optional_line, max_length=120)
        check("statement_from", optional_date)
        check("statement_to", optional_date)
        check.each("adjustments", instance(Adjustment))
        check.each("remark_codes", codes.rarc)
        check.each("service_payments", instance(ServicePayment))

    @property
    def imbalance(self) -> Decimal:
        """Charge - all adjustments (claim and line) - paid: zero for a balanced claim."""
        line_adjusted = sum((_adjusted(service.adjustments) for service in self.service_payments), ZERO_MONEY)
        return self.total_charge - _adjusted(self.adjustments) - line_adjusted - self.paid


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderAdjustment:
    """One provider-level adjustment (an adjustment pair of the PLB segment), not tied to a claim.

    Attributes:
        provider_identifier: PLB01, the provider the adjustment applies to (usually the NPI).
        fiscal_period_end: PLB02, the last day of the provider's fiscal year.
        reason_code: PLB03-1, why (WO overpayment recovery, L6 interest, FB forwarding balance, 72 authorised
            return, ...).
        reference: PLB03-2, the payer's reference, often the claim or recoupment it concerns.
        amount: PLB04, the amount; positive reduces the payment, negative increases it.
    """

    provider_identifier: str
    fiscal_period_end: date
    reason_code: str
    amount: Decimal
    reference: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("provider_identifier", line, max_length=50)
        check("fiscal_period_end", a_date)
        check("reason_code", codes.plb_reason)
        check("amount", money)
        check("reference", optional_line, max_length=50)


class PaymentMethod(StrEnum):
    """BPR04, how the money moved."""

    CHECK = "CHK"
    ACH = "ACH"
    FEDWIRE = "FWT"
    BUSINESS_OWNED_PAYMENT = "BOP"
    NON_PAYMENT = "NON"


class CreditDebit(StrEnum):
    """BPR03, whether the payment is a credit to the provider or a debit."""

    CREDIT = "C"
    DEBIT = "D"


@dataclass(frozen=True, slots=True, kw_only=True)
class Remittance:
    """One payment or remittance advice from a payer (one ST/SE 835 transaction).

    Attributes:
        id: revcycle's identifier of the remittance.
        payer_name: N1*PR, the paying payer's name.
        payer_identifier: N1*PR N104 or TRN03, the payer's id.
        payment_amount: BPR02, the total actually paid (claims paid less provider-level adjustments).
        payment_method: BPR04, check, ACH, ..., or NON for a remittance without payment.
        payment_date: BPR16, the check or effective payment date.
        trace_number: TRN02, the check or EFT trace number that reconciles with the bank deposit.
        credit_debit: BPR03, credit or debit.
        payer_id: the revcycle payer it matched, when known.
        payee_name: N1*PE, the provider paid.
        payee_npi: N1*PE N104 with qualifier XX.
        claims: loop 2100, the claims paid or denied.
        provider_adjustments: PLB, adjustments to the provider not tied to a claim.
        source: the file and place it was read from.
    """

    id: str
    payer_name: str
    payer_identifier: str
    payment_amount: Decimal
    payment_method: PaymentMethod
    payment_date: date
    trace_number: str
    credit_debit: CreditDebit = CreditDebit.CREDIT
    payer_id: str | None = None
    payee_name: str | None = None
    payee_npi: str | None = None
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("id", record_id)
        check("payer_name", line, max_length=60)
        check("payer_identifier", line, max_length=80)
        check("payment_amount", money)
        check("payment_method", one_of(PaymentMethod))
        check("payment_date", a_date)
        check("trace_number", line, max_length=50)
        check("credit_debit", one_of(CreditDebit))
        check("payer_id", optional(record_id))
        check("payee_name", optional_line, max_length=60)
        check("payee_npi", optional(codes.npi))
        check.each("claims", instance(ClaimPayment))
        check.each("provider_adjustments", instance(ProviderAdjustment))
        check("source", optional(instance(Source)))

    @property
    def total_paid(self) -> Decimal:
        """Σ CLP04, the sum paid on the claims."""
        return sum((claim.paid for claim in self.claims), ZERO_MONEY)

    @property
    def provider_adjustment_total(self) -> Decimal:
        """Σ PLB amounts."""
        return sum((adjustment.amount for adjustment in self.provider_adjustments), ZERO_MONEY)

    @property
    def imbalance(self) -> Decimal:
        """BPR02 - (Σ CLP04 - Σ PLB): zero for a balanced remittance."""
        return self.payment_amount - (self.total_paid - self.provider_adjustment_total)
