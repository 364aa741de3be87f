import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revcycle.domain import (
    Claim,
    ClaimFrequency,
    ClaimKind,
    Diagnosis,
    NdcUnit,
    Source,
    UnitBasis,
)
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_claim, make_institutional_claim, make_line

# Service lines


def test_a_service_line_normalises_its_fields() -> None:
    line = make_line(
        procedure_code=" j1100 ",
        units="2.500",
        charge="40",
        modifiers=["rt", "59"],
        diagnosis_pointers=[2, 1],
        unit_basis="MJ",
        ndc="0002-1433-80",
        ndc_quantity="1.0",
        ndc_unit="ML",
        line_control_number=" LINE-1 ",
    )

    assert line.procedure_code == "J1100"
    assert str(line.units) == "2.5"
    assert str(line.charge) == "40.00"
    assert line.modifiers == ("RT", "59")
    assert line.diagnosis_pointers == (2, 1)
    assert line.unit_basis is UnitBasis.MINUTES
    assert (line.ndc, line.ndc_quantity, line.ndc_unit) == ("00002143380", Decimal(1), NdcUnit.MILLILITER)
    assert line.line_control_number == "LINE-1"


def test_a_line_of_one_day_and_a_span() -> None:
    assert make_line().last_service_date == date(2024, 3, 1)
    assert make_line(service_date_end=date(2024, 3, 31)).last_service_date == date(2024, 3, 31)


def test_a_free_line_is_allowed() -> None:
    assert make_line(charge=Decimal(0)).charge == Decimal("0.00")


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"line_number": 0}, "line_number", "0 is outside 1..999"),
        ({"line_number": 1000}, "line_number", "1000 is outside 1..999"),
        ({"units": Decimal(0)}, "units", "is not more than zero"),
        ({"units": Decimal("-1")}, "units", "is not more than zero"),
        ({"charge": Decimal("-0.01")}, "charge", "is negative"),
        ({"charge": 125.0}, "charge", "is a float"),
        ({"charge": "12.345"}, "charge", "fractions of a cent"),
        ({"service_date": "2024-03-01"}, "service_date", "is not a date"),
        ({"modifiers": ("25", "59", "XS", "RT", "LT")}, "modifiers", "5 modifiers; a line carries at most 4"),
        ({"modifiers": ("25", "25")}, "modifiers", "a modifier is repeated"),
        ({"modifiers": ("rt", "RT")}, "modifiers", "a modifier is repeated"),
        ({"diagnosis_pointers": (1, 2, 3, 4, 5)}, "diagnosis_pointers", "5 pointers; a line has at most 4"),
        ({"diagnosis_pointers": (1, 1)}, "diagnosis_pointers", "a diagnosis pointer is repeated"),
        ({"diagnosis_pointers": (1, 0)}, "diagnosis_pointers[1]", "0 is outside 1..25"),
        ({"diagnosis_pointers": (26,)}, "diagnosis_pointers[0]", "26 is outside 1..25"),
        ({"diagnosis_pointers": ("1",)}, "diagnosis_pointers[0]", "is not a whole number"),
        ({"unit_basis": "HR"}, "unit_basis", "'HR' is not one of UN, MJ, DA"),
        ({"service_date_end": date(2024, 2, 29)}, "service_date_end", "2024-02-29 is before 2024-03-01"),
        ({"ndc_quantity": Decimal(0), "ndc": "00002143380", "ndc_unit": "ML"}, "ndc_quantity", "not more than zero"),
        ({"ndc_unit": "KG", "ndc": "00002143380", "ndc_quantity": Decimal(1)}, "ndc_unit", "is not one of"),
        ({"rendering_provider_id": "dr who"}, "rendering_provider_id", "is not an identifier"),
        ({"line_control_number": "x" * 51}, "line_control_number", "at most 50"),
    ],
)
def test_a_bad_service_line_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(**fields)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", field)
    assert fragment in caught.value.reason


