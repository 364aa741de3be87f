from __future__ import annotations

from pathlib import Path

import pytest

from revcycle.domain.acknowledgment import AcknowledgmentCode, FunctionalAcknowledgment
from revcycle.x12.errors import X12Error
from revcycle.x12.read999 import read_999
from revcycle.x12.tokens import read_bytes
from tests.x12.corpus import X12_SAMPLES, sample_params

FIXTURES = Path(__file__).parent / "fixtures" / "999"
THREE_837S = X12_SAMPLES / "999/stupidedi/head_X231A1-FA999_pass_response-to-functional-group-containing-3-837s.edi"

ENVELOPE = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240305*1200*^*00501*000000001*0*T*:~"


def _text(*body: str) -> bytes:
    segments = [ENVELOPE, "GS*FA*A*B*20240305*1200*1*X*005010X231A1", "ST*999*0001*005010X231A1", *body]
    segments += [f"SE*{len(body) + 2}*0001", "GE*1*1", "IEA*1*000000001"]
    return "~".join(segments).encode() + b"~"


def _read(*body: str) -> list[FunctionalAcknowledgment]:
    return list(read_999(read_bytes(_text(*body), "test.999"), path="test.999"))


@pytest.mark.parametrize("path", sample_params("999"))
def test_every_999_sample_reads(path: Path) -> None:
    acknowledgments = list(read_999(path))

    assert acknowledgments
    for acknowledgment in acknowledgments:
        assert acknowledgment.sets_received == len(acknowledgment.transactions)
        assert acknowledgment.sets_accepted == sum(item.accepted for item in acknowledgment.transactions)
        assert acknowledgment.source is not None
        assert acknowledgment.source.path == str(path)


def test_the_guide_example_reads_in_billing_terms() -> None:
    (acknowledgment,) = read_999(THREE_837S)

    assert (acknowledgment.functional_identifier, acknowledgment.group_control_number) == ("HC", "17456")
    assert acknowledgment.version == "005010X222A2"
    assert acknowledgment.status is AcknowledgmentCode.PARTIALLY_ACCEPTED
    assert (acknowledgment.sets_included, acknowledgment.sets_received, acknowledgment.sets_accepted) == (3, 3, 1)
    first, second, third = acknowledgment.transactions
    assert first.accepted
    assert first.control_number == "0001"
    assert not first.segment_errors
    assert second.status is AcknowledgmentCode.REJECTED
    assert second.error_codes == ("5",)
    assert str(second.source) == f"{THREE_837S}: segment 7 (AK2)"
    (clm,) = second.segment_errors
    assert (clm.segment_id, clm.position, clm.error_code, clm.business_unit) == ("CLM", 22, "8", "123456789")
    (amount,) = clm.element_errors
    assert (amount.position, amount.data_element, amount.error_code) == (2, "782", "1")
    (ref,) = third.segment_errors
    trigger, claim = ref.contexts
    assert (trigger.name, trigger.segment_id, trigger.segment_position, trigger.element, trigger.component) == (
        "SITUATIONAL TRIGGER",
        "CLM",
        43,
        5,
        3,
    )
    assert (claim.name, claim.reference) == ("CLM01", "987654321")
    assert ref.business_unit == "987654321"
    assert acknowledgment.transaction("0003") is third
    assert acknowledgment.transaction("9999") is None


def test_element_errors_keep_component_repeat_value_and_context() -> None:
    (acknowledgment,) = read_999(FIXTURES / "element-errors.999")

    rejected = acknowledgment.transaction("0002")
    assert rejected is not None
    hi, nm1 = rejected.segment_errors
    (code,) = hi.element_errors
    assert (code.position, code.component, code.repetition, code.error_code, code.value) == (2, 2, 3, "7", "R69")
    assert code.contexts[0].loop == "2300"
    (member_id,) = nm1.element_errors
    assert (member_id.position, member_id.component, member_id.data_element, member_id.value) == (9, None, None, "W1")
    with_errors = acknowledgment.transaction("0003")
    assert with_errors is not None
    assert with_errors.status is AcknowledgmentCode.ACCEPTED_WITH_ERRORS
    assert with_errors.accepted
    assert with_errors.segment_errors[0].error_code == "I4"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (["AK1*HC*1*005010X222A1", "IK3*CLM*2**8", "AK9*R*1*1*0"], "IK3 outside an AK2"),
        (["AK1*HC*1*005010X222A1", "AK2*837*0001", "IK4*2**1", "IK5*R*5", "AK9*R*1*1*0"], "IK4 without the IK3"),
        (["AK1*HC*1*005010X222A1", "AK2*837*0001", "CTX*CLM01:1", "IK5*R", "AK9*R*1*1*0"], "CTX outside an IK3"),
        (["AK1*HC*1*005010X222A1", "AK2*837*0001", "AK9*R*1*1*0"], "acknowledged without its IK5"),
        (["AK1*HC*1*005010X222A1", "AK2*837*0001", "IK5*A"], "has no AK9"),
        (["AK2*837*0001", "IK5*A", "AK9*A*1*1*1"], "has no AK1"),
        (["AK1*HC*1", "AK2*837*0001", "IK5*Q", "AK9*A*1*1*1"], "TransactionAcknowledgment.status: 'Q' is not one"),
        (["AK1*HC*1", "AK9*A*1*X*1"], "AK903 (AK903): 'X' is not a whole number"),
        (["AK1*HC*1", "AK9*A*1*1"], "AK902..AK904"),
        (["AK1*HC*1", "AK9*A*1*1*2"], "2 accepted of 1 received"),
        (["AK1*HC*1", "AK2*837*0001", "IK3*CLM**8", "IK5*R", "AK9*R*1*1*0"], "IK302"),
        (["AK1*HC*1", "AK2*837*0001", "IK3*CLM*2**8", "IK4*:1**1", "IK5*R", "AK9*R*1*1*0"], "IK401-1"),
    ],
)
def test_a_broken_999_is_refused_naming_the_segment(body: list[str], message: str) -> None:
    with pytest.raises(X12Error) as caught:
        _read(*body)

    assert message in str(caught.value)
    assert str(caught.value).startswith("test.999: segment ")


def test_a_file_of_another_transaction_is_refused() -> None:
    with pytest.raises(X12Error, match=r"transaction set '277' is not a 999"):
        list(read_999(X12_SAMPLES / "277CA/imsweb/277_5010__x12_277CA_accepted.txt"))


def test_a_missing_file_is_an_x12_error() -> None:
    with pytest.raises(X12Error, match="cannot be read"):
        list(read_999(Path("/nonexistent/file.999")))
