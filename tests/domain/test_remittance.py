import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from revcycle.domain import (
    Adjustment,
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimPayment,
    ClaimStatus,
    CreditDebit,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
)
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import co, make_claim_payment, make_provider_adjustment, make_remittance, make_service, pr

# Adjustments


def test_an_adjustment_normalises_its_codes() -> None:
    fields: dict[str, Any] = {"group": "OA", "reason_code": " b7 ", "amount": "-5", "quantity": "1.000"}
    adjustment = Adjustment(**fields)

    assert adjustment.group is AdjustmentGroup.OTHER_ADJUSTMENT
    assert adjustment.reason_code == "B7"
    assert str(adjustment.amount) == "-5.00"
    assert str(adjustment.quantity) == "1"


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"group": "XX"}, "group", "'XX' is not one of CO, PR, OA, PI, CR"),
        ({"reason_code": "ABC"}, "reason_code", "is not a claim adjustment reason code"),
        ({"amount": 12.5}, "amount", "is a float"),
        ({"amount": "1.001"}, "amount", "fractions of a cent"),
        ({"quantity": "0.0001"}, "quantity", "more than three decimal places"),
    ],
)
def test_a_bad_adjustment_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    values: dict[str, Any] = {"group": "CO", "reason_code": "45", "amount": Decimal("1.00"), **fields}
    with pytest.raises(InvalidRecord) as caught:
        Adjustment(**values)

    assert (caught.value.record, caught.value.field) == ("Adjustment", field)
    assert fragment in caught.value.reason


# Line payments


def test_a_balanced_line_has_no_imbalance() -> None:
    assert make_service().imbalance == Decimal("0.00")


@pytest.mark.parametrize(
    ("paid", "adjustments", "imbalance"),
    [
        ("75.00", ("20.00", "10.00"), "-5.00"),
        ("65.00", ("20.00", "10.00"), "5.00"),
        ("100.00", (), "0.00"),
        ("0.00", (), "100.00"),
        ("110.00", ("-10.00",), "0.00"),
    ],
)
def test_line_imbalance_is_charge_less_adjustments_less_paid(
    paid: str, adjustments: tuple[str, ...], imbalance: str
) -> None:
    service = make_service(paid=Decimal(paid), adjustments=tuple(co(amount) for amount in adjustments))

    assert service.imbalance == Decimal(imbalance)


def test_a_line_payment_normalises_its_fields() -> None:
    service = make_service(
        procedure_code="j1100",
        modifiers=["jw"],
        units_paid="2.0",
        units_billed=Decimal(3),
        billed_procedure_code="J1101",
        service_date=date(2024, 3, 1),
        allowed_amount="80",
        remark_codes=["n130", "MA01"],
    )

    assert (service.procedure_code, service.modifiers) == ("J1100", ("JW",))
    assert (str(service.units_paid), str(service.units_billed)) == ("2", "3")
    assert service.allowed_amount == Decimal("80.00")
    assert service.remark_codes == ("N130", "MA01")


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"procedure_code": "9921"}, "procedure_code", "is not a CPT or HCPCS code"),
        ({"charge": 100.0}, "charge", "is a float"),
        ({"paid": None}, "paid", "must be a decimal string"),
        ({"modifiers": ("25", "ABC")}, "modifiers[1]", "is not a modifier"),
        ({"billed_procedure_code": "X"}, "billed_procedure_code", "is not a CPT or HCPCS code"),
        ({"allowed_amount": "abc"}, "allowed_amount", "is not a decimal number"),
        ({"remark_codes": ("N130", "X1")}, "remark_codes[1]", "is not a remittance advice remark code"),
        ({"adjustments": (co("1.00"), "CO-45")}, "adjustments[1]", "'CO-45' is not a"),
        ({"service_date": "2024-03-01"}, "service_date", "is not a date"),
    ],
)
def test_a_bad_line_payment_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_service(**fields)

    assert (caught.value.record, caught.value.field) == ("ServicePayment", field)
    assert fragment in caught.value.reason


# Claim payments


def test_a_balanced_claim_payment_has_no_imbalance() -> None:
    assert make_claim_payment().imbalance == Decimal("0.00")


