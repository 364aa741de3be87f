from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revcycle.domain.acknowledgment import (
    AcknowledgmentCode,
    ClaimStatusReport,
    ClaimStatusResponse,
    ElementError,
    ErrorContext,
    FunctionalAcknowledgment,
    LineStatus,
    PartyStatus,
    SegmentError,
    StatusInformation,
    StatusLevel,
    StatusReason,
    TransactionAcknowledgment,
)
from revcycle.domain.interchange import record_from_json, record_to_json
from revcycle.errors import InvalidRecord


def _make(kind: Any, **fields: Any) -> Any:
    """A record made from loosely typed fields, as JSON or a reader gives them, for the record to check."""
    return kind(**fields)


def _transaction(**overrides: Any) -> TransactionAcknowledgment:
    fields: dict[str, Any] = {"transaction_set": "837", "control_number": "0001", "status": "A"}
    fields.update(overrides)
    return TransactionAcknowledgment(**fields)


def _acknowledgment(**overrides: Any) -> FunctionalAcknowledgment:
    fields: dict[str, Any] = {
        "control_number": "0001",
        "functional_identifier": "HC",
        "group_control_number": "42",
        "status": "A",
        "sets_included": 1,
        "sets_received": 1,
        "sets_accepted": 1,
        "transactions": (_transaction(),),
    }
    fields.update(overrides)
    return FunctionalAcknowledgment(**fields)


def _status(*categories: str, **overrides: Any) -> StatusInformation:
    fields: dict[str, Any] = {"reasons": tuple(StatusReason(category=category) for category in categories)}
    fields.update(overrides)
    return StatusInformation(**fields)


# 999


def test_a_999_record_normalises_codes_and_finds_a_set_by_its_control_number() -> None:
    rejected = _transaction(
        control_number="0002",
        status="R",
        error_codes=["5"],
        segment_errors=[
            SegmentError(
                segment_id="clm",
                position=22,
                error_code="8",
                contexts=(ErrorContext(name="CLM01", reference="PCN-1"),),
                element_errors=(ElementError(position=2, error_code="1", data_element="782"),),
            )
        ],
    )
    acknowledgment = _acknowledgment(
        status="P", sets_included=2, sets_received=2, transactions=(_transaction(), rejected)
    )

    assert acknowledgment.status is AcknowledgmentCode.PARTIALLY_ACCEPTED
    assert acknowledgment.status.accepted
    assert acknowledgment.transaction("0002") is rejected
    assert not rejected.accepted
    assert rejected.error_codes == ("5",)
    assert rejected.segment_errors[0].segment_id == "CLM"
    assert rejected.segment_errors[0].business_unit == "PCN-1"


