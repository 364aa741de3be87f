from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from x12sdk.io import X12ModelReader

from revcycle.domain.eligibility import EligibilityRequest
from revcycle.domain.parties import PersonName, ProviderKind, Relationship, Sex, Subscriber
from revcycle.errors import InvalidRecord
from revcycle.x12.tokens import Delimiters, Segment, read_bytes, read_file
from revcycle.x12.write270 import write_270
from revcycle.x12.write837 import X12WriteError
from revcycle.x12.writer import Envelope
from tests.domain.builders import make_coverage, make_patient, make_payer, make_provider
from tests.x12.corpus import X12_SAMPLES

SUBSCRIBER_SAMPLE = X12_SAMPLES / "270/linuxforhealth/270_005010X279A1__subscriber-health-benefit-check.270"
DEPENDENT_SAMPLE = X12_SAMPLES / "270/linuxforhealth/270_005010X279A1__dependent-health-benefit-check.270"
CREATED = datetime(2024, 3, 5, 13, 19)


def _envelope(functional_identifier: str = "HS", **fields: Any) -> Envelope:
    return Envelope(
        sender_id="SPRINGFIELD",
        receiver_id="ACMEHEALTH",
        interchange_control_number=907,
        group_control_number=1,
        functional_identifier=functional_identifier,
        created=CREATED,
        **fields,
    )


def shape(segments: list[Segment]) -> list[tuple[str, ...]]:
    """The segments between ST and SE as ids and qualifiers (the provider's id qualifier aside: see below)."""
    qualifiers = {"HL": (3, 4), "NM1": (1,), "DTP": (1, 2), "TRN": (1,), "DMG": (1,), "BHT": (1, 2)}
    body: list[tuple[str, ...]] = []
    inside = False
    for segment in segments:
        if segment.id in ("ST", "SE"):
            inside = segment.id == "ST"
        elif inside:
            body.append((segment.id, *(segment[position] for position in qualifiers.get(segment.id, ()))))
    return body


def _provider() -> Any:
    return make_provider(id="clinic", kind=ProviderKind.ORGANIZATION, name="BONE AND JOINT CLINIC", first_name="")


def _subscriber_request(**fields: Any) -> EligibilityRequest:
    values: dict[str, Any] = {
        "payer": make_payer(name="ABC COMPANY", payer_identifier="842610001"),
        "provider": _provider(),
        "patient": make_patient(name=PersonName(last="SMITH", first="ROBERT"), birth_date=date(1943, 5, 19)),
        "coverage": make_coverage(member_id="11122333301"),
        "trace_number": "93175-012547",
        "originator_id": "9877281234",
        "service_date": date(2006, 5, 1),
    }
    values.update(fields)
    return EligibilityRequest(**values)


def _dependent_request(**fields: Any) -> EligibilityRequest:
    subscriber = Subscriber(name=PersonName(last="SMITH", first="ROBERT"), sex=Sex.MALE)
    return _subscriber_request(
        patient=make_patient(name=PersonName(last="SMITH", first="MARY"), birth_date=date(1978, 10, 14)),
        coverage=make_coverage(member_id="11122333301", relationship=Relationship.SPOUSE, subscriber=subscriber),
        **fields,
    )


def _texts(text: str) -> list[str]:
    return [segment.text() for segment in read_bytes(text.encode())]


@pytest.mark.parametrize(
    ("request_of", "sample"),
    [(_subscriber_request, SUBSCRIBER_SAMPLE), (_dependent_request, DEPENDENT_SAMPLE)],
    ids=["subscriber", "dependent"],
)
def test_the_guide_examples_are_written_with_the_same_segments_and_qualifiers(request_of: Any, sample: Any) -> None:
    text = write_270([request_of()], _envelope())

    assert shape(read_bytes(text.encode())) == shape(list(read_file(sample)))
    with X12ModelReader(text) as reader:
        (model,) = list(reader.models())
    assert type(model).__name__ == "EligibilityInquiry"


