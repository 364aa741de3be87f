"""An organisation's learnt model, from its corpus to the coder.

Evidence carried across a translation, phrases learnt for several codes, the reranker fitted and its threshold
chosen, and a coder that proposes and chooses codes with it.
"""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.coder import Coder
from revcycle.coding.learning import (
    CodedNote,
    CodedRegion,
    align_sentences,
    learn_phrase_codes,
    sentence_spans,
    translated_regions,
)
from revcycle.coding.learnt_model import FEATURES, LEARNT, LearntModel, with_pairs
from revcycle.coding.reranking import best_threshold, fit_logistic
from revcycle.refdata.store import ReferenceStore

DAY = date(2026, 6, 1)
FEATURES_AT_ZERO = [0.0] * len(FEATURES)


def test_an_original_is_split_into_sentences_before_a_capital() -> None:
    text = "Varón de 37 años. Fiebre de 40 C. Presenta orquitis derecha.\nSin edemas."
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "Varón de 37 años.",
        "Fiebre de 40 C.",
        "Presenta orquitis derecha.",
        "Sin edemas.",
    ]


def test_a_sentence_the_translation_split_in_two_is_aligned_with_both_halves() -> None:
    pairs = align_sentences([40, 120, 40], [42, 60, 58, 41])
    assert [(list(source), list(target)) for source, target in pairs] == [([0], [0]), ([1], [1, 2]), ([2], [3])]


def test_evidence_offsets_in_the_original_land_on_the_sentence_that_translates_them() -> None:
    original = "Varón de 37 años con fiebre. Presenta una orquiepididimitis derecha dolorosa. Extremidades sin edemas."
    translation = ("A 37-year-old man with fever.", "He has a painful right orchiepididymitis.", "No edema.")
    offset = original.index("orquiepididimitis")
    assert translated_regions(original, translation, [offset, 0]) == [
        ("He has a painful right orchiepididymitis.",),
        ("A 37-year-old man with fever.",),
    ]


def _corpus() -> list[CodedNote]:
    sentence = "Sweating and bloody stools."
    return [
        CodedNote(
            (sentence, "Seen today."),
            (CodedRegion("R61", (sentence,)), CodedRegion("K92.1", (sentence,))),
        )
        for _ in range(3)
    ] + [CodedNote(("Seen today.", "Stools were normal."), ())]


def test_a_phrase_is_learnt_for_every_code_it_comes_with_and_its_precision_counts_all_sentences() -> None:
    learnt = {(item.phrase, item.code): item for item in learn_phrase_codes(_corpus(), min_support=2)}
    assert ("bloody stool", "K92.1") in learnt
    assert ("sweating", "R61") in learnt
    assert ("sweating", "K92.1") in learnt
    # "stool" is in three evidence sentences of four sentences holding it.
    assert learnt["stool", "K92.1"].precision == 0.75
    assert learnt["stool", "K92.1"].support == 3
    assert not any(phrase == "seen today" for phrase, _ in learnt)


def test_min_support_and_precision_leave_weak_phrases_out() -> None:
    learnt = {(item.phrase, item.code) for item in learn_phrase_codes(_corpus(), min_support=2, min_precision=0.8)}
    assert ("bloody stool", "K92.1") in learnt
    assert ("stool", "K92.1") not in learnt
    assert learn_phrase_codes(_corpus(), min_support=4) == []


def test_the_regression_learns_which_feature_tells_and_the_threshold_serves_f1() -> None:
    rows = [[float(index % 2), float(index % 3)] for index in range(60)]
    labels = [row[0] == 1.0 for row in rows]
    fitted = fit_logistic(rows, labels, penalty=0.1)
    probabilities = fitted.probabilities(rows)
    assert all((probability > 0.9) == label for probability, label in zip(probabilities, labels, strict=True))
    chosen = best_threshold(list(zip(probabilities, labels, strict=True)), gold=30 + 10)
    # Every true candidate kept, none of the false: the 10 gold codes never proposed stay missed.
    assert (chosen.tp, chosen.fp, chosen.fn) == (30, 0, 10)
    assert 0.5 < chosen.threshold < 1.0


