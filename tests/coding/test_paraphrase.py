"""The embedding stage: assessment items no term matched, read by meaning, only when the match is close."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.coder import Coder
from revcycle.coding.embedding import EmbeddingUnavailable, model_folder
from revcycle.refdata.store import ReferenceStore

DAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def embedding_coder(icd_store: ReferenceStore) -> Coder:
    try:
        model_folder()
    except EmbeddingUnavailable as error:
        pytest.skip(f"the embedding model is not installed: {error}")
    return Coder.load(icd_store, embeddings=True)


def codes(coder: Coder, text: str) -> list[tuple[str, str]]:
    return [(item.code, item.path[0]) for item in coder.code(text, day=DAY).diagnoses]


def test_a_lay_paraphrase_is_read_by_meaning(embedding_coder: Coder) -> None:
    found = codes(embedding_coder, "Assessment:\n1. Iron poor blood.")
    assert [code for code, _ in found] == ["D50.9"]
    assert found[0][1].startswith("embedding:")


def test_what_the_lexicon_reads_is_not_read_again(embedding_coder: Coder) -> None:
    found = codes(embedding_coder, "Assessment:\n1. Essential hypertension.")
    assert found == [("I10", found[0][1])]
    assert not found[0][1].startswith("embedding:")


def test_a_loose_likeness_is_not_taken(embedding_coder: Coder) -> None:
    # The nearest title shares only the body part ("Injury of nerves at ankle and foot level").
    assert not any(code.startswith("S") for code, _ in codes(embedding_coder, "Assessment:\n1. Bad nerves in feet."))


def test_the_stage_is_off_unless_asked(coder: Coder) -> None:
    assert coder.code("Assessment:\n1. Iron poor blood.", day=DAY).diagnoses == ()


def test_evidence_of_a_paraphrase_is_the_items_head(embedding_coder: Coder) -> None:
    text = "Assessment:\n1. Iron poor blood - start ferrous sulfate."
    item = embedding_coder.code(text, day=DAY).diagnoses[0]
    assert [span.text for span in item.evidence] == ["Iron poor blood"]
    assert text[item.evidence[0].start : item.evidence[0].end] == "Iron poor blood"
