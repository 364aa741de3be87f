"""The embedding stage: an assessment item the lexicon cannot read is matched by meaning.

"Water on the knee" holds no tabular word for effusion; its embedding (all-MiniLM-L6-v2, `revcycle.coding.embedding`)
is nearest "Effusion of knee". The stage only reads what the lexicon left: assessment items (or, in a note without
an assessment, its chief complaint) in which no term matched. Each item's head (up to its first dash, colon, comma
or semicolon, at most ten words) is compared with the category titles of the release,
and taken only when it is near one of them and clearly nearer than to the next (cosine and margin below), since a
wrong code is worse than none. The category is then made specific from the item's words like any other mention.

The phrase index is built once per release and model (a few seconds per thousand phrases) and cached on disk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_cache_dir
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from revcycle.coding.document import Note, SectionKind, Sentence
from revcycle.coding.embedding import Embedder, PhraseIndex
from revcycle.coding.lexicon import EXCLUDED_CHAPTERS, Lexicon

THRESHOLD = 0.7
"""The least cosine at which an item is taken to say a category. all-MiniLM-L6-v2 is a general-language model:
lay paraphrases score 0.45-0.7 against terse tabular titles, and so do wrong titles that share a body part ("bad
nerves in feet" is 0.74 from "Injury of nerves at ankle and foot level"), so the stage takes only close matches."""
MARGIN = 0.05
"""How much nearer the best category must be than the next."""
HEAD_WORDS = 10
_HEAD_END = re.compile(r"\s[-\u2013\u2014]\s|[:;,(]|\s+-\s*$")
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.)]|#\d{1,2}|[-*•])\s*")
WHERE = frozenset({SectionKind.ASSESSMENT})
UNREACHED = EXCLUDED_CHAPTERS | {"19"}
"""Injuries are not reached by meaning: their codes need the circumstances a term states (site, encounter)."""
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Paraphrase:
    """An item matched by meaning: its sentence, the head that was compared, the category and the cosine."""

    sentence: Sentence
    start: int
    end: int
    key: str
    phrase: str
    cosine: float


def index_phrases(lexicon: Lexicon) -> tuple[list[str], list[str]]:
    """The phrases the stage compares with, and their code keys: the category titles of the release.

    Categories, not codes: a head names a condition, and its words then choose the code, as for a term; not the
    synonym table's short phrases, whose single shared word ("knee") would outscore the right title; and no
    injuries (see `UNREACHED`).
    """
    phrases: list[str] = []
    keys: list[str] = []
    for key, info in sorted(lexicon.codes.items()):
        if len(key) == 3 and info.chapter not in UNREACHED and not info.description.lower().startswith("other"):
            phrases.append(info.description)
            keys.append(key)
    return phrases, keys


@dataclass
class ParaphraseStage:
    """The model and the phrase index of one release."""

    embedder: Embedder
    index: PhraseIndex
    # A note's few heads are small matrix products, for which one BLAS thread is 4-10 times faster than two when
    # the machine's cores are busy (benchmarks/bench_embedding.py); large index builds keep the default.
    threads: ThreadpoolController = field(default_factory=ThreadpoolController)

    @classmethod
    def load(cls, lexicon: Lexicon, cache: Path | None = None) -> ParaphraseStage:
        """The stage for a lexicon's release, its index read from the cache or built and cached.

        Raises:
            EmbeddingUnavailable: the model's package is not installed.
        """
        embedder = Embedder.load()
        phrases, keys = index_phrases(lexicon)
        folder = cache or Path(user_cache_dir("revcycle", appauthor=False)) / "coding"
        path = folder / f"paraphrase-{lexicon.release.sha256[:16]}.npz"
        return cls(embedder, PhraseIndex.cached(embedder, phrases, keys, path))

    def match(self, note: Note, read: set[int]) -> list[Paraphrase]:
        """The items of ``note`` no term matched (``read``: sentence starts the lexicon matched) said by meaning."""
        items = [sentence for sentence in _items(note) if sentence.start not in read]
        heads = [_head(note.text, sentence) for sentence in items]
        wanted = [(sentence, head) for sentence, head in zip(items, heads, strict=True) if head is not None]
        if not wanted:
            return []
        with self.threads.limit(limits=1, user_api="blas"):
            vectors = self.embedder.embed([note.text[start:end] for _, (start, end) in wanted])
        found = []
        for (sentence, (start, end)), nearest in zip(wanted, self.index.nearest(vectors, 2), strict=True):
            best, cosine = nearest[0]
            runner_up = nearest[1][1] if len(nearest) > 1 else 0.0
            if cosine >= THRESHOLD and cosine - runner_up >= MARGIN:
                found.append(Paraphrase(sentence, start, end, best, note.text[start:end], round(cosine, 3)))
        return found


def _items(note: Note) -> Sequence[Sentence]:
    items = [sentence for sentence in note.sentences if sentence.section.kind in WHERE]
    if items:
        return items
    return [sentence for sentence in note.sentences if sentence.section.kind is SectionKind.CHIEF_COMPLAINT]


def _head(text: str, sentence: Sentence) -> tuple[int, int] | None:
    """The span of an item's head: its text up to a dash, colon or semicolon, without a list number."""
    body = text[sentence.start : sentence.end]
    number = _LIST_NUMBER.match(body)
    start = sentence.start + (number.end() if number else 0)
    cut = _HEAD_END.search(text, start, sentence.end)
    end = cut.start() if cut else sentence.end
    words = list(_WORD.finditer(text, start, end))
    if not 1 <= len(words) <= HEAD_WORDS + 5:
        return None
    start, end = words[0].start(), words[min(len(words), HEAD_WORDS) - 1].end()
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if end > start else None
