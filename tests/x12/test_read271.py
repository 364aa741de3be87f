from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from revcycle.domain.eligibility import BenefitInformation, EligibilityResponse, MemberLevel, TimePeriod, YesNo
from revcycle.domain.parties import Sex
from revcycle.x12.errors import X12Error
from revcycle.x12.read271 import read_271
from revcycle.x12.tokens import read_bytes
from tests.x12.corpus import X12_SAMPLES, sample_params

FIXTURES = Path(__file__).parent / "fixtures" / "271"
SUBSCRIBER = X12_SAMPLES / "271/linuxforhealth/271_005010X279A1__subscriber-health-benefit-check.271"
ERROR = X12_SAMPLES / "271/linuxforhealth/271_005010X279A1__subscriber-health-benefit-check-error.271"
# ISA11 and ISA16 are both "^" here: the service type codes of EB03 are still read one by one.
SAME_SEPARATORS = X12_SAMPLES / "271/oopfactory/HipaaTests___5010__Example_3_1_2.txt"


def _read(path: Path) -> list[EligibilityResponse]:
    return list(read_271(path))


@pytest.mark.parametrize("path", sample_params("271", broken=False))
def test_every_sound_271_sample_reads(path: Path) -> None:
    responses = _read(path)

    assert responses
    for response in responses:
        assert response.implementation.startswith("005010X279")
        for member in response.members:
            for benefit in member.benefits:
                assert all(1 <= len(code) <= 2 for code in benefit.service_types)


@pytest.mark.parametrize("path", sample_params("271", broken=True))
def test_broken_271_samples_read_or_raise_x12_error_only(path: Path) -> None:
    try:
        _read(path)
        outcome = "read"
    except X12Error as error:
        outcome = str(error)

    # Anything but our own error naming the file (a KeyError, an IndexError) would have escaped above.
    assert outcome == "read" or outcome.startswith(str(path))


def test_a_subscriber_response_reads_in_billing_terms() -> None:
    (response,) = _read(SUBSCRIBER)

    assert (response.payer_name, response.payer_identifier) == ("ABC COMPANY", "841610001")
    assert response.receiver_identifier == "2000035"
    assert response.reference == "10001234"
    (member,) = response.members
    assert member.level is MemberLevel.SUBSCRIBER
    assert str(member.source) == f"{SUBSCRIBER}: segment 9 (HL)"
    assert (member.last_name, member.first_name, member.member_id) == ("SMITH", "JOHN", "123456789")
    assert member.trace_numbers == ("93175-012547",)
    assert (member.birth_date, member.sex) == (date(1963, 5, 19), Sex.MALE)
    assert member.dates[0].qualifier == "346"
    assert member.dates[0].start == date(2006, 1, 1)
    assert member.active is True
    plan, primary_care, covered, in_network, out_of_network = member.benefits
    assert plan.plan_description == "GOLD 123 PLAN"
    assert plan.service_types == ("30",)
    (doctor,) = primary_care.related_entities
    assert (doctor.entity_code, doctor.name, doctor.identifier) == ("P3", "JONES, MARCUS", "0202034")
    assert covered.service_types == ("1", "33", "35", "47", "86", "88", "98", "AL", "MH", "UC")
    assert in_network.information is BenefitInformation.CO_PAYMENT
    assert (in_network.amount, in_network.time_period, in_network.in_network) == (
        Decimal("10.00"),
        TimePeriod.VISIT,
        YesNo.YES,
    )
    assert out_of_network.in_network is YesNo.NO
    assert member.benefits_of(BenefitInformation.CO_PAYMENT, "98") == [in_network, out_of_network]
    assert member.benefits_of(BenefitInformation.CO_PAYMENT, "30") == []


def test_an_error_response_carries_the_rejection() -> None:
    (response,) = _read(ERROR)

    (rejection,) = response.rejections
    assert (rejection.valid_request, rejection.reason_code, rejection.follow_up) == (True, "50", "N")
    assert not response.members