def test_a_subscriber_inquiry_in_billing_terms() -> None:
    text = write_270([_subscriber_request(service_types=("30", "98", "MH"))], _envelope())

    texts = _texts(text)
    assert "GS*HS*SPRINGFIELD*ACMEHEALTH*20240305*1319*1*X*005010X279A1" in texts
    start = texts.index("HL*3*2*22*0")
    # The provider is named by its NPI (XX): the guide's examples still show the pre-NPI SV qualifier.
    assert texts[start - 1] == "NM1*1P*2*BONE AND JOINT CLINIC*****XX*1234567893"
    assert texts[start : start + 6] == [
        "HL*3*2*22*0",
        "TRN*1*93175-012547*9877281234",
        "NM1*IL*1*SMITH*ROBERT****MI*11122333301",
        "DMG*D8*19430519*F",
        "DTP*291*D8*20060501",
        "EQ*30^98^MH",
    ]


def test_a_dependent_inquiry_asks_under_the_subscriber() -> None:
    texts = _texts(write_270([_dependent_request(service_date=None)], _envelope()))

    start = texts.index("HL*3*2*22*1")
    assert texts[start : start + 7] == [
        "HL*3*2*22*1",
        "NM1*IL*1*SMITH*ROBERT****MI*11122333301",
        "HL*4*3*23*0",
        "TRN*1*93175-012547*9877281234",
        "NM1*03*1*SMITH*MARY",
        "DMG*D8*19781014*F",
        "EQ*30",
    ]


def test_inquiries_to_one_payer_from_one_provider_share_their_levels() -> None:
    other_payer = make_payer(id="payer-2", name="OTHER PLAN", payer_identifier="99999")
    requests = [
        _subscriber_request(),
        _dependent_request(trace_number="T-2"),
        _subscriber_request(
            payer=other_payer, coverage=make_coverage(payer_id="payer-2", member_id="Z9"), trace_number="T-3"
        ),
    ]

    segments = read_bytes(write_270(requests, _envelope()).encode())

    levels = [(segment[1], segment[2], segment[3], segment[4]) for segment in segments if segment.id == "HL"]
    assert levels == [
        ("1", "", "20", "1"),
        ("2", "1", "21", "1"),
        ("3", "2", "22", "0"),
        ("4", "2", "22", "1"),
        ("5", "4", "23", "0"),
        ("6", "", "20", "1"),
        ("7", "6", "21", "1"),
        ("8", "7", "22", "0"),
    ]
    assert [segment[2] for segment in segments if segment.id == "TRN"] == ["93175-012547", "T-2", "T-3"]


def test_the_originator_defaults_to_the_providers_tax_id() -> None:
    provider = replace(_provider(), tax_id="123456789")

    texts = _texts(write_270([_subscriber_request(provider=provider, originator_id=None)], _envelope()))

    assert "TRN*1*93175-012547*1123456789" in texts


def test_several_service_types_need_a_repetition_separator() -> None:
    no_repetition = Delimiters(repetition=None)

    with pytest.raises(InvalidRecord, match="repetition separator"):
        write_270([_subscriber_request(service_types=("30", "98"))], _envelope(delimiters=no_repetition))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"service_types": ()}, "at least one service type"),
        ({"service_types": ("300",)}, "is not a service type code"),
        ({"coverage": make_coverage(payer_id="payer-9")}, "the coverage is with payer payer-9"),
        ({"coverage": make_coverage(patient_id="pat-9")}, "the coverage is of patient pat-9"),
    ],
)
def test_a_bad_inquiry_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRecord, match=message):
        _subscriber_request(**fields)


def test_an_envelope_of_another_group_and_an_empty_inquiry_are_refused() -> None:
    with pytest.raises(InvalidRecord, match="functional group HS"):
        write_270([_subscriber_request()], _envelope("HC"))
    with pytest.raises(InvalidRecord, match="at least one patient"):
        write_270([], _envelope())


def test_names_are_cleaned_and_trace_numbers_with_separators_refused() -> None:
    patient = make_patient(name=PersonName(last="Nguyễn:Trần", first="Ánh"), birth_date=date(1990, 1, 1))

    texts = _texts(write_270([_subscriber_request(patient=patient)], _envelope()))

    assert "NM1*IL*1*Nguyen Tran*Anh****MI*11122333301" in texts
    with pytest.raises(X12WriteError, match=r"TRN02: 'T\^1' holds a character"):
        write_270([_subscriber_request(trace_number="T^1")], _envelope())
