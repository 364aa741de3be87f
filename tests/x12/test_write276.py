from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from x12sdk.io import X12ModelReader

from revcycle.domain.eligibility import ClaimStatusRequest
from revcycle.domain.npi import npi_check_digit
from revcycle.domain.parties import PersonName, ProviderKind, Relationship, Sex, Subscriber
from revcycle.errors import InvalidRecord
from revcycle.x12.tokens import Segment, read_bytes, read_file
from revcycle.x12.write276 import status_request_for_claim, write_276
from revcycle.x12.write837 import X12WriteError
from revcycle.x12.writer import Envelope
from tests.domain.builders import (
    make_claim,
    make_coverage,
    make_institutional_claim,
    make_line,
    make_patient,
    make_payer,
    make_provider,
)
from tests.x12.corpus import X12_SAMPLES

CLAIM_LEVEL = X12_SAMPLES / "276/linuxforhealth/276_005010X212__claim-level-status.276"
CREATED = datetime(2024, 3, 5, 14, 25)


def _npi(stem: str) -> str:
    return stem + npi_check_digit(stem)


def _envelope(functional_identifier: str = "HR") -> Envelope:
    return Envelope(
        sender_id="SUBMITTER",
        receiver_id="PAYER",
        interchange_control_number=907,
        group_control_number=1,
        functional_identifier=functional_identifier,
        created=CREATED,
    )


def shape(segments: list[Segment]) -> list[tuple[str, ...]]:
    """The segments between ST and SE as their ids and qualifiers: what a guide fixes, without the data."""
    qualifiers = {"HL": (3, 4), "NM1": (1, 8), "REF": (1,), "AMT": (1,), "DTP": (1, 2), "TRN": (1,), "DMG": (1,)}
    qualifiers |= {"BHT": (1, 2)}
    body: list[tuple[str, ...]] = []
    inside = False
    for segment in segments:
        if segment.id == "ST":
            inside = True
        elif segment.id == "SE":
            inside = False
        elif inside:
            if segment.id == "SVC":
                body.append(("SVC", segment.component(1, 1)))
            else:
                body.append((segment.id, *(segment[position] for position in qualifiers.get(segment.id, ()))))
    return body


def _guide_example_requests() -> list[ClaimStatusRequest]:
    """The claims of the X212 claim-level example (ABC Insurance asked by XYZ Service), as revcycle records."""
    payer = make_payer(name="ABC INSURANCE", payer_identifier="12345")
    hospital = make_provider(id="home", kind=ProviderKind.ORGANIZATION, name="HOME HOSPITAL", first_name="")
    physicians = make_provider(
        id="phys", kind=ProviderKind.ORGANIZATION, name="HOME HOSPITAL PHYSICIANS", first_name="", npi=_npi("166666666")
    )
    common: dict[str, Any] = {"payer": payer, "receiver_name": "XYZ SERVICE", "receiver_id": "X67E"}

    def request(patient: Any, coverage: Any, provider: Any, **fields: Any) -> ClaimStatusRequest:
        return ClaimStatusRequest(**common, provider=provider, patient=patient, coverage=coverage, **fields)

    smith = make_patient(id="smith", name=PersonName(last="SMITH", first="FRED"), birth_date=date(1930, 12, 10))
    jones = make_patient(id="jones", name=PersonName(last="JONES", first="MARY"), birth_date=date(1930, 11, 15))
    joseph = make_patient(id="joseph", name=PersonName(last="MANN", first="JOSEPH"), birth_date=date(1995, 11, 1))
    john = Subscriber(name=PersonName(last="MANN", first="JOHN"))
    return [
        request(
            smith,
            make_coverage(patient_id="smith", member_id="123456789A"),
            hospital,
            trace_number="ABCXYZ1",
            bill_type="111",
            patient_control_number="SM123456",
            total_charge=Decimal("8513.88"),
            service_date=date(2005, 8, 31),
            service_date_end=date(2005, 9, 6),
        ),
        request(
            jones,
            make_coverage(patient_id="jones", member_id="234567890A"),
            hospital,
            trace_number="ABCXYZ2",
            bill_type="111",
            patient_control_number="J0234567",
            total_charge=Decimal("7599.00"),
            service_date=date(2005, 7, 31),
            service_date_end=date(2005, 8, 9),
        ),
        request(
            joseph,
            make_coverage(patient_id="joseph", member_id="345678901", relationship=Relationship.CHILD, subscriber=john),
            physicians,
            trace_number="ABCXYZ3",
            patient_control_number="MA345678",
            total_charge=Decimal("150.00"),
            service_date=date(2005, 5, 1),
            lines=(make_line(procedure_code="99203", charge=Decimal("150.00"), service_date=date(2005, 5, 1)),),
        ),
    ]


