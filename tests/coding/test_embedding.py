import json
from pathlib import Path

import numpy as np
import pytest

from revcycle.coding.embedding import Embedder, EmbeddingUnavailable, PhraseIndex, model_folder

REFERENCE = Path(__file__).resolve().parent.parent / "fixtures" / "coding" / "minilm_reference.json"
# Tabular descriptions of a few common outpatient codes.
DESCRIPTIONS = {
    "I21.9": "Acute myocardial infarction, unspecified",
    "I10": "Essential (primary) hypertension",
    "I48.91": "Unspecified atrial fibrillation",
    "J18.9": "Pneumonia, unspecified organism",
    "E11.9": "Type 2 diabetes mellitus without complications",
    "N39.0": "Urinary tract infection, site not specified",
    "K21.9": "Gastro-esophageal reflux disease without esophagitis",
    "M54.50": "Low back pain, unspecified",
    "E78.5": "Hyperlipidemia, unspecified",
    "J06.9": "Acute upper respiratory infection, unspecified",
}


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder.load()


@pytest.fixture(scope="module")
def index(embedder: Embedder) -> PhraseIndex:
    return PhraseIndex.build(embedder, list(DESCRIPTIONS.values()), list(DESCRIPTIONS))


def reference() -> tuple[list[str], np.ndarray]:
    saved = json.loads(REFERENCE.read_text(encoding="utf-8"))
    texts = [entry["text"] for entry in saved["texts"]]
    return texts, np.array([entry["vector"] for entry in saved["texts"]], dtype=np.float32)


@pytest.mark.parametrize("batch_size", [1, 8, 64])
def test_vectors_match_sentence_transformers(embedder: Embedder, batch_size: int) -> None:
    texts, expected = reference()
    assert embedder.max_tokens == json.loads(REFERENCE.read_text(encoding="utf-8"))["max_tokens"]

    vectors = embedder.embed(texts, batch_size=batch_size)

    for text, got, want in zip(texts, vectors, expected, strict=True):
        cosine = float(got @ want / np.linalg.norm(want))
        assert cosine >= 0.9999, text
        assert float(np.abs(got - want).max()) <= 1e-4, text


def test_the_reference_covers_truncation(embedder: Embedder) -> None:
    texts, _ = reference()
    longest = max(texts, key=len)

    assert len(Embedder.load(max_tokens=512).tokenizer.encode(longest).ids) > embedder.max_tokens


def test_vectors_are_unit_float32_rows_in_input_order(embedder: Embedder) -> None:
    texts = ["UTI", "Type 2 diabetes mellitus with diabetic chronic kidney disease", "", "UTI"]

    vectors = embedder.embed(texts)

    assert vectors.shape == (4, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[3], atol=1e-6)
    np.testing.assert_allclose(vectors[1], embedder.embed([texts[1]])[0], atol=1e-5)


def test_no_texts_give_no_rows(embedder: Embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("heart attack", "I21.9"),
        ("high blood pressure", "I10"),
        ("bladder infection", "N39.0"),
        ("acid reflux", "K21.9"),
        ("high cholesterol", "E78.5"),
        ("sugar diabetes", "E11.9"),
    ],
)
def test_a_paraphrase_is_nearest_its_code(embedder: Embedder, index: PhraseIndex, phrase: str, code: str) -> None:
    [found] = index.nearest(embedder.embed([phrase]), 3)

    assert found[0][0] == code
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_a_key_with_several_phrases_is_listed_once_with_its_best_score(embedder: Embedder) -> None:
    phrases = ["Essential (primary) hypertension", "high blood pressure", "Hyperlipidemia, unspecified"]
    index = PhraseIndex.build(embedder, phrases, ["I10", "I10", "E78.5"])

    [found] = index.nearest(embedder.embed(["high blood pressure"]), 5)

    assert [key for key, _ in found] == ["I10", "E78.5"]
    assert found[0][1] == pytest.approx(1, abs=1e-5)


def test_nearest_with_nothing_to_return(embedder: Embedder, index: PhraseIndex) -> None:
    queries = embedder.embed(["cough", "fever"])

    assert index.nearest(queries, 0) == [[], []]
    assert PhraseIndex.build(embedder, [], []).nearest(queries, 3) == [[], []]


def test_phrases_and_keys_must_pair_up(embedder: Embedder) -> None:
    with pytest.raises(ValueError, match=r"shorter|longer"):
        PhraseIndex.build(embedder, ["Hypertension", "Asthma"], ["I10"])


def test_the_cache_round_trips_and_is_reused(embedder: Embedder, index: PhraseIndex, tmp_path: Path) -> None:
    path = tmp_path / "cache" / "icd10cm.npz"
    phrases, keys = list(DESCRIPTIONS.values()), list(DESCRIPTIONS)

    built = PhraseIndex.cached(embedder, phrases, keys, path)
    written = path.stat().st_mtime_ns
    again = PhraseIndex.cached(embedder, phrases, keys, path)

    assert path.stat().st_mtime_ns == written
    for found in (built, again, PhraseIndex.load(path)):
        assert found is not None
        assert found.keys == index.keys
        assert found.digest == index.digest
        np.testing.assert_array_equal(found.starts, index.starts)
        np.testing.assert_allclose(found.vectors, index.vectors, atol=1e-6)


def test_a_stale_cache_is_rebuilt(embedder: Embedder, tmp_path: Path) -> None:
    path = tmp_path / "icd10cm.npz"
    PhraseIndex.cached(embedder, ["Essential (primary) hypertension"], ["I10"], path)

    rebuilt = PhraseIndex.cached(embedder, ["Hyperlipidemia, unspecified"], ["E78.5"], path)

    assert rebuilt.keys == ("E78.5",)
    np.testing.assert_allclose(rebuilt.vectors, embedder.embed(["Hyperlipidemia, unspecified"]), atol=1e-6)
    saved = PhraseIndex.load(path)
    assert saved is not None
    assert saved.keys == ("E78.5",)


def test_a_cache_of_another_truncation_is_stale(embedder: Embedder) -> None:
    shorter = Embedder.load(max_tokens=16)

    assert shorter.fingerprint != embedder.fingerprint
    assert PhraseIndex.digest_of(shorter, ["Asthma"], ["J45.909"]) != PhraseIndex.digest_of(
        embedder, ["Asthma"], ["J45.909"]
    )


def test_an_unreadable_cache_is_rebuilt(embedder: Embedder, tmp_path: Path) -> None:
    path = tmp_path / "icd10cm.npz"
    path.write_bytes(b"not an npz file")

    assert PhraseIndex.load(path) is None
    assert PhraseIndex.cached(embedder, ["Asthma"], ["J45.909"], path).keys == ("J45.909",)
    assert PhraseIndex.load(tmp_path / "absent.npz") is None


def test_a_missing_model_package_is_a_clear_error() -> None:
    with pytest.raises(EmbeddingUnavailable, match="not installed: install the package"):
        Embedder.load("revcycle-no-such-model-package")


def test_a_package_without_weights_is_a_clear_error() -> None:
    with pytest.raises(EmbeddingUnavailable, match=r"holds no model\.safetensors"):
        model_folder("numpy")


def test_truncation_outside_the_models_positions_is_refused() -> None:
    with pytest.raises(EmbeddingUnavailable, match="max_tokens"):
        Embedder.load(max_tokens=513)