def test_service_types_are_split_when_the_isa_declares_one_separator_twice() -> None:
    (response,) = _read(SAME_SEPARATORS)

    codes = {code for member in response.members for benefit in member.benefits for code in benefit.service_types}
    assert {"1", "33", "MH", "UC"} <= codes


def test_deductibles_co_insurance_and_remaining_amounts_read_from_a_fixture() -> None:
    (response,) = _read(FIXTURES / "benefits.271")

    subscriber, dependent = response.members
    assert subscriber.group_number == "GRP-100"
    deductible, remaining = subscriber.benefits_of(BenefitInformation.DEDUCTIBLE)
    assert (deductible.amount, deductible.time_period) == (Decimal("1500.00"), TimePeriod.CALENDAR_YEAR)
    assert (remaining.amount, remaining.time_period) == (Decimal("650.25"), TimePeriod.REMAINING)
    assert remaining.messages == ("DEDUCTIBLE APPLIES TO IN NETWORK SERVICES",)
    (co_insurance,) = subscriber.benefits_of(BenefitInformation.CO_INSURANCE, "98")
    assert co_insurance.percent == Decimal(".20")
    assert co_insurance.in_network is YesNo.NO
    (out_of_pocket,) = subscriber.benefits_of(BenefitInformation.OUT_OF_POCKET)
    assert out_of_pocket.amount == Decimal("5000.00")
    (limit,) = subscriber.benefits_of(BenefitInformation.LIMITATIONS)
    assert (limit.quantity_qualifier, limit.quantity) == ("VS", Decimal(20))
    plan = subscriber.benefits[0]
    assert (plan.coverage_level, plan.insurance_type, plan.service_types) == ("FAM", "PR", ("30", "98"))
    assert (plan.dates[0].start, plan.dates[0].end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert dependent.level is MemberLevel.DEPENDENT
    assert dependent.relationship == "19"
    assert dependent.active is False
    assert dependent.member_id == "W123456789"
    (rejection,) = dependent.rejections
    assert (rejection.reason_code, rejection.follow_up) == ("58", "C")


ENVELOPE = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240305*1200*^*00501*000000001*0*T*:~"
MEMBER = ["HL*1**20*1", "NM1*PR*2*PAYER", "HL*2*1*21*1", "HL*3*2*22*0", "NM1*IL*1*DOE*JANE****MI*W1"]


def _text(*body: str) -> bytes:
    segments = [ENVELOPE, "GS*HB*A*B*20240305*1200*1*X*005010X279A1", "ST*271*0001*005010X279A1", *body]
    segments += [f"SE*{len(body) + 2}*0001", "GE*1*1", "IEA*1*000000001"]
    return "~".join(segments).encode() + b"~"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([*MEMBER, "EB*Z"], "Benefit.information: 'Z' is not one of"),
        ([*MEMBER, "EB*C*IND*30***23*12.345"], "EB07 (benefit amount)"),
        ([*MEMBER, "EB*A*IND*30*****150"], "EB08 (benefit percent): '150' is not a percentage from 0 to 100"),
        ([*MEMBER, "EB*1*IND*30**PLAN*99"], "Benefit.time_period: '99' is not one of"),
        ([*MEMBER, "DMG*D8*19800231*F"], "DMG02 birth date '19800231' is not a date"),
        ([*MEMBER, "DMG*D6*800215*F"], "DMG01 'D6'"),
        ([*MEMBER, "AAA*X**72*C"], "AAA01 'X' is neither Y nor N"),
        (["HL*1**20*1", "EB*1"], "EB outside a subscriber or dependent"),
        ([*MEMBER, "LS*2120"], "LS outside a benefit"),
        ([*MEMBER, "LE*2120"], "LE without its LS"),
        (["HL*1**19*1"], "HL03 '19' is not a level of a 271"),
    ],
)
def test_a_bad_value_is_refused_naming_the_segment(body: list[str], message: str) -> None:
    with pytest.raises(X12Error) as caught:
        list(read_271(read_bytes(_text(*body)), path="test.271"))

    assert message in str(caught.value)
    assert str(caught.value).startswith("test.271: segment ")
