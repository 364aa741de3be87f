from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pyx12.params
import pyx12.x12n_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revcycle.domain.acknowledgment import AcknowledgmentCode, FunctionalAcknowledgment
from revcycle.x12.errors import X12Error
from revcycle.x12.findings import Severity, X12Finding
from revcycle.x12.read999 import read_999
from revcycle.x12.tokens import Segment, read_bytes, read_file
from revcycle.x12.validate import validate_file, validate_segments
from revcycle.x12.write999 import write_999
from tests.x12.corpus import X12_SAMPLES, sample_params

NOW = datetime(2024, 3, 5, 12, 0)
Validate = Callable[[str], list[str]]
RECEIVED = "received.837"
# A small 837P group of two claims in two transaction sets, as a submitter would send it (synthetic).
CLAIM_SET = [
    "BHT*0019*00*0123*20240301*1023*CH",
    "NM1*41*2*SPRINGFIELD BILLING*****46*ETIN01",
    "HL*1**20*1",
    "HL*2*1*22*0",
    "CLM*{pcn}*225.00***11:B:1*Y*A*Y*Y",
    "HI*ABK:E1122",
    "LX*1",
    "SV1*HC:99213*225.00*UN*1***1",
]


def _received(*, se_counts: tuple[int, int] = (10, 10), ge_count: int = 2, gs01: str = "HC") -> bytes:
    segments = [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*CLEARINGHOUSE  *240305*1200*^*00501*000000007*0*T*:",
        f"GS*{gs01}*SUBMITTER*CLEARINGHOUSE*20240305*1200*42*X*005010X222A1",
    ]
    for number, (pcn, count) in enumerate(zip(("PCN-1", "PCN-2"), se_counts, strict=True), start=1):
        segments.append(f"ST*837*000{number}*005010X222A1")
        segments += [segment.format(pcn=pcn) for segment in CLAIM_SET]
        segments.append(f"SE*{count}*000{number}")
    segments += [f"GE*{ge_count}*42", "IEA*1*000000007"]
    return "~\n".join(segments).encode() + b"~\n"


def _segments(**changes: Any) -> list[Segment]:
    return read_bytes(_received(**changes), RECEIVED)


def _write(segments: list[Segment], findings: list[X12Finding]) -> str:
    return write_999(
        segments, findings, interchange_control_number=55, group_control_number=56, created=NOW, path=RECEIVED
    )


def _read(text: str) -> FunctionalAcknowledgment:
    (acknowledgment,) = read_999(read_bytes(text.encode(), "ack.999"), path="ack.999")
    return acknowledgment


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def pyx12_errors(tmp_path: Path) -> Iterator[Validate]:
    """A function that validates 999 text with pyx12's 999 map and returns its error messages (none when valid)."""
    handler = _Messages()
    logger = logging.getLogger("pyx12")
    logger.addHandler(handler)

    def validate(text: str) -> list[str]:
        handler.messages.clear()
        source = tmp_path / "ack.999"
        source.write_text(text, encoding="ascii")
        valid = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=str(source), fd_997=io.StringIO(), fd_html=None, fd_xmldoc=None
        )
        return [*handler.messages, *([] if valid else ["pyx12 says the 999 is invalid"])]

    yield validate
    logger.removeHandler(handler)


def _finding(segment_index: int, **fields: Any) -> X12Finding:
    return X12Finding(rule="test", message="broken", path=RECEIVED, segment_index=segment_index, **fields)


# Index of segments in _received(): ISA 0, GS 1, ST 2, BHT 3, NM1 4, HL 5, HL 6, CLM 7, HI 8, LX 9, SV1 10, SE 11,
# then the second set from ST 12 (CLM 17, HI 18, SV1 20).
CLM_2, HI_2, SV1_1 = 17, 18, 10