def test_claim_imbalance_counts_claim_and_line_adjustments() -> None:
    claim = make_claim_payment(adjustments=(co("5.00", reason="253"),), paid=Decimal("140.00"))

    assert claim.imbalance == Decimal("-5.00")
    assert dataclasses.replace(claim, paid=Decimal("135.00")).imbalance == Decimal("0.00")


def test_a_denied_claim_without_lines_balances_on_claim_adjustments() -> None:
    claim = make_claim_payment(
        status="4",
        paid=Decimal("0.00"),
        patient_responsibility=None,
        adjustments=(co("200.00", reason="29"),),
        service_payments=(),
    )

    assert claim.status is ClaimStatus.DENIED
    assert claim.imbalance == Decimal("0.00")
    assert dataclasses.replace(claim, adjustments=()).imbalance == Decimal("200.00")


def test_a_reversal_has_negative_amounts() -> None:
    claim = make_claim_payment(
        status=ClaimStatus.REVERSAL_OF_PREVIOUS_PAYMENT,
        total_charge=Decimal("-200.00"),
        paid=Decimal("-140.00"),
        service_payments=(),
        adjustments=(co("-40.00"), pr("-20.00")),
    )

    assert claim.imbalance == Decimal("0.00")


def test_a_claim_payment_normalises_its_fields() -> None:
    claim = make_claim_payment(
        claim_filing_indicator="MB",
        payer_claim_control_number=" 2024061500123 ",
        facility_type_code="11",
        frequency="1",
        patient_name=" DOE, JANE ",
        remark_codes=("ma01",),
    )

    assert claim.claim_filing_indicator is ClaimFilingIndicator.MEDICARE_PART_B
    assert claim.payer_claim_control_number == "2024061500123"
    assert claim.patient_name == "DOE, JANE"
    assert claim.remark_codes == ("MA01",)


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"patient_control_number": ""}, "patient_control_number", "is required and empty"),
        ({"patient_control_number": "P\x00"}, "patient_control_number", "holds control characters"),
        ({"status": "5"}, "status", "'5' is not one of 1, 2, 3, 4, 19, 20, 21, 22, 23, 25"),
        ({"total_charge": 200.0}, "total_charge", "is a float"),
        ({"patient_responsibility": "1.234"}, "patient_responsibility", "fractions of a cent"),
        ({"claim_filing_indicator": "QQ"}, "claim_filing_indicator", "is not one of"),
        ({"facility_type_code": "131"}, "facility_type_code", "at most 2"),
        ({"frequency": "71"}, "frequency", "at most 1"),
        ({"statement_to": "2024-03-01"}, "statement_to", "is not a date"),
        ({"service_payments": (make_service(), None)}, "service_payments[1]", "is not a ServicePayment"),
        ({"service_payments": None}, "service_payments", "is not a list"),
    ],
)
def test_a_bad_claim_payment_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim_payment(**fields)

    assert (caught.value.record, caught.value.field) == ("ClaimPayment", field)
    assert fragment in caught.value.reason


# Provider adjustments and remittances


def test_a_provider_adjustment() -> None:
    plb = make_provider_adjustment(reason_code="wo", amount="25", reference=" CLM-9 ")

    assert (plb.reason_code, plb.amount, plb.reference) == ("WO", Decimal("25.00"), "CLM-9")


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"reason_code": "W"}, "reason_code", "is not a provider adjustment reason code"),
        ({"amount": 25.0}, "amount", "is a float"),
        ({"fiscal_period_end": None}, "fiscal_period_end", "is not a date"),
        ({"provider_identifier": ""}, "provider_identifier", "is required and empty"),
        ({"reference": "x" * 51}, "reference", "at most 50"),
    ],
)
def test_a_bad_provider_adjustment_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_provider_adjustment(**fields)

    assert (caught.value.record, caught.value.field) == ("ProviderAdjustment", field)
    assert fragment in caught.value.reason


def plb(amount: str, reason: str = "WO") -> ProviderAdjustment:
    return make_provider_adjustment(reason_code=reason, amount=Decimal(amount))