def _claims() -> tuple[Any, ...]:
    provider = make_provider(id="prov-bill", kind=ProviderKind.ORGANIZATION, name="SPRINGFIELD CLINIC", first_name="")
    return make_payer(), provider, make_patient(), make_coverage()


def test_the_guide_example_is_written_with_the_same_segments_and_qualifiers() -> None:
    text = write_276(_guide_example_requests(), _envelope())

    assert shape(read_bytes(text.encode())) == shape(list(read_file(CLAIM_LEVEL)))


def test_the_guide_example_parses_with_x12sdk() -> None:
    text = write_276(_guide_example_requests(), _envelope())

    with X12ModelReader(text) as reader:
        (model,) = list(reader.models())
    assert type(model).__name__ == "HealthCareClaimsStatusRequest"


def test_a_professional_claim_becomes_a_claim_level_inquiry() -> None:
    payer, provider, patient, coverage = _claims()
    request = status_request_for_claim(
        make_claim(),
        payer=payer,
        provider=provider,
        patient=patient,
        coverage=coverage,
        receiver_name="SPRINGFIELD BILLING",
        receiver_id="ETIN01",
        trace_number="TRACE-1",
        payer_claim_control_number="PAYER-9",
    )

    segments = read_bytes(write_276([request], _envelope()).encode())

    texts = [segment.text() for segment in segments]
    assert "GS*HR*SUBMITTER*PAYER*20240305*1425*1*X*005010X212" in texts
    assert "BHT*0010*13*1-0001*20240305*1425" in texts
    assert texts[texts.index("HL*4*3*22*0") :][:9] == [
        "HL*4*3*22*0",
        "DMG*D8*19800615*F",
        "NM1*IL*1*Doe*Jane****MI*W123456789",
        "TRN*1*TRACE-1",
        "REF*1K*PAYER-9",
        "REF*EJ*PCN-0001",
        "AMT*T3*225.00",
        "DTP*472*D8*20240301",
        "SE*17*0001",
    ]


def test_an_institutional_claim_names_its_bill_type_and_statement_period() -> None:
    payer, provider, patient, coverage = _claims()
    request = status_request_for_claim(
        make_institutional_claim(),
        payer=payer,
        provider=provider,
        patient=patient,
        coverage=coverage,
        receiver_name="SPRINGFIELD BILLING",
        receiver_id="ETIN01",
        trace_number="TRACE-2",
    )

    assert request.bill_type == "131"
    assert (request.service_date, request.service_date_end) == (date(2024, 3, 1), date(2024, 3, 2))
    texts = [segment.text() for segment in read_bytes(write_276([request], _envelope()).encode())]
    assert "DTP*472*RD8*20240301-20240302" in texts


def test_a_line_level_inquiry_names_each_line() -> None:
    payer, provider, patient, coverage = _claims()
    claim = make_claim(
        lines=(
            make_line(modifiers=("25",), line_control_number="LINE-1"),
            make_line(line_number=2, procedure_code="82947", charge=Decimal("100.00"), units=Decimal(2)),
        )
    )
    request = status_request_for_claim(
        claim,
        payer=payer,
        provider=provider,
        patient=patient,
        coverage=coverage,
        receiver_name="SPRINGFIELD BILLING",
        receiver_id="ETIN01",
        trace_number="TRACE-3",
        with_lines=True,
    )

    texts = [segment.text() for segment in read_bytes(write_276([request], _envelope()).encode())]
    start = texts.index("REF*EJ*PCN-0001") + 1
    assert texts[start : start + 5] == [
        "SVC*HC:99213:25*125.00*****1",
        "REF*FJ*LINE-1",
        "DTP*472*D8*20240301",
        "SVC*HC:82947*100.00*****2",
        "DTP*472*D8*20240301",
    ]


