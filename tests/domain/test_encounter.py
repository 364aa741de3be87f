from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given

from revcycle.domain import Diagnosis, Encounter, NoteKind, PresentOnAdmission
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_encounter, make_note

# Diagnoses


def test_a_diagnosis_keeps_its_present_on_admission_indicator() -> None:
    codes: dict[str, Any] = {"present_on_admission": "Y"}
    assert Diagnosis(code="I21.4", **codes).present_on_admission is PresentOnAdmission.YES
    codes = {"present_on_admission": "1"}
    assert Diagnosis(code="I214", **codes).present_on_admission is PresentOnAdmission.EXEMPT
    assert (
        Diagnosis(code="I214", present_on_admission=PresentOnAdmission.NO).present_on_admission is PresentOnAdmission.NO
    )
    assert Diagnosis(code="I214").present_on_admission is None


def test_an_unknown_present_on_admission_indicator_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        Diagnosis(code="I214", present_on_admission="X")  # type: ignore[arg-type]

    assert (caught.value.record, caught.value.field) == ("Diagnosis", "present_on_admission")
    assert caught.value.reason == "'X' is not one of Y, N, U, W, 1"


def test_diagnoses_written_differently_are_equal() -> None:
    assert Diagnosis(code="e11.22") == Diagnosis(code="E1122")


# Notes


def test_a_note_keeps_its_text_exactly() -> None:
    text = '  Chief complaint:\r\n\tChest pain.\n\nO\'Brien says "ouch" 😀  '
    note = make_note(text=text, title=" Progress note ", author_provider_id="prov-1", kind="procedure")

    assert note.text == text
    assert note.title == "Progress note"
    assert note.kind is NoteKind.PROCEDURE


def test_a_note_title_is_one_line() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_note(title="Progress\nnote")

    assert (caught.value.record, caught.value.field) == ("ClinicalNote", "title")
    assert "holds control characters" in caught.value.reason


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"id": ""}, "id", "is not an identifier"),
        ({"kind": "memo"}, "kind", "'memo' is not one of progress"),
        ({"authored_on": datetime(2024, 3, 1, 9, 30)}, "authored_on", "is not a date"),
        ({"text": "   "}, "text", "is empty"),
        ({"text": "Plan\x00"}, "text", "holds control characters other than line breaks and tabs"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"author_provider_id": "Dr Who"}, "author_provider_id", "is not an identifier"),
    ],
)
def test_a_bad_note_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_note(**fields)

    assert (caught.value.record, caught.value.field) == ("ClinicalNote", field)
    assert fragment in caught.value.reason


# Encounters


def test_a_one_day_visit_ends_on_its_start_date() -> None:
    encounter = make_encounter()

    assert encounter.end_date is None
    assert encounter.last_date == date(2024, 3, 1)
    assert encounter.diagnoses == ()
    assert encounter.notes == ()


def test_a_stay_ends_on_its_discharge_date() -> None:
    encounter = make_encounter(place_of_service="21", end_date=date(2024, 3, 5))

    assert encounter.last_date == date(2024, 3, 5)


def test_an_encounter_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(end_date=date(2024, 2, 29))

    assert (caught.value.record, caught.value.field) == ("Encounter", "end_date")
    assert caught.value.reason == "2024-02-29 is before the start date 2024-03-01"


def test_two_notes_cannot_share_an_id() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(notes=(make_note(id="n1"), make_note(id="n1", kind=NoteKind.LABORATORY)))

    assert (caught.value.record, caught.value.field) == ("Encounter", "notes")
    assert caught.value.reason == "two notes share one id"


def test_a_note_of_the_wrong_kind_is_named_by_its_index() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(notes=(make_note(), "see chart"))

    assert (caught.value.record, caught.value.field) == ("Encounter", "notes[1]")
    assert "is not a ClinicalNote" in caught.value.reason


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("patient_id", "pat 1", "is not an identifier"),
        ("billing_provider_id", None, "is not an identifier"),
        ("rendering_provider_id", "", "is not an identifier"),
        ("referring_provider_id", "-x", "is not an identifier"),
        ("facility_provider_id", "x" * 65, "is not an identifier"),
        ("start_date", "2024-03-01", "is not a date"),
        ("place_of_service", "100", "is not a place-of-service code"),
    ],
)
def test_a_bad_encounter_names_its_field(field: str, value: object, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_encounter(**{field: value})

    assert (caught.value.record, caught.value.field) == ("Encounter", field)
    assert fragment in caught.value.reason


@given(strategies.encounters())
def test_an_encounter_lasts_from_its_start_to_its_last_date(encounter: Encounter) -> None:
    assert encounter.start_date <= encounter.last_date
    assert len({note.id for note in encounter.notes}) == len(encounter.notes)
