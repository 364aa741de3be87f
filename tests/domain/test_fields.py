from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given

from revcycle.domain import (
    Diagnosis,
    PersonName,
    Sex,
    Source,
)
from revcycle.domain.fields import (
    FieldError,
    a_date,
    count,
    instance,
    line,
    member,
    note_text,
    one_of,
    optional,
    optional_date,
    optional_line,
    record_id,
)
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import (
    make_address,
    make_claim,
    make_coverage,
    make_encounter,
    make_entry,
    make_note,
    make_patient,
    make_payer,
    make_provider_adjustment,
)

# Record identifiers


@pytest.mark.parametrize("value", ["a", "0", "PAT-0001", "clm_2024.03:17", "A" * 64, "x-", "9.9"])
def test_record_ids(value: str) -> None:
    assert record_id(value) == value


@pytest.mark.parametrize(
    "value", ["", "-abc", ".abc", "_abc", "a b", "A" * 65, "pätient", "abc\n", " abc", "a/b", "a#1", 12, None]
)
def test_a_malformed_record_id_is_refused(value: Any) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(id=value)

    assert (caught.value.record, caught.value.field) == ("Patient", "id")
    assert "is not an identifier (1-64 letters, digits, '.', '_', ':', '-')" in caught.value.reason


@given(strategies.record_ids())
def test_generated_record_ids_are_identifiers(value: str) -> None:
    assert record_id(value) == value


# One-line text


def test_line_strips_and_keeps_inner_spaces() -> None:
    assert line("  Mary  Ann  ", max_length=60) == "Mary  Ann"
    assert line("O'Brien", max_length=60) == "O'Brien"
    assert line("'; DROP TABLE x; --", max_length=60) == "'; DROP TABLE x; --"
    assert line("Zoë 😀", max_length=5) == "Zoë 😀"


def test_a_required_line_must_not_be_blank() -> None:
    with pytest.raises(InvalidRecord) as caught:
        PersonName(last="   ")

    assert (caught.value.record, caught.value.field) == ("PersonName", "last")
    assert caught.value.reason == "is required and empty"


def test_a_line_longer_than_its_limit_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        PersonName(last="x" * 61)

    assert (caught.value.record, caught.value.field) == ("PersonName", "last")
    assert caught.value.reason == "is 61 characters long; at most 60 are allowed"


def test_the_length_limit_counts_characters_after_stripping() -> None:
    assert PersonName(last=" " + "😀" * 60 + " ").last == "😀" * 60


def test_a_line_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        PersonName(last=None)  # type: ignore[arg-type]

    assert (caught.value.record, caught.value.field) == ("PersonName", "last")
    assert caught.value.reason == "None is not text"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f"])
