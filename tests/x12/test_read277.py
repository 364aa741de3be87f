from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revcycle.domain.acknowledgment import ClaimStatusResponse, StatusLevel
from revcycle.x12.errors import X12Error
from revcycle.x12.read271 import read_271
from revcycle.x12.read277 import read_277
from revcycle.x12.read999 import read_999
from revcycle.x12.tokens import read_bytes
from tests.x12.corpus import X12_SAMPLES, sample_params

FIXTURES = Path(__file__).parent / "fixtures" / "277"
SCENARIO_1 = X12_SAMPLES / "277CA/stupidedi/c2019_X214-HN277_pass_business-scenario-1.edi"
CLAIM_LEVEL = X12_SAMPLES / "277/linuxforhealth/277_005010X212__claim-level-status.277"

# Samples whose names do not say they are broken but that no status report can be read from; each is refused with
# this message (pyx12 refuses both too).
REFUSED = {
    "277CA/oopfactory/_5010__FromBogeyone.txt": "the file ends before the interchange's IEA",
    "277CA/oopfactory/_5010__FromLatitude81uk.txt": "segment 4 (BHT), byte 205: BHT04 '20434343' is not a date",
}


def _key(path: Path) -> str:
    return str(path.relative_to(X12_SAMPLES))


def _read(path: Path) -> list[ClaimStatusResponse]:
    return list(read_277(path))


@pytest.mark.parametrize("path", sample_params("277CA", broken=False) + sample_params("277", broken=False))
def test_every_sound_277_sample_reads(path: Path) -> None:
    if _key(path) in REFUSED:
        with pytest.raises(X12Error) as caught:
            _read(path)
        assert REFUSED[_key(path)] in str(caught.value)
        return

    responses = _read(path)

    assert responses
    for response in responses:
        assert response.implementation.startswith(("005010X214", "005010X212"))
        assert response.is_claim_acknowledgment == ("X214" in response.implementation)
        for claim in response.claims:
            assert claim.trace_number


@pytest.mark.parametrize("path", sample_params("277CA", broken=True) + sample_params("277", broken=True))
def test_broken_277_samples_read_or_raise_x12_error_only(path: Path) -> None:
    try:
        _read(path)
        outcome = "read"
    except X12Error as error:
        outcome = str(error)

    # Anything but our own error naming the file (a KeyError, an IndexError) would have escaped above.
    assert outcome == "read" or outcome.startswith(str(path))


def test_a_277ca_reads_per_claim_in_billing_terms() -> None:
    (response,) = _read(SCENARIO_1)

    assert response.is_claim_acknowledgment
    assert (response.payer_name, response.payer_identifier) == ("FIRST CLEARINGHOUSE", "CLHR00")
    assert (response.received_date, response.processed_date) == (date(2006, 2, 5), date(2006, 2, 5))
    receiver, provider = response.parties
    assert receiver.level is StatusLevel.INFORMATION_RECEIVER
    assert receiver.identifier == "S00001"
    assert (receiver.accepted_quantity, receiver.rejected_quantity) == (Decimal(1), Decimal(2))
    assert (receiver.accepted_amount, receiver.rejected_amount) == (Decimal("200.00"), Decimal("800.00"))
    assert str(receiver.statuses[0].reasons[0]) == "A0:16:PR"
    assert provider.level is StatusLevel.PROVIDER
    assert provider.identifier == "123456789"
    doe, jane, vest = response.claims
    assert str(doe.source) == f"{SCENARIO_1}: segment 22 (TRN)"
    assert doe.patient_control_number == "DOE01428"
    assert doe.payer_claim_control_number == "22029500123407X"
    assert (doe.service_date, doe.service_date_end) == (date(2006, 1, 28), date(2006, 1, 31))
    assert (doe.patient_name, doe.member_id, doe.provider_name) == ("DOE, JOHN", "00ABCD1234", "SMITH CLINIC")
    assert not doe.rejected
    assert doe.total_charge == Decimal("200.00")
    assert jane.rejected
    assert jane.category == "A3"
    assert jane.statuses[0].action == "U"
    (line,) = jane.lines
    assert (line.procedure_qualifier, line.procedure_code, line.modifiers, line.charge) == (
        "HC",
        "22305",
        ("22",),
        Decimal("350.00"),
    )
    assert line.units == Decimal(1)
    assert [str(reason) for reason in line.statuses[0].reasons] == ["A3:122", "A3:153:82"]
    assert vest.statuses[0].reasons[0].code == "401"
    assert vest.service_date_end == date(2006, 1, 20)


def test_a_277_claim_status_response_gives_the_claims_control_number_from_ref_ej() -> None:
    (response,) = _read(CLAIM_LEVEL)

    assert not response.is_claim_acknowledgment
    smith, jones, mann = response.claims
    assert smith.trace_number == "ABCXYZ1"
    assert smith.patient_control_number == "SM123456"
    assert smith.level is StatusLevel.SUBSCRIBER
    assert smith.bill_type == "111"
    assert smith.category == "P3"
    assert smith.total_charge == Decimal("8513.88")
    assert (jones.statuses[0].charge, jones.paid) == (Decimal("7599.00"), Decimal("7599.00"))
    assert mann.level is StatusLevel.DEPENDENT
    assert mann.patient_name == "MANN, JOSEPH"
    assert mann.member_id == "345678901"
    assert mann.provider_identifier == "166666666"
    (line,) = mann.lines
    assert (line.procedure_code, line.paid, line.statuses[0].category) == ("99203", Decimal("0.00"), "F2")


