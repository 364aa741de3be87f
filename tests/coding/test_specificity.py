"""Walking down the tabular list: the child the words support, else the default a coder takes; 7th characters."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.lexicon import Lexicon, load_lexicon
from revcycle.coding.specificity import make_specific, seventh_character, with_seventh
from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.store import ReferenceStore

DAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def lexicon(icd_store: ReferenceStore) -> Lexicon:
    return load_lexicon(icd_store, DAY, cache=False)


def test_the_child_whose_words_the_sentence_holds_is_taken(lexicon: Lexicon) -> None:
    found = make_specific(lexicon, "H669", {"otitis", "media", "left"})
    assert found.key == "H6692"
    assert not found.defaulted


def test_without_the_words_the_unspecified_child_is_taken_and_recorded(lexicon: Lexicon) -> None:
    found = make_specific(lexicon, "S525", {"fracture", "lower", "end", "radius"})
    assert found.key == "S52509"
    assert found.defaulted


def test_uncomplicated_is_a_better_default_than_unspecified(lexicon: Lexicon) -> None:
    # F17.210 (uncomplicated), not F17.219 (with unspecified nicotine-induced disorders).
    assert make_specific(lexicon, "F1721", {"nicotine", "dependence", "cigarette"}).key == "F17210"


@pytest.mark.parametrize(
    ("sentence", "character"),
    [
        ("Closed fracture of the distal radius after a fall today.", "A"),
        ("Follow-up of distal radius fracture, routine healing.", "D"),
        ("Open fracture of the distal radius.", "B"),
        ("Sequela of old distal radius fracture.", "S"),
    ],
)
def test_the_encounter_gives_the_7th_character(icd_store: ReferenceStore, sentence: str, character: str) -> None:
    listed = lookup_icd10cm(icd_store, "S52.509", DAY)
    assert listed is not None
    chosen = seventh_character(listed.seventh_character_options, sentence, sentence)
    assert chosen is not None
    assert chosen.character == character


def test_a_stage_7th_character_is_read_from_the_sentence(icd_store: ReferenceStore) -> None:
    listed = lookup_icd10cm(icd_store, "H40.111", DAY)
    assert listed is not None
    chosen = seventh_character(listed.seventh_character_options, "POAG right eye, moderate stage", "")
    assert chosen is not None
    assert chosen.character == "2"


def test_the_placeholder_pads_a_short_code() -> None:
    assert with_seventh("S93.40", "A") == "S93.40XA"
    assert with_seventh("T14.90", "A") == "T14.90XA"
    assert with_seventh("S52.509", "A") == "S52.509A"


def test_a_part_of_a_larger_part_gives_the_side(lexicon: Lexicon) -> None:
    # "right rotator cuff": the titles say "right shoulder".
    found = make_specific(lexicon, "M751", {"rotator", "cuff", "tear", "right"})
    assert found.key == "M75101"
