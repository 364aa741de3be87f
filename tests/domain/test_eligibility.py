from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revcycle.domain.eligibility import (
    Benefit,
    BenefitInformation,
    ClaimStatusRequest,
    EligibilityDate,
    EligibilityRequest,
    EligibilityResponse,
    MemberEligibility,
    MemberLevel,
    Rejection,
    RelatedEntity,
    TimePeriod,
    YesNo,
    percent,
)
from revcycle.domain.fields import FieldError
from revcycle.domain.interchange import record_from_json, record_to_json
from revcycle.domain.parties import PersonName, Relationship, Subscriber
from revcycle.errors import InvalidRecord
from tests.domain.builders import make_coverage, make_line, make_patient, make_payer, make_provider


def _make(kind: Any, **fields: Any) -> Any:
    """A record made from loosely typed fields, as JSON or a reader gives them, for the record to check."""
    return kind(**fields)


def _benefit(information: str, **fields: Any) -> Benefit:
    benefit: Benefit = _make(Benefit, information=information, **fields)
    return benefit


# Percentages


@pytest.mark.parametrize(("value", "expected"), [(".20", Decimal(".20")), ("20", Decimal(20)), (0, Decimal(0))])
def test_a_percentage_is_a_decimal(value: object, expected: Decimal) -> None:
    assert percent(value) == expected


@pytest.mark.parametrize("value", [0.2, "abc", "101", "-1", "NaN", True, None])
def test_a_bad_percentage_is_refused(value: object) -> None:
    with pytest.raises(FieldError):
        percent(value)


# Benefits


def test_a_benefit_normalises_its_codes_and_amounts() -> None:
    benefit = _benefit(
        "C",
        coverage_level="ind",
        service_types=["30", "98"],
        time_period="29",
        amount="650.25",
        in_network="Y",
        dates=[EligibilityDate(qualifier="291", start=date(2024, 1, 1), end=date(2024, 12, 31))],
        related_entities=[RelatedEntity(entity_code="P3", name="WELBY, MARCUS")],
    )

    assert benefit.information is BenefitInformation.DEDUCTIBLE
    assert (benefit.coverage_level, benefit.service_types) == ("IND", ("30", "98"))
    assert (benefit.time_period, benefit.amount, benefit.in_network) == (
        TimePeriod.REMAINING,
        Decimal("650.25"),
        YesNo.YES,
    )
    assert benefit.applies_to("98")
    assert not benefit.applies_to("MH")
    assert _benefit("1").applies_to("MH")


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"information": "ZZ"}, "information", "'ZZ' is not one of"),
        ({"amount": 10.5}, "amount", "is a float"),
        ({"percent": "150"}, "percent", "not a percentage from 0 to 100"),
        ({"service_types": ["ABC"]}, "service_types[0]", "is not a service type code"),
        ({"time_period": "99"}, "time_period", "'99' is not one of"),
        ({"in_network": "X"}, "in_network", "'X' is not one of"),
    ],
)
def test_a_bad_benefit_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    values: dict[str, Any] = {"information": "1", **fields}
    with pytest.raises(InvalidRecord) as caught:
        _make(Benefit, **values)

    assert (caught.value.record, caught.value.field) == ("Benefit", field)
    assert fragment in caught.value.reason


def test_a_span_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidRecord, match="ends"):
        EligibilityDate(qualifier="291", start=date(2024, 2, 1), end=date(2024, 1, 1))


def test_a_rejection_is_a_yes_or_no_with_a_reason() -> None:
    assert Rejection(valid_request=False, reason_code="72", follow_up="c").follow_up == "C"
    with pytest.raises(InvalidRecord, match="is not true or false"):
        _make(Rejection, valid_request="Y", reason_code="72")


# Members