@pytest.mark.parametrize(
    "drug",
    [
        {"ndc": "00002143380"},
        {"ndc_quantity": Decimal(1)},
        {"ndc_unit": NdcUnit.UNIT},
        {"ndc": "00002143380", "ndc_quantity": Decimal(1)},
        {"ndc_quantity": Decimal(1), "ndc_unit": NdcUnit.UNIT},
    ],
)
def test_a_drug_line_needs_all_three_drug_fields(drug: dict[str, Any]) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(**drug)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "ndc")
    assert caught.value.reason == "a drug line needs all of ndc, ndc_quantity and ndc_unit"


# Claims: totals


def test_a_valid_professional_claim() -> None:
    claim = make_claim(source=Source(path="claims.json", location="$[0]"))

    assert claim.total_charge == Decimal("225.00")
    assert claim.frequency is ClaimFrequency.ORIGINAL
    assert [diagnosis.code for diagnosis in claim.diagnoses] == ["E1122", "I10"]
    assert claim.first_service_date == claim.last_service_date == date(2024, 3, 1)


def test_a_claim_whose_total_is_not_the_sum_of_its_lines_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(total_charge=Decimal("250.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "total_charge")
    assert caught.value.reason == "250.00 is not the sum of the line charges (225.00)"


def test_a_total_off_by_one_cent_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(total_charge="224.99")

    assert (caught.value.record, caught.value.field) == ("Claim", "total_charge")
    assert "not the sum of the line charges (225.00)" in caught.value.reason


def test_a_total_given_as_text_or_a_whole_number_is_accepted() -> None:
    assert make_claim(total_charge="225").total_charge == Decimal("225.00")
    assert make_claim(total_charge=225).total_charge == Decimal("225.00")


def test_a_float_total_is_refused_before_it_is_summed() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(total_charge=225.0)

    assert (caught.value.record, caught.value.field) == ("Claim", "total_charge")
    assert "float" in caught.value.reason


def test_a_negative_total_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(total_charge=Decimal("-225.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "total_charge")
    assert "is negative" in caught.value.reason


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(strategies.claims(), st.integers(min_value=1, max_value=10_000))
def test_any_total_other_than_the_sum_is_refused(claim: Claim, cents: int) -> None:
    wrong = claim.total_charge + Decimal(cents).scaleb(-2)
    with pytest.raises(InvalidRecord) as caught:
        dataclasses.replace(claim, total_charge=wrong)

    assert (caught.value.record, caught.value.field) == ("Claim", "total_charge")
    assert "is not the sum of the line charges" in caught.value.reason


# Claims: professional and institutional


def test_a_professional_claim_needs_a_place_of_service() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(place_of_service=None)

    assert (caught.value.record, caught.value.field) == ("Claim", "place_of_service")
    assert "a professional claim needs a place of service (CLM05-1)" in caught.value.reason


def test_an_unknown_claim_place_of_service_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(place_of_service="98")

    assert (caught.value.record, caught.value.field) == ("Claim", "place_of_service")
    assert "'98' is not a place-of-service code" in caught.value.reason


def test_every_professional_line_points_to_a_diagnosis() -> None:
    lines = (make_line(), make_line(line_number=2, diagnosis_pointers=()))
    with pytest.raises(InvalidRecord) as caught:
        make_claim(lines=lines, total_charge=Decimal("250.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines[1].diagnosis_pointers")
    assert caught.value.reason == "a professional line points to a diagnosis"


def test_a_pointer_past_the_diagnoses_is_refused() -> None:
    lines = (make_line(diagnosis_pointers=(1, 3)),)
    with pytest.raises(InvalidRecord) as caught:
        make_claim(lines=lines, total_charge=Decimal("125.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines[0].diagnosis_pointers")
    assert caught.value.reason == "pointer 3 points past the claim's 2 diagnoses"


def test_a_valid_institutional_claim() -> None:
    claim = make_institutional_claim(admission_date=date(2024, 3, 1))

    assert claim.kind is ClaimKind.INSTITUTIONAL
    assert claim.facility_type_code == "13"
    assert claim.lines[0].diagnosis_pointers == ()
    assert claim.last_service_date == date(2024, 3, 1)


def test_an_institutional_claim_needs_a_facility_type_code() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(facility_type_code=None)

    assert (caught.value.record, caught.value.field) == ("Claim", "facility_type_code")
    assert caught.value.reason == "an institutional claim needs a facility type code"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("1", "'1' is not a facility type code (the first two digits of the type of bill)"),
        ("1A", "'1A' is not a facility type code"),
        ("ab", "'ab' is not a facility type code"),
        ("131", "is 3 characters long; at most 2 are allowed"),
        ("", "is required and empty"),
    ],
)
def test_a_facility_type_code_is_two_digits(code: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(facility_type_code=code)

    assert (caught.value.record, caught.value.field) == ("Claim", "facility_type_code")
    assert fragment in caught.value.reason


@pytest.mark.parametrize("code", ["\u00b9\u00b3", "\uff11\uff13", "\u0661\u0663"])
def test_a_facility_type_code_of_non_ascii_digits_is_refused(code: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(facility_type_code=code)

    assert (caught.value.record, caught.value.field) == ("Claim", "facility_type_code")
    assert "is not a facility type code" in caught.value.reason


@pytest.mark.parametrize("missing", ["statement_from", "statement_to"])
def test_an_institutional_claim_needs_its_statement_period(missing: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(**{missing: None})

    assert (caught.value.record, caught.value.field) == ("Claim", missing)
    assert caught.value.reason.startswith("an institutional claim needs its statement period")


def test_a_statement_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(statement_from=date(2024, 3, 2), statement_to=date(2024, 3, 1))

    assert (caught.value.record, caught.value.field) == ("Claim", "statement_to")
    assert caught.value.reason == "the statement period ends before it starts"


def test_every_institutional_line_needs_a_revenue_code() -> None:
    lines = (make_line(revenue_code="0450"), make_line(line_number=2, charge=Decimal("100.00")))
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(lines=lines)

    assert (caught.value.record, caught.value.field) == ("Claim", "lines[1].revenue_code")
    assert caught.value.reason == "an institutional line needs a revenue code"


def test_an_institutional_pointer_past_the_diagnoses_is_refused() -> None:
    lines = (make_line(revenue_code="0450", diagnosis_pointers=(2,)), make_line(line_number=2, revenue_code="0300"))
    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(lines=lines, total_charge=Decimal("250.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines[0].diagnosis_pointers")
    assert "points past the claim's 1 diagnoses" in caught.value.reason


# Claims: frequency


@pytest.mark.parametrize("frequency", [ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID, "7", "8"])
def test_a_replacement_or_void_names_the_original_claim(frequency: Any) -> None:
    claim = make_claim(frequency=frequency, original_claim_reference=" 2024061500123 ")

    assert claim.original_claim_reference == "2024061500123"


@pytest.mark.parametrize(
    ("frequency", "kind"),
    [(ClaimFrequency.REPLACEMENT, "a replacement claim (frequency 7)"), ("8", "a void claim (frequency 8)")],
)
def test_a_replacement_or_void_without_the_original_claim_is_refused(frequency: Any, kind: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(frequency=frequency, original_claim_reference="   ")

    assert (caught.value.record, caught.value.field) == ("Claim", "original_claim_reference")
    assert kind in caught.value.reason
    assert "needs the payer's claim number of the original claim" in caught.value.reason


def test_an_original_claim_replaces_nothing() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(frequency="1", original_claim_reference="2024061500123")

    assert (caught.value.record, caught.value.field) == ("Claim", "original_claim_reference")
    assert caught.value.reason == "an original claim (frequency 1) replaces no claim"


def test_an_unknown_frequency_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(frequency="6")

    assert (caught.value.record, caught.value.field) == ("Claim", "frequency")
    assert caught.value.reason == "'6' is not one of 1, 7, 8, 0, 2, 3, 4, 5, 9"


# Claims: diagnoses and lines


def test_a_claim_needs_a_diagnosis() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(diagnoses=(), lines=(make_line(diagnosis_pointers=()),), total_charge=Decimal("125.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "diagnoses")
    assert caught.value.reason == "a claim needs at least one diagnosis"


def test_a_diagnosis_listed_twice_is_refused_however_written() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(diagnoses=(Diagnosis(code="E11.22"), Diagnosis(code="e1122")))

    assert (caught.value.record, caught.value.field) == ("Claim", "diagnoses")
    assert caught.value.reason == "a diagnosis code is listed twice"


def many_diagnoses(count: int) -> tuple[Diagnosis, ...]:
    return tuple(Diagnosis(code=f"Z{number:02d}") for number in range(count))


def test_a_professional_claim_holds_twelve_diagnoses() -> None:
    assert len(make_claim(diagnoses=many_diagnoses(12)).diagnoses) == 12

    with pytest.raises(InvalidRecord) as caught:
        make_claim(diagnoses=many_diagnoses(13))

    assert (caught.value.record, caught.value.field) == ("Claim", "diagnoses")
    assert caught.value.reason == "13 diagnoses; a professional claim holds 12"


def test_an_institutional_claim_holds_twenty_five_diagnoses() -> None:
    assert len(make_institutional_claim(diagnoses=many_diagnoses(25)).diagnoses) == 25

    with pytest.raises(InvalidRecord) as caught:
        make_institutional_claim(diagnoses=many_diagnoses(26))

    assert (caught.value.record, caught.value.field) == ("Claim", "diagnoses")
    assert caught.value.reason.startswith("26 diagnoses;")
    assert "institutional claim holds 25" in caught.value.reason


def test_a_claim_needs_a_line() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(lines=(), total_charge=Decimal(0))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines")
    assert caught.value.reason == "a claim needs at least one service line"


def test_a_professional_claim_holds_fifty_lines() -> None:
    lines = tuple(make_line(line_number=number, charge=Decimal("1.00")) for number in range(1, 52))
    assert len(make_claim(lines=lines[:50], total_charge=Decimal("50.00")).lines) == 50

    with pytest.raises(InvalidRecord) as caught:
        make_claim(lines=lines, total_charge=Decimal("51.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines")
    assert "51 lines; a professional claim holds 50" in caught.value.reason


def test_two_lines_cannot_share_a_number() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(lines=(make_line(), make_line()), total_charge=Decimal("250.00"))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines")
    assert caught.value.reason == "two lines share a line number"


def test_a_line_of_the_wrong_kind_is_named_by_its_index() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(lines=(make_line(), {"line_number": 2}))

    assert (caught.value.record, caught.value.field) == ("Claim", "lines[1]")
    assert "is not a ServiceLine" in caught.value.reason


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"kind": "dental"}, "kind", "'dental' is not one of professional, institutional"),
        ({"id": ""}, "id", "is not an identifier"),
        ({"coverage_id": "cov 1"}, "coverage_id", "is not an identifier"),
        ({"encounter_id": "enc/1"}, "encounter_id", "is not an identifier"),
        ({"patient_control_number": "x" * 39}, "patient_control_number", "at most 38"),
        ({"patient_control_number": " "}, "patient_control_number", "is required and empty"),
        ({"prior_authorization": "x" * 51}, "prior_authorization", "at most 50"),
        ({"admission_date": "2024-03-01"}, "admission_date", "is not a date"),
        ({"source": "claims.json"}, "source", "is not a Source"),
    ],
)
def test_a_bad_claim_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(**fields)

    assert (caught.value.record, caught.value.field) == ("Claim", field)
    assert fragment in caught.value.reason


def test_service_dates_of_a_claim() -> None:
    lines = (
        make_line(service_date=date(2024, 3, 5)),
        make_line(line_number=2, service_date=date(2024, 3, 1), service_date_end=date(2024, 3, 10)),
        make_line(line_number=3, service_date=date(2024, 3, 7)),
    )
    claim = make_claim(lines=lines, total_charge=Decimal("375.00"))

    assert claim.first_service_date == date(2024, 3, 1)
    assert claim.last_service_date == date(2024, 3, 10)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(strategies.claims())
def test_generated_claims_have_consistent_service_dates(claim: Claim) -> None:
    assert claim.first_service_date <= claim.last_service_date
    assert all(claim.first_service_date <= line.service_date <= claim.last_service_date for line in claim.lines)
