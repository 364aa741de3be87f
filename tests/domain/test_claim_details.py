"""The parts of a claim an 837 carries beyond diagnoses and lines: each normalised, each refused when wrong."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from revcycle.domain import (
    Accident,
    AccidentCause,
    Adjustment,
    AdjustmentGroup,
    Assignment,
    Claim,
    ClaimDate,
    ClaimFrequency,
    ClaimNote,
    ClaimReference,
    Diagnosis,
    Icd9Diagnosis,
    Icd9Role,
    IcdProcedure,
    LineAdjudication,
    Occurrence,
    OccurrenceSpan,
    OtherPayer,
    PayerResponsibility,
    PersonName,
    PresentOnAdmission,
    ValueCode,
)
from revcycle.domain.interchange import record_from_json, record_to_json
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_claim, make_institutional_claim, make_line


def build(make: Any, **fields: Any) -> Any:
    """``make(**fields)`` with fields as a user would give them (codes as text, amounts as strings)."""
    return make(**fields)


def refused(make: Any, **fields: Any) -> InvalidRecord:
    with pytest.raises(InvalidRecord) as caught:
        make(**fields)
    return caught.value


def other_payer(**overrides: Any) -> OtherPayer:
    fields: dict[str, Any] = {
        "responsibility": "P",
        "payer_name": "First Plan",
        "payer_identifier": "PAYER01",
        "subscriber_name": PersonName(last="Doe", first="Jane"),
        "member_id": "M1",
    }
    fields.update(overrides)
    return OtherPayer(**fields)


# The sub-records.


def test_codes_are_normalised() -> None:
    assert IcdProcedure(code=" 0dtj4zz ", performed_on=date(2026, 1, 2)).code == "0DTJ4ZZ"
    assert Occurrence(code="a1", occurred_on=date(2026, 1, 2)).code == "A1"
    assert build(ValueCode, code="80", amount="4").amount == Decimal("4.00")
    assert ClaimNote(qualifier="add", text=" note ").text == "note"
    assert ClaimReference(qualifier="d9", value="T-1").qualifier == "D9"
    assert build(Icd9Diagnosis, role="BK", code="250.00").code == "25000"
    assert build(Accident, causes=["AA"], state="ny").state == "NY"


@pytest.mark.parametrize(
    ("make", "fields", "field"),
    [
        (IcdProcedure, {"code": "0DTJ4ZO", "performed_on": date(2026, 1, 1)}, "code"),
        (IcdProcedure, {"code": "0DTJ4Z", "performed_on": date(2026, 1, 1)}, "code"),
        (Occurrence, {"code": "111", "occurred_on": date(2026, 1, 1)}, "code"),
        (OccurrenceSpan, {"code": "74", "start": date(2026, 1, 2), "end": date(2026, 1, 1)}, "end"),
        (ValueCode, {"code": "80", "amount": 4.5}, "amount"),
        (ClaimNote, {"qualifier": "AD", "text": "x"}, "qualifier"),
        (ClaimNote, {"qualifier": "ADD", "text": "x" * 81}, "text"),
        (ClaimReference, {"qualifier": "D", "value": "x"}, "qualifier"),
        (ClaimDate, {"qualifier": "43", "start": date(2026, 1, 1)}, "qualifier"),
        (ClaimDate, {"qualifier": "431", "start": date(2026, 1, 2), "end": date(2026, 1, 1)}, "end"),
        (Accident, {"causes": []}, "causes"),
        (Accident, {"causes": ["AA", "AA"]}, "causes"),
        (Accident, {"causes": ["XX"]}, "causes[0]"),
        (Icd9Diagnosis, {"role": "BK", "code": "J189"}, "code"),
        (Icd9Diagnosis, {"role": "ABK", "code": "4779"}, "role"),
        (LineAdjudication, {"payer_identifier": "P", "paid": "1.00", "units": "-1"}, "units"),
        (LineAdjudication, {"payer_identifier": "P", "paid": "1.001", "units": "1"}, "paid"),
    ],
)
def test_bad_parts_are_refused(make: Any, fields: dict[str, Any], field: str) -> None:
    assert refused(make, **fields).field == field


def test_an_other_payer_names_its_fields() -> None:
    payer = other_payer(
        relationship="01",
        paid_amount="85",
        adjustments=[Adjustment(group=AdjustmentGroup.CONTRACTUAL_OBLIGATION, reason_code="45", amount=Decimal(20))],
    )
    assert payer.responsibility is PayerResponsibility.PRIMARY
    assert payer.paid_amount == Decimal("85.00")
    assert refused(other_payer, responsibility="Q").field == "responsibility"
    assert refused(other_payer, claim_filing_indicator="QQ").field == "claim_filing_indicator"
    assert refused(other_payer, adjustments=["45"]).field == "adjustments[0]"


# The claim.


def test_an_existing_claim_keeps_its_defaults() -> None:
    claim = make_claim()
    assert claim.other_payers == ()
    assert claim.icd9_diagnoses == ()
    assert claim.assignment is Assignment.ASSIGNED
    assert claim.provider_signature is True
    assert claim.diagnosis_codes == tuple(diagnosis.code for diagnosis in claim.diagnoses)


def test_an_institutional_claim_with_every_code() -> None:
    claim = make_institutional_claim(
        admitting_diagnosis="r06.02",
        reasons_for_visit=["R509"],
        external_causes=[Diagnosis(code="W010XXA", present_on_admission=PresentOnAdmission.NO)],
        principal_procedure=IcdProcedure(code="0BH17EZ", performed_on=date(2024, 3, 2)),
        occurrences=[Occurrence(code="11", occurred_on=date(2024, 2, 28))],
        value_codes=[ValueCode(code="80", amount=Decimal(4))],
        condition_codes=["07"],
        drg="193",
        admission_type="1",
        admission_source="7",
        patient_status="1",
    )
    assert claim.admitting_diagnosis == "R0602"
    assert claim.patient_status == "1"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"provider_signature": "Y"}, "provider_signature"),
        ({"assignment": "D"}, "assignment"),
        ({"benefits_assignment": "X"}, "benefits_assignment"),
        ({"release_of_information": "N"}, "release_of_information"),
        ({"delay_reason_code": "A"}, "delay_reason_code"),
        ({"admitting_diagnosis": "4779"}, "admitting_diagnosis"),
        ({"reasons_for_visit": ["R509", "R05", "R06", "R07"]}, "reasons_for_visit"),
        ({"condition_codes": ["7"]}, "condition_codes[0]"),
        ({"drg": "19-3"}, "drg"),
        ({"admission_type": "12"}, "admission_type"),
        ({"patient_status": "A1"}, "patient_status"),
        ({"file_information": ["x" * 81]}, "file_information[0]"),
        ({"notes": ["note"]}, "notes[0]"),
        ({"attending_provider_id": "not an id"}, "attending_provider_id"),
        ({"other_payers": [other_payer(), other_payer()]}, "other_payers"),
    ],
)
def test_bad_claim_details_are_refused(fields: dict[str, Any], field: str) -> None:
    assert refused(make_claim, **fields).field == field


def test_two_other_payers_of_unknown_order_are_allowed() -> None:
    claim = make_claim(other_payers=[other_payer(responsibility="U"), other_payer(responsibility="U")])
    assert len(claim.other_payers) == 2


def test_a_line_carries_notes_references_and_adjudications() -> None:
    adjudication = LineAdjudication(
        payer_identifier="PAYER01", paid=Decimal(10), units=Decimal(1), procedure_code="99213"
    )
    line = make_line(
        notes=[ClaimNote(qualifier="ADD", text="x")],
        references=[ClaimReference(qualifier="X4", value="CLIA")],
        adjudications=[adjudication],
        referring_provider_id="prv-2",
    )
    assert line.adjudications == (adjudication,)
    assert refused(make_line, adjudications=["x"]).field == "adjudications[0]"


# Claims coded in ICD-9-CM.


def icd9_claim(**overrides: Any) -> Claim:
    fields: dict[str, Any] = {
        "diagnoses": [],
        "icd9_diagnoses": [
            Icd9Diagnosis(role=Icd9Role.PRINCIPAL, code="4779"),
            Icd9Diagnosis(role=Icd9Role.OTHER, code="2724"),
        ],
    }
    fields.update(overrides)
    return make_claim(**fields)


def test_an_icd9_claim_points_to_its_principal_and_other_diagnoses() -> None:
    claim = icd9_claim(lines=[make_line(diagnosis_pointers=[2, 1])], total_charge="125.00")
    assert claim.diagnosis_codes == ("4779", "2724")


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"diagnoses": [Diagnosis(code="I10")]}, "icd9_diagnoses", "not both"),
        ({"icd9_diagnoses": [Icd9Diagnosis(role=Icd9Role.OTHER, code="2724")]}, "icd9_diagnoses", "principal"),
        (
            {
                "icd9_diagnoses": [
                    Icd9Diagnosis(role=Icd9Role.PRINCIPAL, code="2724"),
                    Icd9Diagnosis(role=Icd9Role.PRINCIPAL, code="4779"),
                ]
            },
            "icd9_diagnoses",
            "one principal",
        ),
        ({"icd9_diagnoses": [Icd9Diagnosis(role=Icd9Role.ADMITTING, code="2724")]}, "diagnoses", "at least one"),
        ({"icd9_diagnoses": []}, "diagnoses", "at least one diagnosis"),
        (
            {"lines": [make_line(diagnosis_pointers=[3])], "total_charge": "125.00"},
            "lines[0].diagnosis_pointers",
            "points past",
        ),
    ],
)
def test_bad_icd9_claims_are_refused(fields: dict[str, Any], field: str, fragment: str) -> None:
    error = refused(icd9_claim, **fields)
    assert error.field == field
    assert fragment in error.reason


# JSON.


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.claims(icd9=True))
def test_icd9_claims_survive_json(claim: Claim) -> None:
    assert record_from_json(Claim, record_to_json(claim)) == claim


def test_accident_causes_are_the_codes() -> None:
    assert build(Accident, causes=["EM"]).causes == (AccidentCause.EMPLOYMENT,)


def test_institutional_billing_cycles_name_no_original_claim() -> None:
    assert make_institutional_claim(frequency="2").frequency is ClaimFrequency.INTERIM_FIRST
    error = refused(make_institutional_claim, frequency="5", original_claim_reference="CCN-1")
    assert error.reason == "a late charge claim (frequency 5) replaces no claim"