def test_a_member_is_active_by_its_first_coverage_benefit() -> None:
    member = MemberEligibility(
        level=MemberLevel.SUBSCRIBER,
        benefits=(_benefit("L"), _benefit("1"), _benefit("B", service_types=["98"], amount="25.00"), _benefit("6")),
    )

    assert member.active is True
    assert MemberEligibility(level=MemberLevel.DEPENDENT, benefits=(_benefit("6"), _benefit("1"))).active is False
    assert MemberEligibility(level=MemberLevel.DEPENDENT).active is None
    (copay,) = member.benefits_of(BenefitInformation.CO_PAYMENT, "98")
    assert copay.amount == Decimal("25.00")
    assert member.benefits_of(BenefitInformation.CO_PAYMENT, "MH") == []


def test_a_response_goes_to_json_and_back() -> None:
    response = EligibilityResponse(
        control_number="0001",
        implementation="005010X279A1",
        created=date(2024, 3, 5),
        members=(
            MemberEligibility(
                level=MemberLevel.SUBSCRIBER,
                last_name="DOE",
                benefits=(_benefit("A", percent=".20", service_types=["98"]),),
            ),
        ),
    )

    assert record_from_json(EligibilityResponse, record_to_json(response)) == response


# Requests


def _inquiry(**fields: Any) -> EligibilityRequest:
    values: dict[str, Any] = {
        "payer": make_payer(),
        "provider": make_provider(),
        "patient": make_patient(),
        "coverage": make_coverage(),
        "trace_number": "TRACE-1",
    }
    values.update(fields)
    return EligibilityRequest(**values)


def test_an_inquiry_asks_about_the_whole_plan_by_default() -> None:
    inquiry = _inquiry()

    assert inquiry.service_types == ("30",)
    assert inquiry.patient_is_subscriber


def test_an_inquiry_for_a_dependent_knows_the_patient_is_not_the_subscriber() -> None:
    subscriber = Subscriber(name=PersonName(last="Doe", first="John"))
    coverage = make_coverage(relationship=Relationship.SPOUSE, subscriber=subscriber)

    assert not _inquiry(coverage=coverage).patient_is_subscriber


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"service_types": [str(code) for code in range(100)]}, "service_types", "EQ01 repeats at most 99 times"),
        ({"trace_number": ""}, "trace_number", "required"),
        ({"payer": make_provider()}, "payer", "is not a Payer"),
        ({"originator_id": "12345678901"}, "originator_id", "at most 10"),
    ],
)
def test_a_bad_inquiry_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        _inquiry(**fields)

    assert (caught.value.record, caught.value.field) == ("EligibilityRequest", field)
    assert fragment in caught.value.reason


def _status_request(**fields: Any) -> ClaimStatusRequest:
    values: dict[str, Any] = {
        "payer": make_payer(),
        "receiver_name": "SPRINGFIELD BILLING",
        "receiver_id": "ETIN01",
        "provider": make_provider(),
        "patient": make_patient(),
        "coverage": make_coverage(),
        "trace_number": "TRACE-1",
        "patient_control_number": "PCN-0001",
        "total_charge": "225.00",
        "service_date": date(2024, 3, 1),
    }
    values.update(fields)
    return ClaimStatusRequest(**values)


def test_a_claim_status_request_carries_the_claims_identity() -> None:
    request = _status_request(lines=[make_line()])

    assert request.total_charge == Decimal("225.00")
    assert request.lines[0].procedure_code == "99213"
    assert request.patient_is_subscriber


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"service_date_end": date(2024, 2, 1)}, "service_date_end", "is before"),
        ({"total_charge": 225.0}, "total_charge", "is a float"),
        ({"coverage": make_coverage(payer_id="payer-9")}, "coverage", "the coverage is with payer payer-9"),
        ({"coverage": make_coverage(patient_id="pat-9")}, "coverage", "the coverage is of patient pat-9"),
        ({"patient_control_number": "x" * 39}, "patient_control_number", "at most 38"),
        ({"lines": ["99213"]}, "lines[0]", "is not a ServiceLine"),
    ],
)
def test_a_bad_claim_status_request_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        _status_request(**fields)

    assert (caught.value.record, caught.value.field) == ("ClaimStatusRequest", field)
    assert fragment in caught.value.reason