def test_a_clean_group_is_accepted(pyx12_errors: Validate) -> None:
    text = _write(_segments(), [])

    acknowledgment = _read(text)
    assert pyx12_errors(text) == []
    assert (acknowledgment.functional_identifier, acknowledgment.group_control_number) == ("HC", "42")
    assert acknowledgment.version == "005010X222A1"
    assert acknowledgment.status is AcknowledgmentCode.ACCEPTED
    assert (acknowledgment.sets_included, acknowledgment.sets_received, acknowledgment.sets_accepted) == (2, 2, 2)
    assert [item.control_number for item in acknowledgment.transactions] == ["0001", "0002"]
    assert all(item.status is AcknowledgmentCode.ACCEPTED for item in acknowledgment.transactions)


def test_the_receiver_answers_the_sender() -> None:
    text = _write(_segments(), [])

    isa, gs = read_bytes(text.encode())[:2]
    assert (isa[6].strip(), isa[8].strip(), isa[13], isa[15]) == ("CLEARINGHOUSE", "SUBMITTER", "000000055", "T")
    assert (gs[1], gs[2], gs[3], gs[6], gs[8]) == ("FA", "CLEARINGHOUSE", "SUBMITTER", "56", "005010X231A1")


def test_element_errors_become_ik3_ctx_and_ik4(pyx12_errors: Validate) -> None:
    findings = [
        _finding(
            HI_2,
            segment_id="HI",
            loop="2300",
            element=1,
            component=2,
            element_error_code="7",
            data_element="1271",
            value="E1122",
        ),
        _finding(HI_2, segment_id="HI", element=2, repetition=3, element_error_code="1"),
        _finding(CLM_2, segment_id="CLM", segment_error_code="I4"),
    ]

    text = _write(_segments(), findings)

    assert pyx12_errors(text) == []
    acknowledgment = _read(text)
    assert acknowledgment.status is AcknowledgmentCode.PARTIALLY_ACCEPTED
    assert acknowledgment.sets_accepted == 1
    first, second = acknowledgment.transactions
    assert first.status is AcknowledgmentCode.ACCEPTED
    assert second.status is AcknowledgmentCode.REJECTED
    assert second.error_codes == ("5", "I5")
    clm, hi = second.segment_errors
    assert (clm.segment_id, clm.position, clm.error_code, clm.business_unit) == ("CLM", 6, "I4", "PCN-2")
    assert (hi.segment_id, hi.position, hi.loop, hi.error_code, hi.business_unit) == ("HI", 7, "2300", "8", "PCN-2")
    code, missing = hi.element_errors
    assert (code.position, code.component, code.data_element, code.error_code, code.value) == (
        1,
        2,
        "1271",
        "7",
        "E1122",
    )
    assert (missing.position, missing.component, missing.repetition, missing.error_code) == (2, None, 3, "1")


def test_warnings_only_accept_with_errors(pyx12_errors: Validate) -> None:
    warning = _finding(SV1_1, segment_id="SV1", element=2, element_error_code="6", severity=Severity.WARNING)

    text = _write(_segments(), [warning])

    assert pyx12_errors(text) == []
    acknowledgment = _read(text)
    assert acknowledgment.status is AcknowledgmentCode.ACCEPTED_WITH_ERRORS
    assert acknowledgment.sets_accepted == 2
    first = acknowledgment.transactions[0]
    assert first.status is AcknowledgmentCode.ACCEPTED_WITH_ERRORS
    assert first.segment_errors[0].element_errors[0].error_code == "6"


def test_a_wrong_segment_count_rejects_the_set(pyx12_errors: Validate) -> None:
    text = _write(_segments(se_counts=(10, 11)), [])

    assert pyx12_errors(text) == []
    acknowledgment = _read(text)
    assert acknowledgment.transactions[1].status is AcknowledgmentCode.REJECTED
    assert acknowledgment.transactions[1].error_codes == ("4",)
    assert not acknowledgment.transactions[1].segment_errors


def test_a_wrong_set_count_rejects_the_group(pyx12_errors: Validate) -> None:
    text = _write(_segments(ge_count=3), [])

    assert pyx12_errors(text) == []
    acknowledgment = _read(text)
    assert acknowledgment.status is AcknowledgmentCode.REJECTED
    assert (acknowledgment.sets_included, acknowledgment.sets_received, acknowledgment.error_codes) == (3, 2, ("5",))


