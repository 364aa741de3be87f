from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given

from revcycle.domain import Diagnosis, NdcUnit, codes
from revcycle.domain.fields import FieldError
from revcycle.domain.place_of_service import PLACES_OF_SERVICE
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_address, make_encounter, make_line

# ICD-10-CM


@pytest.mark.parametrize(
    ("value", "stored", "display"),
    [
        ("e11.22", "E1122", "E11.22"),
        ("E11.22", "E1122", "E11.22"),
        ("E1122", "E1122", "E11.22"),
        (" i10 ", "I10", "I10"),
        ("S72.001A", "S72001A", "S72.001A"),
        ("Z00.00", "Z0000", "Z00.00"),
        ("J06.9", "J069", "J06.9"),
        ("U07.1", "U071", "U07.1"),
    ],
)
def test_icd10cm_is_stored_without_its_dot(value: str, stored: str, display: str) -> None:
    diagnosis = Diagnosis(code=value)

    assert diagnosis.code == stored
    assert diagnosis.display == display
    assert codes.icd10cm_display(stored) == display


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("E1.122", "the dot follows the 3-character category"),
        ("E112.2", "the dot follows the 3-character category"),
        ("E11.", "the dot follows the 3-character category"),
        ("E11..2", "is not an ICD-10-CM code"),
        ("E1", "is not an ICD-10-CM code"),
        ("1E11", "is not an ICD-10-CM code"),
        ("EE11", "is not an ICD-10-CM code"),
        ("E11222222", "is not an ICD-10-CM code"),
        ("E11-22", "is not an ICD-10-CM code"),
        ("", "is not an ICD-10-CM code"),
    ],
)
def test_a_malformed_icd10cm_code_is_refused(value: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        Diagnosis(code=value)

    assert (caught.value.record, caught.value.field) == ("Diagnosis", "code")
    assert fragment in caught.value.reason


def test_an_icd10cm_code_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        Diagnosis(code=1122)  # type: ignore[arg-type]

    assert (caught.value.record, caught.value.field) == ("Diagnosis", "code")
    assert "is not an ICD-10-CM code" in caught.value.reason


@given(strategies.icd10cm_codes())
def test_icd10cm_display_and_back(code: str) -> None:
    assert codes.icd10cm(codes.icd10cm_display(code)) == code
    assert codes.icd10cm(code.lower()) == code


# Procedures and modifiers


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("99213", "99213"),
        ("3074F", "3074F"),
        ("0042t", "0042T"),
        ("0001U", "0001U"),
        ("j1100", "J1100"),
        ("V2020", "V2020"),
    ],
)
def test_cpt_and_hcpcs_codes_are_accepted(value: str, stored: str) -> None:
    assert make_line(procedure_code=value).procedure_code == stored


@pytest.mark.parametrize("value", ["9921", "992131", "W1234", "Z1234", "99213F", "0042X", "J110", ""])
def test_a_malformed_procedure_code_is_refused(value: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(procedure_code=value)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "procedure_code")
    assert "is not a CPT or HCPCS code" in caught.value.reason


def test_modifiers_are_normalised_to_upper_case() -> None:
    assert make_line(modifiers=["25", "xs", " rt "]).modifiers == ("25", "XS", "RT")


@pytest.mark.parametrize("value", ["5", "ABC", "X-", ""])
def test_a_malformed_modifier_is_refused_by_its_position(value: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(modifiers=("25", value))

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "modifiers[1]")
    assert "is not a modifier" in caught.value.reason


# Places of service


def test_places_of_service_are_the_cms_codes() -> None:
    assert PLACES_OF_SERVICE["11"] == "Office"
    assert PLACES_OF_SERVICE["21"] == "Inpatient Hospital"
    assert all(len(code) == 2 and code.isdigit() for code in PLACES_OF_SERVICE)
    assert codes.place_of_service(" 11 ") == "11"


@pytest.mark.parametrize("value", ["00", "28", "98", "1", "011", "XX", ""])
def test_an_unknown_place_of_service_is_refused(value: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(place_of_service=value)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "place_of_service")
    assert "is not a place-of-service code" in caught.value.reason


def test_an_encounter_at_an_unknown_place_of_service_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(place_of_service="98")

    assert (caught.value.record, caught.value.field) == ("Encounter", "place_of_service")
    assert "'98' is not a place-of-service code" in caught.value.reason


# Revenue codes, NDC


@pytest.mark.parametrize(("value", "stored"), [("0450", "0450"), ("450", "0450"), (" 0300 ", "0300")])
def test_revenue_codes_have_four_digits(value: str, stored: str) -> None:
    assert make_line(revenue_code=value).revenue_code == stored


