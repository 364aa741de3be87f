"""Recognising conditions in sentences: the lexicon's terms, abbreviations, word order, numbers and evidence."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.document import read_note
from revcycle.coding.lexicon import Lexicon, load_lexicon
from revcycle.coding.mentions import find_mentions
from revcycle.coding.words import content_words
from revcycle.refdata.store import ReferenceStore

DAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def lexicon(icd_store: ReferenceStore) -> Lexicon:
    return load_lexicon(icd_store, DAY, cache=False)


def codes(lexicon: Lexicon, text: str) -> list[str]:
    return [lexicon.codes[mention.key].code for mention in find_mentions(lexicon, read_note(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HTN", ["I10"]),
        ("DM2", ["E11.9"]),
        ("CKD 3b", ["N18.32"]),
        ("Chronic kidney disease, stage 3b.", ["N18.32"]),
        ("kidney disease, chronic, stage 4", ["N18.4"]),
        ("Acute exacerbation of COPD.", ["J44.1"]),
        ("Morbid obesity.", ["E66.01"]),
        ("Right knee pain for 2 weeks.", ["M25.561"]),
        ("Former smoker.", ["Z87.891"]),
        ("Type 2 diabetes with diabetic chronic kidney disease stage 3b.", ["E11.22", "N18.32"]),
    ],
)
def test_a_condition_is_recognised_however_it_is_written(lexicon: Lexicon, text: str, expected: list[str]) -> None:
    assert sorted(codes(lexicon, text)) == sorted(expected)


def test_the_number_of_an_abbreviation_belongs_to_it_alone(lexicon: Lexicon) -> None:
    # The "2" of DM2 is the diabetes type, not a type 2 MI nor CKD stage 2.
    assert sorted(codes(lexicon, "PMH: DM2, MI")) == ["E11.9", "I21.9"]
    assert "N18.2" not in codes(lexicon, "PMH: DM2, CKD")


def test_a_longer_term_at_the_same_place_wins(lexicon: Lexicon) -> None:
    found = codes(lexicon, "Acute exacerbation of COPD.")
    assert "J44.9" not in found


def test_a_word_that_only_qualifies_names_nothing(lexicon: Lexicon) -> None:
    assert codes(lexicon, "Examined the right side.") == []


def test_a_filler_word_alone_names_nothing(lexicon: Lexicon) -> None:
    # "disease", "heart", "liver" alone are organs or fillers, not conditions.
    assert codes(lexicon, "The heart, liver and bone were examined.") == []


def test_evidence_spans_point_at_the_words_that_say_it(lexicon: Lexicon) -> None:
    text = "Assessment: type 2 diabetes with diabetic chronic kidney disease stage 3b, stable."
    for mention in find_mentions(lexicon, read_note(text)):
        for span in mention.evidence:
            assert text[span.start : span.end] == span.text
    spans = [span.text for mention in find_mentions(lexicon, read_note(text)) for span in mention.evidence]
    assert "type 2 diabetes with diabetic chronic kidney disease" in spans


def test_content_words_drop_nonessential_modifiers_and_defaults() -> None:
    assert content_words("Essential (primary) hypertension") == ("essential", "hypertension")
    assert content_words("Type 2 diabetes mellitus without complications") == ("2", "diabetes")
    assert content_words("Renal disease NOS") == ("kidney", "disease")


def test_accents_and_possessives_are_folded() -> None:
    from revcycle.coding.words import split_words

    assert split_words("Bell's palsy") == split_words("Bells palsy") == ["bell", "palsy"]
    assert split_words("Ménière disease") == ["meniere", "disease"]
    assert split_words("Sjögren\u2019s syndrome") == ["sjogren", "syndrome"]