def test_a_group_under_an_unknown_functional_identifier_is_named_by_its_sets(pyx12_errors: Validate) -> None:
    text = _write(_segments(gs01="XX"), [])

    assert pyx12_errors(text) == []
    acknowledgment = _read(text)
    assert acknowledgment.functional_identifier == "HC"
    assert acknowledgment.status is AcknowledgmentCode.REJECTED
    assert acknowledgment.error_codes == ("1",)


def test_a_bad_value_holding_a_separator_is_not_copied(pyx12_errors: Validate) -> None:
    finding = _finding(SV1_1, segment_id="SV1", element=1, element_error_code="7", value="HC:99213")

    text = _write(_segments(), [finding])

    assert pyx12_errors(text) == []
    assert _read(text).transactions[0].segment_errors[0].element_errors[0].value is None


def test_acknowledgments_are_not_acknowledged() -> None:
    with pytest.raises(X12Error, match="acknowledgments, GS01 FA, are not acknowledged"):
        _write(list(read_file(X12_SAMPLES / "999/imsweb/837_5010__x12_999_accepted.txt")), [])


def test_a_set_outside_a_group_is_refused() -> None:
    text = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240305*1200*^*00501*000000001*0*T*:~"
    text += b"ST*837*0001~SE*2*0001~IEA*1*000000001~"

    with pytest.raises(X12Error, match="ST outside a functional group"):
        _write(read_bytes(text, RECEIVED), [])


RECEIVED_SAMPLES = [
    *sample_params("837P"),
    *sample_params("837I"),
    *sample_params("276"),
    *sample_params("270"),
    *sample_params("835"),
]


@pytest.mark.parametrize("path", RECEIVED_SAMPLES)
def test_the_999_of_every_readable_sample_validates_with_pyx12(path: Path, pyx12_errors: Validate) -> None:
    try:
        result = validate_file(path)
        text = write_999(
            read_file(path), result.findings, interchange_control_number=1, group_control_number=1, created=NOW
        )
    except X12Error:
        pytest.skip("not readable X12: refused before any acknowledgment")

    assert pyx12_errors(text) == []
    rejected = {item.control_number for item in result.transactions if not item.accepted}
    for acknowledgment in read_999(read_bytes(text.encode(), "ack.999"), path="ack.999"):
        for transaction in acknowledgment.transactions:
            assert (transaction.status is AcknowledgmentCode.REJECTED) >= (transaction.control_number in rejected)


@st.composite
def _damaged(draw: st.DrawFn) -> bytes:
    """The synthetic group with one segment deleted, duplicated or given a wrong element value."""
    segments = _received().split(b"~\n")
    at = draw(st.integers(2, len(segments) - 3))
    kind = draw(st.sampled_from(["delete", "duplicate", "element"]))
    if kind == "delete":
        del segments[at]
    elif kind == "duplicate":
        segments.insert(at, segments[at])
    else:
        elements = segments[at].split(b"*")
        index = draw(st.integers(1, max(len(elements) - 1, 1)))
        value = draw(st.sampled_from([b"", b"X", b"99999999999", b"20241399", b"A:B", b"\xc3\xa9", b"-1"]))
        elements[index : index + 1] = [value]
        segments[at] = b"*".join(elements)
    return b"~\n".join(segments)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(received=_damaged())
def test_the_999_of_a_damaged_file_validates_with_pyx12_or_is_refused(received: bytes, pyx12_errors: Validate) -> None:
    try:
        segments = read_bytes(received, RECEIVED)
        text = _write(segments, validate_segments(segments, RECEIVED).findings)
    except X12Error as error:
        text = str(error)

    assert text.startswith(RECEIVED) or pyx12_errors(text) == []


def test_the_999_sets_take_the_control_numbers_given() -> None:
    text = write_999(
        _segments(), [], interchange_control_number=1, group_control_number=2, transaction_control_numbers=[77, 78]
    )

    assert _read(text).control_number == "0077"
    with pytest.raises(ValueError, match="1 groups to acknowledge but 0 transaction control numbers"):
        write_999(_segments(), [], interchange_control_number=1, group_control_number=2, transaction_control_numbers=[])