def test_control_characters_are_refused_in_one_line_fields(char: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        PersonName(last=f"Smi{char}th")

    assert (caught.value.record, caught.value.field) == ("PersonName", "last")
    assert "holds control characters" in caught.value.reason


@pytest.mark.parametrize(
    ("make", "record", "field"),
    [
        (make_address, "Address", "line1"),
        (make_payer, "Payer", "name"),
        (make_coverage, "Coverage", "member_id"),
        (make_coverage, "Coverage", "plan_name"),
        (make_provider_adjustment, "ProviderAdjustment", "reference"),
        (make_entry, "LedgerEntry", "description"),
        (make_note, "ClinicalNote", "title"),
    ],
)
def test_nul_is_refused_in_every_kind_of_one_line_field(make: Callable[..., object], record: str, field: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make(**{field: "abc\x00def"})

    assert (caught.value.record, caught.value.field) == (record, field)
    assert "holds control characters" in caught.value.reason
    assert "\\x00" in caught.value.reason


def test_a_claim_number_with_a_line_break_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_claim(patient_control_number="PCN\n1")

    assert (caught.value.record, caught.value.field) == ("Claim", "patient_control_number")
    assert "holds control characters" in caught.value.reason


@pytest.mark.parametrize("char", ["\x80", "\x85", "\x9b", "\x9f", "\u2028", "\u2029"])
def test_c1_controls_and_line_separators_are_refused_in_one_line_fields(char: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        Source(path=f"claims.json{char}forged log line")

    assert (caught.value.record, caught.value.field) == ("Source", "path")
    assert "holds control characters" in caught.value.reason


def test_optional_line_turns_blank_into_none() -> None:
    assert optional_line(None, max_length=10) is None
    assert optional_line("   ", max_length=10) is None
    assert optional_line(" ab ", max_length=10) == "ab"
    coverage = make_coverage(group_number="  ")
    assert coverage.group_number is None


def test_an_optional_line_still_has_a_limit() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(medical_record_number="M" * 51)

    assert (caught.value.record, caught.value.field) == ("Patient", "medical_record_number")
    assert "at most 50" in caught.value.reason


# Note text


def test_note_text_keeps_line_breaks_tabs_and_surrounding_space() -> None:
    text = "  Subjective:\r\n\tCough for 3 days.\n\nPlan: rest  "
    assert note_text(text) == text


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
def test_note_text_refuses_other_control_characters(char: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_note(text=f"Plan{char}: rest")

    assert (caught.value.record, caught.value.field) == ("ClinicalNote", "text")
    assert caught.value.reason == "holds control characters other than line breaks and tabs"


@pytest.mark.parametrize(("value", "reason"), [("", "is empty"), (" \n\t ", "is empty"), (None, "None is not text")])
def test_note_text_must_have_content(value: Any, reason: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_note(text=value)

    assert (caught.value.record, caught.value.field) == ("ClinicalNote", "text")
    assert caught.value.reason == reason


# Dates, counts, members


@pytest.mark.parametrize("value", [datetime(1980, 1, 1, 12, 0), "1980-01-01", 19800101, None])
def test_a_date_must_be_a_date(value: Any) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(birth_date=value)

    assert (caught.value.record, caught.value.field) == ("Patient", "birth_date")
    assert "is not a date" in caught.value.reason


def test_optional_dates() -> None:
    assert optional_date(None) is None
    assert optional_date(date(2024, 2, 29)) == date(2024, 2, 29)
    assert a_date(date(1900, 1, 1)) == date(1900, 1, 1)
    with pytest.raises(FieldError, match="is not a date"):
        optional_date(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "is not a whole number"),
        (1.0, "is not a whole number"),
        ("3", "is not a whole number"),
        (0, "0 is outside 1..10"),
        (11, "11 is outside 1..10"),
    ],
)
def test_count_is_a_bounded_whole_number(value: object, fragment: str) -> None:
    assert count(1, minimum=1, maximum=10) == 1
    assert count(10, minimum=1, maximum=10) == 10
    with pytest.raises(FieldError) as caught:
        count(value, minimum=1, maximum=10)

    assert fragment in str(caught.value)


def test_member_accepts_the_code_or_the_member() -> None:
    assert member(Sex, "F") is Sex.FEMALE
    assert member(Sex, Sex.MALE) is Sex.MALE
    assert one_of(Sex)("U") is Sex.UNKNOWN


def test_an_unknown_code_lists_the_known_ones() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(sex="X")

    assert (caught.value.record, caught.value.field) == ("Patient", "sex")
    assert caught.value.reason == "'X' is not one of M, F, U"


def test_codes_of_enumerations_are_case_sensitive() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(sex="f")

    assert (caught.value.record, caught.value.field) == ("Patient", "sex")


def test_optional_and_instance() -> None:
    check = optional(instance(PersonName))
    name = PersonName(last="Doe")
    assert check(None) is None
    assert check(name) is name
    with pytest.raises(FieldError, match="is not a PersonName"):
        check("Doe")


def test_a_nested_record_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(name="Doe, Jane")

    assert (caught.value.record, caught.value.field) == ("Patient", "name")
    assert caught.value.reason == "'Doe, Jane' is not a PersonName"


# Sequences


def test_a_list_of_records_is_stored_as_a_tuple() -> None:
    encounter = make_encounter(diagnoses=[Diagnosis(code="E1122"), Diagnosis(code="I10")])

    assert encounter.diagnoses == (Diagnosis(code="E1122"), Diagnosis(code="I10"))
    assert isinstance(encounter.diagnoses, tuple)


@pytest.mark.parametrize("value", ["E1122", None, 3])
def test_a_sequence_field_must_be_a_list(value: Any) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(diagnoses=value)

    assert (caught.value.record, caught.value.field) == ("Encounter", "diagnoses")
    assert "is not a list" in caught.value.reason


def test_a_bad_item_is_named_by_its_index() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(diagnoses=(Diagnosis(code="E1122"), "I10"))

    assert (caught.value.record, caught.value.field) == ("Encounter", "diagnoses[1]")
    assert caught.value.reason == "'I10' is not a Diagnosis"


# The error itself


def test_invalid_record_message_and_within() -> None:
    error = InvalidRecord("ServiceLine", "charge", "is negative")

    assert str(error) == "ServiceLine.charge: is negative"
    assert error.message == "ServiceLine.charge: is negative"
    nested = error.within("Claim", "lines[2]")
    assert (nested.record, nested.field, nested.reason) == ("Claim", "lines[2].charge", "is negative")
    assert str(nested) == "Claim.lines[2].charge: is negative"
    whole = InvalidRecord("Claim", "", "is empty")
    assert str(whole) == "Claim: is empty"
    assert whole.within("Remittance", "claims[0]").field == "claims[0]"


def test_field_values_are_stored_normalised_in_a_frozen_record() -> None:
    name = PersonName(last="  Doe ", first=" Jane ")

    assert (name.last, name.first, name.middle, name.suffix) == ("Doe", "Jane", "", "")
    with pytest.raises(AttributeError):
        name.last = "Roe"  # type: ignore[misc]


def test_trusted_makes_the_record_the_checks_would_with_defaults_filled() -> None:
    from decimal import Decimal

    from revcycle.domain.fields import trusted
    from revcycle.domain.remittance import ServicePayment

    made = trusted(ServicePayment, {"procedure_code": "99213", "charge": Decimal("100.00"), "paid": Decimal("80.00")})
    assert made == ServicePayment(procedure_code="99213", charge=Decimal("100.00"), paid=Decimal("80.00"))
    assert made.modifiers == ()
    assert made.adjustments == ()


def test_trusted_refuses_a_missing_or_unknown_field() -> None:
    from decimal import Decimal

    from revcycle.domain.fields import trusted
    from revcycle.domain.remittance import ServicePayment

    with pytest.raises(TypeError, match="paid is required"):
        trusted(ServicePayment, {"procedure_code": "99213", "charge": Decimal("1.00")})
    with pytest.raises(TypeError, match="unknown fields"):
        trusted(
            ServicePayment, {"procedure_code": "99213", "charge": Decimal("1.00"), "paid": Decimal("1.00"), "bogus": 1}
        )
