"""Learning synonyms from a coded corpus: phrases that come with a code, and only those."""

from __future__ import annotations

from revcycle.coding.learning import CodedNote, CodedRegion, learn_synonyms, phrases, region_of


def test_phrases_are_runs_of_content_words() -> None:
    found = phrases("The patient had a painful swollen knee.")
    assert ("painful", "swollen", "knee") in found
    assert not any(phrase[0] in {"the", "had"} for phrase in found)


def test_a_phrase_that_comes_with_a_code_is_learnt_one_that_is_everywhere_is_not() -> None:
    notes = [
        CodedNote(
            ("Sugar problem again today.", "Patient walked in."),
            (CodedRegion("E11.9", ("Sugar problem again today.",)),),
        ),
        CodedNote(
            ("Known sugar problem.", "Patient is well."),
            (CodedRegion("E11.9", ("Known sugar problem.",)),),
        ),
        CodedNote(("Patient seen.",), ()),
    ]
    learnt = {(item.phrase, item.code) for item in learn_synonyms(notes, min_support=2, min_precision=0.5)}
    assert ("sugar problem", "E11.9") in learnt
    assert not any(phrase == "patient" for phrase, _ in learnt)


def test_a_phrase_seen_once_is_not_learnt() -> None:
    notes = [CodedNote(("Rare thing.",), (CodedRegion("R69", ("Rare thing.",)),))]
    assert learn_synonyms(notes, min_support=2) == []


def test_the_region_is_the_sentences_around_a_relative_position() -> None:
    sentences = ("one one one", "two two two", "three three", "four four")
    assert region_of(sentences, 0.0) == ("one one one", "two two two")
    assert region_of(sentences, 0.5, reach=0) == ("two two two",)
    assert region_of(sentences, 1.0) == ("three three", "four four")