@pytest.mark.parametrize("value", ["45", "04500", "04A0", "\uff14\uff15\uff10"])
def test_a_malformed_revenue_code_is_refused(value: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(revenue_code=value)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "revenue_code")
    assert "is not a revenue code (four digits)" in caught.value.reason


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0002-1433-80", "00002143380"),
        ("50242-040-62", "50242004062"),
        ("60575-4112-1", "60575411201"),
        ("00002-1433-80", "00002143380"),
        ("00002143380", "00002143380"),
        (" 50242-040-62 ", "50242004062"),
    ],
)
def test_ndc_is_padded_to_eleven_digits(value: str, stored: str) -> None:
    line = make_line(ndc=value, ndc_quantity=Decimal(1), ndc_unit=NdcUnit.MILLILITER)

    assert line.ndc == stored
    assert codes.ndc(stored) == stored


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0002143380", "(11 digits, or hyphenated 4-4-2, 5-3-2, 5-4-1 or 5-4-2)"),
        ("1234-567-89", "(11 digits, or hyphenated"),
        ("123456-7890-1", "(11 digits, or hyphenated"),
        ("0002-1433", "(11 digits, or hyphenated"),
        ("0002-1433-8O", "is not an NDC"),
        ("0002--1433-80", "is not an NDC"),
        ("", "is not an NDC"),
    ],
)
def test_a_malformed_ndc_is_refused(value: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(ndc=value, ndc_quantity=Decimal(1), ndc_unit=NdcUnit.MILLILITER)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "ndc")
    assert fragment in caught.value.reason


@pytest.mark.parametrize("value", ["¹²³⁴⁵⁶⁷⁸⁹⁰¹", "\uff11\uff12\uff13\uff14-\uff15\uff16\uff17\uff18-\uff19\uff10"])
def test_an_ndc_of_non_ascii_digits_is_refused(value: str) -> None:
    with pytest.raises(FieldError, match="is not an NDC"):
        codes.ndc(value)


# Codes of the remittance and of parties


@pytest.mark.parametrize(
    ("check", "value", "stored"),
    [
        (codes.carc, "45", "45"),
        (codes.carc, "b7", "B7"),
        (codes.carc, "253", "253"),
        (codes.rarc, "n130", "N130"),
        (codes.rarc, "MA01", "MA01"),
        (codes.rarc, "M1", "M1"),
        (codes.plb_reason, "wo", "WO"),
        (codes.plb_reason, "72", "72"),
        (codes.taxonomy, "207q00000x", "207Q00000X"),
        (codes.state, "ny", "NY"),
        (codes.postal_code, "12345", "12345"),
        (codes.postal_code, "12345-6789", "123456789"),
        (codes.tax_id, "12-3456789", "123456789"),
        (codes.npi, " 1234567893 ", "1234567893"),
    ],
)
def test_codes_are_normalised(check: Callable[[object], str], value: str, stored: str) -> None:
    assert check(value) == stored
    assert check(stored) == stored


@pytest.mark.parametrize(
    ("check", "value", "fragment"),
    [
        (codes.carc, "4567", "is not a claim adjustment reason code"),
        (codes.carc, "BB7", "is not a claim adjustment reason code"),
        (codes.rarc, "X12", "is not a remittance advice remark code"),
        (codes.rarc, "N12345", "is not a remittance advice remark code"),
        (codes.plb_reason, "W", "is not a provider adjustment reason code"),
        (codes.taxonomy, "207Q00000", "is not a provider taxonomy code"),
        (codes.taxonomy, "207Q00000Y", "is not a provider taxonomy code"),
        (codes.state, "N", "is not a two-letter state code"),
        (codes.state, "N1", "is not a two-letter state code"),
        (codes.postal_code, "1234", "is not a ZIP code (5 or 9 digits)"),
        (codes.postal_code, "123456", "is not a ZIP code (5 or 9 digits)"),
        (codes.tax_id, "12345678", "is not a tax id (nine digits)"),
        (codes.modifier, None, "is not a modifier"),
    ],
)
def test_malformed_codes_are_refused(check: Callable[[object], str], value: object, fragment: str) -> None:
    with pytest.raises(FieldError) as caught:
        check(value)

    assert fragment in str(caught.value)


def test_an_address_is_normalised_and_names_a_bad_state() -> None:
    address = make_address(state="il", postal_code="62701-1234")
    assert (address.state, address.postal_code) == ("IL", "627011234")

    with pytest.raises(InvalidRecord) as caught:
        make_address(state="Illinois")

    assert (caught.value.record, caught.value.field) == ("Address", "state")
    assert "'Illinois' is not a two-letter state code" in caught.value.reason


@given(strategies.ndcs())
def test_generated_ndcs_are_stored_as_they_are(ndc: str) -> None:
    assert codes.ndc(ndc) == ndc
    assert codes.ndc(f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}") == ndc