def test_claims_of_one_member_share_the_subscriber_level_and_dependents_get_their_own() -> None:
    payer, provider, patient, coverage = _claims()
    child = make_patient(id="kid", name=PersonName(last="Doe", first="Jimmy"), birth_date=date(2012, 1, 2))
    child_coverage = make_coverage(
        id="cov-2",
        patient_id="kid",
        relationship=Relationship.CHILD,
        subscriber=Subscriber(name=PersonName(last="Doe", first="Jane"), birth_date=date(1980, 6, 15), sex=Sex.FEMALE),
    )
    common: dict[str, Any] = {"payer": payer, "provider": provider, "receiver_name": "B", "receiver_id": "E1"}
    requests = [
        status_request_for_claim(make_claim(), patient=patient, coverage=coverage, trace_number="T1", **common),
        status_request_for_claim(
            make_claim(id="clm-2", patient_control_number="PCN-2"),
            patient=patient,
            coverage=coverage,
            trace_number="T2",
            **common,
        ),
        status_request_for_claim(
            make_claim(id="clm-3", patient_control_number="PCN-3", patient_id="kid", coverage_id="cov-2"),
            patient=child,
            coverage=child_coverage,
            trace_number="T3",
            **common,
        ),
    ]

    segments = read_bytes(write_276(requests, _envelope()).encode())

    levels = [(segment[1], segment[2], segment[3], segment[4]) for segment in segments if segment.id == "HL"]
    assert levels == [
        ("1", "", "20", "1"),
        ("2", "1", "21", "1"),
        ("3", "2", "19", "1"),
        ("4", "3", "22", "0"),
        ("5", "3", "22", "1"),
        ("6", "5", "23", ""),
    ]
    assert [segment[2] for segment in segments if segment.id == "TRN"] == ["T1", "T2", "T3"]
    se = next(segment for segment in segments if segment.id == "SE")
    st = next(segment for segment in segments if segment.id == "ST")
    assert int(se[1]) == se.index - st.index + 1


def test_records_that_are_not_the_claims_are_refused() -> None:
    payer, provider, patient, _ = _claims()

    with pytest.raises(InvalidRecord, match=r"ClaimStatusRequest\.coverage: cov-9 is not the claim's coverage"):
        status_request_for_claim(
            make_claim(),
            payer=payer,
            provider=provider,
            patient=patient,
            coverage=make_coverage(id="cov-9"),
            receiver_name="B",
            receiver_id="E1",
            trace_number="T1",
        )


def test_an_envelope_of_another_group_and_an_empty_request_are_refused() -> None:
    with pytest.raises(InvalidRecord, match=r"Envelope\.functional_identifier: 'HC'"):
        write_276(_guide_example_requests(), _envelope("HC"))
    with pytest.raises(InvalidRecord, match="a 276 asks about at least one claim"):
        write_276([], _envelope())


def test_names_are_cleaned_and_identifiers_with_separators_refused() -> None:
    payer, provider, _, coverage = _claims()
    patient = make_patient(name=PersonName(last="Muñoz*Pérez", first="José~Luis"))
    request = _status(payer=payer, provider=provider, patient=patient, coverage=coverage)

    texts = [segment.text() for segment in read_bytes(write_276([request], _envelope()).encode())]

    assert "NM1*IL*1*Munoz Perez*Jose Luis****MI*W123456789" in texts
    with pytest.raises(X12WriteError, match=r"segment 13 \(REF\) element REF02: 'PCN\*1' holds a character"):
        write_276([replace(request, patient_control_number="PCN*1")], _envelope())


def _status(**fields: Any) -> ClaimStatusRequest:
    values: dict[str, Any] = {
        "receiver_name": "SPRINGFIELD BILLING",
        "receiver_id": "ETIN01",
        "trace_number": "T1",
        "patient_control_number": "PCN-1",
        "total_charge": Decimal("10.00"),
        "service_date": date(2024, 3, 1),
    }
    values.update(fields)
    return ClaimStatusRequest(**values)


@settings(max_examples=100, deadline=None)
@given(
    last=st.text(min_size=1, max_size=30).filter(lambda text: text.strip()),
    member_id=st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).filter(lambda t: t.strip()),
)
def test_any_name_or_member_id_is_written_or_refused_cleanly(last: str, member_id: str) -> None:
    payer, provider, _, _ = _claims()
    try:
        patient = make_patient(name=PersonName(last=last))
        request = _status(payer=payer, provider=provider, patient=patient, coverage=make_coverage(member_id=member_id))
        text = write_276([request], _envelope())
    except (InvalidRecord, X12WriteError):
        return

    segments = read_bytes(text.encode())
    (nm1,) = [segment for segment in segments if segment.id == "NM1" and segment[1] == "IL"]
    assert len(nm1.elements) == 9
    assert nm1[9] == member_id.strip()
    se = next(segment for segment in segments if segment.id == "SE")
    assert int(se[1]) == se.index - segments[2].index + 1