def _model(weights: dict[str, float], threshold: float = 0.5) -> LearntModel:
    learnt = learn_phrase_codes(_corpus(), min_support=2)
    model = LearntModel.from_corpus(learnt, [("R61", "K92.1")] * 3 + [()])
    pairs = len(with_pairs(FEATURES_AT_ZERO)) - len(FEATURES)
    model.weights = (*(weights.get(name, 0.0) for name in FEATURES), *(0.0,) * pairs, weights.get("bias", 0.0))
    model.mean = (0.0,) * (len(FEATURES) + pairs)
    model.scale = (1.0,) * (len(FEATURES) + pairs)
    model.threshold = threshold
    return model


NOTE = "He reports profuse sweating at night. No chest pain. Colonoscopy was normal."


def test_a_learnt_phrase_proposes_its_code_with_the_phrase_as_evidence(icd_store: ReferenceStore) -> None:
    coder = Coder.load(icd_store, embeddings=False, learnt=_model({"learnt": 5.0, "bias": -2.0}))
    result = coder.code(NOTE, day=DAY, mode="mentions")
    found = {item.code: item for item in result.diagnoses}
    assert "R61" in found
    assert [span.text for span in found["R61"].evidence] == ["sweating"]
    assert all(NOTE[span.start : span.end] == span.text for item in result.diagnoses for span in item.evidence)
    assert found["R61"].rationale.startswith(LEARNT)


def test_the_model_drops_what_it_scores_below_its_threshold(icd_store: ReferenceStore) -> None:
    # Weighted against the negated: "No chest pain" is a lexicon candidate the model does not keep.
    without = Coder.load(icd_store, embeddings=False).code(NOTE, day=DAY, mode="mentions")
    assert "R07.9" in {item.code for item in without.diagnoses}
    coder = Coder.load(icd_store, embeddings=False, learnt=_model({"negated": -6.0, "bias": 2.0}))
    assert "R07.9" not in {item.code for item in coder.code(NOTE, day=DAY, mode="mentions").diagnoses}


def test_billing_mode_is_untouched_by_a_learnt_model(icd_store: ReferenceStore) -> None:
    plain = Coder.load(icd_store, embeddings=False).code(NOTE, day=DAY)
    learnt = Coder.load(icd_store, embeddings=False, learnt=_model({"learnt": 5.0})).code(NOTE, day=DAY)
    assert [item.code for item in learnt.diagnoses] == [item.code for item in plain.diagnoses]


def test_a_model_survives_json_and_refuses_another_versions() -> None:
    model = _model({"learnt": 1.5, "bias": -0.5}, threshold=0.3)
    again = LearntModel.from_json(model.to_json())
    assert again == model
    with pytest.raises(ValueError, match="another revcycle version"):
        LearntModel.from_json({**model.to_json(), "features": ["lexicon"]})


def test_a_code_the_corpus_wrote_without_7th_character_is_its_own_and_a_split_category_an_ancestor() -> None:
    model = LearntModel.from_corpus([], [("T14.8",), ("T14.8", "R51"), ("R52",)])
    assert model.prior("T14.8XXA") == (2, False)
    assert model.prior("R51.9") == (1, True)
    assert model.prior("E11.9") is None


def test_pairs_follow_the_features_each_pair_once() -> None:
    assert with_pairs([2.0, 3.0]) == [2.0, 3.0, 4.0, 6.0, 9.0]


def test_a_pair_of_features_lets_the_model_keep_what_neither_alone_tells() -> None:
    # Kept when exactly one feature is on (an exclusive or), which no weighing of the two alone can learn.
    rows = [[float(first), float(second)] for first in (0, 1) for second in (0, 1)] * 20
    labels = [row[0] != row[1] for row in rows]
    alone = fit_logistic(rows, labels, penalty=0.01).probabilities(rows)
    paired = fit_logistic([with_pairs(row) for row in rows], labels, penalty=0.01)
    assert all(abs(probability - 0.5) < 0.01 for probability in alone)
    assert all(
        (probability > 0.5) == label
        for probability, label in zip(paired.probabilities([with_pairs(row) for row in rows]), labels, strict=True)
    )