def test_line_statuses_secondary_reasons_and_references_read_from_a_fixture() -> None:
    (response,) = _read(FIXTURES / "line-statuses.277")

    assert response.reference == "ACK-201"
    assert response.created == date(2024, 3, 5)
    accepted, rejected = response.claims
    assert accepted.clearinghouse_trace_number == "CH-TRACE-1"
    assert accepted.payer_claim_control_number == "PAYER-CLAIM-9"
    assert rejected.rejected
    assert rejected.bill_type == "131"
    assert [str(reason) for reason in rejected.statuses[0].reasons] == ["A7:21:85", "A7:562:85"]
    first, second = rejected.lines
    assert first.line_control_number == "LINE-1"
    assert first.modifiers == ("25",)
    assert second.units == Decimal(2)
    assert second.statuses[0].category == "A6"
    assert second.service_date == date(2024, 3, 1)


ENVELOPE = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240305*1200*^*00501*000000001*0*T*:~"


def _text(*body: str) -> bytes:
    segments = [ENVELOPE, "GS*HN*A*B*20240305*1200*1*X*005010X214", "ST*277*0001*005010X214", *body]
    segments += [f"SE*{len(body) + 2}*0001", "GE*1*1", "IEA*1*000000001"]
    return "~".join(segments).encode() + b"~"


CLAIM = ["HL*1**20*1", "NM1*PR*2*PAYER", "HL*2*1*21*1", "HL*3*2*19*1", "HL*4*3*PT", "NM1*QC*1*DOE*JANE", "TRN*2*PCN"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([*CLAIM, "STC*A1*2024030*WQ*10"], "STC02 '2024030' is not a date"),
        ([*CLAIM, "STC*A1*20240305*WQ*10.001"], "STC04 (total charge)"),
        ([*CLAIM, "STC*a 1*20240305"], "StatusReason.category"),
        ([*CLAIM, "DTP*472*RD8*20240305-2024"], "DTP03 '2024' is not a date"),
        ([*CLAIM, "DTP*472*DT*202403051200"], "date format 'DT' is neither D8 nor RD8"),
        (["HL*1**20*1", "STC*A1"], "STC outside"),
        (["HL*1**20*1", "SVC*HC:99213*10"], "SVC outside a claim"),
        (["HL*1**99*1"], "HL03 '99' is not a level of a 277"),
        (["HL*1**20*1", "HL*4*3*PT", "TRN*2"], "TRN02, the claim's trace number, is empty"),
    ],
)
def test_a_bad_value_is_refused_naming_the_segment(body: list[str], message: str) -> None:
    with pytest.raises(X12Error) as caught:
        list(read_277(read_bytes(_text(*body)), path="test.277"))

    assert message in str(caught.value)
    assert str(caught.value).startswith("test.277: segment ")


def test_an_st_without_its_se_is_refused() -> None:
    text = f"{ENVELOPE}GS*HN*A*B*20240305*1200*1*X*005010X214~ST*277*0001*005010X214~GE*1*1~IEA*1*000000001~"

    with pytest.raises(X12Error, match="transaction set 0001 has no SE"):
        list(read_277(read_bytes(text.encode()), path="test.277"))


# Fuzzing: whatever is done to a real file, the readers of this family read it or raise X12Error, nothing else.

FUZZED = [
    (read_277, X12_SAMPLES / "277CA/stupidedi/c2019_X214-HN277_pass_business-scenario-1.edi"),
    (read_277, CLAIM_LEVEL),
    (read_999, X12_SAMPLES / "999/stupidedi/head_X231A1-FA999_pass_response-to-functional-group-containing-3-837s.edi"),
    (read_271, X12_SAMPLES / "271/linuxforhealth/271_005010X279A1__dependent-health-benefit-check.271"),
    (read_271, Path(__file__).parent / "fixtures" / "271" / "benefits.271"),
]


@st.composite
def _mutated(draw: st.DrawFn, data: bytes) -> bytes:
    segments = data.split(b"~")
    kind = draw(st.sampled_from(["truncate", "delete", "duplicate", "noise", "element", "delimiter"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    at = draw(st.integers(0, len(segments) - 1))
    if kind == "delete":
        del segments[at]
    elif kind == "duplicate":
        segments.insert(at, segments[at])
    elif kind == "noise":
        position = draw(st.integers(0, len(data) - 1))
        return data[:position] + draw(st.binary(min_size=1, max_size=8)) + data[position + 1 :]
    elif kind == "element":
        elements = segments[at].split(b"*")
        index = draw(st.integers(0, len(elements) - 1))
        elements[index] = draw(st.sampled_from([b"", b"X", b"-1", b"99999999999", b"1.001", b"20241399", b":::"]))
        segments[at] = b"*".join(elements)
    else:
        return data.replace(b"*", draw(st.sampled_from([b"|", b"~", b":", b"^"])), draw(st.integers(1, 20)))
    return b"~".join(segments)


@pytest.mark.parametrize(("reader", "path"), FUZZED, ids=[path.name for _, path in FUZZED])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_file_reads_or_raises_x12_error_only(reader: Any, path: Path, data: st.DataObject) -> None:
    if not path.exists():
        pytest.skip(f"{path} is absent")
    mutated = data.draw(_mutated(path.read_bytes()))
    try:
        list(reader(read_bytes(mutated, "fuzz.x12"), path="fuzz.x12"))
        outcome = "read"
    except X12Error as error:
        outcome = str(error)

    assert outcome == "read" or outcome.startswith("fuzz.x12")