def test_a_situational_trigger_is_not_a_business_unit() -> None:
    error = SegmentError(
        segment_id="REF",
        position=57,
        contexts=(ErrorContext(name="SITUATIONAL TRIGGER", segment_id="CLM", segment_position=43),),
    )

    assert error.business_unit is None


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"status": "P"}, "status", "P (partially accepted) is for a functional group"),
        ({"status": "Q"}, "status", "'Q' is not one of"),
        ({"transaction_set": "83"}, "transaction_set", "is not a transaction set identifier"),
        ({"error_codes": ["1", "2", "3", "4", "5", "6"]}, "error_codes", "IK502..IK506 hold at most 5"),
        ({"error_codes": ["TOOLONG"]}, "error_codes[0]", "is not a syntax error code"),
        ({"control_number": "1234567890"}, "control_number", "at most 9"),
    ],
)
def test_a_bad_transaction_acknowledgment_names_its_field(overrides: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        _transaction(**overrides)

    assert (caught.value.record, caught.value.field) == ("TransactionAcknowledgment", field)
    assert fragment in caught.value.reason


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"sets_accepted": 2}, "sets_accepted", "2 accepted of 1 received"),
        ({"sets_received": -1}, "sets_received", "outside 0..999999"),
        ({"sets_included": True}, "sets_included", "is not a whole number"),
        ({"error_codes": ("1", "2", "3", "4", "5", "6")}, "error_codes", "AK905..AK909 hold at most 5"),
    ],
)
def test_a_bad_functional_acknowledgment_names_its_field(overrides: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        _acknowledgment(**overrides)

    assert (caught.value.record, caught.value.field) == ("FunctionalAcknowledgment", field)
    assert fragment in caught.value.reason


def test_element_and_segment_errors_check_positions_and_codes() -> None:
    with pytest.raises(InvalidRecord, match="position: 0 is outside"):
        ElementError(position=0, error_code="1")
    with pytest.raises(InvalidRecord, match="is not a segment id"):
        SegmentError(segment_id="C", position=1)
    with pytest.raises(InvalidRecord, match="at most 99"):
        ElementError(position=1, error_code="7", value="x" * 100)


def test_a_999_record_goes_to_json_and_back() -> None:
    acknowledgment = _acknowledgment()

    assert record_from_json(FunctionalAcknowledgment, record_to_json(acknowledgment)) == acknowledgment


# 277CA / 277


def test_status_categories_say_accepted_or_rejected() -> None:
    assert StatusReason(category="a2").accepted
    assert StatusReason(category="A7", code="562", entity="85").rejected
    assert not StatusReason(category="F1").rejected
    assert str(StatusReason(category="A7", code="562", entity="85")) == "A7:562:85"


def test_a_claim_report_is_rejected_by_its_current_status() -> None:
    claim = ClaimStatusReport(
        trace_number="PCN-1",
        statuses=(_status("A7", charge="125.00"), _status("A1")),
        total_charge=Decimal("125.00"),
        lines=(
            _make(
                LineStatus, procedure_qualifier="HC", procedure_code="99213", charge="125.00", statuses=(_status("A7"),)
            ),
        ),
    )

    assert claim.rejected
    assert claim.category == "A7"
    assert claim.statuses[0].charge == Decimal("125.00")
    assert claim.lines[0].charge == Decimal("125.00")
    assert ClaimStatusReport(trace_number="PCN-2").category is None
    assert not ClaimStatusReport(trace_number="PCN-2").rejected


@pytest.mark.parametrize(
    ("make", "field", "fragment"),
    [
        (lambda: _status(), "reasons", "a status needs its STC01 composite"),
        (lambda: _status("A1", charge=12.5), "charge", "is a float"),
        (lambda: _status("A1", effective_date="2024-03-01"), "effective_date", "is not a date"),
        (lambda: StatusReason(category="7"), "category", "is not a claim status category code"),
        (lambda: ClaimStatusReport(trace_number=""), "trace_number", "is required and empty"),
        (lambda: _make(ClaimStatusReport, trace_number="T", level="99"), "level", "'99' is not one of"),
        (lambda: _make(PartyStatus, level="21", accepted_amount="1.001"), "accepted_amount", "fractions of a cent"),
        (
            lambda: _make(LineStatus, procedure_qualifier="HC", procedure_code="", charge="1"),
            "procedure_code",
            "required",
        ),
    ],
)
def test_a_bad_status_record_names_its_field(make: Any, field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make()

    assert caught.value.field == field
    assert fragment in caught.value.reason


def test_a_claim_status_response_knows_whether_it_is_a_277ca() -> None:
    response = ClaimStatusResponse(
        control_number="0001",
        implementation="005010X214",
        created=date(2024, 3, 5),
        parties=(_make(PartyStatus, level=StatusLevel.INFORMATION_RECEIVER, accepted_quantity="3"),),
    )

    assert response.is_claim_acknowledgment
    assert response.parties[0].accepted_quantity == Decimal(3)
    assert not ClaimStatusResponse(control_number="1", implementation="005010X212").is_claim_acknowledgment
    assert record_from_json(ClaimStatusResponse, record_to_json(response)) == response