def test_a_balanced_remittance() -> None:
    remittance = make_remittance()

    assert remittance.total_paid == Decimal("140.00")
    assert remittance.provider_adjustment_total == Decimal("0.00")
    assert remittance.imbalance == Decimal("0.00")
    assert remittance.credit_debit is CreditDebit.CREDIT


def test_a_recoupment_reduces_the_payment() -> None:
    remittance = make_remittance(payment_amount=Decimal("115.00"), provider_adjustments=(plb("25.00"),))

    assert remittance.provider_adjustment_total == Decimal("25.00")
    assert remittance.imbalance == Decimal("0.00")


def test_interest_increases_the_payment() -> None:
    remittance = make_remittance(payment_amount=Decimal("141.50"), provider_adjustments=(plb("-1.50", reason="L6"),))

    assert remittance.imbalance == Decimal("0.00")


@pytest.mark.parametrize(
    ("payment_amount", "imbalance"), [("140.01", "0.01"), ("139.99", "-0.01"), ("0.00", "-140.00")]
)
def test_remittance_imbalance_is_payment_less_net_paid(payment_amount: str, imbalance: str) -> None:
    assert make_remittance(payment_amount=Decimal(payment_amount)).imbalance == Decimal(imbalance)


def test_remittance_totals_over_several_claims() -> None:
    claims = (
        make_claim_payment(),
        make_claim_payment(patient_control_number="PCN-2", paid=Decimal("60.00"), service_payments=()),
        make_claim_payment(patient_control_number="PCN-3", paid=Decimal("-30.00"), service_payments=()),
    )
    remittance = make_remittance(claims=claims, payment_amount=Decimal("160.00"), provider_adjustments=(plb("10.00"),))

    assert remittance.total_paid == Decimal("170.00")
    assert remittance.imbalance == Decimal("0.00")


def test_a_remittance_without_payment() -> None:
    remittance = make_remittance(
        payment_method="NON", payment_amount="0", claims=(), payee_npi=" 1234567893 ", payer_id="payer-1"
    )

    assert remittance.payment_method is PaymentMethod.NON_PAYMENT
    assert remittance.total_paid == Decimal("0.00")
    assert remittance.imbalance == Decimal("0.00")
    assert remittance.payee_npi == "1234567893"


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"id": "era 1"}, "id", "is not an identifier"),
        ({"payer_name": "x" * 61}, "payer_name", "at most 60"),
        ({"payer_identifier": ""}, "payer_identifier", "is required and empty"),
        ({"payment_amount": 140.0}, "payment_amount", "is a float"),
        ({"payment_method": "CASH"}, "payment_method", "'CASH' is not one of CHK, ACH, FWT, BOP, NON"),
        ({"payment_date": "2024-04-02"}, "payment_date", "is not a date"),
        ({"trace_number": "EFT\t1"}, "trace_number", "holds control characters"),
        ({"credit_debit": "X"}, "credit_debit", "'X' is not one of C, D"),
        ({"payee_npi": "1234567890"}, "payee_npi", "check digit should be 3"),
        ({"claims": (make_claim_payment(), "CLP")}, "claims[1]", "is not a ClaimPayment"),
        ({"provider_adjustments": "WO"}, "provider_adjustments", "is not a list"),
    ],
)
def test_a_bad_remittance_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_remittance(**fields)

    assert (caught.value.record, caught.value.field) == ("Remittance", field)
    assert fragment in caught.value.reason


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(strategies.claim_payments())
def test_claim_imbalance_is_what_paying_it_would_leave(claim: ClaimPayment) -> None:
    settled = dataclasses.replace(claim, paid=claim.paid + claim.imbalance)

    assert settled.imbalance == 0


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(strategies.remittances())
def test_remittance_imbalance_is_what_paying_it_would_leave(remittance: Remittance) -> None:
    settled = dataclasses.replace(remittance, payment_amount=remittance.payment_amount - remittance.imbalance)

    assert settled.imbalance == 0
    assert remittance.total_paid == sum((claim.paid for claim in remittance.claims), Decimal(0))
