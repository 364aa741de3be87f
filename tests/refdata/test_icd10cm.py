"""ICD-10-CM lookup on the April 1 2026 tabular list: descriptions, billability, 7th characters, notes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.refdata import NoRelease
from revcycle.refdata.icd10cm import Icd10cmNote, is_billable, lookup_icd10cm, normalise
from revcycle.refdata.importers.icd10cm_tabular import read_tabular
from revcycle.refdata.store import ReferenceStore

TABULAR = (
    Path(__file__).parents[2] / ".." / "shared" / "refdata" / "icd10cm-2026-april" / "icd10c-tabular-April-1-2026.xml"
).resolve()
SERVICE_DAY = date(2026, 5, 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    """A store holding the full tabular list, imported once for the module (it takes a few seconds)."""
    if not TABULAR.exists():
        pytest.skip(f"the official ICD-10-CM tabular XML is not at {TABULAR}")
    opened = ReferenceStore(tmp_path_factory.mktemp("icd10cm") / "refdata.sqlite")
    opened.import_release(read_tabular(TABULAR))
    yield opened
    opened.close()


def test_a_billable_code_is_found_with_its_release(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "E11.22", SERVICE_DAY)
    assert found is not None
    assert found.code == "E11.22"
    assert found.description == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert (found.billable, found.kind) == (True, "code")
    assert (found.version, found.effective_from, found.effective_to) == ("2026-04", date(2026, 4, 1), date(2026, 9, 30))
    assert found.warning is None
    assert found.seventh_character is None


def test_a_code_lists_its_use_additional_code_note_for_the_ckd_stage(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "E11.22", SERVICE_DAY)
    assert found is not None
    own = Icd10cmNote(
        "use_additional_code", "code to identify stage of chronic kidney disease (N18.1-N18.6)", "E11.22", False
    )
    assert found.notes[0] == own


def test_notes_from_above_are_gathered_nearest_first_and_say_where_they_come_from(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "E11.22", SERVICE_DAY)
    assert found is not None
    assert Icd10cmNote("excludes1", "type 1 diabetes mellitus (E10.-)", "E11", True) in found.notes
    assert Icd10cmNote("use_additional_code", "insulin (Z79.4)", "E11", True) in found.notes
    chapter_note = Icd10cmNote(
        "excludes1", "transitory endocrine and metabolic disorders specific to newborn (P70-P74)", "Chapter 4", True
    )
    assert found.notes[-2] == chapter_note
    sources = [note.source for note in found.notes]
    assert sources.index("E11.22") < sources.index("E11") < sources.index("Chapter 4")


def test_a_subcategory_and_a_category_are_not_billable(store: ReferenceStore) -> None:
    subcategory = lookup_icd10cm(store, "E11.2", SERVICE_DAY)
    category = lookup_icd10cm(store, "E11", SERVICE_DAY)
    assert subcategory is not None
    assert category is not None
    assert (subcategory.kind, subcategory.billable) == ("subcategory", False)
    assert (category.kind, category.billable) == ("category", False)
    assert subcategory.description == "Type 2 diabetes mellitus with kidney complications"


def test_a_category_without_subdivisions_is_billable(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "I10", SERVICE_DAY)
    assert found is not None
    assert (found.kind, found.billable, found.description) == ("category", True, "Essential (primary) hypertension")


def test_a_seventh_character_defined_above_completes_a_listed_code(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "S52.521A", SERVICE_DAY)
    assert found is not None
    assert found.code == "S52.521A"
    assert found.description == "Torus fracture of lower end of right radius, initial encounter for closed fracture"
    assert found.billable is True
    assert found.seventh_character is not None
    assert found.seventh_character.character == "A"
    assert found.seventh_character.meaning == "initial encounter for closed fracture"
    # Torus fractures have their own, shorter list of 7th characters under S52.52.
    assert found.seventh_character.defined_at == "S52.52"
    assert found.seventh_character_options == ()
    assert any(note.source == "S52" and note.kind == "excludes1" for note in found.notes)


def test_a_seventh_character_the_nearest_definition_does_not_allow_is_unknown(store: ReferenceStore) -> None:
    # S52 allows B (open fracture), but a torus fracture (S52.52) is always closed.
    assert lookup_icd10cm(store, "S52.521B", SERVICE_DAY) is None
    assert lookup_icd10cm(store, "S52.521Z", SERVICE_DAY) is None


def test_a_listed_code_that_needs_a_seventh_character_is_not_billable_and_shows_the_options(
    store: ReferenceStore,
) -> None:
    found = lookup_icd10cm(store, "S52.521", SERVICE_DAY)
    assert found is not None
    assert found.billable is False
    assert [option.character for option in found.seventh_character_options] == ["A", "D", "G", "K", "P", "S"]


@pytest.mark.parametrize(
    ("code", "description"),
    [
        ("S00.03XA", "Contusion of scalp, initial encounter"),
        ("T36.0X1A", "Poisoning by penicillins, accidental (unintentional), initial encounter"),
        ("t360x1d", "Poisoning by penicillins, accidental (unintentional), subsequent encounter"),
        ("T07.XXXA", "Unspecified multiple injuries, initial encounter"),
        ("E08.3211", "Diabetes mellitus due to underlying condition with mild nonproliferative diabetic retinopathy "
         "with macular edema, right eye"),
    ],
)  # fmt: skip
def test_placeholders_and_seventh_characters(store: ReferenceStore, code: str, description: str) -> None:
    found = lookup_icd10cm(store, code, SERVICE_DAY)
    assert found is not None
    assert (found.description, found.billable, found.kind) == (description, True, "code")


@pytest.mark.parametrize(
    "code",
    [
        "Z99.99",  # no such code
        "S00.03A",  # the placeholder is missing: six characters
        "S52.52XA",  # S52.52 has codes below it: a 7th character cannot complete it
        "S52XXXA",  # nor a category
        "E11.22A",  # E11.22 takes no 7th character
        "hello",
        "E1.122",
        "",
    ],
)
def test_unknown_and_malformed_codes_are_none(store: ReferenceStore, code: str) -> None:
    assert lookup_icd10cm(store, code, SERVICE_DAY) is None
    assert is_billable(store, code, SERVICE_DAY) is False


def test_chapters_and_sections_are_not_codes(store: ReferenceStore) -> None:
    assert lookup_icd10cm(store, "chapter:4", SERVICE_DAY) is None
    assert lookup_icd10cm(store, "E08-E13", SERVICE_DAY) is None


def test_listed_seven_character_codes_and_new_letter_categories(store: ReferenceStore) -> None:
    assert is_billable(store, "H54.0X33", SERVICE_DAY)
    assert is_billable(store, "C44.1021", SERVICE_DAY)
    # QA0, new in April 2026, is the first category whose second character is a letter.
    assert is_billable(store, "QA0.0101", SERVICE_DAY)


def test_is_billable(store: ReferenceStore) -> None:
    assert is_billable(store, "E11.22", SERVICE_DAY)
    assert is_billable(store, "e1122", SERVICE_DAY)
    assert not is_billable(store, "E11.2", SERVICE_DAY)
    assert not is_billable(store, "S52.521", SERVICE_DAY)
    assert is_billable(store, "S52.521A", SERVICE_DAY)


def test_a_date_after_the_release_uses_it_with_a_warning(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "E11.22", date(2026, 12, 1))
    assert found is not None
    assert found.warning is not None
    assert "after the newest icd10cm release" in found.warning


def test_a_date_before_every_release_is_an_error(store: ReferenceStore) -> None:
    with pytest.raises(NoRelease):
        lookup_icd10cm(store, "E11.22", date(2025, 1, 1))


@pytest.mark.parametrize(
    ("typed", "key"),
    [("E11.22", "E1122"), (" e11.22 ", "E1122"), ("S52521A", "S52521A"), ("I10", "I10"), ("E1.122", None)],
)
def test_normalise(typed: str, key: str | None) -> None:
    assert normalise(typed) == key
